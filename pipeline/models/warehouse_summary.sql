-- @requires: inventory
-- Per warehouse: products with a count, units in stock and products at 0 there now (latest counts at or
-- before --as-of), and its own stock-out rate over the period = its counts at 0 / its counts in the
-- period (first order date … --as-of). Sales are not by warehouse, so rotation and cover stay per product.
WITH period AS (
  SELECT COALESCE(MIN(date_key), CAST({{ as_of }} AS DATE)) AS first_day FROM gold.dim_date
),
counts AS (
  SELECT
    i.warehouse_id,
    COUNT(*) AS counts,
    SUM(CASE WHEN i.stock_quantity = 0 THEN 1 ELSE 0 END) AS zero_counts
  FROM conformed.inventory AS i
  CROSS JOIN period AS t
  WHERE CAST(i.last_updated AS DATE) >= t.first_day AND CAST(i.last_updated AS DATE) <= CAST({{ as_of }} AS DATE)
  GROUP BY i.warehouse_id
),
now AS (
  SELECT
    warehouse_id,
    COUNT(*) AS products,
    SUM(stock_quantity) AS units_in_stock,
    SUM(CASE WHEN stock_quantity = 0 THEN 1 ELSE 0 END) AS products_at_zero,
    MAX(last_updated) AS last_count_at
  FROM gold.warehouse_stock
  GROUP BY warehouse_id
)
SELECT
  n.warehouse_id,
  n.products,
  n.units_in_stock,
  n.products_at_zero,
  n.last_count_at,
  COALESCE(c.counts, 0) AS counts_in_period,
  COALESCE(c.zero_counts, 0) AS zero_counts_in_period,
  c.zero_counts * 1.0 / NULLIF(c.counts, 0) AS stock_out_rate
FROM now AS n
LEFT JOIN counts AS c ON c.warehouse_id = n.warehouse_id
