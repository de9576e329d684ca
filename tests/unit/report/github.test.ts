// GitHub renderings of a quality report: annotation lines (level, file relative to the workspace, line,
// escaped title and message), the order they come in, the Markdown step summary; the --ci mode switch.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUALITY_REPORT_SCHEMA_VERSION, summarize, type CheckResult, type QualityReport } from '../../../src/checks/result.ts';
import { emitCiError, emitCiReport, resolveCiMode } from '../../../src/commands/ci-output.ts';
import { EtlError } from '../../../src/errors.ts';
import { escapeData, escapeProperty, renderGithubAnnotations, renderGithubSummary, workspacePath } from '../../../src/report/github.ts';

const WS = '/home/runner/work/shop/shop';

function report(): QualityReport {
  const checks: CheckResult[] = [
    { id: 'orders.quantity.minimum', rule: 'minimum', dataset: 'orders', layer: 'source', kind: 'row', severity: 'error', property: 'quantity', description: 'quantity must be >= 1', failed_rows: 7, status: 'failed', contract: { file: `${WS}/contracts/orders.source.yaml`, line: 41 } },
    { id: 'orders.orders_quarantine_rate', rule: 'quarantineRate', dataset: 'orders', layer: 'silver', kind: 'dataset', severity: 'error', description: 'At most 5 % quarantined', failed_rows: 12, value: 6.25, threshold: '<= 5 %', status: 'failed', contract: { file: 'contracts/orders.silver.yaml', line: 75 } },
    { id: 'customers.email.format', rule: 'format', dataset: 'customers', layer: 'source', kind: 'row', severity: 'warning', property: 'email', description: 'email, "a,b": not valid\nsecond line', failed_rows: 2, status: 'warning', contract: { file: `${WS}/contracts/customers.source.yaml`, line: 39 } },
    { id: 'orders.malformed_record', rule: 'malformed_record', dataset: 'orders', layer: 'bronze', kind: 'row', severity: 'error', description: 'record is well-formed', failed_rows: 3, status: 'failed' },
    { id: 'orders.order_id.required', rule: 'required', dataset: 'orders', layer: 'source', kind: 'row', severity: 'error', description: 'order_id is required', failed_rows: 0, status: 'passed', contract: { file: 'contracts/orders.source.yaml', line: 28 } },
  ];
  return {
    schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
    command: 'run',
    status: 'FAILED',
    strict: true,
    run_id: '20261120-abc',
    as_of: '2026-11-20',
    sources: {
      orders: { records_in: 200, rows_out: 180, rows_quarantined: 12, duplicates_dropped: 8, rows_flagged: 0, rows_excluded: 0 },
      customers: { records_in: 50, rows_out: 49, rows_quarantined: 0, duplicates_dropped: 0, rows_flagged: 2, rows_excluded: 0 },
    },
    checks,
    top_reasons: [{ dataset: 'orders', rule_id: 'orders.quantity.minimum', reason: 'quantity must be >= 1', count: 7, sample_keys: ['secret-key'] }],
    summary: summarize(checks),
    contracts: {},
  };
}

describe('GitHub annotations', () => {
  it('one line per failed or warning check: gate failures first, then row failures, then warnings', () => {
    const lines = renderGithubAnnotations(report(), WS).trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=contracts/orders.silver.yaml,line=75,title=etl run%3A orders.orders_quarantine_rate failed::orders (silver): At most 5 %25 quarantined (value 6.25, expected <= 5 %25; 12 rows)',
      '::error title=etl run%3A orders.malformed_record failed::orders (bronze): record is well-formed (3 rows)',
      '::error file=contracts/orders.source.yaml,line=41,title=etl run%3A orders.quantity.minimum failed::orders (source): quantity must be >= 1 (7 rows)',
      '::warning file=contracts/customers.source.yaml,line=39,title=etl run%3A customers.email.format warning::customers (source): email, "a,b": not valid%0Asecond line (2 rows)',
    ]);
  });

  it('nothing to say when every check passed', () => {
    const r = report();
    r.checks = r.checks.filter((c) => c.status === 'passed');
    expect(renderGithubAnnotations(r, WS)).toBe('');
  });

  it('escapes workflow-command metacharacters; paths outside the workspace stay absolute', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    expect(workspacePath(`${WS}/contracts/x.yaml`, WS)).toBe('contracts/x.yaml');
    expect(workspacePath('/elsewhere/x.yaml', WS)).toBe('/elsewhere/x.yaml');
    expect(workspacePath('contracts/x.yaml', WS)).toBe('contracts/x.yaml');
  });
});

