-- Sales per product over the whole period, ranked by revenue, by units and by margin
-- (ties broken by product_id so that the ranks are deterministic).
WITH sales AS (
  SELECT
    product_id,
    MAX(product_name) AS product_name,
    MAX(category) AS category,
    SUM(amount) AS revenue,
    SUM(quantity) AS units,
    SUM(margin) AS margin,
    COUNT(DISTINCT order_id) AS order_count
  FROM gold.orders_enriched
  GROUP BY product_id
)
SELECT
  product_id,
  product_name,
  category,
  revenue,
  units,
  margin,
  order_count,
  ROW_NUMBER() OVER (ORDER BY revenue DESC, product_id) AS revenue_rank,
  ROW_NUMBER() OVER (ORDER BY units DESC, product_id) AS units_rank,
  ROW_NUMBER() OVER (ORDER BY margin DESC NULLS LAST, product_id) AS margin_rank
FROM sales
