// GitHub Actions renderings of the quality report: workflow annotations (`::error file=…,line=…,title=…::…`)
// for the failed and warning checks, pointing at the contract line that declared the rule, and a Markdown
// step summary (status, conservation per source, failed checks with value and threshold, top reasons).
// Pure functions of the QualityReport; writing them is the caller's (commands/ci-output.ts).
import { isAbsolute, relative } from 'node:path';
import type { CheckResult, QualityReport } from '../checks/result.ts';
import { sortChecks } from './quality-json.ts';

/** GitHub shows at most 10 error and 10 warning annotations per step; more only cost log lines. */
export const MAX_ANNOTATIONS = 50;

/** Workflow-command escaping: the message (data) and the properties (file, title) differ. */
export function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** A path GitHub can place on the pull request: relative to the workspace when inside it. */
export function workspacePath(file: string, workspace: string): string {
  if (!isAbsolute(file)) return file.split('\\').join('/');
  const rel = relative(workspace, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split('\\').join('/');
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** `description (value 6.25, expected <= 5 %; 10 rows)`. */
export function measured(c: CheckResult): string {
  const parts: string[] = [];
  if (c.value !== undefined && c.value !== null) parts.push(`value ${num(c.value)}`);
  if (c.threshold) parts.push(`expected ${c.threshold}`);
  const rows = c.kind === 'row' || c.failed_rows > 0 ? `${c.failed_rows} row${c.failed_rows === 1 ? '' : 's'}` : '';
  const head = parts.join(', ');
  return [head, rows].filter(Boolean).join('; ');
}

function isAnnotated(c: CheckResult): boolean {
  return c.status === 'failed' || c.status === 'error' || c.status === 'warning';
}

/** Gate failures (dataset rules) first, then failed row rules, then warnings; stable within each. */
function attentionOrder(checks: readonly CheckResult[]): CheckResult[] {
  const rank = (c: CheckResult) => (c.status === 'warning' ? 2 : c.kind === 'dataset' ? 0 : 1);
  return sortChecks(checks.filter(isAnnotated)).sort((a, b) => rank(a) - rank(b));
}

export function renderGithubAnnotations(report: QualityReport, workspace: string): string {
  // Gate failures first, so the annotations GitHub shows are the ones that matter.
  const checks = attentionOrder(report.checks);
  const lines = checks.slice(0, MAX_ANNOTATIONS).map((c) => {
    const level = c.status === 'warning' ? 'warning' : 'error';
    const props: string[] = [];
    if (c.contract) {
      props.push(`file=${escapeProperty(workspacePath(c.contract.file, workspace))}`);
      if (c.contract.line !== undefined) props.push(`line=${c.contract.line}`);
    }
    props.push(`title=${escapeProperty(`etl ${report.command}: ${c.id} ${c.status}`)}`);
    const detail = measured(c);
    const message = `${c.dataset} (${c.layer}): ${c.description}${detail ? ` (${detail})` : ''}${c.message ? ` — ${c.message}` : ''}`;
    return `::${level} ${props.join(',')}::${escapeData(message)}`;
  });
  if (checks.length > MAX_ANNOTATIONS) lines.push(`::notice title=etl::${checks.length - MAX_ANNOTATIONS} more failed or warning checks: see the step summary and quality_report.json`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderGithubSummary(report: QualityReport, workspace: string): string {
  const out: string[] = [];
  const what = report.command === 'run' ? 'etl run' : 'etl validate';
  const verdict = report.command === 'validate' ? (report.status === 'SUCCESS' ? 'PASSED' : 'FAILED') : report.status;
  out.push(`## ${what}: ${verdict}`, '');
  out.push(`Run \`${report.run_id}\`, as of ${report.as_of}${report.strict ? ', strict' : ''}. Checks: ${report.summary.passed} passed, ${report.summary.warning} warning, ${report.summary.failed} failed, ${report.summary.error} error, ${report.summary.skipped} skipped.`, '');

  const sources = Object.entries(report.sources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sources.length) {
    out.push('### Conservation per source', '', '| source | records in | rows out | quarantined | duplicates | excluded | holds |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [name, s] of sources) {
      // rows_excluded is counted by runs whose contracts declare business filters.
      const excluded = Number((s as { rows_excluded?: number }).rows_excluded ?? 0);
      const holds = s.records_in === s.rows_out + s.rows_quarantined + s.duplicates_dropped + excluded;
      out.push(`| ${cell(name)} | ${s.records_in} | ${s.rows_out} | ${s.rows_quarantined} | ${s.duplicates_dropped} | ${excluded} | ${holds ? 'yes' : '**no**'} |`);
    }
    out.push('');
  }

  const bad = attentionOrder(report.checks);
  if (bad.length) {
    out.push('### Failed and warning checks', '', '| status | check | severity | measured | threshold | failed rows | contract |', '| --- | --- | --- | ---: | --- | ---: | --- |');
    for (const c of bad) {
      const where = c.contract ? `\`${cell(workspacePath(c.contract.file, workspace))}${c.contract.line !== undefined ? `:${c.contract.line}` : ''}\`` : '';
      const value = c.value !== undefined && c.value !== null ? num(c.value) : '';
      const status = c.status === 'warning' ? 'warning' : `**${c.status}**`;
      out.push(`| ${status} | \`${cell(c.id)}\` ${cell(c.description)} | ${c.severity} | ${value} | ${cell(c.threshold ?? '')} | ${c.failed_rows} | ${where} |`);
    }
    out.push('');
  } else {
    out.push('Every check passed.', '');
  }

  if (report.top_reasons.length) {
    out.push('### Top quarantine reasons', '', '| dataset | rule | rows | reason |', '| --- | --- | ---: | --- |');
    for (const r of report.top_reasons) out.push(`| ${cell(r.dataset)} | \`${cell(r.rule_id)}\` | ${r.count} | ${cell(r.reason)} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
