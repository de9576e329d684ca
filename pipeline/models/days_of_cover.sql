-- @requires: inventory
-- @optional: products
-- Days of cover per product with a count = current stock / average daily units sold over the
-- cover_window_days days ending at --as-of (as_of − window + 1 … as_of). NULL when nothing sold.
WITH recent AS (
  SELECT product_id, SUM(quantity) AS units
  FROM gold.orders_enriched
  WHERE order_date > CAST({{ as_of }} AS DATE) - {{ cover_window_days }}
    AND order_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
)
SELECT
  s.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  s.current_stock,
  COALESCE(r.units, 0) AS units_in_window,
  {{ cover_window_days }} AS window_days,
  COALESCE(r.units, 0) * 1.0 / {{ cover_window_days }} AS avg_daily_units,
  s.current_stock / NULLIF(COALESCE(r.units, 0) * 1.0 / {{ cover_window_days }}, 0) AS days_of_cover
FROM gold.product_stock AS s
LEFT JOIN conformed.products AS p ON p.product_id = s.product_id
LEFT JOIN recent AS r ON r.product_id = s.product_id
