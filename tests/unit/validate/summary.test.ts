import { describe, expect, it } from 'vitest';
import { QUALITY_REPORT_SCHEMA_VERSION, summarize, type CheckResult, type QualityReport } from '../../../src/checks/result.ts';
import { judgeChecks } from '../../../src/validate/judge.ts';
import { renderValidateSummary } from '../../../src/validate/render-summary.ts';
import { summarizeReasons } from '../../../src/validate/summarize-reasons.ts';

function check(id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id, rule: 'minimum', dataset: 't', layer: 'source', kind: 'row', severity: 'error', description: `${id} holds`, failed_rows: 0, status, ...extra };
}

function report(checks: CheckResult[]): QualityReport {
  return {
    schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
    command: 'validate',
    status: 'SUCCESS',
    strict: true,
    run_id: 'r',
    as_of: '2026-11-20',
    sources: {},
    checks,
    top_reasons: [],
    summary: summarize(checks),
    contracts: {},
  };
}

describe('judgeChecks', () => {
  it('fails on a failed or errored error-severity check only', () => {
    expect(judgeChecks([check('a', 'passed'), check('b', 'skipped')])).toBe('PASSED');
    expect(judgeChecks([check('a', 'passed'), check('b', 'warning', { severity: 'warning' })])).toBe('PASSED with warnings');
    expect(judgeChecks([check('a', 'error', { severity: 'warning' })])).toBe('PASSED with warnings');
    expect(judgeChecks([check('a', 'warning', { severity: 'warning' }), check('b', 'error')])).toBe('FAILED');
    expect(judgeChecks([check('a', 'failed')])).toBe('FAILED');
    expect(judgeChecks([])).toBe('PASSED');
  });
});

describe('renderValidateSummary', () => {
  it('prints one aligned line per check, sorted, and the verdict last', () => {
    const text = renderValidateSummary(
      report([
        check('t.n.minimum', 'failed', { failed_rows: 2, description: 'n must be >= 0' }),
        check('t.rows', 'passed', { kind: 'dataset', rule: 'rowCount', value: 5, threshold: '> 1' }),
        check('t.share', 'warning', { kind: 'dataset', rule: 'invalidValues', severity: 'warning', value: 12.5, threshold: '< 10 %', failed_rows: 1 }),
      ]),
      'validate c.yaml on d.csv',
    );
    expect(text).toBe(
      [
        'validate c.yaml on d.csv',
        '  failed   t.n.minimum  2 failed rows  n must be >= 0',
        '  passed   t.rows       value 5, must be > 1',
        '  warning  t.share      1 failed rows  value 12.50, must be < 10 %  t.share holds',
        '3 checks: 1 passed, 1 warning, 1 failed, 0 error, 0 skipped',
        'FAILED',
        '',
      ].join('\n'),
    );
  });
});

describe('summarizeReasons', () => {
  it('lists failed and warning row checks by count, with their sample keys', () => {
    const reasons = summarizeReasons([
      check('t.a', 'failed', { failed_rows: 1, sample_keys: ['record 9'] }),
      check('t.b', 'warning', { failed_rows: 3, severity: 'warning' }),
      check('t.c', 'passed'),
      check('t.d', 'failed', { kind: 'dataset', failed_rows: 7 }),
    ]);
    expect(reasons).toEqual([
      { dataset: 't', rule_id: 't.b', reason: 't.b holds', count: 3, sample_keys: [] },
      { dataset: 't', rule_id: 't.a', reason: 't.a holds', count: 1, sample_keys: ['record 9'] },
    ]);
  });
});
