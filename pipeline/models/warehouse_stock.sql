-- @optional: inventory
-- Each warehouse's latest count of each product at or before --as-of (calendar date of last_updated):
-- one row per product × warehouse. Without inventory the table is empty (stock unknown, never 0).
WITH ranked AS (
  SELECT
    product_id,
    warehouse_id,
    stock_quantity,
    last_updated,
    ROW_NUMBER() OVER (PARTITION BY product_id, warehouse_id ORDER BY last_updated DESC) AS recency
  FROM conformed.inventory
  WHERE CAST(last_updated AS DATE) <= CAST({{ as_of }} AS DATE)
)
SELECT product_id, warehouse_id, stock_quantity, last_updated
FROM ranked
WHERE recency = 1
