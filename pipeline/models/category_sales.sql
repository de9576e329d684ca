-- @requires: products
-- Revenue by category over the whole period, with its share of total revenue; from the day × category
-- sums of gold.category_daily (exact decimals). order_count = distinct orders of the category: the sum of
-- the daily counts when gold.order_totals says each order is one row (an order then has one date), else
-- counted on the order lines.
WITH distinct_orders AS (
  SELECT category, COUNT(DISTINCT order_id) AS order_count
  FROM gold.orders_enriched
  WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)
  GROUP BY category
),
sales AS (
  SELECT
    category,
    SUM(revenue) AS revenue,
    SUM(margin) AS margin,
    SUM(revenue_with_cost) AS revenue_with_cost,
    SUM(units) AS units,
    CAST(SUM(order_count) AS BIGINT) AS summed_order_count
  FROM gold.category_daily
  GROUP BY category
)
SELECT
  s.category,
  s.revenue,
  s.margin,
  s.margin / NULLIF(s.revenue_with_cost, 0) AS margin_rate,
  s.units,
  CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN s.summed_order_count ELSE d.order_count END AS order_count,
  s.revenue / NULLIF(SUM(s.revenue) OVER (), 0) AS revenue_share
FROM sales AS s
LEFT JOIN distinct_orders AS d ON d.category = s.category
