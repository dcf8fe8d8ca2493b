-- One row per order, with typed columns and amounts in dollars.
select
    cast(order_id as integer)                   as order_id,
    lower(trim(customer))                       as customer,
    lower(trim(status))                         as status,
    {{ cents_to_dollars('amount_cents') }}      as amount_dollars,
    cast(ordered_at as date)                    as ordered_at
from {{ ref('raw_orders') }}
