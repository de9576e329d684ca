// The real CLI (`node bin/etl.js validate …`) on the peer fixtures: exit codes 0/1/2, one-line errors
// without stack traces, and --out writing the quarantine and the three reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PEER = join(ROOT, 'tests', 'fixtures', 'peer');
const CITIES = join(PEER, 'se2-csv-current', 'odcs-datacontract-cities-version-2.yaml');
const ORDERS = join(PEER, 'csv-required-unique-pattern-minimum', 'datacontract.yaml');
const ORDERS_CSV = join(PEER, 'csv-required-unique-pattern-minimum', 'fixtures', 'diagnostics', 'data', 'orders.csv');
const WARN = join(PEER, 'csv-invalidvalues-count-severity-warning', 'datacontract.yaml');

const tmp = mkdtempSync(join(tmpdir(), 'etl-validate-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function etl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'etl.js'), '--log-level', 'silent', 'validate', ...args], {
    cwd: tmp,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastLine(s: string): string {
  return s.trimEnd().split('\n').at(-1) ?? '';
}

describe('etl validate (CLI)', () => {
  it('exits 0 and prints PASSED when the file conforms (server chosen by --server)', () => {
    const r = etl('--contract', CITIES, '--server', 'current-csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('PASSED');
  });

  it('exits 0 with PASSED with warnings when only warning-severity rules break', () => {
    const r = etl('--contract', WARN);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('PASSED with warnings');
    expect(r.stdout).toMatch(/^ {2}warning +\S*amount\S* /m);
  });

  it('exits 1 and prints FAILED with the failing checks when a rule breaks', () => {
    const r = etl('--contract', ORDERS, ORDERS_CSV);
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe('FAILED');
    const failed = r.stdout.split('\n').filter((l) => /^ {2}failed /.test(l));
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.some((l) => l.includes('order_id') && /2 failed rows/.test(l))).toBe(true);
    expect(failed.some((l) => l.includes('email') && /1 failed rows/.test(l))).toBe(true);
    expect(failed.some((l) => l.includes('amount') && /1 failed rows/.test(l))).toBe(true);
  });

  it('exits 2 with one line (no stack trace) for a missing data file', () => {
    const r = etl('--contract', ORDERS, join(tmp, 'nope.csv'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SOURCE_NOT_FOUND: .*nope\.csv/);
    expect(lines.slice(1).every((l) => l.startsWith('  hint: '))).toBe(true);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 with one line for an invalid contract', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v3.1.0\nkind: DataContract\nid: x\nschema: [\n');
    const r = etl('--contract', bad, ORDERS_CSV);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^CONTRACT_[A-Z_]+: .*bad\.yaml/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 for a missing contract file and for an unknown server', () => {
    const missing = etl('--contract', join(tmp, 'none.yaml'), ORDERS_CSV);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toMatch(/^CONTRACT_NOT_FOUND: /);
    const server = etl('--contract', CITIES, '--server', 'nope');
    expect(server.code).toBe(2);
    expect(server.stderr.split('\n')[0]).toMatch(/^USAGE_INVALID: the contract has no server named nope/);
  });

  it('--out writes the quarantine Parquet and the three reports', async () => {
    const out = join(tmp, 'out');
    const r = etl('--contract', ORDERS, ORDERS_CSV, '--out', out, '--as-of', '2026-11-20');
    expect(r.code).toBe(1);
    const q = join(out, 'quarantine', 'orders', 'part-0.parquet');
    expect(existsSync(q)).toBe(true);
    for (const f of ['quality_report.json', 'quality_report.txt', 'junit.xml']) expect(existsSync(join(out, 'reports', f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'reports', 'quality_report.json'), 'utf8'));
    expect(report.command).toBe('validate');
    expect(report.status).toBe('FAILED');
    expect(report.as_of).toBe('2026-11-20');
    expect(report.sources.orders).toEqual({ records_in: 5, rows_out: 1, rows_quarantined: 4, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
    const rows = await withEngine((e) =>
      e.rows(sql`SELECT _record_number, _rule_ids FROM read_parquet(${q}) ORDER BY _record_number`),
    );
    expect(rows.map((x) => x['_record_number'])).toEqual([3, 4, 5, 6]);
  });
});
