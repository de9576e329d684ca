-- One row per product, with its latest inventory snapshot on or before --as-of.
-- low_stock: latest stock_quantity <= low_stock_threshold; NULL when the product has no snapshot (unknown).
WITH ranked AS (
  SELECT
    product_id,
    snapshot_date,
    stock_quantity,
    ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY snapshot_date DESC) AS recency
  FROM conformed.inventory
  WHERE snapshot_date <= CAST({{ as_of }} AS DATE)
)
SELECT
  p.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  p.price,
  p.cost,
  p.price - p.cost AS unit_margin,
  r.snapshot_date AS latest_snapshot_date,
  r.stock_quantity AS latest_stock,
  r.stock_quantity <= {{ low_stock_threshold }} AS low_stock
FROM conformed.products AS p
LEFT JOIN ranked AS r ON r.product_id = p.product_id AND r.recency = 1
