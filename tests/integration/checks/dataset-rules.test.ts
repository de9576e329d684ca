import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { ident, sql } from '../../../src/sql/sql.ts';
import { evaluateDatasetRules, type DatasetRulesInput } from '../../../src/checks/dataset-rules.ts';
import type { CheckResult } from '../../../src/checks/result.ts';
import type { CustomDatasetRule, LibraryRule, QualityRule, SqlRule } from '../../../src/contracts/model.ts';
import { contract, prop, rule } from './contract-fixtures.ts';
import { makeBronze } from './bronze-fixtures.ts';
import { countingEngine } from './counting-engine.ts';

// The datacontract-cli diagnostics fixture (tests/fixtures/peer/.../orders.csv), as bronze text.
async function diagnostics(e: Engine) {
  return makeBronze(e, 'orders', ['order_id', 'email', 'amount'], [
    ['1', 'alice@example.com', '50'],
    ['2', 'bob@test.com', '10'],
    ['3', 'no-at-sign', '200'],
    ['4', 'verylongaddress@example.com', '-5'],
    ['2', 'carol@test.com', '30'],
  ]);
}

const lib = (r: Partial<LibraryRule> & Pick<LibraryRule, 'id' | 'metric' | 'operator'>): LibraryRule =>
  rule<LibraryRule>({ type: 'library', unit: 'rows', arguments: {}, ...r });

async function evaluate(e: Engine, rules: QualityRule[], extra: Partial<DatasetRulesInput> = {}): Promise<CheckResult[]> {
  const relation = extra.relation ?? (await diagnostics(e));
  const c = contract('orders', 'source', [prop('order_id', 'integer'), prop('email'), prop('amount', 'integer')], { quality: rules });
  return evaluateDatasetRules(e, { dataset: 'orders', layer: 'source', relation, contracts: [c], refs: {}, asOf: '2024-06-30', ...extra });
}

