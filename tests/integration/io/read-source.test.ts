// readSource on CSV files with rejected lines: every good record keeps the line number it has in the
// file, whether the rejected lines are few (nested CASE shift) or many (ASOF join shift).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { readSource, releaseSource } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-read-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a CSV whose data lines are good (2 fields) or bad (3 fields); returns the line numbers of each kind. */
function writeCsv(name: string, bad: boolean[]): { file: string; good: number[]; rejected: number[] } {
  const lines = ['id,v'];
  const good: number[] = [];
  const rejected: number[] = [];
  bad.forEach((isBad, i) => {
    const line = i + 2;
    if (isBad) {
      lines.push(`b${line},x,extra`);
      rejected.push(line);
    } else {
      lines.push(`g${line},${line}`);
      good.push(line);
    }
  });
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, good, rejected };
}

async function lineNumbers(file: string): Promise<{ good: [string, number][]; rejected: number[] }> {
  return withEngine(async (e) => {
    const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
    const good = (await e.rows(sql`SELECT id, _record_number FROM ${r.relation} ORDER BY _record_number`)).map((x) => [String(x['id']), Number(x['_record_number'])] as [string, number]);
    const rejected = (await e.rows(sql`SELECT _record_number FROM ${r.malformedRelation} ORDER BY _record_number`)).map((x) => Number(x['_record_number']));
    expect(r.records).toBe(good.length + rejected.length);
    return { good, rejected };
  });
}

describe('readSource: CSV line numbers', () => {
  it('numbers every good record by its line when rejected lines come in runs', async () => {
    const pattern = [false, true, true, false, false, true, false, true, true, true, false];
    const { file, good, rejected } = writeCsv('runs.csv', pattern);
    const got = await lineNumbers(file);
    expect(got.rejected).toEqual(rejected);
    expect(got.good).toEqual(good.map((l) => [`g${l}`, l]));
  });

  it('numbers every good record by its line with tens of thousands of separate rejected lines', async () => {
    // 17,000 isolated rejected lines: more shift steps than the CASE tree takes, so the ASOF join runs.
    const pattern = Array.from({ length: 34000 }, (_, i) => i % 2 === 1);
    const { file, good, rejected } = writeCsv('many.csv', pattern);
    const got = await lineNumbers(file);
    expect(got.rejected).toEqual(rejected);
    expect(got.good).toEqual(good.map((l) => [`g${l}`, l]));
  });

  it('numbers every good record by its line for any placement of rejected lines', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), async (pattern) => {
        const { file, good, rejected } = writeCsv(`p${n++}.csv`, pattern);
        const got = await lineNumbers(file);
        expect(got.rejected).toEqual(rejected);
        expect(got.good).toEqual(good.map((l) => [`g${l}`, l]));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('releaseSource', () => {
  it('drops every bronze object of the dataset (rejects included) and nothing else', async () => {
    const { file } = writeCsv('release.csv', [false, true, false]);
    await withEngine(async (e) => {
      await readSource(e, { files: [file], schema: 'bronze', table: 't' });
      await readSource(e, { files: [file], schema: 'bronze', table: 't2' });
      const names = async () =>
        (await e.rows(sql`SELECT table_name AS n FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY n`)).map((r) => String(r['n']));
      expect((await names()).filter((n) => n.startsWith('t__') || n === 't').length).toBeGreaterThan(4);
      await releaseSource(e, 'bronze', 't');
      const left = await names();
      expect(left.filter((n) => n === 't' || n.startsWith('t__'))).toEqual([]);
      expect(left).toContain('t2__f0');
      expect(left).toContain('t2__f0__rejects');
    });
  });
});

describe('readSource: NDJSON lines', () => {
  it('skips blank lines (spaces, tabs, a lone CR), strips CRLF, keeps line numbers and the BOM out', async () => {
    const file = join(dir, 'lines.ndjson');
    writeFileSync(file, '\uFEFF{"id": "a"}\r\n\r\n   \n\t\n{"id": "b"}\n{"id": \n{"id": "c"}\r\n');
    await withEngine(async (e) => {
      const r = await readSource(e, { files: [file], schema: 'bronze', table: 'j' });
      const good = await e.rows(sql`SELECT id, _record_number AS n FROM ${r.relation} ORDER BY n`);
      expect(good).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 5 }, { id: 'c', n: 7 }]);
      const bad = await e.rows(sql`SELECT _record_number AS n, _raw FROM ${r.malformedRelation}`);
      expect(bad).toEqual([{ n: 6, _raw: '{"id": ' }]);
      expect(r.records).toBe(4);
    });
  });
});
