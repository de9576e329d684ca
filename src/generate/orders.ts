// orders.csv: order lines. Orders are numbered in time order and spread over the calendar's
// intensity; each order has 1–4 lines with distinct products (line k of an order only takes
// products whose popularity rank is ≡ k mod 4), picked with a Pareto-like skew on rank. During a
// promotion, an order's first line often takes the promoted product (or one of its category).
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { join, sql, type Sql } from '../sql/sql.ts';
import { spreadOverCalendar } from './calendar.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { csvField, csvLine, formatId, isoTimestamp, orphanId } from './text.ts';
import { writeLineBlocks } from './write-lines.ts';

export const ORDERS_HEADER = 'order_id,customer_id,product_id,quantity,order_date,shipping_address';

const STREETS = ['Main Street', 'High Street', 'Station Road', 'Park Avenue', 'Church Lane', 'Market Square', 'Mill Road', 'King Street'];

/** The shipping address of order j: "<number> <street>, <city>, <country code>" (the customer's city and country). */
function shippingAddress(seed: number, city: Sql, country: Sql): Sql {
  const streets = sql`[${join(STREETS.map((x) => sql`${x}`), ', ')}]`;
  return sql`(CAST(1 + CAST(floor(${uniform(seed, 'o.addr.no', sql`j`)} * 199) AS BIGINT) AS VARCHAR) || ' '
    || ${streets}[CAST(floor(${uniform(seed, 'o.addr.street', sql`j`)} * ${STREETS.length}) AS BIGINT) + 1]
    || ', ' || ${city} || ', ' || ${country})`;
}
/** The address of every defect line: valid, quoted in the file like any address with commas. */
const DEFECT_ADDRESS = '1 Main Street, Springfield, US';

/** A block of orders: orders j in [j0, j1), whose clean lines are the file's lines [l0, l1) (0-based). */
export interface OrderBlock {
  j0: number;
  j1: number;
  l0: number;
  l1: number;
}

export interface OrderPlan {
  orderCount: number;
  /** The calendar's total weight (spreadOverCalendar). */
  total: number;
  blocks: OrderBlock[];
}

/** Lines of order j (1–4, 1.96 on average). */
function linesOf(): Sql {
  return sql`CAST(CASE WHEN u < 0.42 THEN 1 WHEN u < 0.72 THEN 2 WHEN u < 0.9 THEN 3 ELSE 4 END AS BIGINT)`;
}

/**
 * Cuts the orders into blocks of plan.blockOrders orders, by summing each block's line counts in one
 * streaming aggregate (nothing stored): order j's first line is the sum of the line counts before it, and
 * the orders whose first line is before plan.orders are the file's (the last one's lines cut there).
 */
export async function planOrderBlocks(engine: Engine, plan: GenerationPlan, total: number): Promise<OrderPlan> {
  const n = plan.orders;
  // Lines per order average 1.96: this many candidates cover n lines with a wide margin (checked below).
  const candidates = Math.min(n, Math.ceil((n / 1.96) * 1.05) + 64);
  const counts = (a: number, b: number) => sql`SELECT i, ${linesOf()} AS n FROM (SELECT i, ${uniform(plan.seed, 'o.lines', sql`i`)} AS u FROM range(${a}, ${b}) t(i))`;
  const blocks: OrderBlock[] = [];
  let lines = 0;
  for (let a = 0; a < candidates && lines < n; a += plan.blockOrders) {
    const b = Math.min(candidates, a + plan.blockOrders);
    const sum = Number(await engine.scalar(sql`SELECT SUM(n) FROM (${counts(a, b)})`));
    if (lines + sum < n) {
      blocks.push({ j0: a, j1: b, l0: lines, l1: lines + sum });
      lines += sum;
      continue;
    }
    const orders = Number(await engine.scalar(sql`SELECT count(*) FROM (
      SELECT ${lines} + coalesce(SUM(n) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS s FROM (${counts(a, b)})
    ) WHERE s < ${n}`));
    blocks.push({ j0: a, j1: a + orders, l0: lines, l1: n });
    lines = n;
  }
  if (lines !== n) throw new EtlError('INTERNAL', `generated ${lines} order lines instead of ${n}`);
  return { orderCount: blocks[blocks.length - 1]!.j1, total, blocks };
}

/** Orders j of a block as (j, n, s): n lines, the first being line s (the last order's lines cut at plan.orders). */
function orderHeads(plan: GenerationPlan, block: OrderBlock): Sql {
  return sql`(SELECT j, CAST(LEAST(n, ${plan.orders} - s) AS BIGINT) AS n, s FROM (
      SELECT j, n, ${block.l0} + coalesce(SUM(n) OVER (ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS s
      FROM (
        SELECT i AS j, ${linesOf()} AS n
        FROM (SELECT i, ${uniform(plan.seed, 'o.lines', sql`i`)} AS u FROM range(${block.j0}, ${block.j1}) t(i))
      )
    ) WHERE s < ${plan.orders})`;
}

