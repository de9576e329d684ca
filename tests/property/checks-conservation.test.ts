// Conservation on random data with random defects: records_in = rows_out + rows_quarantined +
// duplicates_dropped + rows_excluded, exact duplicates are exactly the repeated records, every
// quarantined row says why, and a business filter excludes exactly the rows it is FALSE for.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { ident, sql } from '../../src/sql/sql.ts';
import { enforceRowRules } from '../../src/checks/enforce.ts';
import { contract, fk, prop } from '../integration/checks/contract-fixtures.ts';
import { makeBronze } from '../integration/checks/bronze-fixtures.ts';

const contracts = [
  contract('orders', 'source', [
    prop('order_id', 'string', { required: true }),
    prop('customer_id', 'string', { required: true }),
    prop('product_id', 'string', { required: true }),
    prop('quantity', 'integer', { required: true, options: { exclusiveMinimum: 0 } }),
    prop('order_date', 'timestamp', { required: true }),
    prop('note', 'string', { severity: 'warning', options: { maxLength: 3 } }),
  ]),
  contract('orders', 'silver', [], {
    primaryKey: ['order_id', 'product_id'],
    relationships: [fk('customer_fk', ['customer_id'], 'customers', ['customer_id'])],
  }),
];

const row = fc.tuple(
  fc.constantFrom('O1', 'O2', 'O3', 'O4', '', null),
  fc.constantFrom('C1', 'C2', 'C9', '', null),
  fc.constantFrom('P1', 'P2', 'P3', null),
  fc.constantFrom('1', '2', '0', '-1', 'x', '1.5', '', null),
  fc.constantFrom('2024-01-02', '2024-01-02T10:00:00', '05/01/2024', '2024-02-30', '', null),
  fc.constantFrom('ok', 'toolong', '', null),
);

test('conservation and reasons on random defects', async () => {
  await withEngine(async (e) => {
    await e.exec(sql`CREATE TABLE customers AS SELECT * FROM (VALUES ('C1'), ('C2')) t(customer_id)`);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), async (base, copies) => {
        // Exact duplicates: re-append some of the generated records.
        const rows = [...base, ...(base.length > 0 ? copies.map((i) => base[i % base.length]!) : [])];
        const bronze = await makeBronze(e, 'b', ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date', 'note'], rows);
        const out = await enforceRowRules(e, { dataset: 'orders', bronze, contracts, silverTable: ident('s'), quarantineTable: ident('q'), refs: { customers: ident('customers') }, asOf: '2024-06-30' });
        const c = out.counts;
        expect(c.records_in).toBe(rows.length);
        expect(c.rows_out + c.rows_quarantined + c.duplicates_dropped + c.rows_excluded).toBe(c.records_in);
        expect(c.rows_excluded).toBe(0);
        expect(c.duplicates_dropped).toBe(rows.length - new Set(rows.map((r) => JSON.stringify(r))).size);
        expect(await e.scalar(sql`SELECT count(*) FROM s`)).toBe(c.rows_out);
        expect(await e.scalar(sql`SELECT count(*) FROM q`)).toBe(c.rows_quarantined);
        expect(await e.scalar(sql`SELECT count(*) FROM q WHERE len(_reasons) = 0 OR len(_reasons) <> len(_rule_ids) OR list_contains(_reasons, NULL)`)).toBe(0);
        // Silver rows broke no error rule: required fields present, keys unique.
        expect(await e.scalar(sql`SELECT count(*) FROM s WHERE order_id IS NULL OR quantity IS NULL OR quantity <= 0 OR order_date IS NULL OR customer_id NOT IN ('C1', 'C2')`)).toBe(0);
        expect(await e.scalar(sql`SELECT count(*) FROM (SELECT order_id, product_id FROM s GROUP BY ALL HAVING count(*) > 1)`)).toBe(0);
      }),
      { seed: 7, numRuns: 80 },
    );
  });
});

// The same contracts with two business filters: a cancelled status (note = 'ok' stands for it) and
// a non-product line (product P3). Excluded rows are neither failures nor silver rows.
const filtered = [
  contracts[0]!,
  contract('orders', 'silver', [], {
    primaryKey: ['order_id', 'product_id'],
    relationships: [fk('customer_fk', ['customer_id'], 'customers', ['customer_id'])],
    quality: [
      { type: 'filter', id: 'orders.not_cancelled', expression: "note <> 'ok'", severity: 'error', loc: { file: 'test.yaml', line: 1 } },
      { type: 'filter', id: 'orders.products_only', expression: "product_id <> 'P3'", severity: 'error', loc: { file: 'test.yaml', line: 2 } },
    ],
  }),
];

test('conservation with business filters: records_in = rows_out + rows_quarantined + duplicates_dropped + rows_excluded', async () => {
  await withEngine(async (e) => {
    await e.exec(sql`CREATE TABLE customers AS SELECT * FROM (VALUES ('C1'), ('C2')) t(customer_id)`);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), async (base, copies) => {
        const rows = [...base, ...(base.length > 0 ? copies.map((i) => base[i % base.length]!) : [])];
        const bronze = await makeBronze(e, 'b', ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date', 'note'], rows);
        const out = await enforceRowRules(e, { dataset: 'orders', bronze, contracts: filtered, silverTable: ident('s'), quarantineTable: ident('q'), refs: { customers: ident('customers') }, asOf: '2024-06-30' });
        const c = out.counts;
        expect(c.records_in).toBe(rows.length);
        expect(c.rows_out + c.rows_quarantined + c.duplicates_dropped + c.rows_excluded).toBe(c.records_in);
        // Excluded: the distinct kept records (duplicates dropped first) for which a filter is FALSE.
        const distinct = [...new Map(rows.map((r) => [JSON.stringify(r), r])).values()];
        const expected = distinct.filter(([, , product, , , note]) => note === 'ok' || product === 'P3').length;
        expect(c.rows_excluded).toBe(expected);
        expect(await e.scalar(sql`SELECT count(*) FROM s`)).toBe(c.rows_out);
        expect(await e.scalar(sql`SELECT count(*) FROM q WHERE NOT _excluded`)).toBe(c.rows_quarantined);
        expect(await e.scalar(sql`SELECT count(*) FROM q WHERE _excluded`)).toBe(c.rows_excluded);
        expect(await e.scalar(sql`SELECT count(*) FROM q WHERE _excluded AND NOT list_has_all(['orders.not_cancelled', 'orders.products_only'], _rule_ids)`)).toBe(0);
        expect(await e.scalar(sql`SELECT count(*) FROM s WHERE note = 'ok' OR product_id = 'P3'`)).toBe(0);
      }),
      { seed: 11, numRuns: 60 },
    );
  });
});
