// reports/dashboard.html in a real browser: Debian's chromium driven by playwright-core (never a browser
// download), the page opened from disk with every network request refused. The figures the page shows
// must equal kpis.json and quality_report.json; every chart must have drawn marks; no console error.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDashboardHtml } from '../../src/report/dashboard-html.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const CHROMIUM = process.env['ETL_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AS_OF = '2026-11-20';
/** The budget is 1 s; a shared CI machine gets slack, the measured figure is printed. */
const RENDER_BUDGET_MS = 3000;
const work = tempDir('etl-e2e-dashboard-');

type Json = Record<string, any>;
interface Run { reports: string; out: string; code: number; stderr: string }

function generateAndRun(name: string, generate: string[], run: string[] = []): Run {
  const data = join(work, name, 'data');
  const out = join(work, name, 'output');
  const reports = join(work, name, 'reports');
  const gen = runCli(['generate', '--out', data, '--as-of', AS_OF, ...generate]);
  expect(gen.code, gen.stderr).toBe(0);
  const r = runCli(['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
    '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'warn', ...run]);
  return { reports, out, code: r.code, stderr: r.stderr };
}
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8'));

interface Opened {
  page: Page;
  attempted: string[];
  consoleErrors: string[];
  info: { renderMs: number; clientMs: number; charts: string[]; errors: string[] };
  close: () => Promise<void>;
}

let browser: Browser;
let full: Run;
let lean: Run;
let failed: Run;

async function openDashboard(file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const attempted: string[] = [];
  const consoleErrors: string[] = [];
  // Every request that is not the file itself is refused, and recorded: the test asserts there were none.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith('file:')) attempted.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-rendered="true"]', { timeout: 20_000 });
  const info = (await page.evaluate(() => (globalThis as any).__etlDashboard)) as Opened['info'];
  return { page, attempted, consoleErrors, info, close: () => context.close() };
}

const number = (text: string | null): number => Number(String(text).replace(/,/g, '').trim());

async function tableRows(page: Page, testid: string, cols: string[]): Promise<Record<string, string>[]> {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows, c) => rows.map((r) =>
    Object.fromEntries(c.map((k) => [k, r.querySelector(`[data-col="${k}"]`)?.textContent ?? '']))), cols);
}

