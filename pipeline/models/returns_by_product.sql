-- Return rate per product = returned units / sold units (returns dated on or before --as-of).
WITH sold AS (
  SELECT product_id, units AS sold_units FROM gold.product_sales
),
returned AS (
  SELECT product_id, SUM(quantity) AS returned_units, COUNT(*) AS return_lines
  FROM conformed.returns
  WHERE return_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
)
SELECT
  p.product_id,
  p.product_name,
  p.category,
  COALESCE(s.sold_units, 0) AS sold_units,
  COALESCE(r.returned_units, 0) AS returned_units,
  COALESCE(r.return_lines, 0) AS return_lines,
  COALESCE(r.returned_units, 0) * 1.0 / NULLIF(s.sold_units, 0) AS return_rate
FROM gold.dim_products AS p
LEFT JOIN sold AS s ON s.product_id = p.product_id
LEFT JOIN returned AS r ON r.product_id = p.product_id
WHERE s.sold_units IS NOT NULL OR r.returned_units IS NOT NULL
