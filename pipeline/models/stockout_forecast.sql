-- @requires: inventory
-- @optional: products
-- Stock-out forecast per product × warehouse (each warehouse's latest count at or before --as-of).
-- Sales are not recorded per warehouse: a product's daily rate (units sold in the stockout.window_days
-- days ending at --as-of / window_days) is split evenly over the warehouses that counted it.
--   days_until_stockout = stock / warehouse rate; 0 when the stock is 0; NULL when the product did not sell
--   stockout_date       = --as-of + floor(days_until_stockout) (NULL beyond 100 years)
--   reorder             = the warehouse runs out within stockout.lead_time_days (and the product sells)
--   reorder_quantity    = ceil(warehouse rate × (lead_time_days + target_cover_days)) − stock, at least 0
WITH recent AS (
  SELECT product_id, SUM(quantity) AS units
  FROM gold.orders_enriched
  WHERE order_date > CAST({{ as_of }} AS DATE) - {{ stockout_window_days }}
    AND order_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
),
spread AS (
  SELECT product_id, COUNT(*) AS warehouses FROM gold.warehouse_stock GROUP BY product_id
),
rated AS (
  SELECT
    w.product_id,
    w.warehouse_id,
    w.stock_quantity AS stock,
    w.last_updated AS last_count_at,
    COALESCE(r.units, 0) AS product_units_in_window,
    COALESCE(r.units, 0) * 1.0 / {{ stockout_window_days }} / s.warehouses AS daily_rate
  FROM gold.warehouse_stock AS w
  JOIN spread AS s ON s.product_id = w.product_id
  LEFT JOIN recent AS r ON r.product_id = w.product_id
),
forecast AS (
  SELECT
    *,
    CASE WHEN stock <= 0 THEN 0.0 WHEN daily_rate > 0 THEN stock / daily_rate END AS days_until_stockout
  FROM rated
)
SELECT
  f.product_id,
  f.warehouse_id,
  p.name AS product_name,
  CAST(f.stock AS BIGINT) AS stock,
  f.last_count_at,
  CAST(f.product_units_in_window AS BIGINT) AS product_units_in_window,
  {{ stockout_window_days }} AS window_days,
  f.daily_rate,
  f.days_until_stockout,
  CASE WHEN f.days_until_stockout <= 36500 THEN CAST(CAST({{ as_of }} AS DATE) + CAST(FLOOR(f.days_until_stockout) AS INTEGER) AS DATE) END AS stockout_date,
  COALESCE(f.days_until_stockout <= {{ stockout_lead_time_days }} AND f.daily_rate > 0, FALSE) AS reorder,
  CASE WHEN f.days_until_stockout <= {{ stockout_lead_time_days }} AND f.daily_rate > 0
    THEN CAST(GREATEST(CEIL(f.daily_rate * ({{ stockout_lead_time_days }} + {{ stockout_target_cover_days }})) - f.stock, 0) AS BIGINT)
    ELSE 0 END AS reorder_quantity
FROM forecast AS f
LEFT JOIN conformed.products AS p ON p.product_id = f.product_id