/**
 * The clean order lines of a block, typed, with their position in the file (line_index). With `only` (a
 * relation of line_index), just those lines: the orders holding them are found first, so that only they
 * are built.
 */
function orderLines(plan: GenerationPlan, orders: OrderPlan, block: OrderBlock, only?: Sql): Sql {
  const s = plan.seed;
  const c = plan.customers;
  const c0 = plan.customersBefore;
  const p = plan.products;
  const orderCount = orders.orderCount;
  const recent = Math.max(5, Math.floor(c / 50));
  const avail = sql`(${c0} + (${c - c0} * j) // ${orderCount})`;
  const u2 = uniform(s, 'o.cust', sql`j`);
  const heads = only
    ? sql`(WITH h AS ${orderHeads(plan, block)}
        SELECT * FROM h WHERE j IN (SELECT h.j FROM (${only}) r ASOF JOIN h ON r.line_index >= h.s))`
    : orderHeads(plan, block);
  const ordersOfBlock = sql`(
    WITH a AS (SELECT h.j, h.n, h.s, d.day FROM ${heads} h JOIN ${spreadOverCalendar(orderCount, orders.total, block.j0, block.j1)} d USING (j)),
    b AS (
      SELECT j, n, s, day, ${avail} AS avail, ${uniform(s, 'o.mix', sql`j`)} AS r FROM a
    )
    SELECT j, n, s, day,
      ${formatId('O', plan.widths.order, sql`j`)} AS order_id,
      CAST(CASE
        -- a new customer's first orders come soon after sign-up; many repeat buyers are long-standing
        WHEN r < 0.25 THEN GREATEST(0, avail - 1 - floor(${u2} * LEAST(avail, ${recent})))
        WHEN r < 0.6 THEN floor(avail * ${u2} * ${u2})
        ELSE floor(avail * ${u2})
      END AS BIGINT) AS customer_idx,
      CAST(day AS TIMESTAMP) + to_seconds(CAST(21600 + floor(${uniform(s, 'o.time', sql`j`)} * 61200) AS BIGINT)) AS ts
    FROM b)`;
  const rank0 = sql`4 * CAST(floor(((${p} - 1 - k) // 4 + 1) * pow(${uniform(s, 'o.rank', sql`j`, sql`k`)}, 3)) AS BIGINT) + k`;
  return sql`
    WITH x AS (
      -- unnest, not a join on k < n: an inequality join is an order of magnitude slower here
      SELECT j, s, day, ts, order_id, customer_idx, unnest(range(n)) AS k FROM ${ordersOfBlock}
    ), l AS (
      SELECT j, s + k AS line_index, k, day, ts, order_id, customer_idx, ${rank0} AS rank0,
        ${uniform(s, 'o.qty', sql`j`, sql`k`)} AS uq
      FROM x ${only ? sql`WHERE s + k IN (SELECT line_index FROM (${only}))` : sql``}
    ), promoted AS (
      SELECT l.*, CASE
          WHEN l.k = 0 AND pd.day IS NOT NULL AND ${uniform(s, 'o.lift', sql`l.j`)} < pd.lift THEN coalesce(pd.target_rank, cl.rank)
          ELSE l.rank0 END AS rank
      FROM l
      LEFT JOIN gen.promo_days pd ON pd.day = l.day
      LEFT JOIN gen.category_leaders cl
        ON cl.category = pd.category AND cl.pos = CAST(floor(${uniform(s, 'o.leader', sql`l.j`)} * pd.category_leaders) AS BIGINT)
    ), indexed AS (
      SELECT *, (rank * ${plan.productStride} + ${plan.productOffset}) % ${p} AS product_idx FROM promoted
    )
    SELECT line_index, j, k AS line_no, day, ts, order_id, customer_idx,
      ${formatId('C', plan.widths.customer, sql`customer_idx`)} AS customer_id,
      product_idx,
      ${formatId('P', plan.widths.product, sql`product_idx`)} AS product_id,
      ${shippingAddress(s, sql`c.city`, sql`c.country`)} AS shipping_address,
      CAST(CASE WHEN uq < 0.62 THEN 1 WHEN uq < 0.86 THEN 2 WHEN uq < 0.95 THEN 3 WHEN uq < 0.98 THEN 4 ELSE 5 END AS BIGINT) AS quantity
    FROM indexed JOIN gen.customers c ON c.idx = indexed.customer_idx`;
}

