-- Inventory over the period (snapshots on or before --as-of): stock-out rate = share of product
-- snapshots at 0, plus the current out-of-stock and low-stock product counts.
WITH snaps AS (
  SELECT
    COUNT(*) AS snapshots,
    SUM(CASE WHEN stock_quantity = 0 THEN 1 ELSE 0 END) AS zero_snapshots,
    COUNT(DISTINCT product_id) AS products_tracked,
    MIN(snapshot_date) AS first_snapshot_date,
    MAX(snapshot_date) AS last_snapshot_date
  FROM conformed.inventory
  WHERE snapshot_date <= CAST({{ as_of }} AS DATE)
)
SELECT
  s.snapshots,
  COALESCE(s.zero_snapshots, 0) AS zero_snapshots,
  COALESCE(s.zero_snapshots, 0) * 1.0 / NULLIF(s.snapshots, 0) AS stock_out_rate,
  s.products_tracked,
  (SELECT COUNT(*) FROM gold.out_of_stock) AS out_of_stock_products,
  (SELECT COUNT(*) FROM gold.low_stock_alerts) AS low_stock_products,
  s.first_snapshot_date,
  s.last_snapshot_date
FROM snaps AS s
