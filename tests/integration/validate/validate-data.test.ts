// runValidate on small files written here: the behaviours the peer cases do not pin down.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { sql } from '../../../src/sql/sql.ts';
import { runValidate } from '../../../src/validate/run-validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** An ODCS contract for table `t` with the given properties (YAML lines, indented under properties:). */
function contract(name: string, properties: string, extra = ''): string {
  return write(
    name,
    `apiVersion: v3.1.0
kind: DataContract
id: ${name.replace(/\W/g, '_')}
version: 1.0.0
status: active
schema:
  - name: t
    properties:
${properties}
${extra}`,
  );
}

const statusOf = (checks: { id: string; status: string }[], id: string): string | undefined => checks.find((c) => c.id === id)?.status;

describe('runValidate', () => {
  it('does not de-duplicate: two identical records with a unique id fail the unique check', async () => {
    const c = contract('dup.yaml', '      - name: id\n        logicalType: integer\n        unique: true\n      - name: v\n        logicalType: string');
    const data = write('dup.csv', 'id,v\n1,a\n1,a\n2,b\n');
    const { exitCode, report } = await runValidate({ contract: c, datafile: data, asOf: '2026-11-20' });
    expect(exitCode).toBe(1);
    const unique = report.checks.find((x) => x.id === 't.id.unique');
    expect(unique).toMatchObject({ status: 'failed', failed_rows: 2, sample_keys: ['record 2', 'record 3'] });
    expect(report.sources['t']).toEqual({ records_in: 3, rows_out: 1, rows_quarantined: 2, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
  });

  it('runs SQL rules on values typed as the contract declares (numeric MIN, not text MIN)', async () => {
    const c = contract(
      'sqlmin.yaml',
      '      - name: n\n        logicalType: integer',
      '    quality:\n      - type: sql\n        query: SELECT MIN(n) FROM t\n        mustBe: 9\n',
    );
    const data = write('sqlmin.csv', 'n\n10\n9\n');
    const { exitCode, report } = await runValidate({ contract: c, datafile: data, asOf: '2026-11-20' });
    expect(report.checks.find((x) => x.rule === 'sql')).toMatchObject({ status: 'passed', value: 9 });
    expect(exitCode).toBe(0);
  });

  it('reports a malformed NDJSON line as a failed malformed_record check and quarantines its raw text', async () => {
    const c = contract('nd.yaml', '      - name: id\n        logicalType: string\n        required: true');
    const data = write('nd.json', '{"id": "a"}\n{"id": \n{"id": "c"}\n');
    const out = join(dir, 'nd-out');
    const { exitCode, report } = await runValidate({ contract: c, datafile: data, asOf: '2026-11-20', out });
    expect(exitCode).toBe(1);
    expect(report.checks.find((x) => x.id === 't.malformed_record')).toMatchObject({ status: 'failed', failed_rows: 1, sample_keys: ['record 2'] });
    expect(report.sources['t']).toEqual({ records_in: 3, rows_out: 2, rows_quarantined: 1, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
    const rows = await withEngine((e) =>
      e.rows(sql`SELECT _record_number, _raw, _rule_ids FROM read_parquet(${join(out, 'quarantine', 't', 'part-0.parquet')})`),
    );
    expect(rows).toEqual([{ _record_number: 2, _raw: '{"id": ', _rule_ids: ['t.malformed_record'] }]);
  });

  it('keeps validate lineage out of the quarantine file', async () => {
    const c = contract('lineage.yaml', '      - name: n\n        logicalType: integer\n        logicalTypeOptions:\n          minimum: 0');
    const out = join(dir, 'lineage-out');
    await runValidate({ contract: c, datafile: write('lineage.csv', 'n,extra\n-1,x\n1,y\n'), asOf: '2026-11-20', out });
    const cols = await withEngine((e) => e.describe(sql`SELECT * FROM read_parquet(${join(out, 'quarantine', 't', 'part-0.parquet')})`));
    expect(cols.map((x) => x.name)).toEqual(['n', 'extra', '_source_file', '_record_number', '_raw', '_rule_ids', '_reasons', '_excluded']);
  });

  it('passes with warnings when only warning-severity property rules break', async () => {
    const c = contract(
      'warn.yaml',
      '      - name: email\n        logicalType: string\n        logicalTypeOptions:\n          pattern: "@"\n        customProperties:\n          - property: severity\n            value: warning',
    );
    const { exitCode, verdict, report } = await runValidate({ contract: c, datafile: write('warn.csv', 'email\na@b\nnope\n'), asOf: '2026-11-20' });
    expect(exitCode).toBe(0);
    expect(verdict).toBe('PASSED with warnings');
    expect(statusOf(report.checks, 't.email.pattern')).toBe('warning');
    expect(report.status).toBe('SUCCESS');
    expect(report.sources['t']!.rows_flagged).toBe(1);
  });

  it('writes byte-identical reports for the same inputs', async () => {
    const c = contract('det.yaml', '      - name: id\n        logicalType: integer\n        unique: true');
    const data = write('det.csv', 'id\n3\n1\n3\nx\n');
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    await runValidate({ contract: c, datafile: data, asOf: '2026-11-20', out: a });
    await runValidate({ contract: c, datafile: data, asOf: '2026-11-20', out: b });
    for (const f of ['quality_report.json', 'quality_report.txt', 'junit.xml']) {
      expect(readFileSync(join(a, 'reports', f), 'utf8')).toBe(readFileSync(join(b, 'reports', f), 'utf8'));
    }
  });

  it('rejects a bad --as-of, a contract with two schema objects, and an empty glob as invalid input', async () => {
    const c = contract('asof.yaml', '      - name: id\n        logicalType: integer');
    await expect(runValidate({ contract: c, datafile: write('asof.csv', 'id\n1\n'), asOf: '2026-13-01' })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    const two = write(
      'two.yaml',
      'apiVersion: v3.1.0\nkind: DataContract\nid: two\nversion: 1.0.0\nstatus: active\nschema:\n  - name: a\n    properties:\n      - name: x\n        logicalType: string\n  - name: b\n    properties:\n      - name: y\n        logicalType: string\n',
    );
    await expect(runValidate({ contract: two, datafile: join(dir, 'asof.csv') })).rejects.toMatchObject({ code: 'USAGE_INVALID', exitCode: 2 });
    const err = await runValidate({ contract: c, datafile: join(dir, 'none-*.csv') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtlError);
    expect((err as EtlError).code).toBe('SOURCE_NOT_FOUND');
    const garbage = await runValidate({ contract: c, datafile: write('garbage.parquet', 'not parquet at all') }).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ code: 'SOURCE_UNREADABLE', exitCode: 2 });
  });
});
