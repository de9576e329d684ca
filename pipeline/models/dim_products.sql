-- One row per product, with its current stock (sum over warehouses of each one's latest count at or
-- before --as-of; NULL when the product has no count or there is no inventory).
-- low_stock: current_stock <= low_stock_threshold; NULL when the stock is unknown.
SELECT
  p.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  p.brand,
  p.price,
  p.cost,
  p.price - p.cost AS unit_margin,
  s.current_stock,
  s.warehouses,
  s.last_count_at,
  s.current_stock <= {{ low_stock_threshold }} AS low_stock
FROM conformed.products AS p
LEFT JOIN gold.product_stock AS s ON s.product_id = p.product_id
