import { describe, expect, it } from 'vitest';
import { countDefects, DEFECT_KINDS, expectOutcome } from '../../../src/generate/defect-kinds.ts';

describe('countDefects', () => {
  it('injects nothing at rate 0', () => {
    const c = countDefects('orders', 20_000, 0);
    expect(Object.values(c)).toEqual(new Array(DEFECT_KINDS.orders.length).fill(0));
  });

  it('spreads rate × records over the kinds', () => {
    // 0.05 × 22 000 / 11 kinds = 100 of each
    const c = countDefects('orders', 22_000, 0.05);
    expect(c['future_date']).toBe(100);
    expect(Object.keys(c)).toHaveLength(11);
  });

  it('injects at least one of each kind from 100 records up, and rounds below', () => {
    expect(countDefects('products', 100, 0.001)).toEqual({ negative_price: 1, negative_cost: 1, missing_key: 1, conflicting_key: 1 });
    expect(countDefects('products', 50, 0.001)).toEqual({ negative_price: 0, negative_cost: 0, missing_key: 0, conflicting_key: 0 });
    expect(countDefects('products', 50, 0.2)).toEqual({ negative_price: 3, negative_cost: 3, missing_key: 3, conflicting_key: 3 });
  });

  it('never flags more existing records than there are', () => {
    expect(countDefects('customers', 50, 1)['malformed_email']).toBe(10);
    expect(countDefects('customers', 3, 1)['malformed_email']).toBe(1);
  });
});

describe('expectOutcome', () => {
  it('counts pairs twice, duplicates as dropped and flags as kept', () => {
    const kinds = countDefects('orders', 22_000, 0.05);
    const e = expectOutcome('orders', 22_000, kinds);
    expect(e).toEqual({ records_in: 22_000 + 11 * 100 + 100, rows_out: 22_000, rows_quarantined: 1_100, duplicates_dropped: 100, rows_flagged: 0 });
    const c = expectOutcome('customers', 1000, { invalid_json: 2, missing_key: 2, unparsable_date: 2, conflicting_key: 2, malformed_email: 2 });
    expect(c).toEqual({ records_in: 1010, rows_out: 1000, rows_quarantined: 10, duplicates_dropped: 0, rows_flagged: 2 });
  });

  it('conserves records for every dataset', () => {
    for (const dataset of Object.keys(DEFECT_KINDS) as (keyof typeof DEFECT_KINDS)[]) {
      const e = expectOutcome(dataset, 5000, countDefects(dataset, 5000, 0.1));
      expect(e.records_in).toBe(e.rows_out + e.rows_quarantined + e.duplicates_dropped);
    }
  });
});

describe('conservation (property)', () => {
  it('holds for any dataset, size and rate', async () => {
    const fc = await import('fast-check');
    const datasets = Object.keys(DEFECT_KINDS) as (keyof typeof DEFECT_KINDS)[];
    fc.assert(
      fc.property(fc.constantFrom(...datasets), fc.integer({ min: 0, max: 100_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (dataset, records, rate) => {
        const kinds = countDefects(dataset, records, rate);
        const e = expectOutcome(dataset, records, kinds);
        return e.records_in === e.rows_out + e.rows_quarantined + e.duplicates_dropped
          && e.rows_out === records
          && Object.values(kinds).every((n) => Number.isInteger(n) && n >= 0)
          && (rate > 0 || e.records_in === records);
      }),
    );
  });
});
