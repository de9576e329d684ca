// inventory.csv: stock counts per product × warehouse over the period, a history ending on --as-of.
// W1 stocks every product, the other warehouses a part of the catalogue; each warehouse counts once a
// week on its own weekday (W1 on --as-of, W2 the day before, …), so the latest counts of a product
// carry different timestamps. Popular products carry more stock; some products are at 0 in every
// warehouse at --as-of (out of stock), others only in some (still in stock: the sum is what counts).
import type { Engine } from '../engine/engine.ts';
import { join, sql, type Sql } from '../sql/sql.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvLine, formatId, isoTimestamp, orphanId } from './text.ts';
import { writeLines } from './write-lines.ts';

export const INVENTORY_HEADER = 'product_id,warehouse_id,stock_quantity,last_updated';

/** The time of warehouse w's count of week wk (w is 0-based; week w-1 of the plan is the latest). */
function countTime(plan: GenerationPlan, week: Sql, warehouse: Sql): Sql {
  return sql`(CAST(DATE ${plan.asOf} - CAST((${warehouse}) + 7 * (${plan.weeks - 1} - (${week})) AS INTEGER) AS TIMESTAMP)
    + to_seconds(CAST(21600 + 7200 * (${warehouse}) AS BIGINT)))`;
}

const warehouseId = (w: Sql): Sql => sql`('W' || CAST((${w}) + 1 AS VARCHAR))`;

/** Creates gen.inventory (the clean counts) and writes inventory.csv with the defects; returns the clean count. */
export async function writeInventory(engine: Engine, plan: GenerationPlan, file: string): Promise<number> {
  const s = plan.seed;
  const p = plan.products;
  const w = plan.weeks;
  const nw = plan.warehouses;
  const d = plan.defects.inventory;
  const base = sql`(20 + floor(${uniform(s, 'inv.base', sql`idx`)} * 480)) * CASE WHEN rank < ${Math.ceil(p / 10)} THEN 3 ELSE 1 END`;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.inventory AS
    SELECT idx, product_id, wh, wk, ${countTime(plan, sql`wk`, sql`wh`)} AS ts, CAST(CASE
        -- out of stock at --as-of in every warehouse (at least one product: popularity rank 3)
        WHEN wk = ${w - 1} AND (${uniform(s, 'inv.out', sql`idx`)} < 0.07 OR rank = 3) THEN 0
        WHEN ${uniform(s, 'inv.zero', sql`idx`, sql`wh`, sql`wk`)} < 0.03 THEN 0
        ELSE floor(${base} * CASE WHEN wh = 0 THEN 0.5 ELSE 0.25 END * (0.25 + 0.75 * ${uniform(s, 'inv.level', sql`idx`, sql`wh`, sql`wk`)}))
      END AS BIGINT) AS stock
    FROM gen.products, range(${nw}) h(wh), range(${w}) t(wk)
    WHERE wh = 0 OR ${uniform(s, 'inv.stocked', sql`idx`, sql`wh`)} < 0.6`);
  const clean = Number(await engine.scalar(sql`SELECT count(*) FROM gen.inventory`));
  const product = formatId('P', plan.widths.product, sql`k % ${p}`);
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${p * w * nw}) + 0.5`;
  const grid = (k: Sql) => countTime(plan, sql`(${k}) % ${w}`, sql`0`);
  await writeLines(engine, file, join([
    sql`SELECT ${csvLine([sql`product_id`, warehouseId(sql`wh`), sql`CAST(stock AS VARCHAR)`, isoTimestamp(sql`ts`)])} AS line,
        CAST((wk * ${nw} + wh) * ${p} + idx AS DOUBLE) AS pos, 0 AS tie
      FROM gen.inventory`,
    // Negative stock on a real product in W1, 3 days off W1's weekly grid so its key stays unique.
    sql`SELECT ${csvLine([product, sql`'W1'`, sql`'-' || CAST(1 + k % 20 AS VARCHAR)`, isoTimestamp(sql`${grid(sql`k // ${p}`)} - INTERVAL 3 DAY`)])},
        ${pos('invd.neg')}, 1000000000 + k FROM range(${d['negative_stock'] ?? 0}) t(k)`,
    sql`SELECT ${csvLine([orphanId('P', plan.widths.product, sql`k`), sql`'W1'`, sql`'10'`, isoTimestamp(grid(sql`k`))])},
        ${pos('invd.orphan')}, 2000000000 + k FROM range(${d['orphan_product'] ?? 0}) t(k)`,
    sql`SELECT ${csvLine([product, sql`'W1'`, sql`'5'`, sql`CASE k % 3 WHEN 0 THEN '2025-02-30T06:00:00' WHEN 1 THEN '12/01/2025 06:00' ELSE 'week 12' END`])},
        ${pos('invd.date')}, 3000000000 + k FROM range(${d['unparsable_date'] ?? 0}) t(k)`,
  ], ' UNION ALL '), INVENTORY_HEADER);
  return clean;
}
