// RFM exactly as DESIGN.md words it, on a hand-built gold.order_summary with ties (as-of 2024-03-31):
//
//   customer  orders  revenue  recency  | cume_dist  F   cume_dist  M   cume_dist  R      segment
//   A         5       500      1        | 10/10      5   10/10      5   2/10       5      Champions
//   B         5       500      1        | 10/10      5   10/10      5   2/10       5      Champions (tie with A)
//   C         5       400      2        | 10/10      5   7/10       4   3/10       4      Loyal Customers (F ≥ 4)
//   D         3       300      10       | 6/10       3   6/10       3   4/10       4      Others
//   E         3       99       40       | 6/10       3   5/10       3   5/10       3      Others
//   F         1       50       90       | 2/10       1   3/10       2   8/10       2      Others (R = 2, not Lost)
//   G         2       50       90       | 4/10       2   3/10       2   8/10       2      Others (ties F on recency and monetary)
//   H         1       20       120      | 2/10       1   1/10       1   10/10      1      Lost (R = 1, F = 1)
//   I         2       60       60       | 4/10       2   4/10       2   6/10       3      Others
//   J         4       450      100      | 7/10       4   8/10       4   9/10       1      At Risk (R ≤ 2, F ≥ 4)
//
// F = ceil(5 × cume_dist over frequency), M likewise, R = 6 − ceil(5 × cume_dist over recency_days):
// the three customers with 5 orders all get F = 5 (NTILE would have split them over two tiles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Row } from '../../../src/engine/engine.ts';
import { sql, trusted } from '../../../src/sql/sql.ts';
import { readModels, renderModel } from '../../../src/stages/gold-models.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const AS_OF = '2024-03-31';
const CUSTOMERS: [string, number, number, number][] = [
  ['A', 5, 500, 1], ['B', 5, 500, 1], ['C', 5, 400, 2], ['D', 3, 300, 10], ['E', 3, 99, 40],
  ['F', 1, 50, 90], ['G', 2, 50, 90], ['H', 1, 20, 120], ['I', 2, 60, 60], ['J', 4, 450, 100],
];

let engine: Engine;
const rows = (q: string): Promise<Row[]> => engine.rows(trusted(q));

async function buildRfm(customers: [string, number, number, number][]): Promise<void> {
  // Each customer's orders are 3 days apart, the last one `recency` days before as-of, revenue split evenly.
  const values = customers.map(([id, f, m, rec]) => `('${id}', ${f}, ${m}, ${rec})`).join(', ');
  await engine.exec(trusted(`
    CREATE OR REPLACE TABLE gold.order_summary AS
    SELECT c.id || '-' || k AS order_id, c.id AS customer_id, DATE '${AS_OF}' - CAST(c.rec + (c.f - k) * 3 AS INTEGER) AS order_date,
      CAST(c.m AS DECIMAL(18, 4)) / c.f AS revenue
    FROM (VALUES ${values}) AS c(id, f, m, rec), range(1, c.f + 1) AS r(k)`));
  const models = await readModels(`${ROOT}pipeline`);
  for (const name of ['order_totals', 'customer_orders', 'rfm', 'rfm_segments']) {
    await engine.exec(sql`CREATE OR REPLACE TABLE gold.${trusted(name)} AS ${renderModel(models.find((m) => m.name === name)!, { as_of: AS_OF })}`);
  }
}

beforeAll(async () => {
  engine = await Engine.open();
  await engine.exec(trusted('CREATE SCHEMA gold'));
});
afterAll(() => engine.close());

describe('RFM (DESIGN.md definitions)', () => {
  it('scores by cume_dist quintiles with ties sharing a score, and segments by the first matching rule', async () => {
    await buildRfm(CUSTOMERS);
    const rfm = await rows('SELECT customer_id, recency_days, frequency, CAST(monetary AS DOUBLE) AS monetary, r_score, f_score, m_score, segment FROM gold.rfm ORDER BY customer_id');
    expect(rfm.map((r) => [r['customer_id'], r['recency_days'], r['frequency'], r['monetary'], r['r_score'], r['f_score'], r['m_score'], r['segment']])).toEqual([
      ['A', 1, 5, 500, 5, 5, 5, 'Champions'],
      ['B', 1, 5, 500, 5, 5, 5, 'Champions'],
      ['C', 2, 5, 400, 4, 5, 4, 'Loyal Customers'],
      ['D', 10, 3, 300, 4, 3, 3, 'Others'],
      ['E', 40, 3, 99, 3, 3, 3, 'Others'],
      ['F', 90, 1, 50, 2, 1, 2, 'Others'],
      ['G', 90, 2, 50, 2, 2, 2, 'Others'],
      ['H', 120, 1, 20, 1, 1, 1, 'Lost'],
      ['I', 60, 2, 60, 3, 2, 2, 'Others'],
      ['J', 100, 4, 450, 1, 4, 4, 'At Risk'],
    ]);
    const segments = await rows('SELECT segment_order, segment, customers, customer_share, CAST(revenue AS DOUBLE) AS revenue FROM gold.rfm_segments ORDER BY segment_order');
    expect(segments).toEqual([
      { segment_order: 1, segment: 'Champions', customers: 2, customer_share: 0.2, revenue: 1000 },
      { segment_order: 2, segment: 'Loyal Customers', customers: 1, customer_share: 0.1, revenue: 400 },
      { segment_order: 3, segment: 'At Risk', customers: 1, customer_share: 0.1, revenue: 450 },
      { segment_order: 4, segment: 'Lost', customers: 1, customer_share: 0.1, revenue: 20 },
      { segment_order: 5, segment: 'Others', customers: 5, customer_share: 0.5, revenue: 559 },
    ]);
  });

  it('lists the five segments even when some are empty (a lone customer is R = 1, F = M = 5: At Risk)', async () => {
    await buildRfm([['A', 2, 100, 5]]);
    expect(await rows('SELECT r_score, f_score, m_score, segment FROM gold.rfm')).toEqual([{ r_score: 1, f_score: 5, m_score: 5, segment: 'At Risk' }]);
    const segments = await rows('SELECT segment, customers, avg_frequency FROM gold.rfm_segments ORDER BY segment_order');
    expect(segments).toEqual([
      { segment: 'Champions', customers: 0, avg_frequency: null },
      { segment: 'Loyal Customers', customers: 0, avg_frequency: null },
      { segment: 'At Risk', customers: 1, avg_frequency: 2 },
      { segment: 'Lost', customers: 0, avg_frequency: null },
      { segment: 'Others', customers: 0, avg_frequency: null },
    ]);
  });
});
