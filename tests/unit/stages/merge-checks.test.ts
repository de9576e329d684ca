// mergeRowChecks: the row checks of a dataset after an append are what one run over all its files gives.
import { describe, expect, it } from 'vitest';
import { mergeRowChecks } from '../../../src/stages/merge-checks.ts';
import type { CheckResult } from '../../../src/checks/result.ts';

const check = (over: Partial<CheckResult>): CheckResult => ({
  id: 'orders.quantity.minimum',
  rule: 'minimum',
  dataset: 'orders',
  layer: 'source',
  kind: 'row',
  severity: 'error',
  description: 'quantity >= 1',
  failed_rows: 0,
  status: 'passed',
  ...over,
});

describe('mergeRowChecks', () => {
  it('sums failures, recomputes the status and keeps the earliest samples (processed files first)', () => {
    const old = [check({ failed_rows: 3, status: 'failed', sample_keys: ['(O1, P1)', '(O2, P1)', '(O3, P2)'] })];
    const fresh = [check({ failed_rows: 4, status: 'failed', sample_keys: ['(O9, P1)', '(O8, P1)', '(O7, P1)', '(O6, P1)'] })];
    expect(mergeRowChecks(old, fresh)).toEqual([check({ failed_rows: 7, status: 'failed', sample_keys: ['(O1, P1)', '(O2, P1)', '(O3, P2)', '(O9, P1)', '(O8, P1)'] })]);
    // Nothing failed before: the new failures alone; nothing failed at all: passed, no samples.
    expect(mergeRowChecks([check({})], fresh)).toEqual([check({ failed_rows: 4, status: 'failed', sample_keys: ['(O9, P1)', '(O8, P1)', '(O7, P1)', '(O6, P1)'] })]);
    expect(mergeRowChecks([check({})], [check({})])).toEqual([check({})]);
    expect(mergeRowChecks([check({ severity: 'warning' })], [check({ severity: 'warning', failed_rows: 1, status: 'warning', sample_keys: ['x'] })])).toEqual([
      check({ severity: 'warning', failed_rows: 1, status: 'warning', sample_keys: ['x'] }),
    ]);
  });

  it('samples malformed records in file order, as a full run does (the new files sort after the processed ones)', () => {
    const m = (n: number, s: string[]) => check({ id: 'orders.malformed_record', rule: 'malformed_record', layer: 'bronze', failed_rows: n, status: n ? 'failed' : 'passed', ...(n ? { sample_keys: s } : {}) });
    const merged = mergeRowChecks([m(3, ['record 10', 'record 40', 'record 900'])], [m(2, ['record 2', 'record 41'])]);
    expect(merged).toEqual([m(5, ['record 10', 'record 40', 'record 900', 'record 2', 'record 41'])]);
  });

  it('adds the rows a business filter excluded; keeps the first files header checks; takes the new relationship message', () => {
    const f = (n: number) => check({ id: 'orders.cancelled', rule: 'filter', message: `${n} row${n === 1 ? '' : 's'} excluded` });
    expect(mergeRowChecks([f(1)], [f(2)])).toEqual([f(3)]);
    const header = (file: string) => check({ id: 'orders.quantity.field_present', rule: 'field_present', kind: 'dataset', description: `column quantity is present in ${file}` });
    expect(mergeRowChecks([header('orders/2025-06-01.csv')], [header('orders/2025-06-30.csv')])).toEqual([header('orders/2025-06-01.csv')]);
    const rel = (n: number, message?: string) => check({ id: 'orders.fk_customer', rule: 'relationship', layer: 'silver', failed_rows: n, status: n ? 'failed' : 'passed', ...(message ? { message } : {}), ...(n ? { sample_keys: ['k'] } : {}) });
    expect(mergeRowChecks([rel(1, '1 of 1 row references a row quarantined upstream: …')], [rel(0)])).toEqual([rel(1)]);
  });

  it('refuses checks of another shape (another header, another rule set) with the reason', () => {
    expect(mergeRowChecks([check({})], [])).toMatch(/other checks/);
    expect(mergeRowChecks([check({})], [check({ id: 'orders.other' })])).toMatch(/other checks/);
    const absent = check({ id: 'orders.x.field_present', rule: 'field_present', kind: 'dataset', status: 'passed' });
    expect(mergeRowChecks([absent], [{ ...absent, status: 'warning', message: 'optional column x missing' }])).toMatch(/^check orders.x.field_present differs/);
  });
});