describe('library metrics', () => {
  test('each metric with its known answer, percent, and severity', async () => {
    await withEngine(async (e) => {
      const results = await evaluate(e, [
        lib({ id: 'rows', metric: 'rowCount', operator: { op: 'mustBeGreaterThan', value: 1 } }),
        lib({ id: 'rows5', metric: 'rowCount', operator: { op: 'mustBe', value: 4 } }),
        lib({ id: 'dups', metric: 'duplicateValues', property: 'order_id', operator: { op: 'mustBe', value: 0 } }),
        lib({ id: 'nulls', metric: 'nullValues', property: 'email', unit: 'percent', operator: { op: 'mustBeLessThan', value: 50 } }),
        lib({ id: 'inv', metric: 'invalidValues', property: 'amount', unit: 'percent', operator: { op: 'mustBeLessThan', value: 10 }, arguments: { validValues: [10, 30, 50] } }),
        lib({ id: 'inv_warn', metric: 'invalidValues', property: 'amount', severity: 'warning', operator: { op: 'mustBe', value: 0 }, arguments: { validValues: [10, 30, 50] } }),
        lib({ id: 'inv_pat', metric: 'invalidValues', property: 'email', unit: 'percent', operator: { op: 'mustBeLessThan', value: 10 }, arguments: { pattern: '@' } }),
        lib({ id: 'missing', metric: 'missingValues', property: 'email', operator: { op: 'mustBe', value: 0 }, arguments: { missingValues: [null, '', 'no-at-sign'] } }),
        lib({ id: 'between', metric: 'rowCount', operator: { op: 'mustBeBetween', value: [5, 10] } }),
      ]);
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(byId['orders.rows']).toMatchObject({ value: 5, status: 'passed', kind: 'dataset', rule: 'rowCount', threshold: '> 1' });
      expect(byId['orders.rows5']).toMatchObject({ value: 5, status: 'failed' });
      expect(byId['orders.dups']).toMatchObject({ value: 1, failed_rows: 1, status: 'failed' });
      expect(byId['orders.nulls']).toMatchObject({ value: 0, status: 'passed', threshold: '< 50 %' });
      expect(byId['orders.inv']).toMatchObject({ value: 40, failed_rows: 2, status: 'failed' });
      expect(byId['orders.inv_warn']).toMatchObject({ value: 2, status: 'warning', severity: 'warning' });
      expect(byId['orders.inv_pat']).toMatchObject({ value: 20, failed_rows: 1, status: 'failed' });
      expect(byId['orders.missing']).toMatchObject({ value: 1, status: 'failed' });
      expect(byId['orders.between']).toMatchObject({ status: 'passed', threshold: 'between 5 and 10' });
    });
  });

  test('duplicateValues (counted among rows whose key hash repeats) equals an independent count on random keys', async () => {
    await withEngine(async (e) => {
      const rand = mulberry32(11);
      for (let round = 0; round < 25; round++) {
        const pick = (n: number) => (rand() < 0.15 ? null : String(Math.floor(rand() * n)));
        const rows = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => [pick(8), pick(3), String(Math.floor(rand() * 9))]);
        const relation = await makeBronze(e, `orders_r${round}`, ['order_id', 'email', 'amount'], rows);
        const [single, composite] = await evaluate(e, [
          lib({ id: 's', metric: 'duplicateValues', property: 'order_id', operator: { op: 'mustBe', value: 0 } }),
          lib({ id: 'c', metric: 'duplicateValues', operator: { op: 'mustBe', value: 0 }, arguments: { properties: ['order_id', 'email'] } }),
        ], { relation });
        // Values that occur more than once, rows with a NULL in the key left out.
        const repeated = (keys: (string | null)[][]) => {
          const seen = new Map<string, number>();
          for (const k of keys) if (k.every((v) => v !== null)) seen.set(JSON.stringify(k), (seen.get(JSON.stringify(k)) ?? 0) + 1);
          return [...seen.values()].filter((n) => n > 1).length;
        };
        expect(single!.value).toBe(repeated(rows.map((r) => [r[0]!])));
        expect(composite!.value).toBe(repeated(rows.map((r) => [r[0]!, r[1]!])));
      }
    });
  });

  test('empty cells are null; nulls are never invalid; composite duplicateValues', async () => {
    await withEngine(async (e) => {
      const relation = await makeBronze(e, 'orders', ['order_id', 'email', 'amount'], [
        ['1', '', '5'],
        ['1', null, '5'],
        ['1', 'x', '6'],
        ['2', 'y', '6'],
        ['2', 'y', '6'],
      ]);
      const results = await evaluate(
        e,
        [
          lib({ id: 'n', metric: 'nullValues', property: 'email', operator: { op: 'mustBe', value: 0 } }),
          lib({ id: 'p', metric: 'nullValues', property: 'email', unit: 'percent', operator: { op: 'mustBeLessOrEqualTo', value: 40 } }),
          lib({ id: 'i', metric: 'invalidValues', property: 'email', operator: { op: 'mustBe', value: 0 }, arguments: { validValues: ['y'] } }),
          lib({ id: 'd', metric: 'duplicateValues', operator: { op: 'mustBe', value: 0 }, arguments: { properties: ['order_id', 'amount'] } }),
        ],
        { relation },
      );
      expect(results.map((r) => [r.id, r.value, r.status])).toEqual([
        ['orders.n', 2, 'failed'],
        ['orders.p', 40, 'passed'],
        ['orders.i', 1, 'failed'],
        ['orders.d', 2, 'failed'],
      ]);
    });
  });

  test('all library metrics of a relation take one query', async () => {
    await withEngine(async (e) => {
      const relation = await diagnostics(e);
      const counting = countingEngine(e);
      const rules = ['email', 'amount', 'order_id'].flatMap((p) => [
        lib({ id: `${p}_n`, metric: 'nullValues', property: p, operator: { op: 'mustBe', value: 0 } }),
        lib({ id: `${p}_d`, metric: 'duplicateValues', property: p, operator: { op: 'mustBe', value: 0 } }),
      ]);
      const results = await evaluate(counting.engine, rules, { relation });
      expect(results).toHaveLength(6);
      // One describe() of the relation, then one query for all six metrics.
      expect(counting.count()).toBe(2);
    });
  });
});

