-- @optional: products
-- Return rate per product = returned units / sold units (returns dated on or before --as-of); every
-- product sold or returned.
WITH sold AS (
  SELECT product_id, units AS sold_units FROM gold.product_sales
),
returned AS (
  SELECT product_id, SUM(quantity) AS returned_units, COUNT(*) AS return_lines
  FROM conformed.returns
  WHERE return_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
),
ids AS (
  SELECT product_id FROM sold
  UNION
  SELECT product_id FROM returned
)
SELECT
  i.product_id,
  p.name AS product_name,
  COALESCE(p.category, 'unknown') AS category,
  COALESCE(s.sold_units, 0) AS sold_units,
  COALESCE(r.returned_units, 0) AS returned_units,
  COALESCE(r.return_lines, 0) AS return_lines,
  COALESCE(r.returned_units, 0) * 1.0 / NULLIF(s.sold_units, 0) AS return_rate
FROM ids AS i
LEFT JOIN conformed.products AS p ON p.product_id = i.product_id
LEFT JOIN sold AS s ON s.product_id = i.product_id
LEFT JOIN returned AS r ON r.product_id = i.product_id
