// Incremental gold (gold-incremental.ts) on a throw-away pipeline: a state built by a full run, new order
// lines appended, then every model reused, maintained by key or recomputed — and each table equal to what a
// full build on all the rows gives.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { buildGold } from '../../../src/stages/gold.ts';
import { GoldIncremental } from '../../../src/stages/gold-incremental.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const MODELS: Record<string, string> = {
  // A customer is premium from 100 of revenue: a new order flips C1, whose earlier lines then change.
  premium: `-- @incremental: customer_id from conformed.orders
SELECT customer_id, SUM(amount) AS revenue, SUM(amount) >= 100 AS premium FROM conformed.orders WHERE customer_id IS NOT NULL GROUP BY customer_id`,
  lines: `-- @incremental: order_id from conformed.orders
-- @lookup: gold.premium by customer_id
SELECT o.order_id, o.customer_id, o.order_date, o.amount, COALESCE(p.premium, FALSE) AS premium
FROM conformed.orders AS o LEFT JOIN gold.premium AS p ON p.customer_id = o.customer_id`,
  // Reads the date and the amount only: C1's premium flag on old lines does not touch old days.
  daily: `-- @incremental: order_date from gold.lines
SELECT order_date, SUM(amount) AS revenue, COUNT(*) AS lines FROM gold.lines GROUP BY order_date`,
  // A NULL key (guest orders): maintained through the exact join.
  per_customer: `-- @incremental: customer_id from gold.lines
SELECT customer_id, COUNT(*) AS lines, SUM(amount) AS revenue FROM gold.lines GROUP BY customer_id`,
  // Not declared: recomputed whenever what it reads changes.
  premium_share: 'SELECT COUNT(*) FILTER (WHERE premium) AS premium_lines, COUNT(*) AS all_lines FROM gold.lines',
  // Reads nothing that changed: reused.
  catalogue: 'SELECT product_id, name FROM conformed.products',
};

const OLD = `('O1', 'C1', DATE '2025-06-01', 50.0), ('O2', 'C1', DATE '2025-06-02', 40.0), ('O3', 'C2', DATE '2025-06-02', 120.0), ('O4', NULL, DATE '2025-06-02', 5.0)`;
const NEW = `('O5', 'C1', DATE '2025-06-03', 20.0), ('O6', NULL, DATE '2025-06-03', 7.0), ('O7', 'C3', DATE '2025-06-03', 1.0)`;
const COLUMNS = 't(order_id, customer_id, order_date, amount)';

async function sources(engine: Engine, rows: string): Promise<void> {
  await engine.exec(trusted(`CREATE SCHEMA IF NOT EXISTS conformed;
    CREATE OR REPLACE TABLE conformed.orders AS SELECT order_id, customer_id, order_date, CAST(amount AS DECIMAL(18, 4)) AS amount FROM (VALUES ${rows}) ${COLUMNS};
    CREATE OR REPLACE TABLE conformed.products AS SELECT * FROM (VALUES ('P1', 'Pen')) t(product_id, name);`));
}

const tableOf = (engine: Engine, model: string) => engine.rows(trusted(`SELECT * FROM gold.${model} ORDER BY ALL`));

