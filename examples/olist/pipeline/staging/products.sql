-- Canonical products of the Olist shop: the category in English (Olist's translation table), the
-- Portuguese name where the table has none. Olist publishes no names, list prices or costs.
SELECT
  p.product_id,
  CAST(NULL AS VARCHAR) AS name,
  COALESCE(t.product_category_name_english, p.product_category_name) AS category,
  CAST(NULL AS DOUBLE) AS price,
  CAST(NULL AS DOUBLE) AS cost,
  p.product_weight_g AS weight_g,
  p._source_file,
  p._record_number
FROM raw.olist_products AS p
LEFT JOIN raw.olist_category_translation AS t ON t.product_category_name = p.product_category_name
