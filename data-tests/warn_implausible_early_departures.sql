{{ config(severity='warn') }}
-- Flights recorded as departing more than `implausible_delay_minutes` early.
-- Long *delays* happen (77 flights are 1000+ minutes late), but leaving 16+
-- hours early is a recording error. One known row (-1116) trips this, so the
-- test is a warning: we keep the row but want it visible.
select
    flight_id,
    departed_at,
    origin_iata,
    destination_iata,
    delay_minutes
from {{ ref('stg_flights') }}
where delay_minutes < -{{ var('implausible_delay_minutes', 1000) }}
