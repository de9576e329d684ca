-- @requires: inventory
-- Each product's last day of gold.stock_history (its stock now, from the history of counts): the gold
-- contracts reconcile it with gold.product_stock, two computations of the same current stock.
WITH ranked AS (
  SELECT product_id, count_date, stock, ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY count_date DESC) AS recency
  FROM gold.stock_history
)
SELECT product_id, count_date, stock
FROM ranked
WHERE recency = 1
