// The model runner on throw-away pipelines: dependency order, models side by side, skipping on absent
// sources, refusals.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { buildGold } from '../../../src/stages/gold.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function pipeline(models: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-gold-'));
  dirs.push(dir);
  await mkdir(join(dir, 'models'));
  for (const [name, text] of Object.entries(models)) await writeFile(join(dir, 'models', `${name}.sql`), text);
  return dir;
}

async function conformed(engine: Engine): Promise<void> {
  await engine.exec(trusted(`CREATE SCHEMA conformed;
    CREATE TABLE conformed.orders AS SELECT * FROM (VALUES ('O1', 2), ('O2', 3)) t(order_id, quantity);
    CREATE TABLE conformed.returns AS SELECT * FROM (VALUES ('O1', 1)) t(order_id, quantity);`));
}

async function failure(p: Promise<unknown>): Promise<EtlError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EtlError) return e;
    throw e;
  }
  throw new Error('expected an EtlError');
}

describe('buildGold', () => {
  it('runs models in dependency order and replaces placeholders by literals', async () => {
    const dir = await pipeline({
      // Alphabetical order would run a_total before its input z_lines.
      a_total: 'SELECT SUM(quantity) AS units, MAX(label) AS label FROM gold.z_lines',
      z_lines: 'SELECT order_id, quantity, {{ label }} AS label FROM conformed.orders WHERE quantity >= {{ min_qty }}',
    });
    await withEngine(async (engine) => {
      await conformed(engine);
      const result = await buildGold(engine, { pipelineDir: dir, vars: { label: "it's", min_qty: 3 }, available: ['orders'] });
      expect(result.models.map((m) => [m.name, m.rows, m.skipped])).toEqual([['z_lines', 1, undefined], ['a_total', 1, undefined]]);
      expect(await engine.rows(trusted('SELECT * FROM gold.a_total'))).toEqual([{ units: 3, label: "it's" }]);
    });
  });

  it('builds independent models side by side, each after its inputs, and lists them in dependency order', async () => {
    // A diamond and a chain: b_sum and c_max read a_lines; d_both reads both; e_alone reads no model.
    const dir = await pipeline({
      a_lines: 'SELECT order_id, quantity FROM conformed.orders',
      b_sum: 'SELECT SUM(quantity) AS units FROM gold.a_lines',
      c_max: 'SELECT MAX(quantity) AS top FROM gold.a_lines',
      d_both: 'SELECT b.units, c.top FROM gold.b_sum AS b CROSS JOIN gold.c_max AS c',
      e_alone: 'SELECT COUNT(*) AS n FROM conformed.returns',
    });
    await withEngine(async (engine) => {
      await conformed(engine);
      const result = await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders', 'returns'] });
      expect(result.models.map((m) => [m.name, m.rows])).toEqual([['a_lines', 2], ['e_alone', 1], ['b_sum', 1], ['c_max', 1], ['d_both', 1]]);
      expect(await engine.rows(trusted('SELECT * FROM gold.d_both'))).toEqual([{ units: 5, top: 3 }]);
      // The sessions are gone and the engine has its threads back.
      expect(await engine.scalar(trusted("SELECT current_setting('threads')"))).toBe(3);
    }, { threads: 3 });
    // One at a time (large inputs): the same models, rows and order, every thread kept throughout.
    await withEngine(async (engine) => {
      await conformed(engine);
      const result = await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders', 'returns'], sideBySide: false });
      expect(result.models.map((m) => [m.name, m.rows])).toEqual([['a_lines', 2], ['e_alone', 1], ['b_sum', 1], ['c_max', 1], ['d_both', 1]]);
      expect(await engine.rows(trusted('SELECT * FROM gold.d_both'))).toEqual([{ units: 5, top: 3 }]);
      expect(await engine.scalar(trusted("SELECT current_setting('threads')"))).toBe(3);
    }, { threads: 3 });
  });

  it('runs a model that half the models wait on alone on every thread, the others on one thread each', async () => {
    // a_lines: three of the five models wait on it; e_alone and the others do not hold anything up.
    const threads = "CAST(current_setting('threads') AS BIGINT) AS threads";
    const dir = await pipeline({
      a_lines: `SELECT order_id, quantity, ${threads} FROM conformed.orders`,
      b_sum: `SELECT SUM(quantity) AS units, ${threads} FROM gold.a_lines`,
      c_max: `SELECT MAX(quantity) AS top, ${threads} FROM gold.a_lines`,
      d_both: `SELECT b.units, c.top, ${threads} FROM gold.b_sum AS b CROSS JOIN gold.c_max AS c`,
      e_alone: `SELECT COUNT(*) AS n, ${threads} FROM conformed.returns`,
    });
    await withEngine(async (engine) => {
      await conformed(engine);
      await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders', 'returns'] });
      const seen = async (model: string) => engine.scalar(trusted(`SELECT DISTINCT threads FROM gold.${model}`));
      expect(await seen('a_lines')).toBe(3);
      for (const model of ['b_sum', 'c_max', 'd_both', 'e_alone']) expect(await seen(model)).toBe(1);
      expect(await engine.scalar(trusted("SELECT current_setting('threads')"))).toBe(3);
    }, { threads: 3 });
  });

  it('creates a @view model as a view, replacing a table of that name left by an earlier run (and back)', async () => {
    const asView = await pipeline({ lines: 'SELECT order_id, quantity FROM conformed.orders', fact: '-- @view\nSELECT order_id FROM gold.lines' });
    const asTable = await pipeline({ lines: 'SELECT order_id, quantity FROM conformed.orders', fact: 'SELECT order_id FROM gold.lines' });
    const kind = (engine: Engine) => engine.scalar(trusted("SELECT table_type FROM information_schema.tables WHERE table_schema = 'gold' AND table_name = 'fact'"));
    await withEngine(async (engine) => {
      await conformed(engine);
      await buildGold(engine, { pipelineDir: asTable, vars: {}, available: ['orders'] });
      expect(await kind(engine)).toBe('BASE TABLE');
      const result = await buildGold(engine, { pipelineDir: asView, vars: {}, available: ['orders'] });
      expect(await kind(engine)).toBe('VIEW');
      expect(result.models.map((m) => [m.name, m.rows])).toEqual([['lines', 2], ['fact', 2]]);
      await buildGold(engine, { pipelineDir: asTable, vars: {}, available: ['orders'] });
      expect(await kind(engine)).toBe('BASE TABLE');
      // Skipped (no orders): the view is dropped like a stale table.
      await buildGold(engine, { pipelineDir: asView, vars: {}, available: ['orders'] });
      await buildGold(engine, { pipelineDir: asView, vars: {}, available: [] });
      expect(await kind(engine)).toBe(null);
    });
  });

  it('starts no model after one fails, and throws that failure', async () => {
    const dir = await pipeline({
      a_broken: 'SELECT no_such_column FROM conformed.orders',
      b_after: 'SELECT * FROM gold.a_broken',
      c_fine: 'SELECT COUNT(*) AS n FROM conformed.orders',
    });
    await withEngine(async (engine) => {
      await conformed(engine);
      const e = await failure(buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders'] }));
      expect(e.message).toMatch(/^model a_broken: /);
      expect(await engine.scalar(trusted("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'gold' AND table_name = 'b_after'"))).toBe(0);
      expect(await engine.scalar(trusted("SELECT current_setting('threads')"))).toBe(2);
    }, { threads: 2 });
  });

  it('skips a model whose optional source is absent, and every model depending on it', async () => {
    const dir = await pipeline({
      orders_total: 'SELECT SUM(quantity) AS units FROM conformed.orders',
      return_lines: 'SELECT * FROM conformed.returns',
      return_rate: 'SELECT (SELECT SUM(quantity) FROM gold.return_lines) * 1.0 / units AS rate FROM gold.orders_total',
    });
    await withEngine(async (engine) => {
      await conformed(engine);
      // A stale table from an earlier build must not survive a skip.
      await engine.exec(trusted('CREATE SCHEMA gold; CREATE TABLE gold.return_rate AS SELECT 0.5 AS rate'));
      const result = await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders'] });
      expect(result.models.map((m) => [m.name, m.rows, m.skipped])).toEqual([
        ['orders_total', 1, undefined],
        ['return_lines', 0, 'no returns'],
        ['return_rate', 0, 'no returns'],
      ]);
      expect(await engine.scalar(trusted("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'gold'"))).toBe(1);
      // With the source present, the same pipeline builds everything: 1 / 5 = 0.2.
      await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders', 'returns'] });
      expect(await engine.scalar(trusted('SELECT rate FROM gold.return_rate'))).toBe(0.2);
    });
  });

  it('runs a model on an empty view of a source it declares @optional, and skips one that @requires it', async () => {
    const dir = await pipeline({
      // customers is absent: the first still runs (no country), the second is skipped, as is one that
      // declares an optional source without canonical columns (returns).
      lines: '-- @optional: customers\nSELECT o.order_id, c.country FROM conformed.orders o LEFT JOIN conformed.customers c ON c.customer_id = o.order_id',
      per_customer: '-- @requires: customers\nSELECT COUNT(*) AS n FROM gold.lines',
      returned: '-- @optional: returns\nSELECT * FROM conformed.returns',
    });
    await withEngine(async (engine) => {
      await engine.exec(trusted("CREATE SCHEMA conformed; CREATE TABLE conformed.orders AS SELECT * FROM (VALUES ('O1', 2)) t(order_id, quantity)"));
      const result = await buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders'] });
      expect(result.models.map((m) => [m.name, m.rows, m.skipped])).toEqual([
        ['lines', 1, undefined], ['returned', 0, 'no returns'], ['per_customer', 0, 'no customers'],
      ]);
      expect(await engine.rows(trusted('SELECT * FROM gold.lines'))).toEqual([{ order_id: 'O1', country: null }]);
    });
  });

  it('refuses a model that reads silver or bronze (MODEL_INVALID, nothing built)', async () => {
    const dir = await pipeline({ a_ok: 'SELECT 1 AS x', leak: 'SELECT email FROM silver.customers' });
    await withEngine(async (engine) => {
      const e = await failure(buildGold(engine, { pipelineDir: dir, vars: {}, available: [] }));
      expect(e.code).toBe('MODEL_INVALID');
      expect(e.location?.file).toBe(join(dir, 'models', 'leak.sql'));
      expect(await engine.scalar(trusted("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'gold'"))).toBe(0);
    });
  });

  it('refuses an unknown placeholder', async () => {
    const dir = await pipeline({ a: 'SELECT {{ threshold }} AS t' });
    await withEngine(async (engine) => {
      const e = await failure(buildGold(engine, { pipelineDir: dir, vars: { as_of: '2024-01-01' }, available: [] }));
      expect(e.code).toBe('MODEL_INVALID');
      expect(e.message).toContain('{{ threshold }}');
    });
  });

  it('refuses a cycle and an unknown model reference', async () => {
    const cyclic = await pipeline({ a: 'SELECT * FROM gold.b', b: 'SELECT * FROM gold.a' });
    const unknown = await pipeline({ a: 'SELECT * FROM gold.nowhere' });
    await withEngine(async (engine) => {
      expect((await failure(buildGold(engine, { pipelineDir: cyclic, vars: {}, available: [] }))).message).toBe('dependency cycle between models: a, b');
      expect((await failure(buildGold(engine, { pipelineDir: unknown, vars: {}, available: [] }))).message).toContain('gold.nowhere');
    });
  });

  it('reports a model that fails in the engine with its file', async () => {
    const dir = await pipeline({ broken: 'SELECT no_such_column FROM conformed.orders' });
    await withEngine(async (engine) => {
      await conformed(engine);
      const e = await failure(buildGold(engine, { pipelineDir: dir, vars: {}, available: ['orders'] }));
      expect(e.code).toBe('ENGINE_QUERY_FAILED');
      expect(e.message).toMatch(/^model broken: /);
      expect(e.location?.file).toBe(join(dir, 'models', 'broken.sql'));
    });
  });
});
