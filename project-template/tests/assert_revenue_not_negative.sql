-- A singular test returns the rows that fail: here, customers with negative revenue.
select customer, revenue_dollars
from {{ ref('customer_revenue') }}
where revenue_dollars < 0
