-- @incremental: customer_id from gold.order_summary
-- One row per customer with at least one valid order (guest orders belong to no customer): the order facts
-- that customer_clv, rfm, dim_customers and the cohorts read, computed once.
--   order_count = distinct orders (COUNT(*) of order_summary rows when gold.order_totals says each order
--   is one row, the same number); revenue = Σ order revenue.
SELECT
  customer_id,
  MIN(order_date) AS first_order_date,
  MAX(order_date) AS last_order_date,
  CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN COUNT(*)
    ELSE COUNT(DISTINCT order_id) FILTER (WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)) END AS order_count,
  SUM(revenue) AS revenue
FROM gold.order_summary
WHERE customer_id IS NOT NULL
GROUP BY customer_id
