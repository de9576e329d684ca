DELETE FROM "silver"."orders" WHERE "__etl_dropped" OR "__etl_quarantined";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_o0";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_o1";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_o2";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_o3";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_o4";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_dropped";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_quarantined";
ALTER TABLE "silver"."orders" DROP COLUMN "__etl_rule_ids";