describe('incremental gold', () => {
  it('reuses, maintains by key and recomputes, and every table equals a full build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etl-gold-incr-'));
    dirs.push(dir);
    await mkdir(join(dir, 'models'));
    for (const [name, text] of Object.entries(MODELS)) await writeFile(join(dir, 'models', `${name}.sql`), text);
    const available = ['orders', 'products'];

    // What a full build on every row gives.
    const expected = await withEngine(async (engine) => {
      await sources(engine, `${OLD}, ${NEW}`);
      await buildGold(engine, { pipelineDir: dir, vars: {}, available });
      return Object.fromEntries(await Promise.all(Object.keys(MODELS).map(async (m) => [m, await tableOf(engine, m)] as const)));
    });

    await withEngine(async (engine) => {
      // The last run: a full build on the old rows, its tables kept in a state catalog.
      await sources(engine, OLD);
      const first = await buildGold(engine, { pipelineDir: dir, vars: {}, available });
      await engine.exec(trusted("ATTACH ':memory:' AS st"));
      for (const m of Object.keys(first.hashes)) await engine.exec(trusted(`CREATE TABLE st.gold__${m} AS SELECT * FROM gold.${m}`));
      await engine.exec(trusted('DROP SCHEMA gold CASCADE'));
      const before = await engine.rows(trusted('SELECT * FROM st.gold__per_customer ORDER BY ALL'));

      // This run: the new lines appended, and their conformed rows as what changed.
      await engine.exec(trusted(`INSERT INTO conformed.orders SELECT order_id, customer_id, order_date, CAST(amount AS DECIMAL(18, 4)) FROM (VALUES ${NEW}) ${COLUMNS};
        CREATE SCHEMA conformed_added;
        CREATE TABLE conformed_added.orders AS SELECT order_id, customer_id, order_date, CAST(amount AS DECIMAL(18, 4)) AS amount FROM (VALUES ${NEW}) ${COLUMNS};`));
      const incremental = new GoldIncremental('st', first.hashes, new Set(Object.keys(first.hashes)));
      incremental.setSource('orders', { kind: 'rows', added: trusted('conformed_added.orders') });
      incremental.setSource('products', { kind: 'none' });
      const second = await buildGold(engine, { pipelineDir: dir, vars: {}, available, incremental });

      expect(incremental.builds).toEqual({
        premium: 'maintained', lines: 'maintained', daily: 'maintained', per_customer: 'maintained', premium_share: 'recomputed', catalogue: 'reused',
      });
      expect([...incremental.recomputed]).toEqual(['premium_share']);
      expect(second.hashes).toEqual(first.hashes);
      for (const m of Object.keys(MODELS)) expect([m, await tableOf(engine, m)]).toEqual([m, expected[m]]);
      // The keys each model computed again: C1's flip touched O1 and O2 in lines, but only the new day in daily.
      const keys = async (m: string) => (await engine.rows(trusted(`SELECT * FROM delta.${m}__keys ORDER BY ALL`))).map((r) => Object.values(r).map(String).join('|'));
      expect(await keys('premium')).toEqual(['C1', 'C3', 'null']); // the guest order's NULL key: computed again, no row
      expect(await keys('lines')).toEqual(['O1', 'O2', 'O5', 'O6', 'O7']);
      expect(await keys('daily')).toEqual(['2025-06-03']);
      expect(await keys('per_customer')).toEqual(['C1', 'C3', 'null']);
      // The state's table was maintained in place (C2's row untouched, the guests' row replaced).
      expect(await engine.rows(trusted('SELECT * FROM st.gold__per_customer ORDER BY ALL'))).toEqual(expected['per_customer']);
      expect(before).not.toEqual(expected['per_customer']);
    });
  });

  it('recomputes a model whose SQL renders otherwise, and one that reads a changed relation it did not declare', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etl-gold-incr-'));
    dirs.push(dir);
    await mkdir(join(dir, 'models'));
    await writeFile(join(dir, 'models', 'recent.sql'), '-- @incremental: order_date from conformed.orders\nSELECT order_date, SUM(amount) AS revenue FROM conformed.orders WHERE order_date <= CAST({{ as_of }} AS DATE) GROUP BY order_date');
    await writeFile(join(dir, 'models', 'named.sql'), '-- @incremental: order_id from conformed.orders\nSELECT o.order_id, p.name FROM conformed.orders AS o CROSS JOIN conformed.products AS p');
    await withEngine(async (engine) => {
      await sources(engine, OLD);
      const first = await buildGold(engine, { pipelineDir: dir, vars: { as_of: '2025-06-02' }, available: ['orders', 'products'] });
      await engine.exec(trusted("ATTACH ':memory:' AS st"));
      for (const m of Object.keys(first.hashes)) await engine.exec(trusted(`CREATE TABLE st.gold__${m} AS SELECT * FROM gold.${m}`));
      await engine.exec(trusted(`DROP SCHEMA gold CASCADE; UPDATE conformed.products SET name = 'Pencil'`));
      const incremental = new GoldIncremental('st', first.hashes, new Set(Object.keys(first.hashes)));
      incremental.setSource('orders', { kind: 'none' });
      incremental.setSource('products', { kind: 'all' });
      await buildGold(engine, { pipelineDir: dir, vars: { as_of: '2025-06-03' }, available: ['orders', 'products'], incremental });
      expect(incremental.builds).toEqual({ named: 'recomputed', recent: 'recomputed' });
      expect((await engine.rows(trusted('SELECT DISTINCT name FROM gold.named'))).map((r) => r['name'])).toEqual(['Pencil']);
    });
  });
});