describe('custom dataset rules', () => {
  test('quarantine rate from counts (percent), skipped without counts', async () => {
    await withEngine(async (e) => {
      const qr = rule<CustomDatasetRule>({ type: 'custom-dataset', id: 'orders.quarantine_rate', metric: 'quarantineRate', unit: 'percent', operator: { op: 'mustBeLessOrEqualTo', value: 5 } });
      const counts = { records_in: 200, rows_out: 185, rows_quarantined: 11, duplicates_dropped: 4, rows_excluded: 0, rows_flagged: 0 };
      const [r] = await evaluate(e, [qr], { counts });
      expect(r).toMatchObject({ id: 'orders.quarantine_rate', value: 5.5, failed_rows: 11, status: 'failed', threshold: '<= 5 %' });
      const [ok] = await evaluate(e, [qr], { counts: { ...counts, rows_quarantined: 10 } });
      expect(ok).toMatchObject({ value: 5, status: 'passed' });
      const [skipped] = await evaluate(e, [qr]);
      expect(skipped?.status).toBe('skipped');
    });
  });

  test('freshness: hours from the newest value to the end of the as-of day', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE fresh AS SELECT * FROM (VALUES (TIMESTAMP '2024-06-29 12:00:00'), (TIMESTAMP '2024-06-30 06:00:00')) t(order_date)`);
      const f = (max: number) => rule<CustomDatasetRule>({ type: 'custom-dataset', id: `fresh${max}`, metric: 'freshness', column: 'order_date', unit: 'hours', operator: { op: 'mustBeLessOrEqualTo', value: max } });
      const c = contract('orders', 'silver', [prop('order_date', 'timestamp')], { quality: [f(18), f(17)] });
      const results = await evaluateDatasetRules(e, { dataset: 'orders', layer: 'silver', relation: ident('fresh'), contracts: [c], refs: {}, asOf: '2024-06-30' });
      expect(results.map((r) => [r.value, r.status, r.threshold])).toEqual([
        [18, 'passed', '<= 18 hours'],
        [18, 'failed', '<= 17 hours'],
      ]);
    });
  });

  test('reconciliation: |left − right| against another dataset; non-aggregates are refused', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE fact AS SELECT * FROM (VALUES (10.0, 2), (5.5, 1)) t(amount, quantity)`);
      await e.exec(sql`CREATE TABLE daily AS SELECT * FROM (VALUES (15.0), (0.49)) t(revenue)`);
      const rec = (id: string, expression: string, other: string, max: number) =>
        rule<CustomDatasetRule>({ type: 'custom-dataset', id, metric: 'reconciliation', unit: 'absolute', expression, compareTo: { dataset: 'agg_daily_sales', expression: other }, operator: { op: 'mustBeLessOrEqualTo', value: max } });
      const c = contract('fact_orders', 'gold', [], {
        quality: [rec('ok', 'sum(amount)', 'sum(revenue)', 0.01), rec('off', 'sum(amount)', 'sum(revenue)', 0.001), rec('bad', 'amount', 'sum(revenue)', 1), rec('nocol', 'sum(nope)', 'sum(revenue)', 1)],
      });
      const results = await evaluateDatasetRules(e, { dataset: 'fact_orders', layer: 'gold', relation: ident('fact'), contracts: [c], refs: { agg_daily_sales: ident('daily') }, asOf: '2024-06-30' });
      const [ok, off, bad, nocol] = results;
      expect(ok?.status).toBe('passed');
      expect(ok?.value).toBeCloseTo(0.01, 9);
      expect(off?.status).toBe('failed');
      expect(bad).toMatchObject({ status: 'error' });
      expect(bad?.message).toContain('must be an aggregate');
      expect(nocol?.status).toBe('error');
      expect(nocol?.message).toContain('unknown column nope');
    });
  });
});

