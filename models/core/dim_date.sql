-- Calendar dimension: one row per day from the first to the last flight date
-- (derived from the data, so it never misses a day: the file ends on 2001-07-01).
with bounds as (
    select min(flight_date) as first_day, max(flight_date) as last_day
    from {{ ref('stg_flights') }}
),

days as (
    select cast(unnest(generate_series(
        cast(first_day as timestamp), cast(last_day as timestamp), interval 1 day
    )) as date) as date_day
    from bounds
)

select
    {{ date_key('date_day') }}              as date_key,
    date_day,
    cast(year(date_day) as integer)         as year,
    cast(quarter(date_day) as integer)      as quarter,
    cast(month(date_day) as integer)        as month,
    monthname(date_day)                     as month_name,
    cast(isodow(date_day) as integer)       as day_of_week,   -- ISO: 1 = Monday .. 7 = Sunday
    dayname(date_day)                       as day_name,
    isodow(date_day) in (6, 7)              as is_weekend
from days
