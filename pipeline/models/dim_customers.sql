-- @incremental: customer_id from conformed.customers
-- @lookup: gold.customer_orders, gold.customer_premium by customer_id
-- One row per customer (name/email already masked by the conformed view), with order activity and the
-- premium flag of gold.customer_premium. Guest orders (no customer_id) belong to no customer.
WITH activity AS (
  SELECT customer_id, first_order_date, last_order_date, order_count, revenue AS lifetime_revenue
  FROM gold.customer_orders
)
SELECT
  c.customer_id,
  c.name,
  c.email,
  c.city,
  c.country,
  c.registration_date,
  c.loyalty_tier,
  a.first_order_date,
  a.last_order_date,
  COALESCE(a.order_count, 0) AS order_count,
  COALESCE(a.lifetime_revenue, 0.0) AS lifetime_revenue,
  COALESCE(cp.is_premium_customer, FALSE) AS is_premium_customer
FROM conformed.customers AS c
LEFT JOIN activity AS a ON a.customer_id = c.customer_id
LEFT JOIN gold.customer_premium AS cp ON cp.customer_id = c.customer_id
