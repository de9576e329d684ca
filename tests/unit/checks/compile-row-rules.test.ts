import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compileRowRules } from '../../../src/checks/compile-row-rules.ts';
import { buildEnforceSql } from '../../../src/checks/build-enforce-sql.ts';
import { EtlError } from '../../../src/errors.ts';
import { ident, qualified } from '../../../src/sql/sql.ts';
import type { CustomRowRule } from '../../../src/contracts/model.ts';
import { contract, fk, prop, rule } from '../../integration/checks/contract-fixtures.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/** Compare with tests/unit/checks/golden/<name>; UPDATE_GOLDEN=1 rewrites, a mismatch leaves <name>-changed beside it. */
function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  const changed = file.replace(/\.sql$/, '-changed.sql');
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return;
  }
  const expected = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (expected !== actual) writeFileSync(changed, actual);
  else rmSync(changed, { force: true });
  expect(actual, `golden ${name} differs (see ${changed}; UPDATE_GOLDEN=1 to accept)`).toBe(expected);
}

const orders = [
  contract('orders', 'source', [
    prop('order_id', 'string', { required: true }),
    prop('customer_id', 'string', { required: true }),
    prop('product_id', 'string', { required: true }),
    prop('quantity', 'integer', { required: true, options: { exclusiveMinimum: 0 } }),
    prop('order_date', 'timestamp', { required: true }),
  ]),
  contract('orders', 'silver', [], {
    primaryKey: ['order_id', 'product_id'],
    relationships: [fk('customer_fk', ['customer_id'], 'customers', ['customer_id'])],
    quality: [rule<CustomRowRule>({ type: 'custom-row', id: 'orders.after_registration', expression: 'date(order_date) >= customers.registration_date' })],
  }),
];

function plan(asOf = '2024-06-30') {
  return compileRowRules({
    dataset: 'orders',
    contracts: orders,
    bronzeColumns: ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date', '_source_file', '_record_number'],
    refs: { customers: qualified('silver', 'customers') },
    asOf,
  });
}

describe('compileRowRules', () => {
  test('rule ids, kinds, severities and reasons of the orders contracts', () => {
    const p = plan();
    expect(p.rules.map((r) => [r.id, r.rule, r.severity, r.layer, r.description])).toEqual([
      ['orders.quantity.type', 'type', 'error', 'source', 'quantity is not an integer'],
      ['orders.order_date.type', 'type', 'error', 'source', 'order_date is not an ISO 8601 timestamp'],
      ['orders.order_id.required', 'required', 'error', 'source', 'order_id is required'],
      ['orders.customer_id.required', 'required', 'error', 'source', 'customer_id is required'],
      ['orders.product_id.required', 'required', 'error', 'source', 'product_id is required'],
      ['orders.quantity.required', 'required', 'error', 'source', 'quantity is required'],
      ['orders.quantity.exclusive_minimum', 'exclusive_minimum', 'error', 'source', 'quantity must be > 0'],
      ['orders.order_date.required', 'required', 'error', 'source', 'order_date is required'],
      ['orders.duplicate_key', 'duplicate_key', 'error', 'silver', 'duplicate key (order_id, product_id) with different values'],
      ['orders.customer_fk', 'relationship', 'error', 'silver', 'customer_id not found in customers.customer_id'],
      ['orders.after_registration', 'custom', 'error', 'silver', 'date(order_date) >= customers.registration_date does not hold'],
    ]);
    expect(p.joins).toHaveLength(1);
    expect(p.joins[0]?.columns).toEqual(['registration_date']);
    expect(p.unrunnable).toEqual([]);
  });

  test('golden: the four statements of the fused pass', () => {
    const s = buildEnforceSql(plan(), {
      bronze: qualified('bronze', 'orders'),
      bronzeColumns: ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date', '_source_file', '_record_number'],
      silverTable: qualified('silver', 'orders'),
      quarantineTable: qualified('quarantine', 'orders'),
      duplicatesTable: ident('__etl_duplicates_orders'),
    });
    expectGolden('orders-duplicates.sql', `${s.duplicates?.text}\n`);
    expectGolden('orders-label.sql', `${s.label.text}\n`);
    expectGolden('orders-silver.sql', `${s.silver.text}\n`);
    expectGolden('orders-quarantine.sql', `${s.quarantine.text}\n`);
    expectGolden('orders-counts.sql', `${s.counts.text}\n`);
  });

  test('a bad --as-of is a usage error', () => {
    expect(() => plan('30/06/2024')).toThrow(EtlError);
    expect(() => plan('2024-02-30')).toThrow(EtlError); // no such day (src/as-of.ts: one strict parser)
    expect(() => plan("2024-06-30' OR 1=1")).toThrow(/not a YYYY-MM-DD date/);
  });

  test('a rule declared differently in source and silver keeps both, the second suffixed with its layer', () => {
    const p = compileRowRules({
      dataset: 't',
      contracts: [contract('t', 'silver', [prop('q', 'integer', { options: { minimum: 1 } })]), contract('t', 'source', [prop('q', 'integer', { options: { minimum: 0 } })])],
      bronzeColumns: ['q'],
      refs: {},
      asOf: '2024-06-30',
    });
    expect(p.rules.map((r) => r.id)).toEqual(['t.q.type', 't.q.minimum', 't.q.minimum.silver']);
  });

  test('an expression naming a dataset with no relationship is skipped with a reason', () => {
    const p = compileRowRules({
      dataset: 't',
      contracts: [contract('t', 'silver', [prop('d', 'date')], { quality: [rule<CustomRowRule>({ type: 'custom-row', id: 'x', expression: 'd >= products.launch_date' })] })],
      bronzeColumns: ['d'],
      refs: {},
      asOf: '2024-06-30',
    });
    expect(p.unrunnable).toMatchObject([{ id: 't.x', status: 'skipped', message: 'products is not reachable: no relationship of t to products with an available silver table' }]);
  });
});
