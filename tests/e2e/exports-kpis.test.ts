// Exports a BI tool loads as they are, and the seed's extensions in kpis.json, after a real `etl generate`
// + `etl run`. Every export is read with csv-parse (an independent RFC 4180 reader) and checked against
// its JSON twin and exports/index.json: order (rank or date), money in cents, row counts, columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles, ROOT, runCli, tempDir } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-exports-');
const data = join(work, 'data');
const out = join(work, 'output');
const reports = join(work, 'reports');

interface IndexEntry { name: string; csv: string; json: string; rows: number; order_by: string[]; columns: { name: string; type: string }[] }
let index: { schemaVersion: number; exports: IndexEntry[]; not_exported: { name: string; reason: string }[] };
let run: { code: number; stderr: string };

const csvOf = (file: string): Record<string, string>[] => parse(readFileSync(join(out, 'exports', file)), { columns: true }) as Record<string, string>[];
const decimals = (v: string): number => (v.includes('.') && !/e/i.test(v) ? v.split('.')[1]!.length : 0);

beforeAll(() => {
  const gen = runCli(['generate', '--out', data, '--orders', '4000', '--seed', '11', '--defect-rate', '0.01', '--as-of', AS_OF]);
  expect(gen.code, gen.stderr).toBe(0);
  run = runCli(['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
    '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'warn']);
  index = JSON.parse(readFileSync(join(out, 'exports', 'index.json'), 'utf8'));
});

describe('exports', () => {
  it('lists every export of the config in index.json, each file read back with its row count and columns', () => {
    expect(run.code, run.stderr).toBe(0);
    // Promotion pricing keeps every gold reconciliation (RFM and dim_customers against customer_premium) holding.
    const quality = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
    expect(quality.checks.filter((c: { kind: string; status: string }) => c.kind === 'dataset' && c.status === 'failed').map((c: { id: string }) => c.id)).toEqual([]);
    expect(quality.status).toBe('SUCCESS');
    expect(index.schemaVersion).toBe(1);
    const names = index.exports.map((e) => e.name);
    for (const t of ['agg_daily_sales', 'agg_weekly_sales', 'agg_monthly_sales', 'category_sales', 'top_products', 'returns_by_product', 'promotion_impact',
      'revenue_forecast', 'forecast_horizons', 'customer_predictive_clv', 'rfm_segments', 'suspicious_orders', 'product_recommendations', 'products_to_promote', 'stockout_forecast', 'return_outliers']) {
      expect(names, t).toContain(t);
    }
    expect(index.not_exported).toEqual([]);
    const csvFiles = listFiles(join(out, 'exports', 'csv'));
    expect(csvFiles.length).toBe(index.exports.length);
    for (const e of index.exports) {
      const rows = csvOf(e.csv);
      const json = JSON.parse(readFileSync(join(out, 'exports', e.json), 'utf8')) as Record<string, unknown>[];
      expect(rows.length, e.name).toBe(e.rows);
      expect(json.length, e.name).toBe(e.rows);
      const header = parse(readFileSync(join(out, 'exports', e.csv)), { to_line: 1 })[0] as string[];
      expect(header, e.name).toEqual(e.columns.map((c) => c.name));
      for (const c of e.columns) expect(['string', 'integer', 'number', 'boolean', 'date', 'timestamp'], `${e.name}.${c.name}`).toContain(c.type);
    }
  });

  it('rounds money to cents and other measures to 4 decimals, in CSV and JSON alike', () => {
    const moneyColumns = /(^|_)(revenue|margin|amount|aov|clv|price|cost|lower|upper)(_|$)/;
    for (const e of index.exports) {
      const rows = csvOf(e.csv);
      const json = JSON.parse(readFileSync(join(out, 'exports', e.json), 'utf8')) as Record<string, unknown>[];
      for (const c of e.columns.filter((x) => x.type === 'number')) {
        const money = moneyColumns.test(c.name) && !/(^|_)(rate|share|pct|lift|units|days|z)(_|$)/.test(c.name);
        for (const [i, r] of rows.entries()) {
          const v = r[c.name]!;
          if (v === '') continue;
          expect(decimals(v), `${e.name}.${c.name} = ${v}`).toBeLessThanOrEqual(money || c.name.endsWith('_pct') ? 2 : 4);
          expect(Number(json[i]![c.name]), `${e.name}.${c.name} row ${i}`).toBeCloseTo(Number(v), 9);
        }
      }
    }
  });

  it('orders rank tables by rank and date tables by date', () => {
    const top = csvOf('csv/top_products.csv');
    expect(top.map((r) => Number(r['rank']))).toEqual(top.map((_, i) => i + 1));
    const revenues = top.map((r) => Number(r['revenue']));
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
    const daily = csvOf('csv/agg_daily_sales.csv').map((r) => r['order_date']!);
    expect(daily).toEqual([...daily].sort());
    const categories = csvOf('csv/category_sales.csv').map((r) => Number(r['revenue']));
    expect(categories).toEqual([...categories].sort((a, b) => b - a));
    const predictive = csvOf('csv/customer_predictive_clv.csv').map((r) => Number(r['predictive_rank']));
    expect(predictive).toEqual(predictive.map((_, i) => i + 1));
    const reco = csvOf('csv/product_recommendations.csv').map((r) => [r['product_id']!, Number(r['rank'])] as const);
    for (let i = 1; i < reco.length; i++) {
      const [pa, ra] = reco[i - 1]!;
      const [pb, rb] = reco[i]!;
      expect(pa < pb || (pa === pb && rb === ra + 1), `${pa}#${ra} then ${pb}#${rb}`).toBe(true);
    }
  });
});

describe("the seed's extensions after a real run", () => {
  it('puts each extension in kpis.json and the dashboard', () => {
    const kpis = JSON.parse(readFileSync(join(reports, 'kpis.json'), 'utf8'));
    expect(kpis.suspicious_orders.count).toBe(kpis.suspicious_orders.orders.length);
    for (const o of kpis.suspicious_orders.orders) expect(o.reasons).toMatch(/^(amount_outlier|quantity_outlier|new_account_large_first_basket)(, .+)?$/);
    expect(Array.isArray(kpis.return_outliers.products)).toBe(true);
    expect(Array.isArray(kpis.return_outliers.customers)).toBe(true);
    expect(kpis.recommendations.items.length).toBeGreaterThan(0);
    for (const i of kpis.recommendations.items) expect(i.lift).toBeGreaterThanOrEqual(kpis.recommendations.min_lift);
    expect(Array.isArray(kpis.products_to_promote.products)).toBe(true);
    expect(kpis.stockout_forecast.items.length).toBeGreaterThan(0);
    expect(kpis.stockout_forecast.reorder_count).toBe(kpis.stockout_forecast.items.filter((i: { reorder: boolean }) => i.reorder).length);
    expect(kpis.price_sources.promotion).toBeGreaterThan(0);
    expect(kpis.price_sources.order_line + kpis.price_sources.promotion + kpis.price_sources.catalogue + kpis.price_sources.unknown).toBe(kpis.order_lines);
    expect(kpis.promotions.impact.length).toBeGreaterThan(0);
    const dashboard = readFileSync(join(reports, 'kpis_dashboard.txt'), 'utf8');
    for (const title of ['Suspicious orders', 'Abnormal returns', 'Bought together', 'Products to promote', 'Stock-out forecast', 'Promotion impact']) expect(dashboard).toContain(title);
  });
});
