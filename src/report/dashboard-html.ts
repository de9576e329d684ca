// reports/dashboard.html: one self-contained page (opens from file://, no network). Everything is inlined:
// d3 + Observable Plot (the charting library, SVG marks; their UMD builds, read from the installed
// packages), the page's own client script and style (src/report/dashboard/), and the data as JSON in a
// <script type="application/json"> element.
// The client builds the DOM with textContent only; the JSON is escaped so that no value can close
// its script element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { QualityReport } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { collectDashboardData, type DashboardData, type DashboardSources } from './dashboard-data.ts';
import { DASHBOARD_CLIENT } from './dashboard/client.ts';
import { DASHBOARD_STYLE } from './dashboard/style.ts';

export const DASHBOARD_FILE = 'dashboard.html';

export interface DashboardAssets {
  d3: string;
  plot: string;
  client: string;
  style: string;
}

let cached: DashboardAssets | undefined;

/** The library bundles come from the installed packages (their UMD builds), the page's own from its modules. */
export function loadDashboardAssets(): DashboardAssets {
  if (cached) return cached;
  try {
    // Both packages export only their entry point: their UMD bundles sit beside it in dist/.
    const require = createRequire(import.meta.url);
    const d3 = join(dirname(require.resolve('d3')), 'd3.min.js');
    const plot = join(dirname(require.resolve('@observablehq/plot')), '..', 'dist', 'plot.umd.min.js');
    cached = { d3: readFileSync(d3, 'utf8'), plot: readFileSync(plot, 'utf8'), client: DASHBOARD_CLIENT, style: DASHBOARD_STYLE };
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot read the dashboard's assets: ${(cause as Error).message}`, {
      hint: 'reinstall the package (npm ci): d3 and @observablehq/plot are runtime dependencies',
      cause,
    });
  }
  return cached;
}

/**
 * JSON that is safe inside <script type="application/json">: `<`, `>` and `&` as \u escapes (so no
 * `</script>` or `<!--` can appear), and U+2028/U+2029 too. JSON.parse reads it back unchanged.
 */
export function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A library's code inside <script>: `</script` and `<!--` cannot occur in it (both are valid JS escaped). */
export function escapeScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderDashboardHtml(data: DashboardData, assets: DashboardAssets = loadDashboardAssets()): string {
  const q = data.quality;
  const title = `etl dashboard · ${String(q['as_of'] ?? '')} · ${String(q['status'] ?? '')}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the page, even if a library tried: the policy allows only what is inline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeText(title)}</title>`,
    `<style>${assets.style.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This dashboard needs JavaScript; the same figures are in kpis_dashboard.txt and quality_report.txt.</noscript>',
    '<main id="app"></main>',
    `<script type="application/json" id="etl-data">${escapeJsonForHtml(data)}</script>`,
    `<script>${escapeScript(assets.d3)}</script>`,
    `<script>${escapeScript(assets.plot)}</script>`,
    `<script>${escapeScript(assets.client)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes reports/dashboard.html for a run from its quality report, its kpis.json and the run history. */
export async function writeDashboard(report: QualityReport, dir: string, sources: DashboardSources): Promise<void> {
  const data = await collectDashboardData(report, sources);
  await writeFile(join(dir, DASHBOARD_FILE), renderDashboardHtml(data), 'utf8');
}
