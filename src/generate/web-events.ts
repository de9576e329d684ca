// web_events.csv: browsing sessions spread over the calendar like orders; each session views 1–6
// products, sometimes adds the last one to the cart, and sometimes buys it (conversion ≈ 4 %).
import type { Engine } from '../engine/engine.ts';
import { join, sql, type Sql } from '../sql/sql.ts';
import { spreadOverCalendar } from './calendar.ts';
import { countDefects, type DefectCounts } from './defect-kinds.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvLine, formatId, isoTimestamp } from './text.ts';
import { writeLineBlocks } from './write-lines.ts';

export const WEB_EVENTS_HEADER = 'event_id,session_id,customer_id,event_type,event_timestamp,product_id';

export async function writeWebEvents(engine: Engine, plan: GenerationPlan, total: number, file: string): Promise<{ records: number; defects: DefectCounts }> {
  const seed = plan.seed;
  const n = plan.sessions;
  const c0 = plan.customersBefore;
  const p = plan.products;
  const width = Math.max(7, String(2 * n + 2000).length);
  // Cart and purchase events concern the last product viewed: same hash key as view number views-1.
  const viewed = sql`LEAST(e, views - 1)`;
  const rank = sql`CAST(floor(${p} * pow(${uniform(seed, 'w.rank', sql`sid`, viewed)}, 3)) AS BIGINT)`;
  /** Sessions of `from`, a relation (index, day). */
  const sessions = (from: Sql) => sql`
      SELECT sid, day,
        CAST(1 + floor(6 * pow(${uniform(seed, 'w.views', sql`sid`)}, 1.7)) AS BIGINT) AS views,
        ${uniform(seed, 'w.cart', sql`sid`)} < 0.2 AS cart,
        ${uniform(seed, 'w.buy', sql`sid`)} < 0.2 AS buy
      FROM ${from} t(sid, day)`;
  // Events per session depend on the session alone: their count is one streaming sum, before any is built.
  const records = Number(await engine.scalar(sql`SELECT SUM(views + CAST(cart AS INTEGER) + CAST(cart AND buy AS INTEGER))
    FROM (${sessions(sql`(SELECT i, NULL::DATE FROM range(${n}) r(i))`)})`));
  const events = (from: number, to: number) => sql`
    WITH s AS (${sessions(spreadOverCalendar(n, total, from, to))}), sd AS (
      SELECT s.*, CAST(s.day AS TIMESTAMP) + to_seconds(CAST(21600 + floor(${uniform(seed, 'w.time', sql`sid`)} * 61200) AS BIGINT)) AS start_ts,
        CAST(floor((${c0} + (${plan.customers - c0} * sid) // ${n}) * ${uniform(seed, 'w.cust', sql`sid`)}) AS BIGINT) AS customer_idx
      FROM s
    ), ev AS (
      SELECT *, unnest(range(views + CAST(cart AS INTEGER) + CAST(cart AND buy AS INTEGER))) AS e FROM sd
    )
    SELECT sid, e,
      ${formatId('S', width, sql`sid`)} || '-' || CAST(e + 1 AS VARCHAR) AS event_id,
      ${formatId('S', width, sql`sid`)} AS session_id,
      ${formatId('C', plan.widths.customer, sql`customer_idx`)} AS customer_id,
      CASE WHEN e < views THEN 'view' WHEN e = views THEN 'add_to_cart' ELSE 'purchase' END AS event_type,
      start_ts + to_seconds(CAST(e * (20 + floor(100 * ${uniform(seed, 'w.gap', sql`sid`)})) AS BIGINT)) AS event_timestamp,
      ${formatId('P', plan.widths.product, sql`(${rank} * ${plan.productStride} + ${plan.productOffset}) % ${p}`)} AS product_id
    FROM ev`;
  const defects = countDefects('web_events', records, plan.defectRate);
  const pos = (salt: string) => sql`floor(${uniform(seed, salt, sql`k`)} * ${n}) + 0.5`;
  const customer = formatId('C', plan.widths.customer, sql`k % ${c0}`);
  const product = formatId('P', plan.widths.product, sql`k % ${p}`);
  const session = formatId('S', width, sql`${n} + k`);
  const defectLines = join([
    sql`SELECT ${csvLine([sql`'X' || ${session}`, session, customer, sql`CASE k % 3 WHEN 0 THEN 'click' WHEN 1 THEN 'checkout' ELSE 'VIEW' END`,
        isoTimestamp(sql`CAST(DATE ${plan.periodStart} + CAST(k % ${plan.days} AS INTEGER) AS TIMESTAMP) + INTERVAL 9 HOUR`), product])} AS line,
      ${pos('wd.type')} AS pos, 1000000000 + k AS tie FROM range(${defects['unknown_event_type'] ?? 0}) t(k)`,
    sql`SELECT ${csvLine([sql`'Y' || ${session}`, session, customer, sql`'view'`,
        sql`CASE k % 3 WHEN 0 THEN '2025-13-01T10:00:00' WHEN 1 THEN '01/02/2025 10:00' ELSE 'yesterday' END`, product])},
      ${pos('wd.ts')}, 2000000000 + k FROM range(${defects['unparsable_timestamp'] ?? 0}) t(k)`,
  ], ' UNION ALL ');
  // Written in blocks of sessions: a session's events sit at pos sid + e/10, a defect at floor(u × n) + 0.5.
  const size = plan.blockOrders;
  await writeLineBlocks(engine, file, Math.max(1, Math.ceil(n / size)), (i) => {
    const [from, to] = [i * size, Math.min(n, (i + 1) * size)];
    return sql`SELECT ${csvLine([sql`event_id`, sql`session_id`, sql`customer_id`, sql`event_type`, isoTimestamp(sql`event_timestamp`), sql`product_id`])} AS line,
        CAST(sid AS DOUBLE) + e / 10.0 AS pos, 0 AS tie FROM (${events(from, to)})
      UNION ALL SELECT * FROM (${defectLines}) WHERE pos >= ${from} AND pos < ${to}`;
  }, WEB_EVENTS_HEADER);
  return { records, defects };
}
