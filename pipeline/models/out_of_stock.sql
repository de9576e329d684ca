-- @requires: inventory
-- @optional: products
-- Products out of stock: current stock 0 (every warehouse's latest count at or before --as-of is 0).
SELECT
  s.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  s.current_stock,
  s.warehouses,
  s.last_count_at
FROM gold.product_stock AS s
LEFT JOIN conformed.products AS p ON p.product_id = s.product_id
WHERE s.current_stock = 0
