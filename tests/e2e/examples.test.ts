// Two real shops, by contracts, staging models and config only (examples/olist, examples/online-retail):
// each runs through the real CLI, and its revenue, order count, top product and the revenue of three
// days are checked against values computed here from the raw files by a separate DuckDB query that
// shares nothing with the product (no contracts, no models).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

async function query(text: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(text)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    c.closeSync();
  }
}

interface Kpis {
  total_revenue: number;
  order_count: number;
  top_products: { product_id: string; revenue: number }[];
  sales_daily: { date: string; revenue: number; order_count: number }[];
}

function runShop(example: string, data: string, asOf: string): { kpis: Kpis; quality: { status: string; sources: Record<string, Record<string, number>> } } {
  const dir = tempDir(`etl-${example}-`);
  const ex = join(ROOT, 'examples', example);
  const r = runCli(['run', '--data', data, '--contracts', join(ex, 'contracts'), '--pipeline', join(ex, 'pipeline'), '--out', join(dir, 'output'), '--reports', join(dir, 'reports'), '--as-of', asOf, '--strict']);
  expect(r.stderr.split('\n').filter((l) => /^[A-Z_]+: /.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  return {
    kpis: JSON.parse(readFileSync(join(dir, 'reports', 'kpis.json'), 'utf8')) as Kpis,
    quality: JSON.parse(readFileSync(join(dir, 'reports', 'quality_report.json'), 'utf8')),
  };
}

function conservation(sources: Record<string, Record<string, number>>): void {
  for (const [name, s] of Object.entries(sources)) {
    expect(s['records_in'], name).toBe(s['rows_out']! + s['rows_quarantined']! + s['duplicates_dropped']! + (s['rows_excluded'] ?? 0));
  }
}

const UCI = join(ROOT, 'examples', 'online-retail', 'data');
const OLIST = join(ROOT, '..', 'shared', 'realdata', 'olist_subset_10k_2017');

describe('examples/online-retail (UCI Online Retail, CC BY 4.0)', () => {
  it('runs on the invoice lines and matches an independent computation', async () => {
    const { kpis, quality } = runShop('online-retail', UCI, '2011-12-31');
    const file = join(UCI, 'online_retail.csv').replaceAll("'", "''");
    // Sales: distinct lines (an exact duplicate record is dropped, DESIGN.md), not a cancellation (C…),
    // a product stock code (five digits), quantity and price > 0.
    const sales = `SELECT * FROM (SELECT DISTINCT * FROM read_csv('${file}', nullstr = 'NA', types = {'CustomerID': 'VARCHAR', 'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'}))
      WHERE NOT starts_with(InvoiceNo, 'C') AND regexp_matches(StockCode, '^[0-9]{5}') AND Quantity > 0 AND UnitPrice > 0`;
    const [total] = await query(`SELECT round(sum(CAST(Quantity AS DECIMAL(18,4)) * CAST(UnitPrice AS DECIMAL(18,4))), 2)::DOUBLE AS revenue, count(DISTINCT InvoiceNo) AS orders FROM (${sales})`);
    expect(kpis.total_revenue).toBeCloseTo(Number(total!['revenue']), 2);
    expect(kpis.order_count).toBe(Number(total!['orders']));
    const [top] = await query(`SELECT StockCode AS product_id FROM (${sales}) GROUP BY StockCode ORDER BY sum(CAST(Quantity AS DECIMAL(18,4)) * CAST(UnitPrice AS DECIMAL(18,4))) DESC, StockCode LIMIT 1`);
    expect(kpis.top_products[0]!.product_id).toBe(top!['product_id']);
    const days = await query(`SELECT CAST(CAST(InvoiceDate AS DATE) AS VARCHAR) AS day, round(sum(CAST(Quantity AS DECIMAL(18,4)) * CAST(UnitPrice AS DECIMAL(18,4))), 2)::DOUBLE AS revenue
      FROM (${sales}) WHERE CAST(InvoiceDate AS DATE) IN (DATE '2010-12-01', DATE '2011-06-16', DATE '2011-12-09') GROUP BY 1 ORDER BY 1`);
    expect(days).toHaveLength(3);
    for (const d of days) expect(kpis.sales_daily.find((x) => x.date === d['day'])?.revenue, String(d['day'])).toBeCloseTo(Number(d['revenue']), 2);
    // Every invoice line is accounted for: 350 cancellation lines among the excluded, none lost.
    conservation(quality.sources);
    expect(quality.sources['retail_lines']).toMatchObject({ records_in: 20000, duplicates_dropped: 7 });
    expect(quality.sources['orders']!['rows_excluded']).toBeGreaterThanOrEqual(350);
  }, 120_000);
});

describe.skipIf(!existsSync(OLIST))('examples/olist (Olist 10k-order subset from ../shared/realdata)', () => {
  it('runs on orders ⋈ order items and matches an independent computation', async () => {
    const { kpis, quality } = runShop('olist', OLIST, '2018-01-01');
    const f = (n: string) => join(OLIST, n).replaceAll("'", "''");
    // Sales: every item of an order that was not canceled or unavailable, at the item's price.
    const sales = `SELECT i.order_id, i.product_id, i.price, o.order_purchase_timestamp AS ts
      FROM read_csv('${f('order_items.csv')}') i JOIN read_csv('${f('orders.csv')}') o USING (order_id)
      WHERE o.order_status NOT IN ('canceled', 'unavailable')`;
    const [total] = await query(`SELECT round(sum(CAST(price AS DECIMAL(18,4))), 2)::DOUBLE AS revenue, count(DISTINCT order_id) AS orders FROM (${sales})`);
    expect(kpis.total_revenue).toBeCloseTo(Number(total!['revenue']), 2);
    expect(kpis.order_count).toBe(Number(total!['orders']));
    const [top] = await query(`SELECT product_id FROM (${sales}) GROUP BY product_id ORDER BY sum(CAST(price AS DECIMAL(18,4))) DESC, product_id LIMIT 1`);
    expect(kpis.top_products[0]!.product_id).toBe(top!['product_id']);
    const days = await query(`SELECT CAST(CAST(ts AS DATE) AS VARCHAR) AS day, round(sum(CAST(price AS DECIMAL(18,4))), 2)::DOUBLE AS revenue
      FROM (${sales}) WHERE CAST(ts AS DATE) IN (DATE '2017-03-15', DATE '2017-08-01', DATE '2017-11-24') GROUP BY 1 ORDER BY 1`);
    expect(days).toHaveLength(3);
    for (const d of days) expect(kpis.sales_daily.find((x) => x.date === d['day'])?.revenue, String(d['day'])).toBeCloseTo(Number(d['revenue']), 2);
    conservation(quality.sources);
    expect(quality.sources['olist_order_items']!['records_in']).toBe(11252);
  }, 120_000);
});
