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

describe('readSource: JSON keys that look like paths', () => {
  it('reads keys such as $, $.a, a.b, a backslash or a quote as plain names (NDJSON and array alike)', async () => {
    const record = { $: 'dollar', '$.a': 'dollar-dot', 'a.b': 'dot', '\\': 'backslash', 'q"t': 'quote', 'h[0]': 'bracket', "it's": 'apostrophe' };
    for (const [name, text] of [['keys.ndjson', `${JSON.stringify(record)}\n`], ['keys.json', `[${JSON.stringify(record)}]`]] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      await withEngine(async (e) => {
        const r = await readSource(e, { files: [file], schema: 'bronze', table: 'k' });
        const rows = await e.rows(sql`SELECT * EXCLUDE (_source_file, _record_number) FROM ${r.relation}`);
        expect(rows, name).toEqual([record]);
      });
    }
  });

  it('refuses a key named "*" with one clear line (DuckDB paths cannot name it)', async () => {
    const file = join(dir, 'star.ndjson');
    writeFileSync(file, '{"*": 1, "id": "a"}\n');
    const err = await withEngine((e) => readSource(e, { files: [file], schema: 'bronze', table: 's' })).then(() => undefined, (x: unknown) => x);
    expect(err).toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('a JSON key named "*"') });
  });
});

describe('readSource: JSON arrays, streamed', () => {
  async function readArray(name: string, text: string | Buffer, threads?: number) {
    const file = join(dir, name);
    writeFileSync(file, text);
    return withEngine(async (e) => {
      const r = await readSource(e, { files: [file], schema: 'bronze', table: 'a', jsonLayout: 'array' });
      const good = await e.rows(sql`SELECT * EXCLUDE (_source_file) FROM ${r.relation} ORDER BY _record_number`);
      const bad = await e.rows(sql`SELECT _record_number AS n, _raw, _error FROM ${r.malformedRelation} ORDER BY n`);
      return { good, bad, records: r.records, malformed: r.malformed };
    }, threads ? { threads } : {});
  }

  it('numbers elements by ordinal; a null, a number, a string or an array element is a malformed record', async () => {
    const got = await readArray('mixed.json', '\uFEFF[\n  {"id": "a", "v": 1},\n  2.50, "x", [1, 2], null,\n  {"id": "b", "nested": {"c": [1, 2]}},\n  {"v": "only v"}\n]\n');
    expect(got.good).toEqual([
      { id: 'a', v: '1', nested: null, _record_number: 1 },
      { id: 'b', v: null, nested: '{"c":[1,2]}', _record_number: 6 },
      { id: null, v: 'only v', nested: null, _record_number: 7 },
    ]);
    expect(got.bad).toEqual([
      { n: 2, _raw: '2.5', _error: 'not a JSON object' },
      { n: 3, _raw: '"x"', _error: 'not a JSON object' },
      { n: 4, _raw: '[1,2]', _error: 'not a JSON object' },
      { n: 5, _raw: 'null', _error: 'not a JSON object' },
    ]);
    expect([got.records, got.malformed]).toEqual([7, 4]);
  });

  it('keeps every record number right on a file of many reader buffers, read with 2 threads', async () => {
    // 200,000 elements (~9 MB): record k carries k, so lineage is checked on every row.
    const n = 200_000;
    const parts = Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? `"not an object ${i + 1}"` : `{"k": ${i + 1}, "pad": "${'x'.repeat(i % 17)}"}`));
    const got = await readArray('many.json', `[${parts.join(',\n')}]`, 2);
    expect(got.records).toBe(n);
    expect(got.malformed).toBe(n / 1000);
    expect(got.good.length).toBe(n - n / 1000);
    expect(got.good.every((r) => Number(r['k']) === Number(r['_record_number']))).toBe(true);
    expect(got.bad.every((r) => r['_raw'] === `"not an object ${r['n']}"`)).toBe(true);
  });

  it('an empty array has no record; an element larger than 32 MB is read whole', async () => {
    expect(await readArray('empty.json', ' [ ] ')).toMatchObject({ records: 0, malformed: 0 });
    const big = await readArray('big.json', `[{"id": "a"}, {"id": "b", "text": "${'y'.repeat(40_000_000)}"}]`);
    expect(big.records).toBe(2);
    expect(big.good.map((r) => [r['id'], String(r['text'] ?? '').length])).toEqual([['a', 0], ['b', 40_000_000]]);
  });

  it('an invalid array is SOURCE_UNREADABLE with the line and column of its first error', async () => {
    const cases: [string, string, number, number, string][] = [
      ['[{"a": 1},\n {"a": ]', 'broken.json', 2, 8, 'unexpected character'],
      ['[{"a": 1},\n {"a": 2},\n]', 'trailing-comma.json', 3, 1, 'unexpected character'],
      ['[{"a": 1}\n{"a": 2}]', 'missing-comma.json', 2, 1, "expected ',' or ']'"],
      ['[{"a": 1}]\n[{"a": 2}]', 'two-arrays.json', 2, 1, 'unexpected content after the array'],
      ['[NaN, {"a": 1}]', 'nan.json', 1, 2, 'unexpected character'],
      // Inside an element DuckDB takes NaN, Infinity and trailing commas: the first error is further on.
      ['[{"a": "é", "b": -Infinity, "c": [1, nan,],},\n {"a": 01}]', 'lenient.json', 2, 9, 'invalid number'],
      ['[{"a": 1}', 'unclosed.json', 1, 10, 'unexpected end of the file'],
      ['[{"a": 1},\n{"a": 2},\n  ', 'cut-after-comma.json', 3, 3, 'unexpected end of the file'], // DuckDB alone takes it
      ['   ', 'blank.json', 1, 4, 'expected a JSON array'], // read as an array: the contract says so
    ];
    for (const [text, name, line, col, reason] of cases) {
      const err = await readArray(name, text).then(() => undefined, (e: unknown) => e as { code: string; message: string; location: unknown });
      expect(err, name).toMatchObject({ code: 'SOURCE_UNREADABLE', location: { file: join(dir, name), line, col } });
      expect(err!.message, name).toContain(`is not a valid JSON array: ${reason}`);
    }
  });

  it('invalid UTF-8 in an array is SOURCE_UNREADABLE at its position', async () => {
    const text = Buffer.concat([Buffer.from('[{"a": "ok"},\n{"a": "b'), Buffer.from([0xff]), Buffer.from('"}]')]);
    const err = await readArray('latin1.json', text, undefined).then(() => undefined, (e: unknown) => e as { code: string; message: string; location: unknown });
    expect(err).toMatchObject({ code: 'SOURCE_UNREADABLE', location: { line: 2, col: 9 } });
    expect(err!.message).toContain('invalid UTF-8 at byte 22');
  });
});
