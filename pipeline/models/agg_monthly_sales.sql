-- Revenue and orders per calendar month (an order is counted once per month).
-- order_count = distinct orders of the month (COUNT(*) of order_summary rows when gold.order_totals says
-- each order is one row, the same number).
WITH monthly AS (
  SELECT
    CAST(EXTRACT(YEAR FROM order_date) AS INTEGER) AS year,
    CAST(EXTRACT(MONTH FROM order_date) AS INTEGER) AS month,
    CAST(DATE_TRUNC('month', order_date) AS DATE) AS month_start,
    SUM(revenue) AS revenue,
    SUM(margin) AS margin,
    SUM(revenue_with_cost) AS revenue_with_cost,
    CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN COUNT(*)
      ELSE COUNT(DISTINCT order_id) FILTER (WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)) END AS order_count,
    SUM(units) AS units,
    COUNT(DISTINCT customer_id) AS customers
  FROM gold.order_summary
  GROUP BY 1, 2, 3
)
SELECT
  year,
  month,
  month_start,
  revenue,
  margin,
  margin / NULLIF(revenue_with_cost, 0) AS margin_rate,
  order_count,
  units,
  customers,
  revenue / order_count AS aov
FROM monthly
