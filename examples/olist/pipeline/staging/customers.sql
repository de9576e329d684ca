-- Canonical customers of the Olist shop: one row per person (customer_unique_id). A person with several
-- customer records takes the city and state of the first record in the file; the lineage points at it.
SELECT
  customer_unique_id AS customer_id,
  arg_min(customer_city, _record_number) AS city,
  arg_min(customer_state, _record_number) AS state,
  'Brazil' AS country,
  arg_min(_source_file, _record_number) AS _source_file,
  min(_record_number) AS _record_number
FROM raw.olist_customers
GROUP BY customer_unique_id
