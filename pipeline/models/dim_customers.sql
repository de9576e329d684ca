-- One row per customer (name/email already masked by the conformed view), with order activity.
WITH activity AS (
  SELECT
    customer_id,
    MIN(order_date) AS first_order_date,
    MAX(order_date) AS last_order_date,
    COUNT(DISTINCT order_id) AS order_count,
    SUM(revenue) AS lifetime_revenue
  FROM gold.order_summary
  GROUP BY customer_id
)
SELECT
  c.customer_id,
  c.name,
  c.email,
  c.country,
  c.registration_date,
  a.first_order_date,
  a.last_order_date,
  COALESCE(a.order_count, 0) AS order_count,
  COALESCE(a.lifetime_revenue, 0.0) AS lifetime_revenue,
  COALESCE(a.lifetime_revenue, 0.0) >= {{ premium_min_revenue }} AS is_premium_customer
FROM conformed.customers AS c
LEFT JOIN activity AS a ON a.customer_id = c.customer_id
