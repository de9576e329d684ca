CREATE OR REPLACE TABLE "silver"."orders" AS
WITH src AS (
  SELECT CAST(b."order_id" AS VARCHAR) AS "__o0", CAST(b."customer_id" AS VARCHAR) AS "__o1", CAST(b."product_id" AS VARCHAR) AS "__o2", CAST(b."quantity" AS VARCHAR) AS "__o3", CAST(b."order_date" AS VARCHAR) AS "__o4", CAST(b."_source_file" AS VARCHAR) AS "_source_file", CAST(b."_record_number" AS BIGINT) AS "_record_number" FROM "bronze"."orders" AS b
), typed AS (
  SELECT *, NULLIF("__o0", '') AS "__t0",
  NULLIF("__o1", '') AS "__t1",
  NULLIF("__o2", '') AS "__t2",
  CASE WHEN regexp_full_match(NULLIF("__o3", ''), '^\s*[+-]?[0-9]+(\.0*)?\s*$') THEN TRY_CAST(NULLIF("__o3", '') AS BIGINT) END AS "__t3",
  CASE WHEN regexp_full_match(NULLIF("__o4", ''), '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?Z?)?$') THEN TRY_CAST(NULLIF("__o4", '') AS TIMESTAMP) WHEN regexp_full_match(NULLIF("__o4", ''), '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$') THEN CAST(timezone('UTC', TRY_CAST(regexp_replace(NULLIF("__o4", ''), '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})([+-])', '\1:00\2') AS TIMESTAMPTZ)) AS TIMESTAMP) END AS "__t4" FROM src
), joined AS (
  SELECT typed.*, "__j0"."__found" AS "__j0_found", "__j0"."__c0" AS "__j0_c0" FROM typed
  LEFT JOIN (SELECT TRY_CAST(r."customer_id" AS VARCHAR) AS "__k0", TRUE AS "__found", min(r."registration_date") AS "__c0" FROM "silver"."customers" AS r WHERE TRY_CAST(r."customer_id" AS VARCHAR) IS NOT NULL GROUP BY TRY_CAST(r."customer_id" AS VARCHAR)) AS "__j0" ON typed."__t1" = "__j0"."__k0"
), windowed AS (
  SELECT joined.*, coalesce(s."__d", FALSE) AS "__dropped", coalesce(s."__kc", FALSE) AS "__key_conflict"
  FROM joined LEFT JOIN "__etl_duplicates_orders" AS s ON joined."_record_number" = s."__rn" AND joined."_source_file" IS NOT DISTINCT FROM s."__sf"
), counted AS (
  SELECT * FROM windowed
), labelled AS (
  SELECT *, CASE WHEN ((NULLIF("__o3", '') IS NOT NULL AND "__t3" IS NULL)) OR ((NULLIF("__o4", '') IS NOT NULL AND "__t4" IS NULL)) OR (COALESCE(NULLIF("__o0", '') IS NULL, FALSE)) OR (COALESCE(NULLIF("__o1", '') IS NULL, FALSE)) OR (COALESCE(NULLIF("__o2", '') IS NULL, FALSE)) OR (COALESCE(NULLIF("__o3", '') IS NULL, FALSE)) OR (COALESCE("__t3" <= 0, FALSE)) OR (COALESCE(NULLIF("__o4", '') IS NULL, FALSE)) OR (("__t0" IS NOT NULL AND "__t2" IS NOT NULL AND "__key_conflict")) OR (("__t1" IS NOT NULL AND "__j0_found" IS NULL)) OR ((((TRY_CAST("__t4" AS DATE) >= "__j0_c0")) IS FALSE)) THEN CAST(list_filter([CASE WHEN (NULLIF("__o3", '') IS NOT NULL AND "__t3" IS NULL) THEN 'orders.quantity.type' END,
  CASE WHEN (NULLIF("__o4", '') IS NOT NULL AND "__t4" IS NULL) THEN 'orders.order_date.type' END,
  CASE WHEN COALESCE(NULLIF("__o0", '') IS NULL, FALSE) THEN 'orders.order_id.required' END,
  CASE WHEN COALESCE(NULLIF("__o1", '') IS NULL, FALSE) THEN 'orders.customer_id.required' END,
  CASE WHEN COALESCE(NULLIF("__o2", '') IS NULL, FALSE) THEN 'orders.product_id.required' END,
  CASE WHEN COALESCE(NULLIF("__o3", '') IS NULL, FALSE) THEN 'orders.quantity.required' END,
  CASE WHEN COALESCE("__t3" <= 0, FALSE) THEN 'orders.quantity.exclusive_minimum' END,
  CASE WHEN COALESCE(NULLIF("__o4", '') IS NULL, FALSE) THEN 'orders.order_date.required' END,
  CASE WHEN ("__t0" IS NOT NULL AND "__t2" IS NOT NULL AND "__key_conflict") THEN 'orders.duplicate_key' END,
  CASE WHEN ("__t1" IS NOT NULL AND "__j0_found" IS NULL) THEN 'orders.customer_fk' END,
  CASE WHEN (((TRY_CAST("__t4" AS DATE) >= "__j0_c0")) IS FALSE) THEN 'orders.after_registration' END], lambda x: x IS NOT NULL) AS VARCHAR[]) END AS "_rule_ids" FROM counted
)
SELECT "__t0" AS "order_id", "__t1" AS "customer_id", "__t2" AS "product_id", "__t3" AS "quantity", "__t4" AS "order_date", "_source_file", "_record_number", CASE WHEN "_rule_ids" IS NOT NULL THEN ["__o0", "__o1", "__o2", "__o3", "__o4"] END AS "__etl_raw", "__dropped" AS "__etl_dropped", (NOT "__dropped" AND coalesce(list_has_any("_rule_ids", ['orders.quantity.type', 'orders.order_date.type', 'orders.order_id.required', 'orders.customer_id.required', 'orders.product_id.required', 'orders.quantity.required', 'orders.quantity.exclusive_minimum', 'orders.order_date.required', 'orders.duplicate_key', 'orders.customer_fk', 'orders.after_registration']), FALSE)) AS "__etl_quarantined", "_rule_ids" AS "__etl_rule_ids" FROM labelled
