// Writes the KPI renderings (sales_report.txt, kpis_dashboard.txt, kpis.json, alerts.json) from the gold tables.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineConfig } from '../config.ts';
import type { CheckResult, RunStatus } from '../checks/result.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { collectKpis, type Kpis } from '../kpi/collect-kpis.ts';
import { renderKpiDashboard } from './kpi-dashboard.ts';
import { renderAlertsJson, renderKpisJson } from './kpi-json.ts';
import { renderSalesReport } from './sales-report.ts';
import { statusBanner } from './status-banner.ts';

export const KPI_REPORT_FILES = {
  sales: 'sales_report.txt',
  dashboard: 'kpis_dashboard.txt',
  json: 'kpis.json',
  alerts: 'alerts.json',
} as const;

export interface KpiReportOptions {
  dir: string;
  asOf: string;
  config: PipelineConfig;
  /** Datasets present in this run (absent sources make their KPIs "not available"). */
  available: string[];
  /** Gold models skipped in this run and why ("no inventory"): the reason the reports give. */
  skipped?: Record<string, string>;
  /** The run's status (kpis.json `status`; a WARNING opens each text report), and the gate failures behind it. */
  status?: RunStatus;
  gateFailures?: readonly CheckResult[];
}

/** The KPI reports' texts (file name → text): the queries over the gold tables, and their rendering. */
export async function renderKpiReports(engine: Engine, opts: Omit<KpiReportOptions, 'dir'>): Promise<[string, string][]> {
  const kpis = await collectKpis(engine, { asOf: opts.asOf, config: opts.config, available: opts.available, ...(opts.skipped ? { skipped: opts.skipped } : {}) });
  const status = opts.status ?? 'SUCCESS';
  const banner = statusBanner(status, opts.gateFailures);
  const { schemaVersion, ...rest } = kpis;
  const withStatus: Kpis & { status: RunStatus } = { schemaVersion, status, ...rest };
  return [
    [KPI_REPORT_FILES.sales, banner + renderSalesReport(kpis)],
    [KPI_REPORT_FILES.dashboard, banner + renderKpiDashboard(kpis)],
    [KPI_REPORT_FILES.json, renderKpisJson(withStatus)],
    [KPI_REPORT_FILES.alerts, renderAlertsJson(kpis)],
  ];
}

/** Write rendered KPI reports into `dir`. */
export async function writeKpiReportFiles(dir: string, files: [string, string][]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text, 'utf8')));
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot write the KPI reports to ${dir}: ${(cause as Error).message}`, {
      hint: 'check that the reports directory is writable',
      location: { file: dir },
      cause,
    });
  }
}

export async function writeKpiReports(engine: Engine, opts: KpiReportOptions): Promise<void> {
  await writeKpiReportFiles(opts.dir, await renderKpiReports(engine, opts));
}
