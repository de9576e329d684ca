// returns.csv: about 5 % of the clean order lines come back 1–28 days later (never after --as-of).
import type { Engine } from '../engine/engine.ts';
import { join, literal, sql, type Sql } from '../sql/sql.ts';
import { collectOrderLines, type OrderPlan } from './orders.ts';
import { countDefects, type DefectCounts } from './defect-kinds.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvField, csvLine, formatId, isoDate, orphanId } from './text.ts';
import { writeLines } from './write-lines.ts';

export const RETURNS_HEADER = 'return_id,order_id,product_id,quantity,return_date,reason';
// Two reasons need RFC 4180 quoting (a comma, a quote), on purpose.
const REASONS = ['changed mind', 'damaged', 'wrong size', 'not as described', 'late delivery, no longer needed', 'arrived "like new" but used'];

/** Whether a clean order line comes back (before the --as-of cut): gen.order_lines keeps these lines. */
export function returnedLine(seed: number): Sql {
  return sql`${uniform(seed, 'r.pick', sql`line_index`)} < 0.055`;
}

/** Creates gen.returns and writes returns.csv; returns the clean count and the injected defects. */
export async function writeReturns(engine: Engine, plan: GenerationPlan, orders: OrderPlan, file: string): Promise<{ records: number; defects: DefectCounts }> {
  const s = plan.seed;
  const width = Math.max(6, String(2 * plan.orders + 2000).length);
  const reasons = sql`[${join(REASONS.map((r) => literal(r)), ', ')}]`;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.returns AS
    WITH r AS (
      SELECT line_index, order_id, product_id, quantity,
        CAST(day + CAST(1 + floor(${uniform(s, 'r.delay', sql`line_index`)} * 28) AS INTEGER) AS DATE) AS return_date
      FROM gen.order_lines
      WHERE ${returnedLine(s)}
    )
    SELECT CAST(row_number() OVER (ORDER BY line_index) - 1 AS BIGINT) AS idx, line_index, order_id, product_id,
      CAST(1 + floor(${uniform(s, 'r.qty', sql`line_index`)} * quantity) AS BIGINT) AS quantity, return_date,
      ${reasons}[CAST(floor(${uniform(s, 'r.reason', sql`line_index`)} * ${REASONS.length}) AS BIGINT) + 1] AS reason
    FROM r WHERE return_date <= DATE ${plan.asOf}`);
  const records = Number(await engine.scalar(sql`SELECT count(*) FROM gen.returns`));
  const defects = countDefects('returns', records, plan.defectRate);
  const zero = defects['non_positive_quantity'] ?? 0;
  const unknown = defects['unknown_order'] ?? 0;
  // The real order lines the quantity-0 defects name, wherever they are in orders.csv.
  await collectOrderLines(engine, plan, orders, sql`SELECT CAST(floor((k + 0.5) * ${plan.orders} / ${Math.max(1, zero)}) AS BIGINT) AS line_index FROM range(${zero}) t(k)`);
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${Math.max(1, records)}) + 0.5`;
  await writeLines(engine, file, join([
    sql`SELECT ${csvLine([formatId('RT', width, sql`idx`), sql`order_id`, sql`product_id`, sql`CAST(quantity AS VARCHAR)`, isoDate(sql`return_date`), csvField(sql`reason`)])} AS line,
      CAST(idx AS DOUBLE) AS pos, 0 AS tie FROM gen.returns`,
    // Quantity 0 on a real order line.
    sql`SELECT ${csvLine([formatId('RT', width, sql`${records} + k`), sql`ol.order_id`, sql`ol.product_id`, sql`'0'`,
        isoDate(sql`LEAST(ol.day + 1, DATE ${plan.asOf})`), sql`'damaged'`])},
      ${pos('rd.zero')}, 1000000000 + k
      FROM range(${zero}) t(k) JOIN gen.order_lines ol ON ol.line_index = CAST(floor((k + 0.5) * ${plan.orders} / ${Math.max(1, zero)}) AS BIGINT)`,
    sql`SELECT ${csvLine([formatId('RT', width, sql`${records + zero} + k`), orphanId('O', plan.widths.order, sql`k`),
        formatId('P', plan.widths.product, sql`k % ${plan.products}`), sql`'1'`,
        isoDate(sql`CAST(DATE ${plan.periodStart} + CAST(k % ${plan.days} AS INTEGER) AS DATE)`), sql`'wrong size'`])},
      ${pos('rd.unknown')}, 2000000000 + k FROM range(${unknown}) t(k)`,
  ], ' UNION ALL '), RETURNS_HEADER);
  return { records, defects };
}