/**
 * Adds to gen.order_lines (created on first use) the clean lines whose line_index `refs` lists (a query
 * of line_index), unless already there: the lines that defects and returns copy from, found block by block.
 */
export async function collectOrderLines(engine: Engine, plan: GenerationPlan, orders: OrderPlan, refs: Sql): Promise<void> {
  await ensureOrderLinesTable(engine, plan, orders);
  await engine.exec(sql`CREATE OR REPLACE TABLE gen.line_refs AS
    SELECT DISTINCT line_index FROM (${refs}) WHERE line_index NOT IN (SELECT line_index FROM gen.order_lines)`);
  for (const block of orders.blocks) {
    const only = sql`SELECT line_index FROM gen.line_refs WHERE line_index >= ${block.l0} AND line_index < ${block.l1}`;
    if (Number(await engine.scalar(sql`SELECT count(*) FROM (${only})`)) === 0) continue;
    await engine.exec(sql`INSERT INTO gen.order_lines ${orderLines(plan, orders, block, only)}`);
  }
  await engine.exec(sql`DROP TABLE gen.line_refs`);
}

async function ensureOrderLinesTable(engine: Engine, plan: GenerationPlan, orders: OrderPlan): Promise<void> {
  await engine.exec(sql`CREATE TABLE IF NOT EXISTS gen.order_lines AS SELECT * FROM (${orderLines(plan, orders, orders.blocks[0]!)}) LIMIT 0`);
}

/**
 * Writes orders.csv block by block: each block's clean lines in order plus the injected defects whose
 * seeded position falls in it. gen.order_lines keeps only what later files need: the lines `keep` selects
 * (the returned ones) and those the exact-duplicate defects copy.
 */
