// The few lines a person reads after a run (stdout): verdict, per-source counts, gate failures, where to look.
import type { RunOutcome } from '../stages/run-pipeline.ts';
import { gateFailures } from '../stages/run-pipeline.ts';
import { describeGateFailure } from '../report/status-banner.ts';

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

export function renderRunSummary(outcome: RunOutcome, where: { out: string; reports: string }): string {
  const { report, record } = outcome;
  const lines: string[] = [];
  lines.push(`etl run ${report.run_id} (as of ${report.as_of}${report.strict ? ', strict' : ''}): ${outcome.status}`);
  lines.push('');
  const sources = Object.entries(report.sources).sort(([a], [b]) => a.localeCompare(b));
  const w = Math.max(12, ...sources.map(([name]) => name.length + 2));
  lines.push(`${pad('source', w)}${pad('records_in', 12, true)}${pad('rows_out', 12, true)}${pad('quarantined', 13, true)}${pad('duplicates', 12, true)}${pad('excluded', 10, true)}`);
  for (const [name, c] of sources) {
    lines.push(`${pad(name, w)}${pad(c.records_in, 12, true)}${pad(c.rows_out, 12, true)}${pad(c.rows_quarantined, 13, true)}${pad(c.duplicates_dropped, 12, true)}${pad(c.rows_excluded ?? 0, 10, true)}`);
  }
  const s = report.summary;
  lines.push('');
  lines.push(`checks: ${s.passed} passed, ${s.warning} warning, ${s.failed} failed, ${s.error} error, ${s.skipped} skipped`);
  const failures = gateFailures(report.checks);
  for (const f of failures) lines.push(`  gate: ${describeGateFailure(f)}`);
  if (outcome.status === 'WARNING') lines.push('WARNING: published although error-severity dataset rules failed (exit 0 without --strict; --strict would publish nothing and exit 1)');
  const total = Object.values(record.stages).reduce((a, b) => a + b, 0);
  lines.push(`time: ${(total / 1000).toFixed(1)} s`);
  if (outcome.status !== 'FAILED') {
    lines.push(`published: ${where.out}/ (lake, warehouse, exports, quarantine) and ${where.reports}/ (sales_report.txt, kpis_dashboard.txt, kpis.json, quality_report.*)`);
  } else {
    lines.push(`nothing published: the previous output in ${where.out}/ is unchanged; see ${where.reports}/quality_report.txt`);
  }
  return `${lines.join('\n')}\n`;
}

export function printRunSummary(outcome: RunOutcome, where: { out: string; reports: string }): void {
  process.stdout.write(renderRunSummary(outcome, where));
}
