// Through the real CLI, a shop that only exports its order lines: no customers, products or inventory
// file. The contracts (a copy of the shipped ones) let customer_id be empty (guest orders) and the lines
// carry the price paid. Then the generated demo data without its inventory file. The KPIs that need an
// absent source say "not available", their gold checks are skipped, and nothing reads as zero.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const work = tempDir('etl-e2e-optional-');
const contracts = join(work, 'contracts');
const run = (data: string, name: string, c = contracts) => {
  const out = join(work, `${name}-out`);
  const reports = join(work, `${name}-reports`);
  const r = runCli(['run', '--data', data, '--contracts', c, '--pipeline', join(ROOT, 'pipeline'), '--out', out, '--reports', reports,
    '--as-of', '2026-03-31', '--log-level', 'warn']);
  const read = (f: string) => readFileSync(join(reports, f), 'utf8');
  return { r, read, quality: () => JSON.parse(read('quality_report.json')), kpis: () => JSON.parse(read('kpis.json')) };
};

beforeAll(() => {
  cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
  // Guest orders allowed: customer_id optional in both orders contracts.
  for (const layer of ['source', 'silver']) {
    const f = join(contracts, `orders.${layer}.yaml`);
    const text = readFileSync(f, 'utf8');
    const next = text.replace(/(- name: customer_id\n(?: {8}.*\n)*? {8}logicalType: string\n) {8}required: true\n/, '$1');
    expect(next, layer).not.toBe(text);
    writeFileSync(f, next);
  }
});

describe('etl run with orders only (no customers, products or inventory file)', () => {
  const data = join(work, 'orders-only');
  let result: ReturnType<typeof run>;
  beforeAll(() => {
    mkdirSync(data, { recursive: true });
    // 4 orders, 5 lines; O3 is a guest order. amount = quantity × unit_price.
    writeFileSync(join(data, 'orders.csv'), [
      'order_id,customer_id,product_id,quantity,order_date,shipping_address,unit_price',
      'O1,C1,P1,2,2026-03-01,"1 Rue Haute, Lyon, FR",10.00', // 20
      'O1,C1,P2,1,2026-03-01,"1 Rue Haute, Lyon, FR",5.50', //  5.50
      'O2,C2,P1,1,2026-03-02T10:00:00,"9 High Street, Leeds, GB",9.00', // 9
      'O3,,P3,3,2026-03-03,"4 Hauptstraße, Köln, DE",2.00', // 6 (guest)
      'O4,C1,P3,1,2026-03-20,"1 Rue Haute, Lyon, FR",2.50', // 2.50
      '',
    ].join('\n'));
    result = run(data, 'orders-only');
  });

  it('runs, with orders as the only source, and skips the gold checks of tables it cannot build', () => {
    expect(result.r.code, result.r.stderr).toBe(0);
    const q = result.quality();
    expect(Object.keys(q.sources)).toEqual(['orders']);
    expect(q.sources.orders).toMatchObject({ records_in: 5, rows_out: 5, rows_quarantined: 0 });
    const status = (id: string) => q.checks.find((c: { id: string }) => c.id === id)?.status;
    for (const t of ['dim_customers', 'dim_products', 'out_of_stock', 'inventory_summary', 'stock_rotation', 'category_sales']) expect(status(`${t}.contract`), t).toBe('skipped');
    expect(status('orders.customer_id.relationship')).toBe('skipped');
    expect(status('fact_orders.fact_orders_key_unique')).toBe('passed');
    expect(status('fact_orders.fact_orders_lines_match_silver')).toBe('passed');
    // The guest order (no customer_id) is left out of the customer models (customer_summary too), so every
    // gold rule holds and the run is SUCCESS.
    const gate = q.checks.filter((c: { kind: string; severity: string; status: string }) => c.kind === 'dataset' && c.severity === 'error' && c.status === 'failed');
    expect(gate.map((c: { id: string }) => c.id)).toEqual([]);
    expect(q.status).toBe('SUCCESS');
  });

  it('computes revenue from the prices on the lines, counts guests in it and leaves them out of the customer KPIs', () => {
    const k = result.kpis();
    expect(k.total_revenue).toBe(43); // 20 + 5.5 + 9 + 6 + 2.5
    expect(k.order_count).toBe(4);
    expect(k.average_order_value).toBe(10.75);
    expect(k.price_sources).toEqual({ order_line: 5, promotion: 0, catalogue: 0, unknown: 0 });
    expect(k.total_margin).toBeNull(); // no cost without products
    expect(k.guests).toEqual({ orders: 1, order_lines: 1, revenue: 6, left_out_of: ['clv', 'rfm', 'cohorts'] });
    expect(k.customers_with_orders).toBe(2);
    expect(k.clv.customers).toBe(2);
    expect(k.rfm.segments.reduce((n: number, s: { customers: number }) => n + s.customers, 0)).toBe(2);
    expect(k.premium).toMatchObject({ rule: 'lifetime_revenue', premium_customers: 0 });
  });

  it('says not available (no inventory / no products) in kpis.json and the text reports, never 0', () => {
    const k = result.kpis();
    expect(k.inventory).toEqual({
      not_available: 'no inventory', out_of_stock_products: null, stock_out_rate: null,
      out_of_stock: null, low_stock_alerts: null, stock_rotation: null, days_of_cover: null, by_warehouse: null,
    });
    expect(k.revenue_by_category).toBeNull();
    expect(k.not_available).toMatchObject({ inventory: 'no inventory', revenue_by_category: 'no products' });
    for (const f of ['sales_report.txt', 'kpis_dashboard.txt']) {
      const text = result.read(f);
      expect(text, f).toMatch(/Inventory\n-+\n  not available \(no inventory\)/);
      expect(text, f).toMatch(/Revenue by category\n-+\n  not available \(no products\)/);
      expect(text, f).toContain('Guest orders (no customer)   1 orders, 1 lines, 6.00 revenue');
    }
  });
});

