// The gold checks run side by side on the engine's sessions; their results come back in the contracts'
// order, the same as one by one. provenKeys reads from them which tables' keys hold.
import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { ident, sql, trusted, type Sql } from '../../../src/sql/sql.ts';
import { evaluateGoldChecks } from '../../../src/checks/gold-checks.ts';
import { provenKeys } from '../../../src/checks/proven-keys.ts';
import type { Contract, LibraryRule } from '../../../src/contracts/model.ts';
import { contract, prop, rule } from './contract-fixtures.ts';

const unique = (id: string, properties?: string[]): LibraryRule =>
  rule<LibraryRule>({ type: 'library', id, metric: 'duplicateValues', unit: 'rows', operator: { op: 'mustBe', value: 0 }, arguments: properties ? { properties } : {} });

/** A gold contract keyed on (a, b), with the key's duplicateValues rule. */
function keyed(dataset: string, extra: Partial<Contract> = {}): Contract {
  const key = { primaryKey: true, required: true };
  return contract(dataset, 'gold', [prop('a', 'string', key), prop('b', 'integer', key), prop('v', 'number')], {
    primaryKey: ['a', 'b'],
    quality: [unique(`${dataset}_key_unique`, ['a', 'b'])],
    ...extra,
  });
}

async function setUp(e: Engine): Promise<{ contracts: Contract[]; refs: Record<string, Sql> }> {
  await e.exec(trusted(`CREATE SCHEMA gold;
    CREATE TABLE gold.holds AS SELECT 'k' || (i % 1000) AS a, i // 1000 AS b, i * 0.5 AS v FROM range(20000) t(i);
    CREATE TABLE gold.twice AS SELECT * FROM (VALUES ('x', 1, 1.0), ('x', 1, 2.0), ('y', 1, 3.0)) t(a, b, v);
    CREATE TABLE gold.with_null AS SELECT * FROM (VALUES ('x', 1, 1.0), (NULL, 1, 2.0)) t(a, b, v);
    CREATE TABLE gold.warned AS SELECT * FROM (VALUES ('x', 1, 1.0), ('x', 1, 2.0)) t(a, b, v);
    CREATE TABLE gold.other_rule AS SELECT * FROM (VALUES ('x', 1, 1.0), ('x', 2, 2.0)) t(a, b, v);`));
  const contracts = [
    keyed('holds'),
    keyed('not_built'),
    keyed('twice'),
    keyed('with_null'),
    // Duplicates allowed by the rule's threshold: passed, but the key does not hold.
    keyed('warned', { quality: [rule<LibraryRule>({ type: 'library', id: 'warned_key', metric: 'duplicateValues', unit: 'rows', operator: { op: 'mustBeLessThan', value: 5 }, arguments: { properties: ['a', 'b'] } })] }),
    // Unique on `a` alone proves nothing about the key (a, b)… it is stronger, but not the rule of the key.
    keyed('other_rule', { quality: [unique('other_b', ['b'])] }),
  ];
  const refs: Record<string, Sql> = {};
  for (const t of ['holds', 'twice', 'with_null', 'warned', 'other_rule']) refs[t] = sql`gold.${ident(t)}`;
  return { contracts, refs };
}

describe('gold checks', () => {
  test('side by side: the same results, in the contracts order, as with one thread', async () => {
    const run = (threads: number) => withEngine(async (e) => {
      const { contracts, refs } = await setUp(e);
      const built = ['holds', 'twice', 'with_null', 'warned', 'other_rule'];
      const results = await evaluateGoldChecks(e, { contracts, built, whyNotBuilt: () => 'its source is absent', refs, asOf: '2025-01-01' });
      // The engine's own thread count is back after the sessions are gone.
      expect(Number(await e.scalar(trusted(`SELECT current_setting('threads')`)))).toBe(threads);
      return { results, proven: [...provenKeys(contracts, results)].sort() };
    }, { threads });
    const two = await run(2);
    const one = await run(1);
    expect(two).toEqual(one);
    expect([...new Set(two.results.map((r) => r.dataset))]).toEqual(['holds', 'not_built', 'twice', 'with_null', 'warned', 'other_rule']);
    expect(two.results.find((r) => r.dataset === 'not_built')).toMatchObject({ id: 'not_built.contract', status: 'skipped', message: 'model not_built was not built (its source is absent)' });
    expect(two.results.find((r) => r.id === 'twice.twice_key_unique')).toMatchObject({ status: 'failed', value: 1 });
    expect(two.results.find((r) => r.id === 'with_null.a.required')).toMatchObject({ status: 'failed', failed_rows: 1 });
    expect(two.results.find((r) => r.id === 'warned.warned_key')).toMatchObject({ status: 'passed', value: 1 });
    // Only the table whose key is required, and unique by its own key rule (measured 0).
    expect(two.proven).toEqual(['holds']);
  });
});
