// suspicious_orders takes its medians from running counts over the distinct amounts and units instead of
// sorting every order (pipeline/models/suspicious_orders.sql). They must be PERCENTILE_CONT(0.5)'s to the
// last bit: the model is run as shipped and with its median CTEs replaced by PERCENTILE_CONT, on order sets
// of odd and even sizes, with ties, zero amounts (no log), one order, and orders split over several rows,
// with a threshold that flags every order — and the two tables must be the same rows.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';

const MODEL = readFileSync(new URL('../../../pipeline/models/suspicious_orders.sql', import.meta.url), 'utf8')
  .replace(/\{\{\s*fraud_z_threshold\s*\}\}/g, '-1000')
  .replace(/\{\{\s*fraud_new_account_days\s*\}\}/g, '7')
  .replace(/\{\{\s*fraud_first_basket_factor\s*\}\}/g, '3');

/** The same model with the textbook medians: PERCENTILE_CONT over every order. */
function withPercentileCont(model: string): string {
  const from = model.indexOf('amounts AS (');
  const to = model.indexOf('scale AS (');
  expect(from).toBeGreaterThan(0);
  expect(to).toBeGreaterThan(from);
  return `${model.slice(0, from)}centre AS (
  SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount) AS amount_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY units) AS units_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY log_amount) AS log_amount_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY log_units) AS log_units_median
  FROM orders
),
spread AS (
  SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(o.log_amount - c.log_amount_median)) AS amount_mad,
    AVG(ABS(o.log_amount - c.log_amount_median)) AS amount_mean_dev,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(o.log_units - c.log_units_median)) AS units_mad,
    AVG(ABS(o.log_units - c.log_units_median)) AS units_mean_dev
  FROM orders AS o
  CROSS JOIN centre AS c
),
${model.slice(to)}`;
}

/** gold.order_summary with `n` orders drawn from `seed`: amounts with many ties (cents of a few prices), some zero. */
async function orders(e: Engine, n: number, seed: number, rowsPerOrder = 1): Promise<void> {
  await e.exec(trusted(`SELECT setseed(${seed / 100});
    CREATE OR REPLACE TABLE gold.order_summary AS
      SELECT 'O' || (i // ${rowsPerOrder}) AS order_id, 'C' || (i % 7) AS customer_id, DATE '2025-01-01' + CAST(i % 40 AS INTEGER) AS order_date,
        CAST(CASE WHEN random() < 0.05 THEN 0 ELSE round(random() * 20, 0) * 4.99 + CASE WHEN random() < 0.3 THEN round(random() * 1000, 2) ELSE 0 END END AS DECIMAL(18, 4)) AS revenue,
        CAST(1 + floor(random() * 6) AS BIGINT) AS units
      FROM range(${n}) t(i);
    CREATE OR REPLACE TABLE gold.order_totals AS
      SELECT count(DISTINCT order_id) AS orders, count(*) AS order_rows, count(DISTINCT order_id) = count(*) AS one_row_per_order FROM gold.order_summary;`));
}

describe('suspicious_orders medians', () => {
  test('equal PERCENTILE_CONT to the last bit, whatever the number of orders, ties and zero amounts', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE SCHEMA gold; CREATE SCHEMA conformed;
        CREATE TABLE conformed.customers AS SELECT 'C' || i AS customer_id, DATE '2024-12-28' + CAST(i AS INTEGER) AS registration_date FROM range(7) t(i);`));
      const cases: [number, number, number][] = [[1, 1, 1], [2, 2, 1], [3, 3, 1], [4, 4, 1], [7, 5, 1], [100, 6, 1], [1001, 7, 1], [5000, 8, 1], [64, 9, 2], [999, 10, 3]];
      let compared = 0;
      for (const [n, seed, rowsPerOrder] of cases) {
        await orders(e, n, seed, rowsPerOrder);
        await e.exec(trusted(`CREATE OR REPLACE TABLE shipped AS ${MODEL}`));
        await e.exec(trusted(`CREATE OR REPLACE TABLE textbook AS ${withPercentileCont(MODEL)}`));
        const differ = await e.rows(trusted(`(SELECT 'shipped' AS side, * FROM (SELECT * FROM shipped EXCEPT ALL SELECT * FROM textbook) LIMIT 2)
          UNION ALL (SELECT 'textbook', * FROM (SELECT * FROM textbook EXCEPT ALL SELECT * FROM shipped) LIMIT 2)`));
        expect(differ, `${n} rows, seed ${seed}`).toEqual([]);
        compared += Number(await e.scalar(trusted('SELECT count(*) FROM shipped')));
      }
      // The threshold flags (nearly) every order, so the medians and z-scores of thousands of rows were compared.
      expect(compared).toBeGreaterThan(5000);
    });
  });
});
