// Distinct order counts: the models count an order once per day, week, month and customer. When every
// order is one order_summary row (gold.order_totals.one_row_per_order) they count rows; when an order spans
// several dates they count distinct ids. Both paths must give COUNT(DISTINCT order_id) over the order lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { buildGold } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture } from '../../fixtures/kpi/load-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');

async function build(engine: Engine, extraLines: string[] = []): Promise<void> {
  const available = await loadKpiFixture(engine);
  for (const line of extraLines) await engine.exec(trusted(`INSERT INTO conformed.orders VALUES ${line}`));
  // Every order with an amount is an "amount outlier" at this threshold, so suspicious_orders lists them all.
  // and every customer with a sold unit is a "return outlier", so return_outliers lists them all.
  const vars = { ...modelVars(config, AS_OF), fraud_z_threshold: -1000, return_outlier_z_threshold: -1000, return_outlier_min_sold_units: 1 };
  await buildGold(engine, { pipelineDir: `${ROOT}pipeline`, vars, available, config });
}

/** Rows of `model` whose order count differs from COUNT(DISTINCT order_id) of the order lines in the same group. */
async function mismatches(engine: Engine): Promise<Record<string, number>> {
  const q = async (text: string) => Number(await engine.scalar(trusted(`SELECT COUNT(*) FROM (${text})`)));
  return {
    daily: await q(`SELECT a.order_date FROM gold.agg_daily_sales AS a
      LEFT JOIN (SELECT order_date, COUNT(DISTINCT order_id) AS n FROM gold.orders_enriched GROUP BY order_date) AS e ON e.order_date = a.order_date
      WHERE a.order_count <> COALESCE(e.n, 0)`),
    weekly: await q(`SELECT a.week_start FROM gold.agg_weekly_sales AS a
      FULL JOIN (SELECT d.week_start, COUNT(DISTINCT o.order_id) AS n FROM gold.orders_enriched AS o JOIN gold.dim_date AS d ON d.date_key = o.order_date GROUP BY d.week_start) AS e
        ON e.week_start = a.week_start
      WHERE a.order_count IS DISTINCT FROM e.n`),
    monthly: await q(`SELECT a.month_start FROM gold.agg_monthly_sales AS a
      FULL JOIN (SELECT DATE_TRUNC('month', order_date) AS m, COUNT(DISTINCT order_id) AS n FROM gold.orders_enriched GROUP BY m) AS e
        ON e.m = a.month_start
      WHERE a.order_count IS DISTINCT FROM e.n`),
    customers: await q(`SELECT c.customer_id FROM gold.customer_orders AS c
      FULL JOIN (SELECT customer_id, COUNT(DISTINCT order_id) AS n FROM gold.orders_enriched WHERE customer_id IS NOT NULL GROUP BY customer_id) AS e
        ON e.customer_id = c.customer_id
      WHERE c.order_count IS DISTINCT FROM e.n`),
    pairs: await q(`SELECT p.product_a FROM gold.product_pairs AS p
      FULL JOIN (SELECT a.product_id AS product_a, b.product_id AS product_b, COUNT(DISTINCT a.order_id) AS n
        FROM gold.orders_enriched AS a JOIN gold.orders_enriched AS b ON b.order_id = a.order_id AND a.product_id < b.product_id
        GROUP BY a.product_id, b.product_id) AS e ON e.product_a = p.product_a AND e.product_b = p.product_b
      WHERE p.pair_orders IS DISTINCT FROM e.n`),
    categories: await q(`SELECT c.category FROM gold.category_sales AS c
      FULL JOIN (SELECT category, COUNT(DISTINCT order_id) AS n FROM gold.orders_enriched GROUP BY category) AS e ON e.category = c.category
      WHERE c.order_count IS DISTINCT FROM e.n`),
  };
}

/** Orders whose suspicious_orders amount, units, date or first-order flag differ from the order lines'. */
async function suspiciousMismatches(engine: Engine): Promise<number> {
  return Number(await engine.scalar(trusted(`SELECT COUNT(*) FROM gold.suspicious_orders AS s
    FULL JOIN (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_date, order_id) = 1 AS first FROM (
        SELECT order_id, MIN(customer_id) AS customer_id, MIN(order_date) AS order_date, SUM(amount) AS amount, SUM(quantity) AS units
        FROM gold.orders_enriched GROUP BY order_id
      )
    ) AS e ON e.order_id = s.order_id
    WHERE s.amount IS DISTINCT FROM e.amount OR s.units IS DISTINCT FROM e.units OR s.order_date IS DISTINCT FROM e.order_date
      OR s.is_first_order IS DISTINCT FROM e.first`)));
}

