-- Route scorecard: one row per directed origin -> destination airport pair.
select
    origin_airport_key,
    destination_airport_key,
    origin_iata,
    destination_iata,
    route_code,
    count(*)                                                as flights,
    round(avg(delay_minutes), 2)                            as avg_delay_minutes,
    round(avg(cast(is_on_time as integer)), 4)              as on_time_rate,
    round(avg(distance_miles), 1)                           as avg_distance_miles,
    -- only late minutes count as lost time; early departures do not offset them
    {{ minutes_to_hours('sum(greatest(delay_minutes, 0))', 1) }} as total_delay_hours
from {{ ref('int_flight_routes') }}
group by all
