-- The airport joins in fact_flights are inner joins; they must not drop or
-- duplicate flights. Returns a row if the counts differ.
with counts as (
    select
        (select count(*) from {{ ref('stg_flights') }})  as staging_rows,
        (select count(*) from {{ ref('fact_flights') }}) as fact_rows
)

select staging_rows, fact_rows
from counts
where staging_rows <> fact_rows
