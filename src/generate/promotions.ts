// promotions.csv: discount windows on one product or one category. Built even when the optional
// files are not written, because orders use gen.promo_days to lift the promoted sales.
import type { Engine } from '../engine/engine.ts';
import { sql } from '../sql/sql.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvField, csvLine, formatId, isoDate } from './text.ts';
import { writeLines } from './write-lines.ts';

export const PROMOTIONS_HEADER = 'promotion_id,product_id,category,discount_pct,start_date,end_date';

/** Creates gen.promotions and gen.promo_days (the strongest promotion of each day, if any). */
export async function buildPromotions(engine: Engine, plan: GenerationPlan): Promise<void> {
  const s = plan.seed;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.leader_categories AS
    SELECT category, CAST(row_number() OVER (ORDER BY category) - 1 AS BIGINT) AS ci, any_value(n) AS n
    FROM gen.category_leaders GROUP BY category`);
  const categories = Number(await engine.scalar(sql`SELECT count(*) FROM gen.leader_categories`));
  const leaders = Math.floor((plan.products - 1) / 4) + 1;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.promotions AS
    WITH p AS (
      SELECT i AS promo_idx,
        CAST(DATE ${plan.periodStart} + CAST(floor(${uniform(s, 'pr.start', sql`i`)} * ${plan.days - 25}) AS INTEGER) AS DATE) AS start_date,
        CAST(6 + floor(${uniform(s, 'pr.len', sql`i`)} * 15) AS INTEGER) AS len,
        CAST(5 * (1 + floor(${uniform(s, 'pr.disc', sql`i`)} * 8)) AS BIGINT) AS discount_pct,
        i % 2 = 0 AS on_product,
        4 * CAST(floor(${uniform(s, 'pr.rank', sql`i`)} * ${leaders}) AS BIGINT) AS rank,
        CAST(floor(${uniform(s, 'pr.cat', sql`i`)} * ${categories}) AS BIGINT) AS ci
      FROM range(${plan.promotions}) t(i)
    )
    SELECT p.promo_idx, ${formatId('PR', 4, sql`p.promo_idx`)} AS promotion_id,
      CASE WHEN on_product THEN pr.product_id END AS product_id,
      CASE WHEN NOT on_product THEN lc.category END AS category,
      CASE WHEN on_product THEN p.rank END AS target_rank,
      lc.n AS category_leaders,
      p.discount_pct, p.start_date, CAST(p.start_date + p.len AS DATE) AS end_date,
      0.25 + p.discount_pct / 100.0 AS lift
    FROM p JOIN gen.products pr ON pr.rank = p.rank JOIN gen.leader_categories lc ON lc.ci = p.ci`);
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.promo_days AS
    SELECT day, target_rank, category, category_leaders, lift FROM (
      SELECT d.day, p.target_rank, p.category, p.category_leaders, p.lift,
        row_number() OVER (PARTITION BY d.day ORDER BY p.lift DESC, p.promo_idx) AS rn
      FROM gen.promotions p JOIN gen.days d ON d.day BETWEEN p.start_date AND p.end_date
    ) WHERE rn = 1`);
}

export async function writePromotions(engine: Engine, plan: GenerationPlan, file: string): Promise<void> {
  const s = plan.seed;
  const n = plan.promotions;
  const d = plan.defects.promotions;
  const ebs = d['end_before_start'] ?? 0;
  const mk = d['missing_key'] ?? 0;
  const product = formatId('P', plan.widths.product, sql`(k * 7) % ${plan.products}`);
  const start = sql`CAST(DATE ${plan.periodStart} + CAST(30 + (k * 11) % ${plan.days - 60} AS INTEGER) AS DATE)`;
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${n}) + 0.5`;
  await writeLines(engine, file, sql`
    SELECT ${csvLine([sql`promotion_id`, sql`product_id`, csvField(sql`category`), sql`CAST(discount_pct AS VARCHAR)`, isoDate(sql`start_date`), isoDate(sql`end_date`)])} AS line,
      CAST(promo_idx AS DOUBLE) AS pos, 0 AS tie
    FROM gen.promotions
    UNION ALL
    SELECT ${csvLine([formatId('PR', 4, sql`${n} + k`), product, sql`NULL`, sql`'20'`, isoDate(start), isoDate(sql`${start} - CAST(1 + k % 10 AS INTEGER)`)])},
      ${pos('prd.ebs')}, 1000000 + k FROM range(${ebs}) t(k)
    UNION ALL
    SELECT ${csvLine([sql`NULL`, product, sql`NULL`, sql`'15'`, isoDate(start), isoDate(sql`${start} + 7`)])},
      ${pos('prd.mk')}, 2000000 + k FROM range(${mk}) t(k)`, PROMOTIONS_HEADER);
}
