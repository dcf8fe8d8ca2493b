-- Daily scorecard: one row per calendar day in dim_date. Left join so a day
-- without flights would still appear (with flights = 0).
select
    d.date_key,
    d.date_day,
    d.day_name,
    d.is_weekend,
    count(f.flight_id)                                      as flights,
    round(avg(f.delay_minutes), 2)                          as avg_delay_minutes,
    round(avg(cast(f.is_on_time as integer)), 4)            as on_time_rate,
    {{ minutes_to_hours('sum(greatest(f.delay_minutes, 0))') }} as total_delay_hours
from {{ ref('dim_date') }} as d
left join {{ ref('fact_flights') }} as f on f.date_key = d.date_key
group by all
