-- @requires: products
-- Revenue per day × category (days and categories with sales).
SELECT
  order_date,
  category,
  SUM(amount) AS revenue,
  SUM(margin) AS margin,
  SUM(quantity) AS units,
  COUNT(DISTINCT order_id) AS order_count,
  COUNT(*) AS order_lines
FROM gold.orders_enriched
GROUP BY order_date, category
