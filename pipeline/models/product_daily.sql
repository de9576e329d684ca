-- @incremental: order_date from gold.orders_enriched
-- Sales per day × product (days and products with sales): the one scan of the order lines by product that
-- product_sales, promotion_impact and return_outliers read, so that a run which adds a day computes that
-- day's rows again and the products' totals from these (an order's lines share one date where
-- order_totals.one_row_per_order holds, so the days' distinct orders add up to the product's).
--   order_count = distinct orders of the day with the product; order_lines = its lines; margin_lines =
--   the lines with a known cost. product_name/category: the catalogue's (the same on every line of a product).
SELECT
  order_date,
  product_id,
  MAX(product_name) AS product_name,
  MAX(category) AS category,
  SUM(amount) AS revenue,
  SUM(quantity) AS units,
  SUM(margin) AS margin,
  COUNT(DISTINCT order_id) AS order_count,
  COUNT(*) AS order_lines,
  COUNT(margin) AS margin_lines
FROM gold.orders_enriched
GROUP BY order_date, product_id
