-- @requires: inventory
-- @optional: products
-- Stock rotation per product over the period (first order date … --as-of) = units sold in the period /
-- average stock over the product's counts in the period (its stock at the end of each day on which it
-- was counted, stock_history). NULL when the average stock is 0; products without a count in the
-- period are not listed.
WITH period AS (
  SELECT COALESCE(MIN(date_key), CAST({{ as_of }} AS DATE)) AS first_day FROM gold.dim_date
),
stock AS (
  SELECT h.product_id, AVG(h.stock) AS avg_stock, COUNT(*) AS count_days
  FROM gold.stock_history AS h
  CROSS JOIN period AS t
  WHERE h.count_date >= t.first_day
  GROUP BY h.product_id
),
sold AS (
  SELECT product_id, units AS units_sold FROM gold.product_sales
)
SELECT
  k.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  COALESCE(s.units_sold, 0) AS units_sold,
  k.avg_stock,
  k.count_days,
  COALESCE(s.units_sold, 0) / NULLIF(k.avg_stock, 0) AS rotation
FROM stock AS k
LEFT JOIN conformed.products AS p ON p.product_id = k.product_id
LEFT JOIN sold AS s ON s.product_id = k.product_id
