-- Airports seed, cleaned: the CSV uses the literal string 'NA' for unknown
-- city/state, and some names carry doubled spaces. Casts keep types explicit
-- whatever the seed loader inferred.
select
    upper(trim(cast(iata as varchar)))                              as iata,
    regexp_replace(trim(cast(name as varchar)), '\s+', ' ', 'g')    as name,
    nullif(trim(cast(city as varchar)), 'NA')                       as city,
    nullif(trim(cast(state as varchar)), 'NA')                      as state,
    trim(cast(country as varchar))                                  as country,
    cast(latitude as double)                                        as latitude,
    cast(longitude as double)                                       as longitude
from {{ ref('airports') }}
