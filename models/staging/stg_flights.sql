{{ config(materialized='table') }}
-- One row per flight from the raw parquet file, renamed and typed.
-- The source has no key and even exact duplicate rows, so flight_id is a
-- surrogate numbered over every column (stable across rebuilds).
--
-- Materialised as a table, overriding the staging folder's `view` default:
-- the window over 3M rows costs about a second, and a view would redo it for
-- every downstream model and test that reads it.
select
    cast(row_number() over (
        order by date, origin, destination, delay, distance
    ) as bigint)                      as flight_id,
    cast(date as timestamp)           as departed_at,
    cast(date as date)                as flight_date,
    cast(delay as integer)            as delay_minutes,    -- negative = departed early
    cast(distance as integer)         as distance_miles,
    upper(trim(origin))               as origin_iata,
    upper(trim(destination))          as destination_iata
from {{ source('lake', 'flights') }}
