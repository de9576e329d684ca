// What `etl validate` prints on stdout: one line per check (status, id, failed rows, why when it did not
// pass), then the verdict alone on the last line so that scripts can `tail -1`.
import type { QualityReport } from '../checks/result.ts';
import { sortChecks } from '../report/quality-json.ts';
import { judgeChecks } from './judge.ts';

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function renderValidateSummary(report: QualityReport, header: string): string {
  const checks = sortChecks(report.checks);
  const statusWidth = Math.max(0, ...checks.map((c) => c.status.length));
  const idWidth = Math.max(0, ...checks.map((c) => c.id.length));
  const lines = [header];
  for (const c of checks) {
    const parts = [`${c.status.padEnd(statusWidth)}  ${c.id.padEnd(idWidth)}`];
    // A business filter excludes rows on purpose: how many, not failures.
    if (c.rule === 'filter') parts.push(c.message ?? '0 rows excluded');
    else if (c.kind === 'row' || c.failed_rows > 0) parts.push(`${c.failed_rows} failed rows`);
    // A dataset rule's measure next to its threshold says by how much it missed.
    if (c.value !== undefined && c.value !== null) parts.push(`value ${formatValue(c.value)}${c.threshold ? `, must be ${c.threshold}` : ''}`);
    if (c.status !== 'passed') parts.push((c.message ?? c.description).replace(/\s+/g, ' ').trim());
    lines.push(`  ${parts.join('  ')}`.trimEnd());
  }
  const s = report.summary;
  lines.push(`${checks.length} checks: ${s.passed} passed, ${s.warning} warning, ${s.failed} failed, ${s.error} error, ${s.skipped} skipped`);
  lines.push(judgeChecks(report.checks));
  return `${lines.join('\n')}\n`;
}
