-- Stock rotation per product = units sold over the order period / average stock over its snapshots
-- (snapshots on or before --as-of). NULL when the average stock is 0.
WITH stock AS (
  SELECT product_id, AVG(stock_quantity) AS avg_stock, COUNT(*) AS snapshots
  FROM conformed.inventory
  WHERE snapshot_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
),
sold AS (
  SELECT product_id, units AS units_sold FROM gold.product_sales
)
SELECT
  p.product_id,
  p.product_name,
  p.category,
  COALESCE(s.units_sold, 0) AS units_sold,
  k.avg_stock,
  k.snapshots,
  COALESCE(s.units_sold, 0) / NULLIF(k.avg_stock, 0) AS rotation
FROM gold.dim_products AS p
JOIN stock AS k ON k.product_id = p.product_id
LEFT JOIN sold AS s ON s.product_id = p.product_id