describe('SQL rules', () => {
  const sqlRule = (id: string, query: string, operator: SqlRule['operator'] = { op: 'mustBeGreaterThan', value: 0 }): SqlRule => rule<SqlRule>({ type: 'sql', id, query, operator });

  test('placeholders and the bare object name read the relation; the first column of the first row is compared', async () => {
    await withEngine(async (e) => {
      const results = await evaluate(e, [
        sqlRule('bare', 'SELECT MIN(CAST(amount AS INTEGER)) FROM orders'),
        sqlRule('ph1', 'SELECT count(*) FROM ${table}', { op: 'mustBe', value: 5 }),
        sqlRule('ph2', 'SELECT count(*) FROM {model} WHERE email LIKE \'%@%\'', { op: 'mustBe', value: 4 }),
        sqlRule('cte', 'WITH t AS (SELECT * FROM {object}) SELECT count(*) FROM t', { op: 'mustBeBetween', value: [5, 5] }),
      ]);
      expect(results.map((r) => [r.id, r.value, r.status])).toEqual([
        ['orders.bare', -5, 'failed'],
        ['orders.ph1', 5, 'passed'],
        ['orders.ph2', 4, 'passed'],
        ['orders.cte', 5, 'passed'],
      ]);
    });
  });

  test('refused without running: COPY, INSERT, read_csv, two statements, another table, a CTE hiding a table', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE secrets AS SELECT 42 AS x`);
      const results = await evaluate(e, [
        sqlRule('copy', "COPY (SELECT 1) TO '/tmp/etl-written-by-the-contract.csv'"),
        sqlRule('insert', 'INSERT INTO orders VALUES (1, 2, 3)'),
        sqlRule('file', "SELECT count(*) FROM read_csv('/etc/passwd')"),
        sqlRule('two', 'SELECT 1; SELECT 2'),
        sqlRule('other', 'SELECT max(x) FROM secrets'),
        sqlRule('sub', 'SELECT count(*) FROM orders WHERE order_id IN (SELECT x FROM secrets)'),
        sqlRule('shadow', 'WITH secrets AS (SELECT * FROM secrets) SELECT max(x) FROM secrets'),
        sqlRule('attach', "ATTACH '/tmp/x.db' AS x"),
        sqlRule('replacement', "SELECT count(*) FROM '/etc/passwd'"),
        sqlRule('env', "SELECT length(getenv('HOME'))"),
      ]);
      for (const r of results) {
        expect(r.status, r.id).toBe('failed');
        expect(r.message, r.id).toMatch(/^refused: /);
        expect(r.value, r.id).toBeNull();
      }
      expect(results.find((r) => r.id === 'orders.file')?.message).toContain('read_csv');
      expect(results.find((r) => r.id === 'orders.two')?.message).toContain('exactly one SELECT statement, got 2');
      expect(results.find((r) => r.id === 'orders.other')?.message).toContain('reads table secrets');
      // Nothing ran: the table is untouched and no file was written.
      expect(await e.scalar(sql`SELECT count(*) FROM orders`)).toBe(5);
      const { existsSync } = await import('node:fs');
      expect(existsSync('/tmp/etl-written-by-the-contract.csv')).toBe(false);
    });
  });

  test('a query that fails at run time or returns no number is a failed check with a message', async () => {
    await withEngine(async (e) => {
      const results = await evaluate(e, [sqlRule('nocol', 'SELECT max(nope) FROM orders'), sqlRule('text', "SELECT 'abc' FROM orders")]);
      expect(results[0]).toMatchObject({ status: 'failed' });
      expect(results[0]?.message).toMatch(/^query failed: /);
      expect(results[1]).toMatchObject({ status: 'failed', value: null });
    });
  });
});

/** A small seeded generator (mulberry32): the same rows on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
