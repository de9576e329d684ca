-- Low-stock alerts: latest stock <= low_stock_threshold (level out_of_stock when 0, else low), with days of cover.
SELECT
  p.product_id,
  p.product_name,
  p.category,
  p.latest_snapshot_date,
  p.latest_stock,
  CASE WHEN p.latest_stock = 0 THEN 'out_of_stock' ELSE 'low' END AS level,
  c.days_of_cover
FROM gold.dim_products AS p
LEFT JOIN gold.days_of_cover AS c ON c.product_id = p.product_id
WHERE p.low_stock
