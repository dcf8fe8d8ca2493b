-- Both marts must account for every flight in the fact table exactly once:
-- returns one row per mart whose flight total differs from the fact row count.
with fact as (
    select count(*) as flights from {{ ref('fact_flights') }}
),

mart_totals as (
    select 'mart_route_performance' as mart, sum(flights) as flights
    from {{ ref('mart_route_performance') }}
    union all
    select 'mart_daily_performance' as mart, sum(flights) as flights
    from {{ ref('mart_daily_performance') }}
)

select
    m.mart,
    m.flights  as mart_flights,
    fact.flights as fact_flights
from mart_totals as m
cross join fact
where m.flights is distinct from fact.flights
