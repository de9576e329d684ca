// Lineage through the real CLI on a CSV file DuckDB's reader alone would number apart from its lines (CRLF
// line ends, a bare CR, text after a closing quote, an unterminated quote): every quarantined record names
// the line it starts on, and its raw text is what that line holds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CONTRACT = join(ROOT, 'tests', 'fixtures', 'peer', 'csv-required-unique-pattern-minimum', 'datacontract.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'etl-csv-lineage-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('etl validate on a CRLF file with broken quoting', () => {
  it('quarantines each record at the line it starts on, with its raw text', async () => {
    const lines = [
      'order_id,email,amount',
      '1,alice@example.com,50',
      '2,"bob\r\n@test.com",10',
      '3,carol@test.com,7\r5',
      '4,"dan@test.com"x,1',
      '5,eve@test.com,-5',
      '6,"unterminated,1',
      '7,zed@test.com,1',
      '',
    ];
    const file = join(tmp, 'orders.csv');
    writeFileSync(file, lines.join('\r\n'));
    const contract = join(tmp, 'datacontract.yaml');
    writeFileSync(contract, readFileSync(CONTRACT, 'utf8').replace('./fixtures/diagnostics/data/orders.csv', './orders.csv'));
    const out = join(tmp, 'out');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'etl.js'), '--log-level', 'silent', 'validate', '--contract', contract, '--out', out, '--as-of', '2026-11-20'], { cwd: tmp, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'reports', 'quality_report.json'), 'utf8'));
    expect(report.sources.orders).toMatchObject({ records_in: 6, rows_out: 1, rows_quarantined: 5 });
    const q = join(out, 'quarantine', 'orders', 'part-0.parquet');
    const rows = await withEngine((e) => e.rows(sql`SELECT _record_number AS n, _raw AS raw, _rule_ids AS rules FROM read_parquet(${q}) ORDER BY n`));
    expect(rows.map((x) => [x['n'], x['raw'] ?? null])).toEqual([
      [3, null],
      [5, '3,carol@test.com,7\r5'],
      [6, '4,"dan@test.com"x,1'],
      [7, null],
      [8, '6,"unterminated,1\r\n7,zed@test.com,1'],
    ]);
    // Opening the file at each line shows the record.
    const fileLines = readFileSync(file, 'utf8').split('\n');
    expect(rows.map((x) => fileLines[Number(x['n']) - 1]!.split(',')[0])).toEqual(['2', '3', '4', '5', '6']);
  });
});
