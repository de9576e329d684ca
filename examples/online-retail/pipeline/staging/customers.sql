-- Canonical customers: one per customer number on the invoice lines (guests have none), with the
-- country of their first line; the lineage points at that line.
SELECT
  customer_id,
  arg_min(country, _record_number) AS country,
  arg_min(_source_file, _record_number) AS _source_file,
  min(_record_number) AS _record_number
FROM raw.retail_lines
WHERE customer_id IS NOT NULL
GROUP BY customer_id
