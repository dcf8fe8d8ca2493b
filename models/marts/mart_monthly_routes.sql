{{ config(
    materialized='external',
    partition_by=['year', 'month'],
    compression='zstd'
) }}
-- Curated zone: monthly route figures written as Hive-partitioned Parquet
-- (lake/marts/mart_monthly_routes/year=2001/month=1/...), readable by any
-- Parquet tool. dops keeps a view over the files so ref() still works.
select
    d.year,
    d.month,
    o.iata                                                  as origin_iata,
    a.iata                                                  as destination_iata,
    count(*)                                                as flights,
    round(avg(f.delay_minutes), 2)                          as avg_delay_minutes,
    round(avg(cast(f.is_on_time as integer)), 4)            as on_time_rate
from {{ ref('fact_flights') }} as f
inner join {{ ref('dim_date') }} as d on d.date_key = f.date_key
inner join {{ ref('dim_airport') }} as o on o.airport_key = f.origin_airport_key
inner join {{ ref('dim_airport') }} as a on a.airport_key = f.destination_airport_key
group by all
