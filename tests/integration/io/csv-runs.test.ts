// A glob's CSV files read together (read-source.ts, csvRuns/readCsvRun): one read_csv per run of alike
// files must give what reading each file alone gives (the per-file reader, tested in lineage.test.ts and
// csv-records.test.ts), row for row: values, _source_file, _record_number, and the malformed records with
// their raw text and errors. Each case also checks that the run was read together (or, where a file
// needs it, file by file), so that neither path can stand in for the other unseen.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { readSource, type ReadSourceResult } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';
import type { CsvDialect } from '../../../src/io/csv-header.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-csv-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n records keyed <p><i>: every `bad`th has a field too many, every 97th spans 3 lines, every 1000th is
 * followed by a blank line (the defects that move record numbers off row numbers). */
function write(name: string, n: number, { prefix = name[0]!, bad = 89, header = 'id,note,amount' } = {}): string {
  const parts = [`${header}\n`];
  for (let i = 1; i <= n; i++) {
    if (i % 97 === 0) parts.push(`${prefix}${i},"first\nsecond, ""quoted""\nthird",${i}\n`);
    else if (i % bad === 0) parts.push(`${prefix}${i},bad,${i},extra\n`);
    else parts.push(`${prefix}${i},plain ${i},${i}\n`);
    if (i % 1000 === 0) parts.push('\n');
  }
  const file = join(dir, name);
  writeFileSync(file, parts.join(''));
  return file;
}

type Rows = Record<string, unknown>[];

async function contents(e: Engine, r: ReadSourceResult): Promise<{ good: Rows; bad: Rows }> {
  const good = await e.rows(sql`SELECT * FROM ${r.relation} ORDER BY _source_file, _record_number`);
  const bad = await e.rows(sql`SELECT * FROM ${r.malformedRelation} ORDER BY _source_file, _record_number, _error`);
  return { good, bad };
}

/** The glob's files read together, and each file read alone (the reference), under the run's settings. */
async function both(e: Engine, files: string[], options: CsvDialect = {}) {
  await e.exec(sql`SET preserve_insertion_order = false; SET threads = 4`);
  const together = await readSource(e, { files, schema: 'bronze', table: 'g', options });
  const got = await contents(e, together);
  const want: { good: Rows; bad: Rows } = { good: [], bad: [] };
  let records = 0;
  for (const [i, file] of files.entries()) {
    const alone = await readSource(e, { files: [file], schema: 'bronze', table: `alone${i}`, options });
    const c = await contents(e, alone);
    want.good.push(...c.good);
    want.bad.push(...c.bad);
    records += alone.records;
  }
  const order = (rows: Rows) => rows.sort((a, b) => String(a['_source_file']).localeCompare(String(b['_source_file'])) || Number(a['_record_number']) - Number(b['_record_number']));
  return { together, got, want: { good: order(want.good), bad: order(want.bad) }, records };
}

