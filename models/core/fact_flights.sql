{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- Flight fact at the grain of one departure. Inner joins are safe here: every
-- origin/destination IATA in the flights file exists in the airports seed
-- (the relationships tests in _core.yml guard this), so no row is dropped.
--
-- Incremental: the first build (or --full-refresh) loads every flight; later
-- builds append only flights departing after the newest one already loaded,
-- so a re-run without new data in the lake inserts nothing.
select
    f.flight_id,
    {{ date_key('f.flight_date') }}        as date_key,
    o.airport_key                          as origin_airport_key,
    d.airport_key                          as destination_airport_key,
    f.departed_at,
    f.delay_minutes,
    f.distance_miles,
    {{ is_on_time('f.delay_minutes', var('on_time_threshold_minutes', 15)) }} as is_on_time
from {{ ref('stg_flights') }} as f
inner join {{ ref('dim_airport') }} as o on o.iata = f.origin_iata
inner join {{ ref('dim_airport') }} as d on d.iata = f.destination_iata
{% if is_incremental() %}
where f.departed_at > (select max(departed_at) from {{ this }})
{% endif %}
