// Writes the renderings of one QualityReport into a reports directory: JSON, text, JUnit, and for a run the dashboard.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualityReport } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { DASHBOARD_FILE, writeDashboard } from './dashboard-html.ts';
import { renderJunit } from './junit.ts';
import { renderQualityJson } from './quality-json.ts';
import { renderQualityText } from './quality-text.ts';

/** What writeQualityReports writes for a run (a run whose gate closed publishes these, and only these). */
export const QUALITY_REPORT_FILES = {
  json: 'quality_report.json',
  text: 'quality_report.txt',
  junit: 'junit.xml',
  dashboard: DASHBOARD_FILE,
} as const;

export interface QualityReportOptions {
  /** output/_runs: earlier run records, for the dashboard's quarantine-rate trend. */
  runsDir?: string;
}

/** A run also gets reports/dashboard.html (built from this report, the kpis.json beside it and the run history). */
export async function writeQualityReports(report: QualityReport, dir: string, opts: QualityReportOptions = {}): Promise<void> {
  const files: [string, string][] = [
    [QUALITY_REPORT_FILES.json, renderQualityJson(report)],
    [QUALITY_REPORT_FILES.text, renderQualityText(report)],
    [QUALITY_REPORT_FILES.junit, renderJunit(report)],
  ];
  try {
    await mkdir(dir, { recursive: true });
    await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text, 'utf8')));
    if (report.command === 'run') await writeDashboard(report, dir, { kpisFile: join(dir, 'kpis.json'), runsDir: opts.runsDir });
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot write the quality reports to ${dir}: ${(cause as Error).message}`, {
      hint: 'check that the reports directory is writable',
      location: { file: dir },
      cause,
    });
  }
}
