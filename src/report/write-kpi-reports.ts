// Writes the KPI renderings (sales_report.txt, kpis_dashboard.txt, kpis.json, alerts.json) from the gold tables.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { collectKpis } from '../kpi/collect-kpis.ts';
import { renderKpiDashboard } from './kpi-dashboard.ts';
import { renderAlertsJson, renderKpisJson } from './kpi-json.ts';
import { renderSalesReport } from './sales-report.ts';

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
}

export async function writeKpiReports(engine: Engine, opts: KpiReportOptions): Promise<void> {
  const kpis = await collectKpis(engine, { asOf: opts.asOf, config: opts.config, available: opts.available, ...(opts.skipped ? { skipped: opts.skipped } : {}) });
  const files: [string, string][] = [
    [KPI_REPORT_FILES.sales, renderSalesReport(kpis)],
    [KPI_REPORT_FILES.dashboard, renderKpiDashboard(kpis)],
    [KPI_REPORT_FILES.json, renderKpisJson(kpis)],
    [KPI_REPORT_FILES.alerts, renderAlertsJson(kpis)],
  ];
  try {
    await mkdir(opts.dir, { recursive: true });
    await Promise.all(files.map(([name, text]) => writeFile(join(opts.dir, name), text, 'utf8')));
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot write the KPI reports to ${opts.dir}: ${(cause as Error).message}`, {
      hint: 'check that the reports directory is writable',
      location: { file: opts.dir },
      cause,
    });
  }
}
