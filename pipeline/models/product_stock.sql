-- A product's current stock = the sum, over its warehouses, of each warehouse's latest count at or
-- before --as-of. One row per product with a count; empty without inventory.
SELECT
  product_id,
  SUM(stock_quantity) AS current_stock,
  COUNT(*) AS warehouses,
  SUM(CASE WHEN stock_quantity = 0 THEN 1 ELSE 0 END) AS warehouses_at_zero,
  MAX(last_updated) AS last_count_at
FROM gold.warehouse_stock
GROUP BY product_id
