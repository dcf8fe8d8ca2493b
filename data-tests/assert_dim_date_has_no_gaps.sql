-- dim_date must be a contiguous calendar: returns any day whose successor is
-- not exactly one day later.
select date_day, next_day
from (
    select
        date_day,
        lead(date_day) over (order by date_day) as next_day
    from {{ ref('dim_date') }}
)
where next_day is not null
  and next_day <> date_day + 1