/** Customers whose return_outliers sold/returned counts differ from the order lines' and returns'. */
async function returnMismatches(engine: Engine): Promise<{ customers: number; mismatches: number }> {
  const customers = Number(await engine.scalar(trusted("SELECT COUNT(*) FROM gold.return_outliers WHERE entity_type = 'customer'")));
  const mismatches = Number(await engine.scalar(trusted(`SELECT COUNT(*) FROM (SELECT * FROM gold.return_outliers WHERE entity_type = 'customer') AS r
    FULL JOIN (
      SELECT s.customer_id, s.sold_units, s.sold_lines, COALESCE(x.returned_lines, 0) AS returned_lines
      FROM (SELECT customer_id, SUM(quantity) AS sold_units, COUNT(*) AS sold_lines FROM gold.orders_enriched WHERE customer_id IS NOT NULL GROUP BY customer_id) AS s
      LEFT JOIN (
        SELECT o.customer_id, COUNT(*) AS returned_lines FROM conformed.returns AS rt
        JOIN (SELECT DISTINCT order_id, customer_id FROM gold.orders_enriched) AS o ON o.order_id = rt.order_id
        WHERE rt.return_date <= DATE '${AS_OF}' GROUP BY o.customer_id
      ) AS x ON x.customer_id = s.customer_id
    ) AS e ON e.customer_id = r.entity_id
    WHERE r.sold_units IS DISTINCT FROM e.sold_units OR r.sold_lines IS DISTINCT FROM e.sold_lines OR r.returned_lines IS DISTINCT FROM e.returned_lines`)));
  return { customers, mismatches };
}

const NONE = { daily: 0, weekly: 0, monthly: 0, customers: 0, pairs: 0, categories: 0 };

describe('distinct order counts', () => {
  it('count rows when every order is one row of order_summary', async () => {
    await withEngine(async (engine) => {
      await build(engine);
      expect(await engine.rows(trusted('SELECT * FROM gold.order_totals'))).toEqual([{ orders: 10, order_rows: 10, one_row_per_order: true }]);
      expect(await mismatches(engine)).toEqual(NONE);
      expect(await engine.scalar(trusted("SELECT order_count FROM gold.customer_orders WHERE customer_id = 'C1'"))).toBe(4);
      expect(await suspiciousMismatches(engine)).toBe(0);
      expect(await returnMismatches(engine)).toEqual({ customers: 4, mismatches: 0 });
    });
  });

  it('count distinct order ids when an order spans two dates (two months, two weeks) or holds a product twice', async () => {
    await withEngine(async (engine) => {
      // O9 (C1, 2024-03-05) gains a line dated 2024-02-28: one order, two order_summary rows; O1 gains a
      // second line of P1 (a shop keyed by order_line_id): the pair (P1, P3) still counts O1 once.
      await build(engine, [
        "('O9', 'C1', 'P1', 1, TIMESTAMP '2024-02-28 10:00:00', NULL, NULL, 'FR')",
        "('O1', 'C1', 'P1', 1, TIMESTAMP '2024-01-05 10:00:00', NULL, 'L2', 'FR')",
      ]);
      expect(await engine.rows(trusted('SELECT * FROM gold.order_totals'))).toEqual([{ orders: 10, order_rows: 11, one_row_per_order: false }]);
      expect(await mismatches(engine)).toEqual(NONE);
      // C1 has 4 orders (O1, O3, O7, O9), not 5 rows; February and March both count O9, scored once (2 × P4 at 50 + P1 at 10).
      expect(await engine.scalar(trusted("SELECT order_count FROM gold.customer_orders WHERE customer_id = 'C1'"))).toBe(4);
      expect(await engine.rows(trusted('SELECT month, order_count FROM gold.agg_monthly_sales ORDER BY month'))).toEqual([
        { month: 1, order_count: 4 }, { month: 2, order_count: 4 }, { month: 3, order_count: 3 },
      ]);
      expect(await suspiciousMismatches(engine)).toBe(0);
      expect(await returnMismatches(engine)).toEqual({ customers: 4, mismatches: 0 });
      expect(await engine.rows(trusted("SELECT order_id, amount, units, is_first_order FROM gold.suspicious_orders WHERE customer_id = 'C1' ORDER BY order_id"))).toEqual([
        { order_id: 'O1', amount: 50, units: 7, is_first_order: true },
        { order_id: 'O3', amount: 50, units: 1, is_first_order: false },
        { order_id: 'O7', amount: 20, units: 3, is_first_order: false },
        { order_id: 'O9', amount: 110, units: 3, is_first_order: false },
      ]);
    });
  });
});
