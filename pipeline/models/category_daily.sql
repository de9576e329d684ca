-- @incremental: order_date, category from gold.orders_enriched
-- Sales per day × category (days and categories with sales): the one scan of the order lines by category
-- that daily_sales_by_category, category_sales and promotion_impact read.
--   order_count = distinct orders of the day in the category; revenue_with_cost = Σ amount of the lines
--   with a known cost (the margin rate's denominator); margin_lines = lines with a known cost.
SELECT
  order_date,
  category,
  SUM(amount) AS revenue,
  SUM(margin) AS margin,
  SUM(CASE WHEN margin IS NOT NULL THEN amount END) AS revenue_with_cost,
  SUM(quantity) AS units,
  COUNT(DISTINCT order_id) AS order_count,
  COUNT(*) AS order_lines,
  COUNT(margin) AS margin_lines
FROM gold.orders_enriched
GROUP BY order_date, category
