-- @requires: products
-- Revenue by category over the whole period, with its share of total revenue.
SELECT
  category,
  SUM(amount) AS revenue,
  SUM(margin) AS margin,
  SUM(margin) / NULLIF(SUM(CASE WHEN margin IS NOT NULL THEN amount END), 0) AS margin_rate,
  SUM(quantity) AS units,
  COUNT(DISTINCT order_id) AS order_count,
  SUM(amount) / NULLIF(SUM(SUM(amount)) OVER (), 0) AS revenue_share
FROM gold.orders_enriched
GROUP BY category
