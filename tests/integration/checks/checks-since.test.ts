// An incremental run checks a maintained gold table from its changed rows (dataset-rules.ts, `since`): the
// counts follow from the last values and the removed and added rows, the duplicate keys from the touched
// keys. After every round of random deletes and inserts (duplicates, NULL keys, invalid values among them),
// the results and the values kept for the next run must equal a check of the whole table — and the counts
// must not have been taken over the whole table.
import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { sql, trusted } from '../../../src/sql/sql.ts';
import { evaluateDatasetRules, type Since } from '../../../src/checks/dataset-rules.ts';
import type { Contract, CustomDatasetRule, LibraryRule } from '../../../src/contracts/model.ts';
import type { CheckResult } from '../../../src/checks/result.ts';
import { contract, fk, prop, rule } from './contract-fixtures.ts';

const TABLE = sql`gold.t`;

function tableContract(): Contract {
  const key = { primaryKey: true, required: true };
  return contract('t', 'gold', [
    prop('a', 'string', key),
    prop('b', 'integer', key),
    prop('v', 'number', { options: { minimum: 0 }, quality: [rule<LibraryRule>({ type: 'library', id: 't_v_nulls', property: 'v', metric: 'nullValues', unit: 'percent', operator: { op: 'mustBeLessThan', value: 50 }, arguments: {} })] }),
    prop('s', 'string', { quality: [rule<LibraryRule>({ type: 'library', id: 't_s_valid', property: 's', metric: 'invalidValues', unit: 'rows', operator: { op: 'mustBe', value: 0 }, arguments: { validValues: ['x', 'y'] } })] }),
  ], {
    primaryKey: ['a', 'b'],
    relationships: [fk('t_s_known', ['s'], 'ref', ['s'])],
    quality: [
      rule<LibraryRule>({ type: 'library', id: 't_key_unique', metric: 'duplicateValues', unit: 'rows', operator: { op: 'mustBe', value: 0 }, arguments: {} }),
      rule<LibraryRule>({ type: 'library', id: 't_b_unique', metric: 'duplicateValues', unit: 'rows', operator: { op: 'mustBe', value: 0 }, arguments: { properties: ['b'] } }),
      rule<LibraryRule>({ type: 'library', id: 't_rows', metric: 'rowCount', unit: 'rows', operator: { op: 'mustBeGreaterThan', value: 0 }, arguments: {} }),
      rule<CustomDatasetRule>({ type: 'custom-dataset', id: 't_sum', metric: 'reconciliation', unit: 'rows', expression: 'sum(v)', compareTo: { dataset: 'ref', expression: 'count(*)' }, operator: { op: 'mustBeGreaterThan', value: -1 } }),
    ],
  });
}

/** The statements the checks sent, to see which read the whole table. */
function recording(engine: Engine): { engine: Engine; texts: string[] } {
  const texts: string[] = [];
  const proxy = new Proxy(engine, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const q = args[0] as { text?: unknown } | undefined;
        if (q && typeof q.text === 'string') texts.push(q.text);
        return fn.apply(target, args);
      };
    },
  });
  return { engine: proxy, texts };
}

const check = (e: Engine, c: Contract, since?: Since, memo?: Record<string, number>): Promise<CheckResult[]> =>
  evaluateDatasetRules(e, { dataset: 't', layer: 'gold', relation: TABLE, contracts: [c], refs: { ref: sql`gold.ref` }, asOf: '2025-01-01', withPropertyRules: true, ...(since ? { since } : {}), ...(memo ? { memo } : {}) });

describe('gold checks from the changed rows', () => {
  test('ten rounds of random changes: the same results and kept values as a check of the whole table', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`SELECT setseed(0.42);
        CREATE SCHEMA gold;
        CREATE TABLE gold.ref AS SELECT * FROM (VALUES ('x'), ('y')) t(s);
        CREATE TABLE gold.t AS SELECT i AS id, 'k' || (i % 300) AS a, i // 300 AS b, CASE WHEN i % 17 = 0 THEN NULL ELSE i * 0.5 END AS v,
          CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS s FROM range(3000) r(i);`));
      const c = tableContract();
      let last: Record<string, number> = {};
      expect(await check(e, c, undefined, last)).toBeDefined();
      let sawDuplicates = false;
      for (let round = 0; round < 10; round++) {
        // Delete a random tenth of the rows; insert rows that repeat old keys, new keys, NULL keys, bad values.
        // (id: a row's identity, which no rule reads.)
        await e.exec(trusted(`CREATE OR REPLACE TABLE gold.removed AS SELECT * FROM gold.t WHERE random() < 0.1;
          DELETE FROM gold.t WHERE id IN (SELECT id FROM gold.removed);
          CREATE OR REPLACE TABLE gold.added AS
            SELECT 100000 * ${round + 1} + i AS id,
                   CASE WHEN random() < 0.05 THEN NULL ELSE 'k' || CAST(floor(random() * 320) AS INTEGER) END AS a,
                   CAST(floor(random() * 12) AS INTEGER) AS b,
                   CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.05 THEN -1.0 ELSE round(random() * 100, 2) END AS v,
                   CASE WHEN random() < 0.03 THEN 'z' WHEN random() < 0.5 THEN 'x' ELSE 'y' END AS s
            FROM range(${100 + round * 37}) r(i);
          INSERT INTO gold.t SELECT * FROM gold.added;`));
        const rec = recording(e);
        const memo: Record<string, number> = {};
        const since = await check(rec.engine, c, { last, removed: sql`gold.removed`, added: sql`gold.added` }, memo);
        const wholeMemo: Record<string, number> = {};
        const whole = await check(e, c, undefined, wholeMemo);
        expect(since).toEqual(whole);
        expect(memo).toEqual(wholeMemo);
        // Counts were taken over the changed rows only: no count over the whole table (the foreign key's
        // and the reconciliation's aggregates still read it).
        const overTable = rec.texts.filter((t) => t.includes('FROM gold.t AS d'));
        expect(overTable.length).toBe(1);
        expect(overTable[0]).not.toMatch(/count\(\*\) AS/);
        expect(overTable[0]).toMatch(/SELECT TRUE FROM gold\.ref/);
        sawDuplicates ||= whole.some((r) => r.id === 't.t_key_unique' && (r.value ?? 0) > 0);
        last = memo;
      }
      expect(sawDuplicates).toBe(true);
    });
  });

  test('an unchanged table: the counts come from the last values without a query', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE SCHEMA gold; CREATE TABLE gold.ref AS SELECT 'x' AS s;
        CREATE TABLE gold.t AS SELECT * FROM (VALUES (1, 'a', 1, 1.0, 'x'), (2, 'a', 1, NULL, 'w')) t(id, a, b, v, s);`));
      const c = tableContract();
      const last: Record<string, number> = {};
      const first = await check(e, c, undefined, last);
      const rec = recording(e);
      const again = await check(rec.engine, c, { last });
      expect(again).toEqual(first);
      expect(first.find((r) => r.id === 't.t_key_unique')).toMatchObject({ value: 1, status: 'failed' });
      expect(first.find((r) => r.id === 't.t_s_valid')).toMatchObject({ value: 1, status: 'failed' });
      expect(rec.texts.filter((t) => /count\(\*\) FILTER/.test(t) && !t.includes('SELECT TRUE FROM'))).toEqual([]);
    });
  });
});
