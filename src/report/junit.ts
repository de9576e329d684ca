// reports/junit.xml: the QualityReport for CI dashboards. One <testsuite> per dataset+layer (a boundary),
// one <testcase> per check; failed and errored checks are <failure>s, skipped ones <skipped/>, warnings
// pass with the warning in <system-out>. No timestamps or durations: the file is deterministic.
import { roundMeasure, type CheckResult, type QualityReport } from '../checks/result.ts';
import { sortChecks } from './quality-json.ts';

/** Characters XML 1.0 forbids outright (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/F). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for element text and double-quoted attributes; forbidden characters become U+FFFD. */
export function escapeXml(value: string): string {
  return value
    .replace(XML_INVALID, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** Attributes keep newlines as character references so that parsers do not normalise them to spaces. */
function attr(name: string, value: string | number): string {
  const escaped = escapeXml(String(value)).replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');
  return `${name}="${escaped}"`;
}

function describeCheck(c: CheckResult): string {
  const parts = [
    `${c.description}`,
    `rule: ${c.rule}${c.property ? ` (property ${c.property})` : ''}, severity: ${c.severity}`,
    `failed rows: ${c.failed_rows}`,
  ];
  if (c.value !== undefined && c.value !== null) parts.push(`value: ${roundMeasure(c.value)}`);
  if (c.threshold) parts.push(`threshold: ${c.threshold}`);
  if (c.message) parts.push(`message: ${c.message}`);
  if (c.sample_keys && c.sample_keys.length > 0) parts.push(`sample keys: ${c.sample_keys.join(', ')}`);
  if (c.contract) parts.push(`contract: ${c.contract.file}${c.contract.line !== undefined ? `:${c.contract.line}` : ''}`);
  return parts.join('\n');
}

function failureMessage(c: CheckResult): string {
  const base = c.message ?? c.description;
  const value = typeof c.value === 'number' ? `, value: ${roundMeasure(c.value)}` : '';
  return c.threshold ? `${base} (failed rows: ${c.failed_rows}${value}, threshold: ${c.threshold})` : `${base} (failed rows: ${c.failed_rows}${value})`;
}

function renderTestcase(c: CheckResult, classname: string): string[] {
  const open = `    <testcase ${attr('classname', classname)} ${attr('name', c.id)}`;
  switch (c.status) {
    case 'passed':
      return [`${open}/>`];
    case 'warning':
      return [`${open}>`, `      <system-out>${escapeXml(`WARNING: ${describeCheck(c)}`)}</system-out>`, '    </testcase>'];
    case 'skipped':
      return [`${open}>`, `      <skipped ${attr('message', c.message ?? 'skipped')}/>`, '    </testcase>'];
    case 'failed':
    case 'error':
      return [
        `${open}>`,
        `      <failure ${attr('message', failureMessage(c))} ${attr('type', c.status)}>${escapeXml(describeCheck(c))}</failure>`,
        '    </testcase>',
      ];
  }
}

interface Suite {
  name: string;
  checks: CheckResult[];
}

function groupSuites(checks: CheckResult[]): Suite[] {
  const suites: Suite[] = [];
  for (const c of sortChecks(checks)) {
    const name = `${c.dataset}.${c.layer}`;
    const last = suites.at(-1);
    if (last && last.name === name) last.checks.push(c);
    else suites.push({ name, checks: [c] });
  }
  return suites;
}

function counts(checks: readonly CheckResult[]): { tests: number; failures: number; skipped: number } {
  return {
    tests: checks.length,
    failures: checks.filter((c) => c.status === 'failed' || c.status === 'error').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
  };
}

export function renderJunit(report: QualityReport): string {
  const total = counts(report.checks);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attr('name', `etl ${report.command}`)} ${attr('tests', total.tests)} ${attr('failures', total.failures)} ${attr('errors', 0)} ${attr('skipped', total.skipped)}>`,
  ];
  for (const suite of groupSuites(report.checks)) {
    const n = counts(suite.checks);
    lines.push(
      `  <testsuite ${attr('name', suite.name)} ${attr('tests', n.tests)} ${attr('failures', n.failures)} ${attr('errors', 0)} ${attr('skipped', n.skipped)}>`,
      '    <properties>',
      `      <property ${attr('name', 'schemaVersion')} ${attr('value', report.schemaVersion)}/>`,
      `      <property ${attr('name', 'run_id')} ${attr('value', report.run_id)}/>`,
      `      <property ${attr('name', 'as_of')} ${attr('value', report.as_of)}/>`,
      `      <property ${attr('name', 'status')} ${attr('value', report.status)}/>`,
    );
    // The dataset's conservation counts (rows_excluded: kept out by a business filter, not a failure).
    const dataset = suite.checks[0]?.dataset;
    const src = dataset !== undefined && Object.hasOwn(report.sources, dataset) ? report.sources[dataset] : undefined;
    if (src) {
      for (const k of ['records_in', 'rows_out', 'rows_quarantined', 'duplicates_dropped', 'rows_excluded'] as const) {
        lines.push(`      <property ${attr('name', k)} ${attr('value', src[k] ?? 0)}/>`);
      }
    }
    lines.push('    </properties>');
    for (const c of suite.checks) lines.push(...renderTestcase(c, suite.name));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
