-- Overall return rate = returned units / sold units (one row).
SELECT
  SUM(sold_units) AS sold_units,
  SUM(returned_units) AS returned_units,
  SUM(return_lines) AS return_lines,
  SUM(returned_units) * 1.0 / NULLIF(SUM(sold_units), 0) AS return_rate
FROM gold.returns_by_product
