// Pure pieces of the run's safety: the strict --as-of parser, the PII redaction of a quality report.
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../src/as-of.ts';
import { redactPii } from '../../../src/report/redact-pii.ts';
import { QUALITY_REPORT_SCHEMA_VERSION, type CheckResult, type QualityReport } from '../../../src/checks/result.ts';

describe('parseIsoDate', () => {
  it('accepts real calendar days only', () => {
    expect(parseIsoDate('2026-11-20')).toBe('2026-11-20');
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-1', '20261120', '2026-11-20T00:00:00Z', ' 2026-11-20', '']) {
      expect(parseIsoDate(bad), bad).toBeUndefined();
    }
  });
});

describe('redactPii', () => {
  const check = (over: Partial<CheckResult>): CheckResult => ({
    id: 'customers.x', rule: 'sql', dataset: 'customers', layer: 'silver', kind: 'dataset', severity: 'warning',
    description: 'd', failed_rows: 0, status: 'failed', ...over,
  });
  const report = (checks: CheckResult[]): QualityReport => ({
    schemaVersion: QUALITY_REPORT_SCHEMA_VERSION, command: 'run', status: 'SUCCESS', strict: false, run_id: 'r', as_of: '2026-11-20',
    sources: {}, checks, top_reasons: checks.map((c) => ({ dataset: c.dataset, rule_id: c.id, reason: c.description, count: 1, sample_keys: c.sample_keys ?? [] })),
    summary: { passed: 0, warning: 0, failed: checks.length, error: 0, skipped: 0 }, contracts: {},
  });

  it('keeps only the error class of an engine message on a dataset with PII columns', () => {
    const r = redactPii(report([
      check({ message: "query failed: Conversion Error: Could not convert string 'ada@example.com' to INT32" }),
      check({ id: 'customers.y', message: 'query failed: ada@example.com' }),
      check({ id: 'customers.z', message: 'the query returned "Ada Lovelace", not a number' }),
      check({ id: 'orders.q', dataset: 'orders', message: "query failed: Conversion Error: Could not convert string 'O1' to INT32" }),
    ]), { customers: { columns: ['email', 'name'], keyHoldsPii: false } });
    expect(r.checks.map((c) => c.message)).toEqual([
      "query failed: Conversion Error (the engine's message is withheld: customers has PII columns (email, name))",
      "query failed: engine error (the engine's message is withheld: customers has PII columns (email, name))",
      'the query returned a value that is not a number (withheld: customers has PII columns (email, name))',
      "query failed: Conversion Error: Could not convert string 'O1' to INT32",
    ]);
  });

  it('drops failed samples when the key is a PII column, keeps them otherwise', () => {
    const checks = [check({ rule: 'duplicate_key', kind: 'row', sample_keys: ['ada@example.com'] })];
    const hidden = redactPii(report(checks), { customers: { columns: ['email'], keyHoldsPii: true } });
    expect(hidden.checks[0]!.sample_keys).toBeUndefined();
    expect(hidden.top_reasons[0]!.sample_keys).toEqual([]);
    const kept = redactPii(report(checks), { customers: { columns: ['email'], keyHoldsPii: false } });
    expect(kept.checks[0]!.sample_keys).toEqual(['ada@example.com']);
  });
});
