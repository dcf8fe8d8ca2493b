-- Airport dimension: every airport in the seed (not only those with flights),
-- keyed by a compact integer surrogate numbered in IATA order.
select
    cast(row_number() over (order by iata) as integer) as airport_key,
    iata,
    name,
    city,
    state,
    country,
    latitude,
    longitude
from {{ ref('stg_airports') }}
