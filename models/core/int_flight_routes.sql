{{ config(materialized='ephemeral') }}
-- Flights enriched with readable route labels. Ephemeral: never built on its
-- own, inlined as a CTE into the marts that ref it.
select
    f.flight_id,
    f.origin_airport_key,
    f.destination_airport_key,
    o.iata                          as origin_iata,
    d.iata                          as destination_iata,
    o.iata || '-' || d.iata         as route_code,
    f.delay_minutes,
    f.distance_miles,
    f.is_on_time
from {{ ref('fact_flights') }} as f
inner join {{ ref('dim_airport') }} as o on o.airport_key = f.origin_airport_key
inner join {{ ref('dim_airport') }} as d on d.airport_key = f.destination_airport_key
