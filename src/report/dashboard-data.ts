// The data behind reports/dashboard.html: the quality report model (as quality_report.json holds it),
// the KPI model (as kpis.json holds it, when this run published one) and the quarantine-rate history of
// the earlier runs (output/_runs/*.json). Plain JSON: the page is a rendering of these, nothing more.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualityReport } from '../checks/result.ts';
import { toQualityJson } from './quality-json.ts';

export const DASHBOARD_SCHEMA_VERSION = 1;
/** How many runs the quarantine-rate trend shows (this run included). */
export const TREND_RUNS = 20;

export interface RunPoint {
  run_id: string;
  as_of: string;
  status: string;
  /** This run (its record is written after the reports). */
  current: boolean;
  /** Per source: records read and rows quarantined. */
  sources: Record<string, { records_in: number; rows_quarantined: number }>;
}

export interface DashboardData {
  schemaVersion: number;
  quality: Record<string, unknown>;
  /** kpis.json of this run; null when the run published nothing (kpis_note says why). */
  kpis: Record<string, unknown> | null;
  kpis_note: string | null;
  runs: RunPoint[];
  runs_note: string | null;
}

export interface DashboardSources {
  /** kpis.json written by this run, if any. */
  kpisFile?: string;
  /** output/_runs: the records of earlier runs. */
  runsDir?: string;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;

/** Sample keys are keys, but a shop's key may be an e-mail: never let one reach the page in clear. */
export function maskSampleKey(key: string): string {
  return key.replace(EMAIL, (m) => `${m[0]}***@***`);
}

function maskSamples(quality: Record<string, unknown>): Record<string, unknown> {
  const mask = (items: unknown) =>
    Array.isArray(items)
      ? items.map((item: Record<string, unknown>) =>
        Array.isArray(item['sample_keys']) ? { ...item, sample_keys: item['sample_keys'].map((k: unknown) => maskSampleKey(String(k))) } : item)
      : items;
  return { ...quality, checks: mask(quality['checks']), top_reasons: mask(quality['top_reasons']) };
}

/** Rows of days of cover the page keeps (it charts the lowest 15). */
export const COVER_ROWS = 50;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * kpis.json without what the page does not draw and whose size grows with the catalogue (per-product
 * rotation and returns, daily conversion, basket pairs), days of cover cut to the lowest COVER_ROWS:
 * the page stays far under its 2 MB budget for any shop. Everything else passes as it is.
 */
export function slimKpis(kpis: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...kpis };
  delete out['market_basket'];
  if (isRecord(out['conversion'])) out['conversion'] = { ...out['conversion'], daily: undefined };
  if (isRecord(out['returns'])) out['returns'] = { ...out['returns'], by_product: undefined };
  if (isRecord(out['inventory'])) {
    const inv: Record<string, unknown> = { ...out['inventory'], stock_rotation: undefined };
    if (Array.isArray(inv['days_of_cover'])) {
      const cover = (r: unknown) => (isRecord(r) && typeof r['days_of_cover'] === 'number' ? r['days_of_cover'] : Infinity);
      inv['days_of_cover'] = [...inv['days_of_cover']]
        .sort((a, b) => cover(a) - cover(b) || String(isRecord(a) ? a['product_id'] : '').localeCompare(String(isRecord(b) ? b['product_id'] : '')))
        .slice(0, COVER_ROWS);
    }
    if (Array.isArray(inv['out_of_stock'])) inv['out_of_stock'] = inv['out_of_stock'].slice(0, COVER_ROWS);
    out['inventory'] = inv;
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

function countsOf(sources: unknown): RunPoint['sources'] {
  const out: RunPoint['sources'] = {};
  if (sources === null || typeof sources !== 'object') return out;
  for (const name of Object.keys(sources).sort()) {
    const s = (sources as Record<string, Record<string, unknown>>)[name];
    const recordsIn = Number(s?.['records_in']);
    const quarantined = Number(s?.['rows_quarantined']);
    if (Number.isFinite(recordsIn) && Number.isFinite(quarantined)) out[name] = { records_in: recordsIn, rows_quarantined: quarantined };
  }
  return out;
}

/**
 * The last runs, oldest first, ending with this one. Earlier records are ordered by when they finished
 * (a record of this run's id is an earlier run of the same inputs: this run replaces it); no wall-clock
 * time reaches the page, so the same history gives the same bytes.
 */
async function readRunHistory(runsDir: string | undefined, report: QualityReport): Promise<{ runs: RunPoint[]; note: string | null }> {
  const current: RunPoint = { run_id: report.run_id, as_of: report.as_of, status: String(report.status), current: true, sources: countsOf(report.sources) };
  if (runsDir === undefined || !existsSync(runsDir)) return { runs: [current], note: 'no earlier run records in output/_runs' };
  const earlier: (RunPoint & { finished: string })[] = [];
  for (const name of (await readdir(runsDir)).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const r = (await readJson(join(runsDir, name))) as Record<string, unknown>;
      if (typeof r['run_id'] !== 'string' || r['run_id'] === report.run_id) continue;
      earlier.push({
        run_id: r['run_id'],
        as_of: String(r['as_of'] ?? ''),
        status: String(r['status'] ?? ''),
        current: false,
        sources: countsOf(r['counts']),
        finished: String(r['finished_at'] ?? ''),
      });
    } catch {
      // A record that does not parse is someone else's file or a torn write: history, not this run's data.
    }
  }
  earlier.sort((a, b) => (a.finished < b.finished ? -1 : a.finished > b.finished ? 1 : a.run_id.localeCompare(b.run_id)));
  const runs = [...earlier.slice(-(TREND_RUNS - 1)).map(({ finished: _, ...p }) => p), current];
  return { runs, note: earlier.length === 0 ? 'no earlier run records in output/_runs' : null };
}

export async function collectDashboardData(report: QualityReport, sources: DashboardSources): Promise<DashboardData> {
  let kpis: Record<string, unknown> | null = null;
  let kpisNote: string | null = null;
  if (report.status === 'FAILED') kpisNote = 'nothing was published by this run';
  else if (sources.kpisFile === undefined || !existsSync(sources.kpisFile)) kpisNote = 'no kpis.json in this run';
  else kpis = slimKpis((await readJson(sources.kpisFile)) as Record<string, unknown>);
  const history = await readRunHistory(sources.runsDir, report);
  return {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    quality: maskSamples(toQualityJson(report)),
    kpis,
    kpis_note: kpisNote,
    runs: history.runs,
    runs_note: history.note,
  };
}