/** Every kept row's key stands at the start of its line in its file. */
function checkLines(good: Rows): void {
  const lines = new Map<string, string[]>();
  const wrong: string[] = [];
  for (const g of good) {
    const file = String(g['_source_file']);
    if (!lines.has(file)) lines.set(file, readFileSync(file, 'utf8').split('\n'));
    const line = lines.get(file)![Number(g['_record_number']) - 1] ?? '';
    if (!line.startsWith(`${String(g['id'])},`)) wrong.push(`${String(g['id'])} at ${file}:${String(g['_record_number'])}: ${line}`);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
}

describe('a glob of CSV files read together', () => {
  it('gives each file the lineage of its own lines: multi-line, malformed, blank records, a header-only file', async () => {
    const files = [write('a.csv', 3000), write('b.csv', 500), write('c.csv', 1), write('d.csv', 0), write('e.csv', 2500, { bad: 1_000_000 })];
    await withEngine(async (e) => {
      const { together, got, want, records } = await both(e, files);
      // One run: the source's relation is the run's table.
      expect(together.relation.text).toContain('g__b0');
      expect(together.records).toBe(records);
      expect(together.records).toBe(3000 + 500 + 1 + 2500);
      expect(got.bad.length).toBeGreaterThan(30);
      expect(got.good).toEqual(want.good);
      expect(got.bad).toEqual(want.bad);
      checkLines(got.good);
    });
  });

  it('numbers clean files (no malformed, multi-line or blank record: row k is line k + 1) without lineage tables', async () => {
    const files = [write('c1.csv', 90, { bad: 1_000_000 }), write('c2.csv', 50, { bad: 1_000_000 }), write('c3.csv', 96, { bad: 1_000_000 })];
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files);
      expect(together.relation.text).toContain('g__b0');
      expect(got.bad).toEqual([]);
      expect(got.good).toEqual(want.good);
      expect(got.good.filter((r) => r['id'] === 'c50').map((r) => r['_record_number'])).toEqual([51, 51, 51]);
      checkLines(got.good);
    });
  });

  it('numbers files without a header row (record k of a file is line k, then the shifts of its defects)', async () => {
    const strip = (file: string) => writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
    const files = [write('h1.csv', 300), write('h2.csv', 90, { bad: 1_000_000 }), write('h3.csv', 200)];
    files.forEach(strip);
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files, { header: false });
      expect(together.relation.text).toContain('g__b0');
      expect(got.bad.length).toBeGreaterThan(0);
      expect(got.good).toEqual(want.good);
      expect(got.bad).toEqual(want.bad);
      expect(got.good.filter((r) => Object.values(r).includes('h50')).map((r) => r['_record_number'])).toEqual([50, 50, 50]); // h50 in each file, on its line 50
    });
  });

  it('starts a new run at a file with another header, and reads a file with a bare CR alone', async () => {
    const files = [
      write('f1.csv', 400),
      write('f2.csv', 300),
      write('f3.csv', 200, { header: 'id,note,amount,extra' }),
      write('f4.csv', 300),
      write('f5.csv', 100),
    ];
    const bareCr = join(dir, 'f6.csv');
    writeFileSync(bareCr, 'id,note,amount\nz1,bare\rcr,1\nz2,ok,2\n');
    files.push(bareCr, write('f7.csv', 50));
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files);
      // Runs f1-f2 and f4-f5 read together, f3, f6 and f7 alone: the union has every column.
      expect(together.columns.map((c) => c.name)).toEqual(['id', 'note', 'amount', 'extra']);
      const objects = (await e.rows(sql`SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'bronze' AND table_name LIKE 'g__b%' AND table_name NOT LIKE '%\\_\\_%\\_\\_%' ESCAPE '\\'`)).map((r) => r['t']);
      expect(objects).toEqual([]); // the runs' tables went into the source's table
      expect(got.good).toEqual(want.good.map((r) => ({ ...r, extra: r['extra'] ?? null })));
      expect(got.bad).toEqual(want.bad);
      expect(got.good.find((r) => r['id'] === 'z2')).toMatchObject({ _record_number: 3 });
    });
  });

  it('reads files with a column named File_Index one by one (it would hide read_csv\'s own file_index)', async () => {
    const files = [write('x1.csv', 120, { header: 'id,note,File_Index' }), write('x2.csv', 100, { header: 'id,note,File_Index' })];
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files);
      expect(together.relation.text).not.toContain('__b0');
      expect(got.good).toEqual(want.good);
      expect(got.good.find((r) => r['id'] === 'x5')).toMatchObject({ File_Index: '5', _record_number: 6 });
    });
  });

  it('falls back to file by file when a file of the run has broken quoting (the second path)', async () => {
    const broken = join(dir, 'q2.csv');
    writeFileSync(broken, 'id,note,amount\nq1,ok,1\nq2,"a"b,2\nq3,ok,3\nq4,"never closed,4\nq5,z,5\n');
    const files = [write('q1.csv', 300), broken, write('q3.csv', 300)];
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files);
      expect(together.relation.text).not.toContain('__b0');
      expect(got.good).toEqual(want.good);
      expect(got.bad).toEqual(want.bad);
      expect(got.good.find((r) => r['id'] === 'q3')).toMatchObject({ _record_number: 4 });
    });
  });

  it('numbers by ASOF joins when the steps are too many for the binary search (every other record malformed)', async () => {
    // 3 files × 6000 malformed records: more steps than MAX_LINE_STEPS (16384) over the run, fewer per file
    // (so the reference, each file alone, numbers them the other way).
    const files = [write('m1.csv', 12_000, { bad: 2 }), write('m2.csv', 12_000, { bad: 2 }), write('m3.csv', 12_000, { bad: 2 })];
    await withEngine(async (e) => {
      const { together, got, want } = await both(e, files);
      expect(together.relation.text).toContain('g__b0');
      expect(got.bad.length).toBeGreaterThan(16_384);
      expect(got.good).toEqual(want.good);
      expect(got.bad).toEqual(want.bad);
      checkLines(got.good);
    });
  }, 60_000);
});
