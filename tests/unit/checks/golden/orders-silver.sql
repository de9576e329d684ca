DELETE FROM "silver"."orders" WHERE "__etl_dropped" OR "__etl_quarantined";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_raw";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_dropped";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_quarantined";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_rule_ids";
DROP TABLE IF EXISTS "__etl_duplicates_orders";
ALTER TABLE "silver"."orders" DROP COLUMN "_source_file";
ALTER TABLE "silver"."orders" DROP COLUMN "_record_number";
