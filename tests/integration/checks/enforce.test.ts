import { describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { ident, sql, type Sql } from '../../../src/sql/sql.ts';
import { enforceRowRules, type EnforceOutput } from '../../../src/checks/enforce.ts';
import type { Contract, CustomRowRule } from '../../../src/contracts/model.ts';
import { contract, fk, prop, rule } from './contract-fixtures.ts';
import { makeBronze, quarantinedRules } from './bronze-fixtures.ts';
import { countingEngine } from './counting-engine.ts';

const S = ident('silver_t');
const Q = ident('quarantine_t');

async function enforce(engine: Engine, dataset: string, bronze: Sql, contracts: Contract[], refs: Record<string, Sql> = {}, refKeys?: Record<string, string[]>): Promise<EnforceOutput> {
  return enforceRowRules(engine, { dataset, bronze, contracts, silverTable: S, quarantineTable: Q, refs, asOf: '2024-06-30', keepLineage: true, ...(refKeys ? { refKeys } : {}) });
}

const check = (out: EnforceOutput, id: string) => {
  const c = out.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}; have ${out.checks.map((x) => x.id).join(', ')}`);
  return c;
};

const silverRecords = async (e: Engine): Promise<number[]> =>
  (await e.rows(sql`SELECT "_record_number" AS n FROM ${S} ORDER BY n`)).map((r) => Number(r['n']));

describe('type casts', () => {
  const columns = ['id', 'i', 'n', 'b', 'd', 'ts'];
  const types = contract('t', 'source', [
    prop('id'),
    prop('i', 'integer'),
    prop('n', 'number'),
    prop('b', 'boolean'),
    prop('d', 'date'),
    prop('ts', 'timestamp'),
  ]);

  test('each cast rejects exactly the spellings that are not its type; NULL and empty are not cast failures', async () => {
    await withEngine(async (e) => {
      const b = await makeBronze(e, 'b', columns, [
        ['r1', '12', '1.5', 'TRUE', '2024-02-29', '2024-01-02'],
        ['r2', '1.5', '1e3', 'yes', '05/01/2024', '2024-13-01'],
        ['r3', ' 7 ', 'abc', '0', '2024-02-30', '2024-01-02T10:00:00Z'],
        ['r4', '', '', '', '', null],
        ['r5', '0x10', 'inf', 'False', '2024-03-01T23:59:59.5+02:00', '2024-01-02 10:00+02:00'],
        ['r6', '99999999999999999999', '-.5', '1', '2024-1-2', '2024-01-02T25:00'],
      ]);
      const out = await enforce(e, 't', b, [types]);
      expect(check(out, 't.i.type')).toMatchObject({ failed_rows: 3, status: 'failed', description: 'i is not an integer' });
      expect(check(out, 't.n.type').failed_rows).toBe(2);
      expect(check(out, 't.b.type').failed_rows).toBe(1);
      expect(check(out, 't.d.type').failed_rows).toBe(3);
      expect(check(out, 't.ts.type')).toMatchObject({ failed_rows: 2, description: 'ts is not an ISO 8601 timestamp' });
      expect(await quarantinedRules(e, Q)).toEqual({
        2: ['t.b.type', 't.d.type', 't.i.type', 't.ts.type'],
        3: ['t.d.type', 't.n.type'],
        5: ['t.i.type', 't.n.type'],
        6: ['t.d.type', 't.i.type', 't.ts.type'],
      });
      expect(await silverRecords(e)).toEqual([1, 4]);
      expect(out.counts).toEqual({ records_in: 6, rows_out: 2, rows_quarantined: 4, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
    });
  });

  test('every ISO 8601 offset spelling (±HH:MM, ±HHMM, ±HH) becomes UTC; a bare date is not read as an offset', async () => {
    await withEngine(async (e) => {
      const b = await makeBronze(e, 'b', columns, [
        ['r1', '1', '1', 'true', '2024-01-05', '2024-01-05 10:00:00+00'],
        ['r2', '1', '1', 'true', '2024-01-05', '2024-01-05T10:00:00+0200'],
        ['r3', '1', '1', 'true', '2024-01-05', '2024-01-05T10:00:00-03'],
        ['r4', '1', '1', 'true', '2024-01-05', '2024-01-05'],
        ['r5', '1', '1', 'true', '2024-01-05', '2024-01-05T10:00:00+2'],
      ]);
      const out = await enforce(e, 't', b, [types]);
      expect(check(out, 't.ts.type').failed_rows).toBe(1);
      const rows = await e.rows(sql`SELECT _record_number AS r, CAST(ts AS VARCHAR) AS ts FROM ${S} ORDER BY _record_number`);
      expect(rows.map((x) => x['ts'])).toEqual(['2024-01-05 10:00:00', '2024-01-05 08:00:00', '2024-01-05 13:00:00', '2024-01-05 00:00:00']);
    });
  });

  test('silver columns are typed; offsets become UTC; a date given a timestamp keeps its calendar date', async () => {
    await withEngine(async (e) => {
      const b = await makeBronze(e, 'b', columns, [['r1', ' 7 ', '-.5', 'False', '2024-03-01T23:59:59.5+02:00', '2024-01-02 10:00+02:00']]);
      await enforce(e, 't', b, [types]);
      expect((await e.describe(S)).map((c) => `${c.name} ${c.type}`)).toEqual([
        'id VARCHAR',
        'i BIGINT',
        'n DOUBLE',
        'b BOOLEAN',
        'd DATE',
        'ts TIMESTAMP',
        '_source_file VARCHAR',
        '_record_number BIGINT',
      ]);
      const [row] = await e.rows(sql`SELECT i, n, b, CAST(d AS VARCHAR) AS d, CAST(ts AS VARCHAR) AS ts FROM ${S}`);
      expect(row).toEqual({ i: 7, n: -0.5, b: false, d: '2024-03-01', ts: '2024-01-02 08:00:00' });
    });
  });
});

describe('value rules', () => {
  test('each rule catches exactly its rows; NULLs never fail a value rule', async () => {
    await withEngine(async (e) => {
      const c = contract('v', 'source', [
        prop('a', 'string', { required: true }),
        prop('q', 'integer', { options: { minimum: 1, maximum: 10 } }),
        prop('x', 'number', { options: { exclusiveMinimum: 0, exclusiveMaximum: 100 } }),
        prop('s', 'string', { options: { minLength: 2, maxLength: 4 } }),
        prop('p', 'string', { options: { pattern: '[0-9]{3}' } }),
        prop('m', 'string', { options: { format: 'email' } }),
        prop('k', 'string', { options: { enum: ['A', 'B'] } }),
        prop('ke', 'integer', { options: { enum: [1, 2] } }),
      ]);
      const b = await makeBronze(e, 'b', ['a', 'q', 'x', 's', 'p', 'm', 'k', 'ke'], [
        ['a', '1', '50', 'ab', 'x123y', 'a@b.co', 'A', '1'],
        ['', '0', '0', 'a', 'abc', 'not-an-email', 'C', '3'],
        ['b', '11', '100', 'abcde', '12', 'a@b', 'a', '2'],
        ['c', '', '', '', '', '', '', ''],
        ['d', '10', '99.9', 'abcd', '999', 'first.last+tag@sub.example.org', 'B', '02'],
        [null, null, null, null, null, null, null, null],
      ]);
      const out = await enforce(e, 'v', b, [c]);
      expect(await quarantinedRules(e, Q)).toEqual({
        2: ['v.a.required', 'v.k.valid_values', 'v.ke.valid_values', 'v.m.format', 'v.p.pattern', 'v.q.minimum', 'v.s.min_length', 'v.x.exclusive_minimum'],
        3: ['v.k.valid_values', 'v.m.format', 'v.p.pattern', 'v.q.maximum', 'v.s.max_length', 'v.x.exclusive_maximum'],
        6: ['v.a.required'],
      });
      expect(await silverRecords(e)).toEqual([1, 4, 5]);
      expect(check(out, 'v.q.minimum')).toMatchObject({ failed_rows: 1, description: 'q must be >= 1', status: 'failed', sample_keys: ['record 2'] });
      expect(check(out, 'v.x.exclusive_minimum').description).toBe('x must be > 0');
      expect(check(out, 'v.a.required')).toMatchObject({ failed_rows: 2, sample_keys: ['record 2', 'record 6'] });
      expect(check(out, 'v.k.valid_values').description).toBe('k must be one of A, B');
    });
  });

  test('warning severity flags the row and keeps it', async () => {
    await withEngine(async (e) => {
      const c = contract('customers', 'source', [
        prop('customer_id', 'string', { required: true }),
        prop('email', 'string', { severity: 'warning', options: { format: 'email' } }),
      ]);
      const b = await makeBronze(e, 'b', ['customer_id', 'email'], [
        ['C1', 'ok@example.com'],
        ['C2', 'broken'],
        ['', 'also broken'],
      ]);
      const out = await enforce(e, 'customers', b, [c]);
      expect(check(out, 'customers.email.format')).toMatchObject({ severity: 'warning', status: 'warning', failed_rows: 2 });
      expect(out.counts).toEqual({ records_in: 3, rows_out: 2, rows_quarantined: 1, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 1 });
      expect(await silverRecords(e)).toEqual([1, 2]);
      // The quarantined row lists every rule it broke, warnings included.
      expect(await quarantinedRules(e, Q)).toEqual({ 3: ['customers.customer_id.required', 'customers.email.format'] });
    });
  });
});

describe('duplicates', () => {
  test('exact duplicates are dropped and counted; differing records sharing a key are all quarantined', async () => {
    await withEngine(async (e) => {
      const c = contract('customers', 'silver', [prop('customer_id', 'string', { primaryKey: true }), prop('name')], { primaryKey: ['customer_id'] });
      const b = await makeBronze(e, 'b', ['customer_id', 'name'], [
        ['C1', 'Ann'],
        ['C2', 'Bob'],
        ['C1', 'Ann'],
        ['C3', 'Cy'],
        ['C3', 'Cyd'],
        ['C1', 'Ann'],
        ['C4', 'Dee'],
        ['C4', 'Dee'],
        ['C4', 'Dan'],
      ]);
      const out = await enforce(e, 'customers', b, [c]);
      expect(out.counts).toEqual({ records_in: 9, rows_out: 2, rows_quarantined: 4, duplicates_dropped: 3, rows_excluded: 0, rows_flagged: 0 });
      expect(await silverRecords(e)).toEqual([1, 2]);
      expect(await quarantinedRules(e, Q)).toEqual({
        4: ['customers.duplicate_key'],
        5: ['customers.duplicate_key'],
        7: ['customers.duplicate_key'],
        9: ['customers.duplicate_key'],
      });
      expect(check(out, 'customers.duplicate_key')).toMatchObject({
        failed_rows: 4,
        description: 'duplicate key customer_id with different values',
        sample_keys: ['C3', 'C3', 'C4', 'C4'],
      });
      const [q] = await e.rows(sql`SELECT _reasons FROM ${Q} LIMIT 1`);
      expect(q).toEqual({ _reasons: ['duplicate key customer_id with different values'] });
    });
  });

  test('composite primary key', async () => {
    await withEngine(async (e) => {
      const c = contract('orders', 'silver', [prop('order_id'), prop('product_id'), prop('quantity', 'integer')], { primaryKey: ['order_id', 'product_id'] });
      const b = await makeBronze(e, 'b', ['order_id', 'product_id', 'quantity'], [
        ['O1', 'P1', '2'],
        ['O1', 'P2', '1'],
        ['O1', 'P1', '3'],
        ['O2', 'P1', '1'],
        ['O2', 'P1', '1'],
        ['O3', null, '1'],
        ['O3', null, '2'],
      ]);
      const out = await enforce(e, 'orders', b, [c]);
      expect(check(out, 'orders.duplicate_key').description).toBe('duplicate key (order_id, product_id) with different values');
      expect(await quarantinedRules(e, Q)).toEqual({ 1: ['orders.duplicate_key'], 3: ['orders.duplicate_key'] });
      // A key with a NULL part is not a duplicate key (`required` would catch the NULL).
      expect(await silverRecords(e)).toEqual([2, 4, 6, 7]);
      expect(out.counts).toEqual({ records_in: 7, rows_out: 4, rows_quarantined: 2, duplicates_dropped: 1, rows_excluded: 0, rows_flagged: 0 });
    });
  });

  test('sample keys are the primary key, or the record number when the key is missing', async () => {
    await withEngine(async (e) => {
      const c = contract('orders', 'silver', [prop('order_id', 'string', { primaryKey: true }), prop('product_id', 'string', { primaryKey: true }), prop('quantity', 'integer', { options: { minimum: 1 } })], { primaryKey: ['order_id', 'product_id'] });
      const b = await makeBronze(e, 'b', ['order_id', 'product_id', 'quantity'], [
        ['O1', 'P1', '0'],
        ['', '', '1'],
        ['O2', '', '1'],
      ]);
      const out = await enforce(e, 'orders', b, [c]);
      expect(check(out, 'orders.quantity.minimum').sample_keys).toEqual(['(O1, P1)']);
      expect(check(out, 'orders.order_id.required').sample_keys).toEqual(['record 2']);
      expect(check(out, 'orders.product_id.required').sample_keys).toEqual(['record 2', '(O2, NULL)']);
    });
  });

  test('unique (non-key) column', async () => {
    await withEngine(async (e) => {
      const c = contract('products', 'source', [prop('product_id', 'string', { primaryKey: true }), prop('sku', 'string', { unique: true })], { primaryKey: ['product_id'] });
      const b = await makeBronze(e, 'b', ['product_id', 'sku'], [
        ['P1', 'S1'],
        ['P2', 'S1'],
        ['P3', 'S3'],
        ['P3', 'S3'],
      ]);
      const out = await enforce(e, 'products', b, [c]);
      expect(check(out, 'products.sku.unique').failed_rows).toBe(2);
      expect(await silverRecords(e)).toEqual([3]);
      expect(out.counts.duplicates_dropped).toBe(1);
    });
  });
});

describe('relationships and cross-table predicates', () => {
  async function customers(e: Engine): Promise<Sql> {
    await e.exec(sql`CREATE TABLE silver_customers AS SELECT * FROM (VALUES ('C1', DATE '2024-01-01'), ('C2', DATE '2024-03-01')) t(customer_id, registration_date)`);
    return ident('silver_customers');
  }
  const orders = (extra: Partial<Contract> = {}): Contract[] => [
    contract('orders', 'source', [prop('order_id', 'string', { required: true }), prop('customer_id'), prop('order_date', 'timestamp')]),
    contract('orders', 'silver', [], { relationships: [fk('customer_fk', ['customer_id'], 'customers', ['customer_id'])], ...extra }),
  ];

  test('FK against a silver table: unknown keys fail, NULL keys do not', async () => {
    await withEngine(async (e) => {
      const refs = { customers: await customers(e) };
      const b = await makeBronze(e, 'b', ['order_id', 'customer_id', 'order_date'], [
        ['O1', 'C1', '2024-02-01'],
        ['O2', 'C9', '2024-02-01'],
        ['O3', '', '2024-02-01'],
        ['O4', 'c1', '2024-02-01'],
      ]);
      const out = await enforce(e, 'orders', b, orders(), refs);
      expect(check(out, 'orders.customer_fk')).toMatchObject({
        failed_rows: 2,
        description: 'customer_id not found in customers.customer_id',
        sample_keys: ['record 2', 'record 4'],
        rule: 'relationship',
      });
      expect(await silverRecords(e)).toEqual([1, 3]);
    });
  });

  test('composite FK', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE lines AS SELECT * FROM (VALUES ('O1', 'P1'), ('O1', 'P2')) t(order_id, product_id)`);
      const c = contract('returns', 'silver', [prop('return_id'), prop('order_id'), prop('product_id')], {
        relationships: [fk('line_fk', ['order_id', 'product_id'], 'orders', ['order_id', 'product_id'])],
      });
      const b = await makeBronze(e, 'b', ['return_id', 'order_id', 'product_id'], [
        ['R1', 'O1', 'P2'],
        ['R2', 'O1', 'P3'],
        ['R3', 'O2', 'P1'],
        ['R4', 'O2', null],
      ]);
      const out = await enforce(e, 'returns', b, [c], { orders: ident('lines') });
      expect(check(out, 'returns.line_fk').description).toBe('(order_id, product_id) not found in orders.(order_id, product_id)');
      expect(await quarantinedRules(e, Q)).toEqual({ 2: ['returns.line_fk'], 3: ['returns.line_fk'] });
    });
  });

  test('a reference to the key of a silver table joins as is; any other reference is grouped first, never multiplying rows', async () => {
    await withEngine(async (e) => {
      // The key (order_id, product_id) is unique in `lines`; order_id alone is not.
      await e.exec(sql`CREATE TABLE lines AS SELECT * FROM (VALUES ('O1', 'P1', DATE '2024-01-05'), ('O1', 'P2', DATE '2024-01-03')) t(order_id, product_id, order_date)`);
      const byLine = contract('returns', 'silver', [prop('return_id'), prop('order_id'), prop('product_id'), prop('return_date', 'date')], {
        relationships: [fk('line_fk', ['order_id', 'product_id'], 'orders', ['order_id', 'product_id'])],
        quality: [rule<CustomRowRule>({ type: 'custom-row', id: 'returns.after_order', expression: 'return_date >= orders.order_date' })],
      });
      const b = await makeBronze(e, 'b', ['return_id', 'order_id', 'product_id', 'return_date'], [
        ['R1', 'O1', 'P2', '2024-01-04'],
        ['R2', 'O1', 'P1', '2024-01-04'],
        ['R3', 'O2', 'P1', '2024-01-04'],
      ]);
      const keyed = await enforce(e, 'returns', b, [byLine], { orders: ident('lines') }, { orders: ['product_id', 'order_id'] });
      const grouped = await enforce(e, 'returns', b, [byLine], { orders: ident('lines') });
      for (const out of [keyed, grouped]) {
        expect(out.counts).toEqual({ records_in: 3, rows_out: 1, rows_quarantined: 2, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
        expect(check(out, 'returns.after_order').failed_rows).toBe(1);
        expect(check(out, 'returns.line_fk').failed_rows).toBe(1);
      }
      // A declared key that is not the referenced columns: grouped, one row per return.
      const byOrder = contract('returns', 'silver', [prop('return_id'), prop('order_id')], {
        relationships: [fk('order_fk', ['order_id'], 'orders', ['order_id'])],
      });
      const b2 = await makeBronze(e, 'b2', ['return_id', 'order_id'], [['R1', 'O1'], ['R2', 'O3']]);
      const out = await enforce(e, 'returns', b2, [byOrder], { orders: ident('lines') }, { orders: ['order_id', 'product_id'] });
      expect(out.counts).toEqual({ records_in: 2, rows_out: 1, rows_quarantined: 1, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
    });
  });

  test('cross-table custom predicate joins through the relationship; as_of() is the run date', async () => {
    await withEngine(async (e) => {
      const refs = { customers: await customers(e) };
      const rules = [
        rule<CustomRowRule>({ type: 'custom-row', id: 'orders.after_registration', expression: 'date(order_date) >= customers.registration_date', description: 'order_date is before the customer registered' }),
        rule<CustomRowRule>({ type: 'custom-row', id: 'orders.not_future', expression: 'date(order_date) <= as_of()' }),
      ];
      const b = await makeBronze(e, 'b', ['order_id', 'customer_id', 'order_date'], [
        ['O1', 'C1', '2024-01-01T00:00:00'],
        ['O2', 'C2', '2024-02-29T23:59:59'],
        ['O3', 'C2', '2024-03-01T00:00:00+02:00'],
        ['O4', 'C1', '2024-07-01'],
        ['O5', 'C9', '2024-01-01'],
      ]);
      const out = await enforce(e, 'orders', b, orders({ quality: rules }), refs);
      expect(await quarantinedRules(e, Q)).toEqual({
        2: ['orders.after_registration'],
        // 2024-03-01T00:00+02:00 is 2024-02-29 22:00 UTC: before registration.
        3: ['orders.after_registration'],
        4: ['orders.not_future'],
        5: ['orders.customer_fk'],
      });
      expect(check(out, 'orders.not_future').description).toBe('date(order_date) <= as_of() does not hold');
      expect(check(out, 'orders.after_registration').failed_rows).toBe(2);
    });
  });

  test('a missing referenced dataset skips the rule; a bad expression or pattern is an error result, the pass still runs', async () => {
    await withEngine(async (e) => {
      const c = contract('orders', 'silver', [prop('order_id', 'string', { options: { pattern: '([a-z' } }), prop('customer_id')], {
        relationships: [fk('customer_fk', ['customer_id'], 'customers', ['customer_id'])],
        quality: [rule<CustomRowRule>({ type: 'custom-row', id: 'orders.bad', expression: 'nope > 1' })],
      });
      const b = await makeBronze(e, 'b', ['order_id', 'customer_id'], [['O1', 'C1']]);
      const out = await enforce(e, 'orders', b, [c]);
      expect(check(out, 'orders.customer_fk')).toMatchObject({ status: 'skipped', message: 'referenced dataset customers is not available' });
      expect(check(out, 'orders.bad').status).toBe('error');
      expect(check(out, 'orders.bad').message).toContain('unknown column nope');
      expect(check(out, 'orders.order_id.pattern').status).toBe('error');
      expect(out.counts.rows_out).toBe(1);
    });
  });
});

describe('columns', () => {
  test('a declared column missing from the data fails field_present and reads as NULL', async () => {
    await withEngine(async (e) => {
      const c = contract('cities', 'source', [prop('city_id', 'string', { required: true }), prop('population', 'integer', { required: true })]);
      const b = await makeBronze(e, 'b', ['city_id'], [['X'], ['Y']]);
      const out = await enforce(e, 'cities', b, [c]);
      expect(check(out, 'cities.population.field_present')).toMatchObject({ status: 'failed', severity: 'error', failed_rows: 2 });
      expect(check(out, 'cities.population.required').failed_rows).toBe(2);
      expect(out.counts.rows_quarantined).toBe(2);
      expect((await e.describe(Q)).map((x) => x.name)).toEqual(['city_id', 'population', '_source_file', '_record_number', '_raw', '_rule_ids', '_reasons', '_excluded']);
    });
  });

  test('undeclared bronze columns are kept in quarantine and dropped from silver', async () => {
    await withEngine(async (e) => {
      const c = contract('t', 'source', [prop('id', 'string', { required: true })]);
      const b = await makeBronze(e, 'b', ['id', 'note'], [['A', 'x'], ['', 'y']]);
      await enforce(e, 't', b, [c]);
      expect((await e.describe(S)).map((x) => x.name)).toEqual(['id', '_source_file', '_record_number']);
      expect(await e.rows(sql`SELECT id, note FROM ${Q}`)).toEqual([{ id: '', note: 'y' }]);
    });
  });

  test('the same rule in the source and silver contracts runs once', async () => {
    await withEngine(async (e) => {
      const src = contract('t', 'source', [prop('id', 'string', { required: true })]);
      const silver = contract('t', 'silver', [prop('id', 'string', { required: true })]);
      const b = await makeBronze(e, 'b', ['id'], [['A'], ['']]);
      const out = await enforce(e, 't', b, [silver, src]);
      expect(out.checks.map((x) => x.id)).toEqual(['t.id.required']);
      expect(out.checks[0]).toMatchObject({ layer: 'source', failed_rows: 1 });
    });
  });

  test('an empty bronze relation gives zero counts', async () => {
    await withEngine(async (e) => {
      const c = contract('t', 'source', [prop('id', 'string', { required: true, primaryKey: true })], { primaryKey: ['id'] });
      const b = await makeBronze(e, 'b', ['id'], []);
      const out = await enforce(e, 't', b, [c]);
      expect(out.counts).toEqual({ records_in: 0, rows_out: 0, rows_quarantined: 0, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
      expect(out.checks.every((x) => x.status === 'passed')).toBe(true);
    });
  });
});

describe('fused execution', () => {
  test('silver holds the contract columns only unless lineage is kept; the quarantine always has it', async () => {
    await withEngine(async (e) => {
      const b = await makeBronze(e, 'b', ['a', 'q'], [['x', '1'], ['', '0']]);
      const c = contract('t', 'source', [prop('a', 'string', { required: true }), prop('q', 'integer')]);
      await enforceRowRules(e, { dataset: 't', bronze: b, contracts: [c], silverTable: S, quarantineTable: Q, refs: {}, asOf: '2024-06-30' });
      expect((await e.describe(S)).map((x) => x.name)).toEqual(['a', 'q']);
      expect((await e.describe(Q)).map((x) => x.name)).toEqual(['a', 'q', '_source_file', '_record_number', '_raw', '_rule_ids', '_reasons', '_excluded']);
      await enforceRowRules(e, { dataset: 't', bronze: b, contracts: [c], silverTable: S, quarantineTable: Q, refs: {}, asOf: '2024-06-30', keepLineage: true });
      expect((await e.describe(S)).map((x) => x.name)).toEqual(['a', 'q', '_source_file', '_record_number']);
    });
  });

  test('the number of statements does not grow with the number of rules', async () => {
    await withEngine(async (e) => {
      const b = await makeBronze(e, 'b', ['a', 'q'], [['x', '1'], ['', '0']]);
      const few = contract('t', 'source', [prop('a', 'string', { required: true }), prop('q', 'integer')]);
      const many = contract('t', 'source', [
        prop('a', 'string', { required: true, options: { minLength: 1, maxLength: 5, enum: ['x', 'y'] } }),
        prop('q', 'integer', { required: true, options: { minimum: 1, maximum: 9, exclusiveMaximum: 10, enum: [1, 2] } }),
      ]);
      const runs: number[] = [];
      for (const c of [few, many]) {
        const counting = countingEngine(e);
        const out = await enforce(counting.engine, 't', b, [c]);
        expect(out.counts.records_in).toBe(2);
        runs.push(counting.count());
      }
      // describe(bronze), duplicates, label (into the silver table), quarantine, counts, and one
      // batch that deletes the rows that did not pass and drops the helper columns.
      expect(runs).toEqual([6, 6]);
    });
  });
});