describe('GitHub step summary', () => {
  it('status, conservation per source, failed checks with value and threshold, top reasons without sample keys', () => {
    const md = renderGithubSummary(report(), WS);
    expect(md.split('\n')[0]).toBe('## etl run: FAILED');
    expect(md).toContain('| customers | 50 | 49 | 0 | 0 | 0 | **no** |');
    expect(md).toContain('| orders | 200 | 180 | 12 | 8 | 0 | yes |');
    expect(md).toContain('| **failed** | `orders.orders_quarantine_rate` At most 5 % quarantined | error | 6.25 | <= 5 % | 12 | `contracts/orders.silver.yaml:75` |');
    expect(md).toContain('| warning | `customers.email.format` email, "a,b": not valid second line | warning |  |  | 2 | `contracts/customers.source.yaml:39` |');
    expect(md).not.toContain('order_id.required');
    expect(md).toContain('| orders | `orders.quantity.minimum` | 7 | quantity must be >= 1 |');
    expect(md).not.toContain('secret-key');
    // the table rows come in attention order
    expect(md.indexOf('orders_quarantine_rate')).toBeLessThan(md.indexOf('orders.quantity.minimum` quantity'));
  });

  it('validate says PASSED / FAILED', () => {
    const r = { ...report(), command: 'validate' as const, status: 'SUCCESS' as const };
    expect(renderGithubSummary(r, WS).split('\n')[0]).toBe('## etl validate: PASSED');
  });
});

describe('--ci mode', () => {
  it('github when asked or when GITHUB_ACTIONS=true; none overrides; anything else is a usage error', () => {
    expect(resolveCiMode(undefined, {})).toBe('none');
    expect(resolveCiMode(undefined, { GITHUB_ACTIONS: 'true' })).toBe('github');
    expect(resolveCiMode('none', { GITHUB_ACTIONS: 'true' })).toBe('none');
    expect(resolveCiMode('github', {})).toBe('github');
    expect(() => resolveCiMode('gitlab', {})).toThrow(EtlError);
  });

  it('appends the summary to $GITHUB_STEP_SUMMARY (keeping what earlier steps wrote) and writes annotations', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'etl-gh-')), 'summary.md');
    writeFileSync(file, '# earlier step\n');
    let out = '';
    emitCiReport('github', report(), { GITHUB_STEP_SUMMARY: file, GITHUB_WORKSPACE: WS }, (t) => (out += t));
    expect(out.split('\n').filter((l) => l.startsWith('::')).length).toBe(4);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# earlier step\n## etl run: FAILED\n')).toBe(true);
    out = '';
    emitCiReport('none', report(), { GITHUB_STEP_SUMMARY: file }, (t) => (out += t));
    expect(out).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('an error that stops the command becomes an annotation on its file and line', () => {
    let out = '';
    const err = new EtlError('CONTRACT_SCHEMA_INVALID', "unknown key 'requried'", { location: { file: `${WS}/contracts/x.yaml`, line: 14 }, hint: "did you mean 'required'?" });
    emitCiError('github', err, { GITHUB_WORKSPACE: WS }, (t) => (out += t));
    expect(out).toBe("::error file=contracts/x.yaml,line=14,title=CONTRACT_SCHEMA_INVALID::unknown key 'requried' (hint: did you mean 'required'?)\n");
  });
});