describe('etl run with orders and customers (tiers), guest lines among them', () => {
  it('keeps guest lines (no customer to check them against), counts them in revenue, and ranks premium by tier', () => {
    const data = join(work, 'orders-customers');
    mkdirSync(data, { recursive: true });
    cpSync(join(work, 'orders-only', 'orders.csv'), join(data, 'orders.csv'));
    writeFileSync(join(data, 'customers.json'), [
      { customer_id: 'C1', name: 'Ada Lovelace', email: 'ada@example.com', city: 'Lyon', country: 'FR', registration_date: '2025-01-01', loyalty_tier: 'silver' },
      { customer_id: 'C2', name: 'Alan Turing', email: 'alan@example.com', city: 'Leeds', country: 'GB', registration_date: '2025-06-01', loyalty_tier: 'Platinum' },
    ].map((c) => JSON.stringify(c)).join('\n'));
    const { r, kpis, quality } = run(data, 'orders-customers');
    expect(r.code, r.stderr).toBe(0);
    const q = quality();
    expect(q.sources.orders).toMatchObject({ records_in: 5, rows_out: 5, rows_quarantined: 0 });
    expect(q.checks.find((c: { id: string }) => c.id === 'orders.customer_id.relationship')).toMatchObject({ status: 'passed', failed_rows: 0 });
    expect(q.checks.find((c: { id: string }) => c.id === 'dim_customers.dim_customers_revenue_matches_customer_revenue')?.status).toBe('passed');
    const k = kpis();
    expect(k.total_revenue).toBe(43);
    expect(k.guests).toMatchObject({ orders: 1, revenue: 6 });
    // C1 has the most revenue (28) but a silver tier; C2 (9) is platinum.
    expect(k.premium).toMatchObject({ rule: 'loyalty_tier', premium_customers: 1 });
  });
});

describe('etl run on the demo data without its inventory file', () => {
  it('publishes, with the inventory KPIs not available and the rest as usual', () => {
    const data = join(work, 'no-inventory');
    expect(runCli(['generate', '--out', data, '--orders', '800', '--no-optional', '--as-of', '2026-03-31']).code).toBe(0);
    rmSync(join(data, 'inventory.csv'));
    const { r, kpis, quality } = run(data, 'no-inventory', join(ROOT, 'contracts'));
    expect(r.code, r.stderr).toBe(0);
    const k = kpis();
    expect(k.inventory.not_available).toBe('no inventory');
    expect(k.inventory.out_of_stock_products).toBeNull();
    expect(k.total_revenue).toBeGreaterThan(0);
    expect(k.revenue_by_category.length).toBeGreaterThan(0);
    const q = quality();
    expect(q.sources.inventory).toBeUndefined();
    expect(q.checks.find((c: { id: string }) => c.id === 'out_of_stock.contract')?.status).toBe('skipped');
    expect(q.checks.find((c: { id: string }) => c.id === 'dim_products.dim_products_key_unique')?.status).toBe('passed');
  });
});
