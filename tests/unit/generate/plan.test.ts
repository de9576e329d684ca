import { describe, expect, it } from 'vitest';
import { sortKeys } from '../../../src/generate/generate-data.ts';
import { addDays, CATEGORIES, planGeneration } from '../../../src/generate/plan.ts';

const base = { seed: 42, defectRate: 0, asOf: '2026-11-20', optional: true };

describe('planGeneration', () => {
  it('sizes the datasets from the number of order lines', () => {
    const p = planGeneration({ ...base, orders: 20_000 });
    expect([p.customers, p.products, p.promotions, p.sessions]).toEqual([1000, 50, 13, 5000]);
    expect(p.customersBefore).toBe(200);
    expect(planGeneration({ ...base, orders: 10 }).customers).toBe(50);
    expect(planGeneration({ ...base, orders: 10_000_000 }).products).toBe(5000);
    expect(planGeneration({ ...base, orders: 100_000_000 }).products).toBe(20_000);
    expect(p.categories).toEqual(CATEGORIES);
    expect(CATEGORIES).toHaveLength(12);
  });

  it('covers two years ending on --as-of, with two spike days in the last 90', () => {
    const p = planGeneration({ ...base, orders: 1000 });
    expect(p.periodStart).toBe('2024-11-21');
    expect(addDays(p.periodStart, p.days - 1)).toBe('2026-11-20');
    expect(p.spikeDays).toHaveLength(2);
    expect(new Set(p.spikeDays).size).toBe(2);
    for (const d of p.spikeDays) {
      expect(d > addDays(p.asOf, -90)).toBe(true);
      expect(d <= p.asOf).toBe(true);
    }
  });

  it('maps popularity ranks to products by a bijection', () => {
    for (const orders of [1, 150_000, 3_333_333]) {
      const p = planGeneration({ ...base, orders });
      const seen = new Set<number>();
      for (let r = 0; r < p.products; r++) seen.add((r * p.productStride + p.productOffset) % p.products);
      expect(seen.size).toBe(p.products);
    }
  });

  it('depends on the seed only through the plan choices', () => {
    const a = planGeneration({ ...base, orders: 5000 });
    const b = planGeneration({ ...base, orders: 5000 });
    expect(a).toEqual(b);
    expect(planGeneration({ ...base, seed: 7, orders: 5000 }).spikeDays).not.toEqual(a.spikeDays);
  });

  it('leaves room above the real ids for orphan ids', () => {
    const p = planGeneration({ ...base, orders: 20_000, defectRate: 0.05 });
    expect(p.widths).toEqual({ order: 7, customer: 5, product: 4 });
  });
});

describe('sortKeys', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(JSON.stringify(sortKeys({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }))).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
