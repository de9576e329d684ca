// recheckAsOf on a real in-memory DuckDB: a state made by the row pass at one --as-of, rechecked at another,
// equals the row pass at the other date over the same records (silver, quarantine, counts, checks); what it
// cannot do exactly it refuses with a reason.
import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { ident, sql, type Sql } from '../../../src/sql/sql.ts';
import { enforceRowRules, type EnforceOutput } from '../../../src/checks/enforce.ts';
import type { Contract, CustomRowRule } from '../../../src/contracts/model.ts';
import { recheckAsOf, type RecheckOutcome } from '../../../src/stages/recheck-as-of.ts';
import { contract, fk, prop, rule } from '../checks/contract-fixtures.ts';
import { makeBronze } from '../checks/bronze-fixtures.ts';

const BEFORE = '2024-06-30';
const AFTER = '2024-07-02';
const columns = ['order_id', 'product_id', 'customer_id', 'quantity', 'order_date'];
const rows: (string | null)[][] = [
  ['O1', 'P1', 'C1', '1', '2024-06-10T10:00:00'], // 1 valid
  ['O2', 'P1', 'C1', '2', '2024-07-01T09:00:00'], // 2 future at BEFORE, valid at AFTER
  ['O3', 'P1', 'C1', '1', '2024-07-05T09:00:00'], // 3 future at both
  ['O4', 'P1', 'C1', '0', '2024-07-01T09:00:00'], // 4 future at BEFORE, and quantity 0 at both
  ['O5', 'P1', 'C9', '1', '2024-07-02T09:00:00'], // 5 future at BEFORE, unknown customer at both
  ['O6', 'P1', 'C1', '1', '2024-07-01T09:00:00'], // 6 + 7: the same key with other values, at both
  ['O6', 'P1', 'C1', '3', '2024-07-01T09:00:00'],
  ['O2', 'P1', 'C1', '2', '2024-07-01T09:00:00'], // 8 exact duplicate of 2: dropped at both
  ['O9', 'P1', 'C1', '1', 'not a date'], // 9 no date
  ['O10', 'P2', 'C1', '7', '2024-06-29T09:00:00'], // 10 valid (7 units)
  ['O11', 'P1', 'C1', '1', '2024-07-01T12:00:00'], // 11 future at BEFORE, valid at AFTER
];

function contracts(extra: CustomRowRule[] = []): Contract[] {
  return [
    contract('orders', 'silver', [
      prop('order_id', 'string', { required: true, primaryKey: true }),
      prop('product_id', 'string', { required: true, primaryKey: true }),
      prop('customer_id', 'string', { required: true }),
      prop('quantity', 'integer', { required: true, options: { exclusiveMinimum: 0 } }),
      prop('order_date', 'timestamp', { required: true }),
    ], {
      primaryKey: ['order_id', 'product_id'],
      relationships: [fk('orders.customer', ['customer_id'], 'customers', ['customer_id'])],
      quality: [
        rule<CustomRowRule>({ type: 'custom-row', id: 'orders.not_future', expression: 'date(order_date) <= as_of()', description: 'order_date is after --as-of' }),
        rule<CustomRowRule>({ type: 'custom-row', id: 'orders.after_registration', expression: 'date(order_date) >= customers.registration_date' }),
        ...extra,
      ],
    }),
  ];
}

async function setUp(e: Engine): Promise<{ bronze: Sql; refs: Record<string, Sql>; refKeys: Record<string, string[]> }> {
  await e.exec(sql`CREATE TABLE customers AS SELECT * FROM (VALUES ('C1', DATE '2024-01-01'), ('C2', DATE '2024-07-10')) t(customer_id, registration_date)`);
  await e.exec(sql`CREATE SCHEMA incr`);
  const bronze = await makeBronze(e, 'orders_bronze', columns, rows);
  return { bronze, refs: { customers: sql`customers` }, refKeys: { customers: ['customer_id'] } };
}

async function pass(e: Engine, c: Contract[], env: Awaited<ReturnType<typeof setUp>>, asOf: string, name: string): Promise<EnforceOutput & { silver: Sql; quarantine: Sql }> {
  const silver = ident(`${name}_silver`);
  const quarantine = ident(`${name}_quarantine`);
  const out = await enforceRowRules(e, { dataset: 'orders', bronze: env.bronze, contracts: c, silverTable: silver, quarantineTable: quarantine, refs: env.refs, refKeys: env.refKeys, asOf });
  return { ...out, silver, quarantine };
}

