// The statistical KPIs through the real CLI on the demo data (`etl generate` defaults, 1 % defects, as
// `npm start` makes them): the anomaly detector against the anomalies `etl generate` planted (listed in
// _defects.json), a 99 % collapse of one day's revenue, RFM segments, both CLVs and the forecast in
// kpis.json and the text reports.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kpis } from '../../src/kpi/collect-kpis.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-kpi-');
const data = join(work, 'data');
const runArgs = (d: string, name: string) => [
  'run', '--data', d, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
  '--out', join(work, `${name}-output`), '--reports', join(work, `${name}-reports`), '--as-of', AS_OF, '--log-level', 'warn',
];
const addDays = (d: string, k: number) => new Date(Date.parse(`${d}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10);

interface Planted { day: string; kind: 'spike' | 'drop' | 'level_shift'; factor: number; days: number }
let kpis: Kpis;
let planted: Planted[];
let dashboard: string;
let sales: string;

beforeAll(() => {
  const gen = runCli(['generate', '--out', data, '--defect-rate', '0.01', '--as-of', AS_OF]);
  expect(gen.code, gen.stderr).toBe(0);
  const run = runCli(runArgs(data, 'demo'));
  expect(run.code, run.stderr).toBe(0);
  kpis = JSON.parse(readFileSync(join(work, 'demo-reports', 'kpis.json'), 'utf8'));
  dashboard = readFileSync(join(work, 'demo-reports', 'kpis_dashboard.txt'), 'utf8');
  sales = readFileSync(join(work, 'demo-reports', 'sales_report.txt'), 'utf8');
  planted = JSON.parse(readFileSync(join(data, '_defects.json'), 'utf8')).anomalies;
});

describe('anomalies on the demo data', () => {
  it('finds at least 90 % of the planted anomalies with at most one false alert per 90 days', () => {
    expect(planted.filter((p) => p.kind === 'spike').length).toBeGreaterThanOrEqual(8);
    expect(planted.filter((p) => p.kind === 'drop').length).toBeGreaterThanOrEqual(8);
    expect(planted.filter((p) => p.kind === 'level_shift')).toHaveLength(1);
    const alertDays = new Set(kpis.anomalies.alerts.map((a) => a.day));
    // A point is found by an alert on its day (either metric); a level shift by an alert while it lasts.
    // The days of a level shift and the week after its end (the return to the old level) are explained by it.
    const window = (p: Planted) => Array.from({ length: p.days }, (_, i) => addDays(p.day, i));
    const found = planted.filter((p) => window(p).some((d) => alertDays.has(d)));
    expect(found.length / planted.length, `missed: ${planted.filter((p) => !found.includes(p)).map((p) => p.day).join(', ')}`).toBeGreaterThanOrEqual(0.9);
    const explained = new Set(planted.flatMap((p) => (p.kind === 'level_shift' ? Array.from({ length: p.days + 7 }, (_, i) => addDays(p.day, i)) : [p.day])));
    const falseAlertDays = [...alertDays].filter((d) => !explained.has(d));
    expect(falseAlertDays.length, `false alerts: ${falseAlertDays.join(', ')}`).toBeLessThanOrEqual(kpis.anomalies.days_scored / 90);
    // The level shift itself is named as one.
    const shift = planted.find((p) => p.kind === 'level_shift')!;
    expect(kpis.anomalies.alerts.some((a) => a.kind === 'level_shift_down' && window(shift).includes(a.day))).toBe(true);
  });

  it('alerts say metric, day, value, expected value and how unusual (z, change)', () => {
    // The latest planted spike (the dashboard shows the latest 20 alerts).
    const spike = kpis.anomalies.alerts.find((a) => a.day === planted.filter((p) => p.kind === 'spike').at(-1)!.day)!;
    expect(spike).toMatchObject({ kind: 'spike', days: 1 });
    expect(spike.value!).toBeGreaterThan(spike.expected_value!);
    expect(spike.z!).toBeGreaterThan(kpis.anomalies.z_threshold);
    expect(spike.change_pct!).toBeGreaterThan(50);
    expect(dashboard).toMatch(/Alerts: anomalies \(same weekday of the previous 8 weeks/);
    expect(dashboard).toContain(`${spike.day}  ${spike.metric}`);
  });

  it('flags a 99 % collapse of one day\'s revenue on the revenue metric', () => {
    // A copy of the data where an ordinary day (not planted) keeps only one order line of quantity 1.
    const day = addDays(AS_OF, -20);
    expect(planted.some((p) => p.day === day)).toBe(false);
    const collapsed = join(work, 'collapsed');
    cpSync(data, collapsed, { recursive: true });
    const lines = readFileSync(join(data, 'orders.csv'), 'utf8').split('\n');
    let kept = 0;
    const filtered = lines.filter((l) => {
      const f = l.split(',');
      if (!f[4]?.startsWith(day)) return true;
      if (kept === 0 && f[3] === '1') return ++kept === 1;
      return false;
    });
    writeFileSync(join(collapsed, 'orders.csv'), filtered.join('\n'));
    const run = runCli(runArgs(collapsed, 'collapsed'));
    expect(run.code, run.stderr).toBe(0);
    const k: Kpis = JSON.parse(readFileSync(join(work, 'collapsed-reports', 'kpis.json'), 'utf8'));
    const before = kpis.sales_daily.find((d) => d['date'] === day)!;
    const after = k.sales_daily.find((d) => d['date'] === day)!;
    expect(Number(after['revenue']) / Number(before['revenue'])).toBeLessThan(0.05);
    const alert = k.anomalies.alerts.find((a) => a.day === day && a.metric === 'revenue');
    expect(alert, JSON.stringify(k.anomalies.alerts.filter((a) => a.day === day))).toBeDefined();
    expect(alert!).toMatchObject({ kind: 'drop' });
    expect(alert!.change_pct!).toBeLessThan(-95);
    expect(alert!.z!).toBeLessThan(-kpis.anomalies.z_threshold);
  });
});

describe('customer KPIs on the demo data', () => {
  it('lists the five RFM segments, covering every customer with orders', () => {
    expect(kpis.rfm.segments.map((s) => s.segment)).toEqual(['Champions', 'Loyal Customers', 'At Risk', 'Lost', 'Others']);
    expect(kpis.rfm.segments.reduce((a, s) => a + s.customers, 0)).toBe(kpis.customers_with_orders);
    expect(sales).toContain('Champions: R = 5 and F = 5 and M = 5');
  });

  it('fits BG/NBD and Gamma-Gamma and ranks customers by predictive CLV, with both measures', () => {
    const p = kpis.clv.predictive;
    if ('not_available' in p) throw new Error(`predictive CLV not available: ${p.not_available}`);
    expect(p.customers).toBe(kpis.customers_with_orders);
    expect(p.bg_nbd.r).toBeGreaterThan(0);
    const top = kpis.clv.top_customers;
    expect(top).toHaveLength(10);
    expect(top.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.predictive_clv!).toBeGreaterThanOrEqual(top[i]!.predictive_clv!);
    for (const c of top) {
      expect(c.clv).not.toBeNull();
      expect(c.p_alive!).toBeGreaterThan(0);
      expect(c.predictive_clv!).toBeCloseTo(c.expected_purchases! * c.expected_purchase_value!, -1);
    }
    // The case: the long-standing customer with the most orders ranks first, not a brand-new one.
    expect(top[0]!.order_count).toBe(Math.max(...top.map((c) => c.order_count)));
    expect(sales).toContain('Top 10 customers by predictive CLV');
    expect(sales).toContain('predictive CLV = expected purchases over the next 365 days');
  });
});

describe('forecast on the demo data', () => {
  it('reports the chosen model, both backtest errors and 80 % / 95 % intervals for 7, 30 and 90 days', () => {
    const f = kpis.forecast;
    if ('not_available' in f) throw new Error('forecast expected');
    expect(f.selection).toBe('backtest');
    const models = f.backtest.models;
    expect(models.map((m) => m.model).sort()).toEqual(['holt_winters', 'seasonal_naive']);
    const chosen = models.find((m) => m.chosen)!;
    expect(chosen.model).toBe(f.method);
    expect(models.every((m) => m.origins === 6 && m.points === 6 * 28)).toBe(true);
    for (const m of models) expect(chosen.mae!).toBeLessThanOrEqual(m.mae!);
    expect(f.horizons.map((h) => h.days)).toEqual([7, 30, 90]);
    for (const h of f.horizons) {
      expect(h.lower_95!).toBeLessThan(h.lower_80!);
      expect(h.lower_80!).toBeLessThan(h.revenue!);
      expect(h.revenue!).toBeLessThan(h.upper_80!);
      expect(h.upper_80!).toBeLessThan(h.upper_95!);
    }
    expect(dashboard).toMatch(/Model\s+Holt-Winters|Model\s+seasonal naive/);
    expect(dashboard).toContain('next 90 days');
  });
});

describe('periods on the demo data', () => {
  it('marks the last week (as-of is a Friday: 5 of 7 days) and month partial and compares complete weeks', () => {
    expect(kpis.sales_weekly.at(-1)).toMatchObject({ week_start: '2026-11-16', days: 5, period_days: 7, partial: true });
    expect(kpis.sales_monthly.at(-1)).toMatchObject({ month: 11, days: 20, period_days: 30, partial: true });
    expect(kpis.sales_weekly.slice(1, -1).every((w) => w['partial'] === false)).toBe(true);
    const c = kpis.period_comparison.week!;
    expect(c.current).toMatchObject({ start: '2026-11-09', end: '2026-11-15' });
    expect(c.previous.start).toBe('2026-11-02');
    expect(kpis.period_comparison.month!.current.start).toBe('2026-10-01');
    expect(dashboard).toContain('Last complete week 2026-W46 (2026-11-09 to 2026-11-15)');
    expect(dashboard).toContain('Current week 2026-W47 (partial: 5 of 7 days)');
  });
});
