-- Canonical products: one per stock code on the invoice lines, with the description and unit price of
-- its latest line (ties: the later line of the export). No category or cost in this export.
SELECT
  stock_code AS product_id,
  arg_max(description, (invoice_date, _record_number)) AS name,
  CAST(NULL AS VARCHAR) AS category,
  arg_max(unit_price, (invoice_date, _record_number)) AS price,
  CAST(NULL AS DOUBLE) AS cost,
  arg_min(_source_file, _record_number) AS _source_file,
  min(_record_number) AS _record_number
FROM raw.retail_lines
GROUP BY stock_code
