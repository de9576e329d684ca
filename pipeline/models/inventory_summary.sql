-- @requires: inventory
-- Inventory over the period (first order date … --as-of), one row. stock_out_rate = product-days out of
-- stock / product-days, over the days on which a product was counted (its stock at the end of the day:
-- stock_history); plus the current out-of-stock and low-stock product counts.
WITH period AS (
  SELECT COALESCE(MIN(date_key), CAST({{ as_of }} AS DATE)) AS first_day FROM gold.dim_date
),
days AS (
  SELECT
    COUNT(*) AS product_days,
    SUM(CASE WHEN h.stock = 0 THEN 1 ELSE 0 END) AS product_days_out_of_stock
  FROM gold.stock_history AS h
  CROSS JOIN period AS t
  WHERE h.count_date >= t.first_day
)
SELECT
  t.first_day AS period_start,
  CAST({{ as_of }} AS DATE) AS period_end,
  d.product_days,
  COALESCE(d.product_days_out_of_stock, 0) AS product_days_out_of_stock,
  COALESCE(d.product_days_out_of_stock, 0) * 1.0 / NULLIF(d.product_days, 0) AS stock_out_rate,
  (SELECT COUNT(*) FROM gold.product_stock) AS products_tracked,
  (SELECT COUNT(DISTINCT warehouse_id) FROM gold.warehouse_stock) AS warehouses,
  (SELECT COUNT(*) FROM gold.out_of_stock) AS out_of_stock_products,
  (SELECT COUNT(*) FROM gold.low_stock_alerts) AS low_stock_products,
  (SELECT SUM(current_stock) FROM gold.product_stock) AS units_in_stock,
  (SELECT MAX(last_count_at) FROM gold.product_stock) AS last_count_at
FROM days AS d
CROSS JOIN period AS t