/** Per visible chart: how many data marks (bars, lines, areas, dots, cells) its SVG draws with a size. */
async function chartMarks(page: Page): Promise<Record<string, number>> {
  const list = await page.$$eval('[data-chart]', (figs) => figs.filter((f) => !(f as any).closest('[hidden]')).map((f) => {
    const marks = ['bar', 'line', 'area', 'dot', 'cell', 'rect'].map((m) => `svg g[aria-label="${m}"] > *`).join(', ');
    const drawn = Array.from(f.querySelectorAll(marks)).filter((e) => {
      const box = (e as any).getBBox() as { width: number; height: number };
      return box.width > 0 || box.height > 0;
    });
    return [(f as any).dataset.chart as string, drawn.length] as const;
  }));
  return Object.fromEntries(list);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the dashboard browser test needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it), or ETL_CHROMIUM=/path/to/chromium`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  full = generateAndRun('full', ['--orders', '1500', '--seed', '11', '--defect-rate', '0.02']);
  lean = generateAndRun('lean', ['--orders', '800', '--seed', '12', '--no-optional']);
  failed = generateAndRun('failed', ['--orders', '600', '--seed', '13', '--defect-rate', '0.3'], ['--strict']);
});

afterAll(async () => {
  await browser?.close();
});

describe('reports/dashboard.html of a run with every source', () => {
  let opened: Opened;
  let kpis: Json;
  let quality: Json;
  const file = () => join(full.reports, 'dashboard.html');

  beforeAll(async () => {
    expect(full.code, full.stderr).toBe(0);
    kpis = readJson(join(full.reports, 'kpis.json'));
    quality = readJson(join(full.reports, 'quality_report.json'));
    opened = await openDashboard(file());
    await opened.page.screenshot({ path: join(work, 'dashboard.png'), fullPage: true });
  });
  afterAll(async () => { await opened?.close(); });

  it('is one self-contained file under 2 MB that asks the network for nothing', () => {
    const html = readFileSync(file(), 'utf8');
    expect(statSync(file()).size).toBeLessThan(2 * 1024 * 1024);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i);
    expect(opened.attempted).toEqual([]);
  });

  it('renders without a console error, every chart with drawn marks, within the budget', async () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.info.errors).toEqual([]);
    const marks = await chartMarks(opened.page);
    for (const name of ['daily-revenue', 'daily-order_count', 'sales_weekly', 'sales_monthly', 'categories', 'top-products-revenue', 'promotions', 'rfm', 'clv-distribution', 'top-customers', 'cohorts',
      'stock-by-warehouse', 'days-of-cover', 'returns', 'conversion', 'conservation', 'reasons', 'trend']) {
      expect(marks[name], `chart ${name}`).toBeGreaterThan(0);
    }
    for (const [name, n] of Object.entries(marks)) expect(n, `chart ${name}`).toBeGreaterThan(0);
    expect(marks['top-products-revenue']).toBe(kpis['top_products_by_revenue'].length);
    expect(marks['rfm']).toBeGreaterThanOrEqual(kpis['rfm'].segments.filter((s: Json) => s['customers'] > 0).length);
    expect(marks['rfm']).toBeLessThanOrEqual(kpis['rfm'].segments.length);
    process.stdout.write(`dashboard: rendered in ${Math.round(opened.info.renderMs)} ms after navigation (client ${Math.round(opened.info.clientMs)} ms), ${statSync(file()).size} bytes\n`);
    expect(opened.info.renderMs).toBeLessThan(RENDER_BUDGET_MS);
  });

  it('switches the top products between revenue, units and margin', async () => {
    for (const [tab, chart, key] of [['by units', 'top-products-units', 'top_products_by_units'], ['by margin', 'top-products-margin', 'most_profitable_products'], ['by revenue', 'top-products-revenue', 'top_products_by_revenue']]) {
      await opened.page.getByRole('tab', { name: tab! }).click();
      const marks = await chartMarks(opened.page);
      expect(marks[chart!], chart).toBe(kpis[key!].length);
      expect(Object.keys(marks).filter((n) => n.startsWith('top-products-'))).toEqual([chart]);
    }
  });

  it('shows the totals of kpis.json', async () => {
    const tile = (key: string) => opened.page.locator(`[data-kpi="${key}"] .tile-value`).textContent();
    expect(number(await tile('total_revenue'))).toBe(kpis['total_revenue']);
    expect(number(await tile('order_count'))).toBe(kpis['order_count']);
    expect(number(await tile('average_order_value'))).toBe(kpis['average_order_value']);
  });

  it('lists the top products and the RFM segments of kpis.json', async () => {
    const top = await tableRows(opened.page, 'top-products', ['product_id', 'revenue']);
    expect(top.map((r) => ({ product_id: r['product_id'], revenue: number(r['revenue']!) })))
      .toEqual(kpis['top_products'].map((p: Json) => ({ product_id: p['product_id'], revenue: p['revenue'] })));
    expect(top.length).toBe(10);
    const segments = await tableRows(opened.page, 'rfm-segments', ['segment', 'customers']);
    expect(segments.map((s) => ({ segment: s['segment'], customers: number(s['customers']!) })))
      .toEqual(kpis['rfm'].segments.map((s: Json) => ({ segment: s['segment'], customers: s['customers'] })));
  });

  it('shows the run status, conservation per source and the failed checks first, as quality_report.json has them', async () => {
    expect(await opened.page.locator('[data-testid="status"]').textContent()).toBe(quality['status']);
    expect(await opened.page.locator('[data-testid="status-banner"]').count()).toBe(quality['status'] === 'SUCCESS' ? 0 : 1);
    const rows = await tableRows(opened.page, 'conservation', ['source', 'records_in', 'rows_out', 'rows_quarantined', 'duplicates_dropped', 'balanced']);
    expect(Object.fromEntries(rows.map((r) => [r['source'], [r['records_in'], r['rows_out'], r['rows_quarantined'], r['duplicates_dropped']].map((v) => number(v!))])))
      .toEqual(Object.fromEntries(Object.entries(quality['sources'] as Record<string, Json>).map(([name, s]) => [name, [s['records_in'], s['rows_out'], s['rows_quarantined'], s['duplicates_dropped']]])));
    expect(rows.every((r) => r['balanced'] === '✓')).toBe(true);
    const quarantined = Object.values(quality['sources'] as Record<string, Json>).reduce((t, s) => t + s['rows_quarantined'], 0);
    expect(quarantined).toBeGreaterThan(0);

    const listed = await tableRows(opened.page, 'checks', ['status', 'id']);
    const expected = quality['checks'].filter((c: Json) => ['failed', 'error', 'warning'].includes(c['status']));
    expect(listed.map((c) => c['id']).sort()).toEqual(expected.map((c: Json) => c['id']).sort());
    const firstWarning = listed.findIndex((c) => c['status'] === 'warning');
    const lastFailed = listed.map((c) => c['status']).lastIndexOf('failed');
    if (firstWarning >= 0 && lastFailed >= 0) expect(lastFailed).toBeLessThan(firstWarning);
  });

  it('shows the top quarantine reasons with keys only: no raw e-mail reaches the page', async () => {
    const reasons = await tableRows(opened.page, 'reasons', ['sample_keys']);
    expect(reasons.length).toBe(quality['top_reasons'].length);
    const emails = readFileSync(join(work, 'full', 'data', 'customers.json'), 'utf8').match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [];
    expect(emails.length).toBeGreaterThan(0);
    const html = readFileSync(file(), 'utf8');
    for (const e of new Set(emails)) expect(html.includes(e), e).toBe(false);
    const names = [...readFileSync(join(work, 'full', 'data', 'customers.json'), 'utf8').matchAll(/"name"\s*:\s*"([^"]+ [^"]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const n of new Set(names)) expect(html.includes(n), n).toBe(false);
  });

  it('leaves a screenshot under the test output', () => {
    expect(statSync(join(work, 'dashboard.png')).size).toBeGreaterThan(50_000);
  });
});

describe('reports/dashboard.html of a run without the optional sources', () => {
  it('says "not available" for returns, conversion and promotions, and draws the rest without errors', async () => {
    expect(lean.code, lean.stderr).toBe(0);
    const opened = await openDashboard(join(lean.reports, 'dashboard.html'));
    try {
      await opened.page.screenshot({ path: join(work, 'dashboard-no-optional.png'), fullPage: true });
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.attempted).toEqual([]);
      for (const id of ['returns', 'conversion', 'promotions']) {
        expect(await opened.page.locator(`[data-card="${id}"] .na`).first().textContent(), id).toMatch(/^not available \(no /);
        expect(await opened.page.locator(`[data-card="${id}"] [data-chart]`).count(), id).toBe(0);
      }
      expect(await opened.page.locator('[data-kpi="returns.return_rate"] .tile-value').textContent()).toMatch(/not available/);
      const marks = await chartMarks(opened.page);
      expect(marks['daily-revenue']).toBeGreaterThan(0);
      for (const [name, n] of Object.entries(marks)) expect(n, `chart ${name}`).toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
  });
});

describe('reports/dashboard.html of a run whose strict gate closed', () => {
  it('shows FAILED in a banner with the failed rules, and no KPI figure', async () => {
    expect(failed.code, failed.stderr).toBe(1);
    const quality = readJson(join(failed.reports, 'quality_report.json'));
    const opened = await openDashboard(join(failed.reports, 'dashboard.html'));
    try {
      await opened.page.screenshot({ path: join(work, 'dashboard-failed.png'), fullPage: true });
      expect(opened.consoleErrors).toEqual([]);
      expect(await opened.page.locator('[data-testid="status"]').textContent()).toBe('FAILED');
      const banner = await opened.page.locator('[data-testid="status-banner"]').textContent();
      expect(banner).toMatch(/^FAILED: nothing was published/);
      const gate = quality['checks'].filter((c: Json) => c['kind'] === 'dataset' && c['severity'] === 'error' && c['status'] === 'failed');
      expect(gate.length).toBeGreaterThan(0);
      for (const c of gate) expect(banner).toContain(c['id']);
      expect(await opened.page.locator('[data-kpi="total_revenue"] .tile-value').textContent()).toBe('not available (nothing was published by this run)');
      expect((await chartMarks(opened.page))['conservation']).toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
  });
});

describe('data that tries to break out of the page', () => {
  it('stays text: a value holding </script> or <!-- neither closes the data nor runs', async () => {
    const quality = readJson(join(full.reports, 'quality_report.json'));
    const kpis = readJson(join(full.reports, 'kpis.json'));
    const evil = '</script><script>window.__pwned = 1</script><!-- <img src=x onerror="window.__pwned = 2">';
    kpis['top_products'][0].product_id = evil;
    kpis['rfm'].segments[0].segment = `</SCRIPT >${evil}`;
    const file = join(work, 'evil.html');
    writeFileSync(file, renderDashboardHtml({ schemaVersion: 1, quality, kpis, kpis_note: null, runs: [], runs_note: 'none' }));
    const opened = await openDashboard(file);
    try {
      expect(await opened.page.evaluate(() => (globalThis as any).__pwned)).toBeUndefined();
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.attempted).toEqual([]);
      const top = await tableRows(opened.page, 'top-products', ['product_id']);
      expect(top[0]!['product_id']).toBe(evil);
      const segments = await tableRows(opened.page, 'rfm-segments', ['segment']);
      expect(segments[0]!['segment']).toBe(`</SCRIPT >${evil}`);
    } finally {
      await opened.close();
    }
  });
});

describe('pages from other shapes of the KPI model', () => {
  async function render(name: string, quality: Json, kpis: Json | null): Promise<Opened> {
    const file = join(work, `${name}.html`);
    writeFileSync(file, renderDashboardHtml({ schemaVersion: 1, quality, kpis, kpis_note: kpis ? null : 'no kpis.json in this run', runs: [], runs_note: null }));
    return openDashboard(file);
  }

  it('draws the newer keys: forecast band, per-warehouse stock, predictive CLV, partial periods, a WARNING run', async () => {
    const quality: Json = { ...readJson(join(full.reports, 'quality_report.json')), status: 'WARNING' };
    const gate = quality['checks'].find((c: Json) => c['kind'] === 'dataset' && c['severity'] === 'error');
    gate.status = 'failed';
    const kpis = readJson(join(full.reports, 'kpis.json'));
    kpis['forecast'].daily = kpis['forecast'].daily.map((d: Json) => ({ ...d, lower_80: d['revenue'] * 0.8, upper_80: d['revenue'] * 1.2, lower_95: d['revenue'] * 0.6, upper_95: d['revenue'] * 1.4 }));
    kpis['anomalies'].alerts = kpis['anomalies'].alerts.map(({ baseline_median, robust_z, direction, ...a }: Json) => ({ ...a, kind: 'spike', expected_value: baseline_median, z: robust_z, change_pct: 150 }));
    kpis['inventory'] = { ...kpis['inventory'], out_of_stock_products: 3, by_warehouse: [
      { warehouse_id: 'W1', products: 50, products_at_zero: 2, low_stock_products: 4 },
      { warehouse_id: 'W2', products: 50, products_at_zero: 1, low_stock_products: 0 },
    ] };
    kpis['clv'].top_customers = kpis['clv'].top_customers.map((c: Json, i: number) => ({ ...c, predictive_clv: 1000 - i, p_alive: 0.9 }));
    kpis['sales_weekly'] = kpis['sales_weekly'].map((w: Json, i: number) => ({ ...w, partial: i === 0 }));
    kpis['guests'] = { orders: 3, order_lines: 4, revenue: 12.5, left_out_of: ['clv', 'rfm'] };
    const opened = await render('newer', quality, kpis);
    try {
      expect(opened.consoleErrors).toEqual([]);
      expect(await opened.page.locator('[data-testid="status-banner"]').textContent()).toBe(`WARNING: this run published although 1 error-severity rule failed: ${gate.id}. Read the quality section before trusting the figures.`);
      expect((await tableRows(opened.page, 'checks', ['id']))[0]!['id']).toBe(gate.id);
      const marks = await chartMarks(opened.page);
      expect(await opened.page.locator('[data-chart="daily-revenue"] g[aria-label="area"] path').count()).toBe(2);
      expect(await opened.page.locator('[data-card="daily-revenue"] .legend').textContent()).toContain('95 % interval');
      const daily = opened.page.locator('[data-card="daily-revenue"]');
      await daily.getByRole('tab', { name: 'all history' }).click();
      expect(await daily.locator('g[aria-label="dot"] circle').count()).toBe(kpis['anomalies'].alerts.filter((a: Json) => a['metric'] === 'revenue').length);
      await daily.getByRole('tab', { name: 'last 6 months' }).click();
      const from = new Date(Date.parse(kpis['sales_daily'].at(-1).date) - 183 * 86_400_000).toISOString().slice(0, 10);
      const recent = kpis['anomalies'].alerts.filter((a: Json) => a['metric'] === 'revenue' && a['day'] > from).length;
      expect(await daily.locator('g[aria-label="dot"] circle').count()).toBe(recent);
      expect(recent).toBeGreaterThan(0);
      expect(marks['stock-by-warehouse']).toBe(4);
      expect(await opened.page.locator('[data-kpi="inventory.out_of_stock_products"] .tile-value').textContent()).toBe('3');
      expect(await opened.page.locator('[data-testid="top-customers"] thead').textContent()).toContain('predictive CLV');
      expect(await opened.page.locator('[data-card="sales_weekly"] .legend').textContent()).toContain('partial period (1)');
      expect(await opened.page.locator('.notes').textContent()).toContain('guest orders: 3');
    } finally {
      await opened.close();
    }
  });

  it('says "not available" everywhere, without an error, for a KPI model that is empty or marks its parts not available', async () => {
    const quality = readJson(join(full.reports, 'quality_report.json'));
    const na = { not_available: 'no inventory' };
    for (const [name, kpis] of [
      ['empty', {}],
      ['marked', { total_revenue: null, order_count: 0, not_available: { total_revenue: 'no price', revenue_by_category: 'no products' }, inventory: { ...na, out_of_stock_products: null, by_warehouse: null }, returns: { not_available: 'no returns' }, rfm: { segments: null }, clv: null, cohorts: [], sales_daily: [] }],
      ['none', null],
    ] as [string, Json | null][]) {
      const opened = await render(name, quality, kpis);
      try {
        expect(opened.consoleErrors, name).toEqual([]);
        expect(opened.info.errors, name).toEqual([]);
        const revenue = await opened.page.locator('[data-kpi="total_revenue"] .tile-value').textContent();
        expect(revenue, name).toMatch(/^not available \(/);
        for (const card of ['categories', 'rfm', 'stock-by-warehouse', 'returns']) {
          expect(await opened.page.locator(`[data-card="${card}"] .na`).count(), `${name} ${card}`).toBeGreaterThan(0);
        }
        expect((await chartMarks(opened.page))['conservation'], name).toBeGreaterThan(0);
      } finally {
        await opened.close();
      }
    }
  });
});
