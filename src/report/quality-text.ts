// reports/quality_report.txt: the same QualityReport for people — verdict first, then the per-source
// counts (conservation at a glance), the checks that need attention (failed, error, warning, skipped)
// with their measured value and threshold, a count of passed ones, then why rows failed.
import { roundMeasure, type CheckResult, type QualityReport } from '../checks/result.ts';
import { gateFailuresOf, statusBanner } from './status-banner.ts';
import { sortChecks, sortReasons } from './quality-json.ts';

/** Sample keys shown per reason: enough to find the rows, short enough to read. */
const MAX_SAMPLE_KEYS = 5;

type Align = 'left' | 'right';

/** Columns padded to their widest cell; numbers right-aligned. Trailing spaces trimmed. */
function formatTable(header: string[], rows: string[][], align: Align[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function verdict(report: QualityReport): string {
  if (report.command === 'validate') {
    if (report.status === 'FAILED') return 'FAILED';
    return report.checks.some((c) => c.status !== 'passed' && c.status !== 'skipped') ? 'PASSED with warnings' : 'PASSED';
  }
  return report.status;
}

function renderSources(report: QualityReport): string[] {
  const names = Object.keys(report.sources).sort();
  if (names.length === 0) return ['Sources', '  (none)'];
  const rows = names.map((name) => {
    const s = report.sources[name]!;
    return [
      name,
      String(s.records_in),
      String(s.rows_out),
      String(s.rows_quarantined),
      String(s.duplicates_dropped),
      String(s.rows_excluded ?? 0),
      String(s.rows_flagged),
    ];
  });
  return [
    'Sources',
    ...formatTable(
      ['source', 'records_in', 'rows_out', 'rows_quarantined', 'duplicates_dropped', 'rows_excluded', 'rows_flagged'],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    ...(report.counts_scope ? [`  (${report.counts_scope})`] : []),
  ];
}

/** Failures first, then errors, warnings and skips; passed checks are counted, not listed (the full
 * list stays in quality_report.json and junit.xml). */
const STATUS_ORDER: Record<string, number> = { failed: 0, error: 1, warning: 2, skipped: 3, passed: 4 };

/** The measured value, rounded for people; '' when the rule has none. */
function measured(c: CheckResult): string {
  if (typeof c.value === 'number') return String(roundMeasure(c.value));
  return c.value === null && (c.status === 'failed' || c.status === 'warning') ? 'none' : '';
}

function renderChecks(checks: CheckResult[]): string[] {
  if (checks.length === 0) return ['Checks', '  (none)'];
  const shown = sortChecks(checks.filter((c) => c.status !== 'passed' || c.rule === 'filter')).sort(
    (a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
  const passed = checks.filter((c) => c.status === 'passed' && c.rule !== 'filter').length;
  const footer = `  ${passed} passed check${passed === 1 ? '' : 's'}${passed > 0 ? ' not listed (all of them are in quality_report.json and junit.xml)' : ''}`;
  if (shown.length === 0) return ['Checks needing attention', '  (none)', footer];
  const rows = shown.map((c) => [
    c.status,
    `${c.dataset}.${c.layer}`,
    c.id,
    c.severity,
    String(c.failed_rows),
    measured(c),
    c.threshold ?? '',
  ]);
  const table = formatTable(
    ['status', 'boundary', 'check', 'severity', 'failed_rows', 'value', 'threshold'],
    rows,
    ['left', 'left', 'left', 'left', 'right', 'right', 'left'],
  );
  // Errors, failures and skips say why under their row; a bare status would leave the reader guessing.
  const out = ['Checks needing attention', table[0]!];
  shown.forEach((c, i) => {
    out.push(table[i + 1]!);
    // A business filter passes, but how many rows it excluded belongs under it too.
    if (c.message && (c.status === 'error' || c.status === 'skipped' || c.status === 'failed' || c.status === 'warning' || c.rule === 'filter')) {
      out.push(`      ↳ ${oneLine(c.message)}`);
    }
  });
  out.push(footer);
  return out;
}

/** One printable line: whitespace runs collapse to a space, other control characters are dropped. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\u0000-\u001F\u007F]/g, '').trim();
}

function renderReasons(report: QualityReport): string[] {
  const reasons = sortReasons(report.top_reasons);
  if (reasons.length === 0) return ['Top reasons', '  (none)'];
  const out = ['Top reasons'];
  for (const r of reasons) {
    out.push(`  ${r.count}  ${r.dataset}  ${r.rule_id}: ${oneLine(r.reason)}`);
    if (r.sample_keys.length > 0) {
      const shown = r.sample_keys.slice(0, MAX_SAMPLE_KEYS).join(', ');
      const more = r.sample_keys.length > MAX_SAMPLE_KEYS ? ', …' : '';
      out.push(`      sample keys: ${shown}${more}`);
    }
  }
  return out;
}

export function renderQualityText(report: QualityReport): string {
  const s = report.summary;
  const banner = report.command === 'run' && report.status === 'WARNING' ? statusBanner(report.status, gateFailuresOf(report.checks)).split('\n').slice(0, -3) : [];
  const lines = [
    ...(banner.length > 0 ? [...banner, ''] : []),
    `etl quality report (schemaVersion ${report.schemaVersion})`,
    `status: ${verdict(report)}`,
    `command: ${report.command}  strict: ${report.strict ? 'yes' : 'no'}  as_of: ${report.as_of}  run_id: ${report.run_id}`,
    `checks: ${s.passed} passed, ${s.warning} warning, ${s.failed} failed, ${s.error} error, ${s.skipped} skipped`,
    '',
    ...renderSources(report),
    '',
    ...renderChecks(report.checks),
    '',
    ...renderReasons(report),
  ];
  return `${lines.join('\n')}\n`;
}
