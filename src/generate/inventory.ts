// inventory.csv: a weekly stock snapshot per product over the period, ending on --as-of. Popular
// products carry more stock; some products are out of stock in the latest snapshot.
import type { Engine } from '../engine/engine.ts';
import { join, sql } from '../sql/sql.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvLine, formatId, isoDate, orphanId } from './text.ts';
import { writeLines } from './write-lines.ts';

export const INVENTORY_HEADER = 'product_id,snapshot_date,stock_quantity';

export async function writeInventory(engine: Engine, plan: GenerationPlan, file: string): Promise<void> {
  const s = plan.seed;
  const p = plan.products;
  const w = plan.weeks;
  const d = plan.defects.inventory;
  const snapshot = (week: ReturnType<typeof sql>) => sql`CAST(DATE ${plan.asOf} - CAST(7 * (${w - 1} - (${week})) AS INTEGER) AS DATE)`;
  const product = formatId('P', plan.widths.product, sql`k % ${p}`);
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${p * w}) + 0.5`;
  const base = sql`(20 + floor(${uniform(s, 'inv.base', sql`idx`)} * 480)) * CASE WHEN rank < ${Math.ceil(p / 10)} THEN 3 ELSE 1 END`;
  await writeLines(engine, file, join([
    sql`SELECT ${csvLine([sql`product_id`, isoDate(snapshot(sql`wk`)), sql`CAST(stock AS VARCHAR)`])} AS line,
        CAST(wk * ${p} + idx AS DOUBLE) AS pos, 0 AS tie
      FROM (
        SELECT idx, product_id, wk, CAST(CASE
            -- the stock-outs of the latest snapshot (at least one: the product of popularity rank 3)
            WHEN wk = ${w - 1} AND (${uniform(s, 'inv.out', sql`idx`)} < 0.07 OR rank = 3) THEN 0
            WHEN ${uniform(s, 'inv.zero', sql`idx`, sql`wk`)} < 0.02 THEN 0
            ELSE floor(${base} * (0.25 + 0.75 * ${uniform(s, 'inv.level', sql`idx`, sql`wk`)}))
          END AS BIGINT) AS stock
        FROM gen.products, range(${w}) t(wk)
      )`,
    // Negative stock on a real product, dated 3 days off the weekly grid so its key stays unique.
    sql`SELECT ${csvLine([product, isoDate(sql`${snapshot(sql`(k // ${p}) % ${w}`)} - 3`), sql`'-' || CAST(1 + k % 20 AS VARCHAR)`])},
        ${pos('invd.neg')}, 1000000000 + k FROM range(${d['negative_stock'] ?? 0}) t(k)`,
    sql`SELECT ${csvLine([orphanId('P', plan.widths.product, sql`k`), isoDate(snapshot(sql`k % ${w}`)), sql`'10'`])},
        ${pos('invd.orphan')}, 2000000000 + k FROM range(${d['orphan_product'] ?? 0}) t(k)`,
    sql`SELECT ${csvLine([product, sql`CASE k % 3 WHEN 0 THEN '2025-02-30' WHEN 1 THEN '12/01/2025' ELSE 'week 12' END`, sql`'5'`])},
        ${pos('invd.date')}, 3000000000 + k FROM range(${d['unparsable_date'] ?? 0}) t(k)`,
  ], ' UNION ALL '), INVENTORY_HEADER);
}
