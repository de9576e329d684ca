-- @requires: inventory
-- @optional: products
-- Low-stock alerts: current stock <= low_stock_threshold (level out_of_stock when 0, else low), with days of cover.
SELECT
  s.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  s.last_count_at,
  s.current_stock,
  CASE WHEN s.current_stock = 0 THEN 'out_of_stock' ELSE 'low' END AS level,
  c.days_of_cover
FROM gold.product_stock AS s
LEFT JOIN conformed.products AS p ON p.product_id = s.product_id
LEFT JOIN gold.days_of_cover AS c ON c.product_id = s.product_id
WHERE s.current_stock <= {{ low_stock_threshold }}
