-- Sales per product over the whole period, ranked by revenue, by units and by margin
-- (ties broken by product_id so that the ranks are deterministic).
WITH days AS (
  SELECT
    product_id,
    MAX(product_name) AS product_name,
    MAX(category) AS category,
    SUM(revenue) AS revenue,
    SUM(units) AS units,
    SUM(margin) AS margin,
    CAST(SUM(order_count) AS BIGINT) AS summed_order_count
  FROM gold.product_daily
  GROUP BY product_id
),
-- An order whose lines span several days (order_totals.one_row_per_order false) would count once per day
-- in the days' sum: then the distinct orders are counted over the lines.
distinct_orders AS (
  SELECT product_id, COUNT(DISTINCT order_id) AS order_count
  FROM gold.orders_enriched
  WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)
  GROUP BY product_id
),
sales AS (
  SELECT
    s.product_id, s.product_name, s.category, s.revenue, s.units, s.margin,
    CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN s.summed_order_count ELSE d.order_count END AS order_count
  FROM days AS s
  LEFT JOIN distinct_orders AS d ON d.product_id IS NOT DISTINCT FROM s.product_id
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
