SELECT count(*) AS "records_in",
  count(*) FILTER (WHERE "__etl_dropped") AS "duplicates_dropped",
  count(*) FILTER (WHERE "__etl_quarantined") AS "rows_quarantined",
  count(*) FILTER (WHERE FALSE) AS "rows_excluded",
  count(*) FILTER (WHERE NOT "__etl_dropped" AND NOT "__etl_quarantined") AS "rows_out",
  count(*) FILTER (WHERE NOT "__etl_dropped" AND NOT "__etl_quarantined" AND "__etl_rule_ids" IS NOT NULL) AS "rows_flagged",
  (SELECT list({'id': "id", 'n': "n", 's': "s"} ORDER BY "id") FROM (
    SELECT "id", count(*) AS "n", arg_min("k", "r", 5) AS "s" FROM (
      SELECT unnest("__etl_rule_ids") AS "id", CASE WHEN NULLIF("__etl_raw"[1], '') IS NULL AND NULLIF("__etl_raw"[3], '') IS NULL THEN 'record ' || "_record_number" ELSE '(' || concat_ws(', ', coalesce(NULLIF("__etl_raw"[1], ''), 'NULL'), coalesce(NULLIF("__etl_raw"[3], ''), 'NULL')) || ')' END AS "k", ("_source_file", "_record_number") AS "r"
      FROM "silver"."orders" WHERE "__etl_rule_ids" IS NOT NULL AND NOT "__etl_dropped"
    ) GROUP BY "id"
  )) AS "per_rule"
FROM "silver"."orders"