async function recheck(e: Engine, c: Contract[], env: Awaited<ReturnType<typeof setUp>>, state: Awaited<ReturnType<typeof pass>>, from: string, to: string): Promise<RecheckOutcome | string> {
  return recheckAsOf(e, {
    dataset: 'orders',
    contracts: c,
    silver: state.silver,
    quarantine: state.quarantine,
    stored: { counts: state.counts, rowChecks: state.checks, datasetChecks: [] },
    refs: env.refs,
    refKeys: env.refKeys,
    previousAsOf: from,
    asOf: to,
  });
}

const table = async (e: Engine, t: Sql) => e.rows(sql`SELECT * FROM ${t} ORDER BY ALL`);

describe('recheckAsOf', () => {
  test('an advancing --as-of: the state equals the row pass at the new date (rows moved to silver, new reasons, counts, checks)', async () => {
    await withEngine(async (e) => {
      const env = await setUp(e);
      const c = contracts();
      const state = await pass(e, c, env, BEFORE, 'state');
      expect(state.counts).toMatchObject({ records_in: 11, rows_out: 2, duplicates_dropped: 1 });
      const outcome = await recheck(e, c, env, state, BEFORE, AFTER);
      if (typeof outcome === 'string') throw new Error(outcome);
      const expected = await pass(e, c, env, AFTER, 'full');
      expect(outcome).toMatchObject({ rules: ['orders.not_future'], rechecked: 8, toSilver: 2, changed: true });
      expect(outcome.counts).toEqual(expected.counts);
      expect(outcome.counts).toMatchObject({ rows_out: 4, rows_quarantined: 6 });
      expect(outcome.rowChecks).toEqual(expected.checks);
      expect(outcome.rowChecks.find((x) => x.id === 'orders.not_future')).toMatchObject({ failed_rows: 1, sample_keys: ['(O3, P1)'] });
      expect(await table(e, state.silver)).toEqual(await table(e, expected.silver));
      expect(await table(e, state.quarantine)).toEqual(await table(e, expected.quarantine));
    });
  });

  test('the same --as-of again, or rules that do not read it: nothing changes', async () => {
    await withEngine(async (e) => {
      const env = await setUp(e);
      const state = await pass(e, contracts(), env, BEFORE, 'state');
      const before = await table(e, state.quarantine);
      const same = await recheck(e, contracts(), env, state, BEFORE, '2024-06-30');
      expect(same).toMatchObject({ rules: [], changed: false, counts: state.counts });
      const plain = contracts().map((x) => ({ ...x, quality: x.quality.filter((q) => q.id !== 'orders.not_future') }));
      const statePlain = await pass(e, plain, env, BEFORE, 'plain');
      expect(await recheck(e, plain, env, statePlain, BEFORE, AFTER)).toMatchObject({ rules: [], changed: false, rechecked: 0 });
      expect(await table(e, state.quarantine)).toEqual(before);
    });
  });

  test('an --as-of moved back before rows in silver is refused (silver keeps no original text or line)', async () => {
    await withEngine(async (e) => {
      const env = await setUp(e);
      const state = await pass(e, contracts(), env, AFTER, 'state');
      expect(await recheck(e, contracts(), env, state, AFTER, BEFORE)).toBe(`2 silver orders rows are judged otherwise by orders.not_future at --as-of ${BEFORE} than at ${AFTER}`);
    });
  });

  test('a warning rule that flags silver rows and rechecked rows alike is refused; one the rechecked rows never break keeps its result', async () => {
    await withEngine(async (e) => {
      const env = await setUp(e);
      const few = rule<CustomRowRule>({ type: 'custom-row', id: 'orders.few_units', expression: 'quantity < 5', severity: 'warning' });
      const c = contracts([few]);
      const state = await pass(e, c, env, BEFORE, 'state');
      // Row 10 (7 units) is flagged in silver; no rechecked row has 5 units or more.
      const outcome = await recheck(e, c, env, state, BEFORE, AFTER);
      if (typeof outcome === 'string') throw new Error(outcome);
      const expected = await pass(e, c, env, AFTER, 'full');
      expect(outcome.rowChecks).toEqual(expected.checks);
      expect(outcome.counts).toEqual(expected.counts);

      const many = rule<CustomRowRule>({ type: 'custom-row', id: 'orders.many_units', expression: 'quantity < 2', severity: 'warning' });
      const c2 = contracts([many]);
      const state2 = await pass(e, c2, env, BEFORE, 'state2');
      // Row 10 (silver, 7 units) and row 2 (rechecked, 2 units, moves to silver) both break it.
      expect(await recheck(e, c2, env, state2, BEFORE, AFTER)).toBe('warning rule orders.many_units flags silver rows and rechecked rows of orders: its samples need the silver rows\' lineage');
    });
  });
});
