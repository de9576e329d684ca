-- Days of cover per product with a snapshot = latest stock / average daily units sold over the
-- cover_window_days days ending at --as-of (as_of − window + 1 … as_of). NULL when nothing sold.
WITH recent AS (
  SELECT product_id, SUM(quantity) AS units
  FROM gold.orders_enriched
  WHERE order_date > CAST({{ as_of }} AS DATE) - {{ cover_window_days }}
    AND order_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
)
SELECT
  p.product_id,
  p.product_name,
  p.category,
  p.latest_stock,
  COALESCE(r.units, 0) AS units_in_window,
  {{ cover_window_days }} AS window_days,
  COALESCE(r.units, 0) * 1.0 / {{ cover_window_days }} AS avg_daily_units,
  p.latest_stock / NULLIF(COALESCE(r.units, 0) * 1.0 / {{ cover_window_days }}, 0) AS days_of_cover
FROM gold.dim_products AS p
LEFT JOIN recent AS r ON r.product_id = p.product_id
WHERE p.latest_stock IS NOT NULL
