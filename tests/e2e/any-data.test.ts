// Data from another system with the seed's schema: integer ids, a JSON array of customers, CSV with a
// BOM and CRLF line ends, an unknown extra column — and no optional sources. Small enough to compute
// every number by hand.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const work = tempDir('etl-e2e-any-');
const data = join(work, 'data');
const crlf = (lines: string[]) => `\uFEFF${lines.join('\r\n')}\r\n`;

beforeAll(async () => {
  mkdirSync(data, { recursive: true });
  // orders: 6 lines. Line 6 is an exact duplicate of line 2 (dropped); line 7 has quantity 0 (quarantined).
  writeFileSync(join(data, 'orders.csv'), crlf([
    'order_id,customer_id,product_id,quantity,order_date,channel',
    '1001,1,10,2,2026-01-05,web',
    '1001,1,20,1,2026-01-05,web',
    '1002,2,10,1,2026-01-06T10:30:00,app',
    '1003,1,30,3,2026-02-01,web',
    '1004,3,20,2,2026-02-03,"store, downtown"',
    '1001,1,20,1,2026-01-05,web',
    '1005,2,30,0,2026-02-04,web',
  ]));
  writeFileSync(join(data, 'customers.json'), JSON.stringify([
    { customer_id: '1', name: 'Ada Lovelace', email: 'ada@example.com', country: 'UK', registration_date: '2025-12-01' },
    { customer_id: '2', name: 'Alan Turing', email: 'alan@example.com', country: 'UK', registration_date: '2026-01-01' },
    { customer_id: '3', name: 'Grace Hopper', email: 'grace.example.com', country: 'US', registration_date: '2026-01-15' },
  ], null, 2));
  // Two warehouses: 10 = 5 + 0 (in stock), 20 = 0 + 0 (out of stock: B's later count is 0 too), 30 = 40.
  writeFileSync(join(data, 'inventory.csv'), crlf([
    'product_id,warehouse_id,stock_quantity,last_updated',
    '10,A,5,2026-02-01', '10,B,0,2026-02-01T12:00:00', '20,A,0,2026-02-01', '20,B,3,2026-02-01', '20,B,0,2026-02-10T08:30:00', '30,A,40,2026-02-01',
  ]));
  await withEngine(async (e) => {
    await e.exec(sql`COPY (SELECT * FROM (VALUES ('10', 'Mug', 'home', 10.0::DOUBLE, 4.0::DOUBLE), ('20', 'Lamp', 'home', 25.0::DOUBLE, 15.0::DOUBLE), ('30', 'Book', 'books', 8.0::DOUBLE, 5.0::DOUBLE)) t(product_id, name, category, price, cost)) TO ${join(data, 'products.parquet')} (FORMAT parquet)`);
  });
});

describe('etl run on data from another system with the seed schema', () => {
  it('runs, accounts for every record, warns about the extra column, and computes the KPIs', () => {
    const out = join(work, 'output');
    const reports = join(work, 'reports');
    const r = runCli(['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
      '--out', out, '--reports', reports, '--as-of', '2026-02-28', '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    const q = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
    expect(q.sources.orders).toMatchObject({ records_in: 7, rows_out: 5, rows_quarantined: 1, duplicates_dropped: 1 });
    expect(q.sources.customers).toMatchObject({ records_in: 3, rows_out: 3, rows_quarantined: 0, rows_flagged: 1 });
    expect(q.sources.products).toMatchObject({ records_in: 3, rows_out: 3 });
    const extra = q.checks.find((c: { id: string }) => c.id === 'orders.channel.unexpected_column');
    expect(extra).toMatchObject({ status: 'warning', severity: 'warning' });
    const kpis = JSON.parse(readFileSync(join(reports, 'kpis.json'), 'utf8'));
    // revenue = 2×10 + 1×25 + 1×10 + 3×8 + 2×25 = 20 + 25 + 10 + 24 + 50 = 129
    expect(kpis.total_revenue).toBe(129);
    // margin = 2×6 + 1×10 + 1×6 + 3×3 + 2×10 = 12 + 10 + 6 + 9 + 20 = 57
    expect(kpis.total_margin).toBe(57);
    expect(kpis.order_count).toBe(4);
    expect(kpis.average_order_value).toBe(32.25);
    expect(kpis.top_products[0]).toEqual({ product_id: '20', revenue: 75 });
    // No loyalty tiers in these customers: premium follows lifetime revenue (≥ 1000: nobody here).
    expect(kpis.premium).toMatchObject({ rule: 'lifetime_revenue', premium_customers: 0 });
    expect(kpis.inventory).toMatchObject({ out_of_stock_products: 1, warehouses: 2, units_in_stock: 45 });
    expect(kpis.inventory.out_of_stock.map((p: { product_id: string }) => p.product_id)).toEqual(['20']);
    // optional sources absent: said so, never zero
    expect(kpis.returns.not_available).toBe('no returns');
    expect(kpis.returns.return_rate).toBeNull();
    expect(readFileSync(join(reports, 'kpis_dashboard.txt'), 'utf8')).toMatch(/not available \(no returns\)/);
  });
});
