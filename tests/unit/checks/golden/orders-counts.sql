SELECT count(*) AS "records_in",
  count(*) FILTER (WHERE "__dropped") AS "duplicates_dropped",
  count(*) FILTER (WHERE "__quarantined") AS "rows_quarantined",
  count(*) FILTER (WHERE NOT "__dropped" AND NOT "__quarantined") AS "rows_out",
  count(*) FILTER (WHERE NOT "__dropped" AND NOT "__quarantined" AND len("_rule_ids") > 0) AS "rows_flagged",
  (SELECT list({'id': "id", 'n': "n", 's': "s"} ORDER BY "id") FROM (
    SELECT "id", count(*) AS "n", arg_min("k", "r", 5) AS "s" FROM (
      SELECT unnest("_rule_ids") AS "id", CASE WHEN NULLIF("__o0", '') IS NULL AND NULLIF("__o2", '') IS NULL THEN 'record ' || "_record_number" ELSE concat_ws(', ', coalesce(NULLIF("__o0", ''), 'NULL'), coalesce(NULLIF("__o2", ''), 'NULL')) END AS "k", ("_source_file", "_record_number") AS "r"
      FROM "__etl_labelled_orders" WHERE len("_rule_ids") > 0 AND NOT "__dropped"
    ) GROUP BY "id"
  )) AS "per_rule"
FROM "__etl_labelled_orders"
