-- @requires: inventory
-- A product's stock at the end of each day on which any of its warehouses counted it (up to --as-of):
-- the sum over warehouses of each warehouse's latest count at or before that day (a warehouse that has
-- not counted the product yet adds nothing). Built with running sums of each warehouse's changes, so
-- that it stays one sort, whatever the number of warehouses and counts.
WITH day_counts AS (
  SELECT
    product_id,
    warehouse_id,
    CAST(last_updated AS DATE) AS count_date,
    stock_quantity,
    ROW_NUMBER() OVER (PARTITION BY product_id, warehouse_id, CAST(last_updated AS DATE) ORDER BY last_updated DESC) AS recency
  FROM conformed.inventory
  WHERE CAST(last_updated AS DATE) <= CAST({{ as_of }} AS DATE)
),
changes AS (
  SELECT
    product_id,
    count_date,
    stock_quantity - COALESCE(LAG(stock_quantity) OVER (PARTITION BY product_id, warehouse_id ORDER BY count_date), 0) AS change
  FROM day_counts
  WHERE recency = 1
)
SELECT
  product_id,
  count_date,
  CAST(SUM(SUM(change)) OVER (PARTITION BY product_id ORDER BY count_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS stock
FROM changes
GROUP BY product_id, count_date
