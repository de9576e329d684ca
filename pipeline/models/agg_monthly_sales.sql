-- Revenue and orders per calendar month (an order is counted once per month).
SELECT
  year,
  month,
  month_start,
  SUM(revenue) AS revenue,
  SUM(margin) AS margin,
  SUM(margin) / NULLIF(SUM(revenue_with_cost), 0) AS margin_rate,
  COUNT(DISTINCT order_id) AS order_count,
  SUM(units) AS units,
  COUNT(DISTINCT customer_id) AS customers,
  SUM(revenue) / COUNT(DISTINCT order_id) AS aov
FROM (
  SELECT
    o.*,
    CAST(EXTRACT(YEAR FROM o.order_date) AS INTEGER) AS year,
    CAST(EXTRACT(MONTH FROM o.order_date) AS INTEGER) AS month,
    CAST(DATE_TRUNC('month', o.order_date) AS DATE) AS month_start
  FROM gold.order_summary AS o
) AS m
GROUP BY year, month, month_start
