// writeKpiReports on the fixture: files, kpis.json fields, "not available" for absent sources, determinism.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { writeKpiReports } from '../../../src/report/write-kpi-reports.ts';
import { buildGold } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture, OPTIONAL } from '../../fixtures/kpi/load-fixture.ts';

const PIPELINE_DIR = new URL('../../../pipeline/', import.meta.url).pathname;
const config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function reports(optional: readonly string[]): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-kpi-'));
  dirs.push(dir);
  await withEngine(async (engine) => {
    const available = await loadKpiFixture(engine, optional);
    await buildGold(engine, { pipelineDir: PIPELINE_DIR, vars: modelVars(config, AS_OF), available, config });
    await writeKpiReports(engine, { dir, asOf: AS_OF, config, available });
  });
  const files = ['sales_report.txt', 'kpis_dashboard.txt', 'kpis.json', 'alerts.json'];
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)));
}

describe('writeKpiReports', () => {
  it('writes kpis.json with the required fields and every KPI section', async () => {
    const out = await reports(OPTIONAL);
    const k = JSON.parse(out['kpis.json']!);
    expect(k).toMatchObject({ schemaVersion: 1, as_of: '2024-03-10', total_revenue: 400, total_margin: 95, order_count: 10, average_order_value: 40 });
    expect(k.top_products).toHaveLength(4);
    expect(k.top_products[0]).toEqual({ product_id: 'P4', revenue: 150 });
    for (const key of ['sales_daily', 'sales_weekly', 'sales_monthly', 'revenue_by_category', 'top_products_by_units', 'most_profitable_products', 'clv', 'rfm', 'cohorts',
      'inventory', 'returns', 'conversion', 'promotions', 'forecast', 'anomalies', 'market_basket']) {
      expect(k, key).toHaveProperty(key);
    }
    expect(k.returns.not_available).toBeUndefined();
    expect(out['sales_report.txt']).not.toContain('not available');
  });

  it('renders readable text: period, as-of, aligned tables, units', async () => {
    const out = await reports(OPTIONAL);
    const sales = out['sales_report.txt']!;
    expect(sales).toContain('As of           2024-03-10');
    expect(sales).toContain('Period covered  2024-01-05 to 2024-03-08 (64 days)');
    expect(sales).toContain('  Revenue                      400.00');
    expect(sales).toContain('  Margin rate                  38.00 %');
    // January is partial (the observed days start on 01-05): marked, with the note.
    expect(sales).toContain('  2024-01 *   160.00       4  40.00   47.00      42.73 %');
    expect(sales).toContain('  2024-02      95.00       3  31.67   32.00      33.68 %');
    expect(sales).toContain('  * partial period: the observed days (2024-01-05 to 2024-03-10) cover only part of it');
    // The dashboard compares the last complete week (W10, 03-04..03-10) with the week before (W09: 20.00).
    expect(out['kpis_dashboard.txt']).toContain('Last complete week 2024-W10 (2024-03-04 to 2024-03-10)  125.00 revenue, 2 orders; vs the week before: revenue +525.00 %, orders +100.00 %');
    expect(sales).toContain('CLV = AOV × purchase frequency × lifespan');
    expect(sales).toContain('  seasonal_naive    10.36     24.09  82.86 %  92.86 %  96.43 %  chosen');
    expect(sales).toContain('  holt_winters      11.39     22.92  95.24 %  92.86 %  96.43 %  not chosen');
    expect(sales).toContain('  next 7 days             125.00   56.48 – 193.52   20.21 – 229.79');
    expect(sales).toContain('  2024-01     3  100.0%   66.7%  66.7%');
    expect(sales).toContain('  1  P1  P3       5  50.00 %   83.33 %  100.00 %  1.6667');
    const dashboard = out['kpis_dashboard.txt']!;
    expect(dashboard).toContain('Alerts: low stock (current stock <= 10)');
    expect(dashboard).toContain('  P2       Gadget      0  out_of_stock           0.00');
    expect(dashboard).toContain('  Out-of-stock products (current stock 0)       1: P2');
    expect(dashboard).toContain('  Stock-out rate (product-days at 0 / counted)  16.67 % (2 / 12) over 2024-01-05..2024-03-10');
  });

  it('reports KPIs of absent sources as not available — never as zero', async () => {
    const out = await reports([]);
    for (const file of ['sales_report.txt', 'kpis_dashboard.txt']) {
      expect(out[file], file).toContain('not available (no returns)');
      expect(out[file], file).toContain('not available (no web_events)');
      expect(out[file], file).toContain('not available (no promotions)');
      expect(out[file], file).not.toContain('Return rate (returned units');
    }
    const k = JSON.parse(out['kpis.json']!);
    expect(k.returns).toEqual({ not_available: 'no returns', return_rate: null, by_product: null, by_category: null });
    expect(k.conversion).toEqual({ not_available: 'no web_events', conversion_rate: null, daily: null });
    expect(k.promotions).toEqual({ not_available: 'no promotions', impact: null });
    // The other KPIs are unaffected.
    expect(k.total_revenue).toBe(400);
  });

  it('writes alerts.json: anomalies then stock alerts', async () => {
    const out = await reports(OPTIONAL);
    const a = JSON.parse(out['alerts.json']!);
    expect(a.schemaVersion).toBe(1);
    expect(a.count).toBe(a.alerts.length);
    const stock = a.alerts.filter((x: { type: string }) => x.type !== 'anomaly');
    expect(stock).toEqual([
      { type: 'low_stock', severity: 'warning', product_id: 'P1', current_stock: 8, days_of_cover: 74.67 },
      { type: 'out_of_stock', severity: 'warning', product_id: 'P2', current_stock: 0, days_of_cover: 0 },
      { type: 'low_stock', severity: 'warning', product_id: 'P5', current_stock: 4, days_of_cover: null },
    ]);
    const days = a.alerts.filter((x: { type: string }) => x.type === 'anomaly').map((x: { day: string }) => x.day);
    expect(days).toEqual([...days].sort());
  });

  it('is deterministic: two runs give byte-identical files', async () => {
    const [a, b] = [await reports(OPTIONAL), await reports(OPTIONAL)];
    expect(a).toEqual(b);
  });
});
