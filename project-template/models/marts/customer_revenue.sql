-- Revenue per customer from completed orders only.
select
    customer,
    count(*)                                    as orders,
    sum(amount_dollars)                         as revenue_dollars,
    count(*) filter (
        where amount_dollars < {{ var('small_order_dollars', 20) }}
    )                                           as small_orders,
    min(ordered_at)                             as first_order_at
from {{ ref('stg_orders') }}
where status = 'completed'
group by customer