export async function writeOrders(engine: Engine, plan: GenerationPlan, orders: OrderPlan, file: string, keep: Sql): Promise<void> {
  const orderCount = orders.orderCount;
  const s = plan.seed;
  const n = plan.orders;
  const d = plan.defects.orders;
  const cnt = (kind: string) => d[kind] ?? 0;
  // Each kind owns a block of new order ids (and of unique timestamps) starting at its offset.
  const offsets: Record<string, number> = {};
  let next = 0;
  for (const kind of Object.keys(d)) {
    offsets[kind] = next;
    next += cnt(kind);
  }
  const off = (kind: string) => offsets[kind] ?? 0;
  const orderId = (kind: string) => formatId('O', plan.widths.order, sql`${orderCount + off(kind)} + k`);
  // Valid parts for defect lines: customers registered before the period, any product, a date in the
  // period that is unique per defect line (so no two defect lines are ever exact duplicates).
  const customer = formatId('C', plan.widths.customer, sql`(k * 7) % ${plan.customersBefore}`);
  const product = formatId('P', plan.widths.product, sql`(k * 13) % ${plan.products}`);
  const ts = (kind: string) => {
    const g = sql`(${off(kind)} + k)`;
    return isoTimestamp(sql`CAST(DATE ${plan.periodStart} + CAST(${g} % ${plan.days} AS INTEGER) AS TIMESTAMP)
      + to_seconds(CAST(28800 + (${g} // ${plan.days}) % 50000 AS BIGINT))`);
  };
  const pos = (kind: string) => sql`floor(${uniform(s, `od.${kind}`, sql`k`)} * ${n}) + 0.5`;
  const tie = (kind: string) => sql`CAST(${1 + Object.keys(d).indexOf(kind)} AS BIGINT) * 1000000000 + k`;
  const defect = (kind: string, line: Sql, from: Sql = sql`range(${cnt(kind)}) t(k)`, tieBy: Sql = tie(kind)) =>
    sql`SELECT ${line} AS line, ${pos(kind)} AS pos, ${tieBy} AS tie FROM ${from}`;
  const q = (v: string) => sql`${v}`;
  const addr = csvField(sql`${DEFECT_ADDRESS}`);

  const clean = sql`SELECT ${csvLine([sql`order_id`, sql`customer_id`, sql`product_id`, sql`CAST(quantity AS VARCHAR)`, isoTimestamp(sql`ts`), csvField(sql`shipping_address`)])} AS line,
      CAST(line_index AS DOUBLE) AS pos, 0 AS tie FROM gen.block_lines`;
  const defects: Sql[] = [
    defect('missing_key', csvLine([
      sql`CASE WHEN k % 3 = 0 THEN '' ELSE ${orderId('missing_key')} END`,
      sql`CASE WHEN k % 3 = 1 THEN '' ELSE ${customer} END`,
      sql`CASE WHEN k % 3 = 2 THEN '' ELSE ${product} END`, q('1'), ts('missing_key'), addr])),
    defect('non_positive_quantity', csvLine([orderId('non_positive_quantity'), customer, product,
      sql`CASE WHEN k % 2 = 0 THEN '0' ELSE '-' || CAST(1 + k % 3 AS VARCHAR) END`, ts('non_positive_quantity'), addr])),
    // '1.5' matters: DuckDB's CAST('1.5' AS BIGINT) rounds to 2, so a plain cast does not catch it.
    defect('non_integer_quantity', csvLine([orderId('non_integer_quantity'), customer, product,
      sql`CASE k % 3 WHEN 0 THEN '1.5' WHEN 1 THEN 'two' ELSE '2.75' END`, ts('non_integer_quantity'), addr])),
    defect('unparsable_date', csvLine([orderId('unparsable_date'), customer, product, q('1'),
      sql`CASE k % 4 WHEN 0 THEN '05/01/2024' WHEN 1 THEN '2024-13-45' WHEN 2 THEN '2024-02-30' ELSE 'not a date' END`, addr])),
    defect('future_date', csvLine([orderId('future_date'), customer, product, q('1'),
      isoTimestamp(sql`CAST(DATE ${plan.asOf} + CAST(1 + k % 30 AS INTEGER) AS TIMESTAMP) + INTERVAL 10 HOUR`), addr])),
    defect('before_registration', csvLine([orderId('before_registration'), sql`c.customer_id`, product, q('2'),
      isoTimestamp(sql`CAST(c.registration_date - CAST(1 + k % 30 AS INTEGER) AS TIMESTAMP) + INTERVAL 12 HOUR`), addr]),
      sql`range(${cnt('before_registration')}) t(k) JOIN gen.customers c ON c.idx = (k * 7919) % ${plan.customers}`),
    defect('exact_duplicate', sql`${csvLine([sql`ol.order_id`, sql`ol.customer_id`, sql`ol.product_id`, sql`CAST(ol.quantity AS VARCHAR)`, isoTimestamp(sql`ol.ts`), csvField(sql`ol.shipping_address`)])}`,
      sql`range(${cnt('exact_duplicate')}) t(k) JOIN gen.order_lines ol
        ON ol.line_index = CAST(floor((k + 0.5) * ${n} / ${Math.max(1, cnt('exact_duplicate'))}) AS BIGINT)`),
    defect('conflicting_key', csvLine([orderId('conflicting_key'), customer, product, sql`CASE WHEN c = 0 THEN '1' ELSE '3' END`, ts('conflicting_key'), addr]),
      sql`range(${cnt('conflicting_key')}) t(k), range(2) u(c)`, sql`${tie('conflicting_key')} + k + c`),
    defect('orphan_customer', csvLine([orderId('orphan_customer'), orphanId('C', plan.widths.customer, sql`k`), product, q('1'), ts('orphan_customer'), addr])),
    defect('orphan_product', csvLine([orderId('orphan_product'), customer, orphanId('P', plan.widths.product, sql`k`), q('1'), ts('orphan_product'), addr])),
    // Malformed but on one physical line: one field too many, or one too few.
    defect('malformed_record', sql`CASE WHEN k % 2 = 0
      THEN ${csvLine([orderId('malformed_record'), customer, product, q('1'), ts('malformed_record'), addr, q('EXTRA')])}
      ELSE ${csvLine([orderId('malformed_record'), customer, product, q('1'), ts('malformed_record')])} END`),
  ];
  // The lines the exact duplicates copy, wherever they are in the file, before the first block is written.
  await collectOrderLines(engine, plan, orders, sql`SELECT CAST(floor((k + 0.5) * ${n} / ${Math.max(1, cnt('exact_duplicate'))}) AS BIGINT) AS line_index
    FROM range(${cnt('exact_duplicate')}) t(k)`);
  const blocks = orders.blocks;
  await writeLineBlocks(engine, file, blocks.length, (i) => {
    const b = blocks[i]!;
    // A defect at pos floor(u × n) + 0.5 belongs to the block holding line floor(u × n).
    return sql`${clean} UNION ALL SELECT * FROM (${join(defects, ' UNION ALL ')}) WHERE pos >= ${b.l0} AND pos < ${b.l1}`;
  }, ORDERS_HEADER, async (i) => {
    const b = blocks[i]!;
    await engine.exec(sql`CREATE OR REPLACE TABLE gen.block_lines AS ${orderLines(plan, orders, b)}`);
    await engine.exec(sql`INSERT INTO gen.order_lines SELECT * FROM gen.block_lines
      WHERE ${keep} AND line_index NOT IN (SELECT line_index FROM gen.order_lines WHERE line_index >= ${b.l0} AND line_index < ${b.l1})`);
  });
  await engine.exec(sql`DROP TABLE IF EXISTS gen.block_lines`);
}
