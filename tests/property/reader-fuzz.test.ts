// Fuzz of the real reader (readSource, then the row pass): CSV and NDJSON files with quotes, separators,
// CR/LF, a BOM, NUL, invalid UTF-8, huge fields, broken quoting and extra fields. On every file:
// conservation (records_in = rows_out + rows_quarantined + duplicates_dropped + rows_excluded, the
// malformed records counted as quarantined), nothing lost (every written key is in a kept row or in a
// quarantined record's raw text), and lineage (the line a record names starts with it: a kept row's key
// field, a quarantined record's raw text). And the CSV reader's two paths read the same records where both
// apply. FUZZ_RUNS=400 (default 60) for longer runs, FUZZ_SEED=random for new files (the default seed is
// fixed), FUZZ_SEED=<seed> to replay a failure.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../src/engine/engine.ts';
import { readSource, releaseSource } from '../../src/io/read-source.ts';
import { enforceRowRules } from '../../src/checks/enforce.ts';
import { ident, join as joinSql, sql, type Sql } from '../../src/sql/sql.ts';
import { contract, prop } from '../integration/checks/contract-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contracts = [contract('t', 'source', [prop('id', 'string', { required: true }), prop('a', 'string'), prop('b', 'integer')])];

const piece = fc.constantFrom('x', 'é', '"', '""', ',', ';', '\n', '\r\n', '\r', '\0', '\t', ' ', '{', '}', '\\', '12', 'k9');
const field = fc.oneof(
  { weight: 8, arbitrary: fc.array(piece, { maxLength: 6 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 70_000, max: 200_000 }).map((n) => 'h'.repeat(n)) },
);
const record = fc.record({
  a: field,
  b: field,
  /** 0: well quoted, 1: raw (no quoting), 2: unterminated quote, 3: a field too many, 4: invalid UTF-8 byte,
   * 5: a stray quote inside an unquoted field (`27" screen`: data, not quoting) */
  how: fc.constantFrom(0, 0, 0, 0, 1, 2, 3, 4, 5),
  blankAfter: fc.boolean(),
});
const file = fc.record({ records: fc.array(record, { maxLength: 25 }), bom: fc.boolean(), crlf: fc.boolean() });

function quoteCsv(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function writeCsv(name: string, f: typeof file extends fc.Arbitrary<infer T> ? T : never): string {
  const eol = f.crlf ? '\r\n' : '\n';
  const parts: Buffer[] = [Buffer.from(`${f.bom ? '\uFEFF' : ''}id,a,b${eol}`)];
  f.records.forEach((r, i) => {
    const key = `k${i + 1}`;
    let line: string;
    if (r.how === 1) line = `${key},${r.a},${r.b}`;
    else if (r.how === 2) line = `${key},"${r.a.replace(/"/g, '')},${quoteCsv(r.b)}`;
    else if (r.how === 3) line = `${key},${quoteCsv(r.a)},${quoteCsv(r.b)},extra`;
    else if (r.how === 5) line = `${key},27" screen ${r.a.replace(/[",\r\n]/g, '')},${quoteCsv(r.b)}`;
    else line = `${key},${quoteCsv(r.a)},${quoteCsv(r.b)}`;
    const bytes = Buffer.from(`${line}${eol}${r.blankAfter ? eol : ''}`);
    // Invalid UTF-8 right after the key (inside the unquoted key field: the quoting stays intact).
    parts.push(r.how === 4 ? Buffer.concat([bytes.subarray(0, key.length), Buffer.from([0xff, 0xfe]), bytes.subarray(key.length)]) : bytes);
  });
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function writeNdjson(name: string, f: typeof file extends fc.Arbitrary<infer T> ? T : never): string {
  const eol = f.crlf ? '\r\n' : '\n';
  const parts: Buffer[] = [Buffer.from(f.bom ? '\uFEFF' : '')];
  f.records.forEach((r, i) => {
    const key = `k${i + 1}`;
    let line = JSON.stringify({ id: key, a: r.a, b: r.b });
    if (r.how === 2) line = line.slice(0, -1);
    if (r.how === 1) line = `{"id":"${key}","a":${r.a}}`;
    const bytes = Buffer.from(`${line}${eol}${r.blankAfter ? eol : ''}`);
    parts.push(r.how === 4 ? Buffer.concat([bytes.subarray(0, 12), Buffer.from([0xff]), bytes.subarray(12)]) : bytes);
  });
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** Whether the file's text (bytes as latin1) from a line on starts with a record's raw text (DuckDB shows
 * an invalid UTF-8 byte as '?'). */
function startsWithRecord(text: string, raw: string): boolean {
  const want = Buffer.from(raw, 'utf8').toString('latin1');
  if (text.length < want.length) return false;
  for (let i = 0; i < want.length; i++) if (want[i] !== text[i] && want[i] !== '?') return false;
  return true;
}

/** Whether the file's text from a line on starts with a record whose first field is `id` (null: empty):
 * the field as written, unquoted (`k1,`), quoted (`"k1"`, one space before the quote allowed), or an NDJSON
 * object (`{"id":"k1"`). */
function startsWithKey(text: string, id: string | null): boolean {
  const firstLine = text.split('\n', 1)[0]!;
  if (firstLine.startsWith('{') && (id === null || firstLine.includes(`"${id}"`))) return true;
  const quoted = text.startsWith(' "') ? text.slice(1) : text;
  if (id === null) return text.startsWith(',') || quoted.startsWith('""');
  return text.startsWith(`${id},`) || quoted.startsWith(`"${id.replace(/"/g, '""')}"`);
}

async function check(e: Engine, path: string, keys: number) {
  // (A failed run leaves its tables: start clean, so that fast-check's shrinking sees the same failure.)
  await releaseSource(e, 'bronze', 't');
  const read = await readSource(e, { files: [path], schema: 'bronze', table: 't' });
  if (!read.columns.some((c) => c.name === 'id')) {
    // No record with the key (an empty file, every NDJSON line broken, or objects without it, e.g. `{}`):
    // every record is malformed or a row without the key.
    const rows = Number(await e.scalar(sql`SELECT count(*) FROM ${read.relation}`));
    expect(read.malformed + rows).toBe(read.records);
    // (The run refuses such a source whole: its header lacks the contract's required column.)
    await releaseSource(e, 'bronze', 't');
    return;
  }
  const out = await enforceRowRules(e, { dataset: 't', bronze: read.relation, contracts, silverTable: ident('s'), quarantineTable: ident('q'), refs: {}, asOf: '2024-06-30' });
  const c = out.counts;
  expect(c.records_in + read.malformed).toBe(read.records);
  expect(c.rows_out + c.rows_quarantined + c.duplicates_dropped + c.rows_excluded).toBe(c.records_in);
  // Lineage and nothing lost, on the raw bytes split at LF (a CR before it is part of the line).
  const lines = (await import('node:fs')).readFileSync(path, 'latin1').split('\n');
  const at = (n: number) => (lines[n - 1] ?? '').replace(/^\u00ef\u00bb\u00bf/, '');
  const seen = new Set<string>();
  const kept = await e.rows(sql`SELECT id, _record_number AS n, concat_ws(' ', ${joinSql(read.columns.map((c) => ident(c.name)), ', ')}) AS fields FROM ${read.relation}`);
  for (const k of kept) {
    const id = Buffer.from(String(k['id']), 'utf8').toString('latin1');
    // (A stray line break in an unquoted field starts a record of its own, perhaps with an empty key.)
    const line = at(Number(k['n']));
    expect(startsWithKey(lines.slice(Number(k['n']) - 1).join('\n').replace(/^\u00ef\u00bb\u00bf/, ''), k['id'] === null ? null : id), `kept ${id} at line ${String(k['n'])}: ${JSON.stringify(line.slice(0, 40))}`).toBe(true);
    // A key swallowed by an unterminated quote is kept inside another record's field.
    for (const key of String(k['fields']).match(/\bk\d+\b/g) ?? []) seen.add(key);
  }
  const bad = await e.rows(sql`SELECT _record_number AS n, _raw, _error FROM ${read.malformedRelation}`);
  // A raw text longer than the cap is cut, and says so: the keys a cut record swallowed are not in it.
  const cut = bad.some((b) => String(b['_error']).includes('raw text cut'));
  for (const b of bad) {
    const raw = String(b['_raw']);
    const keysIn = raw.match(/\bk\d+\b/g) ?? [];
    for (const k of keysIn) seen.add(k);
    // Opening the file at the record's line shows the record: its raw text starts there.
    expect(startsWithRecord(lines.slice(Number(b['n']) - 1).join('\n').replace(/^\u00ef\u00bb\u00bf/, ''), raw), `quarantined ${JSON.stringify(raw.slice(0, 40))} at line ${String(b['n'])}`).toBe(true);
  }
  if (!cut) for (let i = 1; i <= keys; i++) expect(seen.has(`k${i}`), `k${i} lost`).toBe(true);
  await releaseSource(e, 'bronze', 't');
}

// A fixed seed by default, so that CI judges the same files every time; FUZZ_SEED=random explores (a failure
// prints its seed, which FUZZ_SEED replays).
const seed = process.env['FUZZ_SEED'] === 'random' ? {} : { seed: Number(process.env['FUZZ_SEED'] ?? 20261201) };
const fuzzRuns = { numRuns: Number(process.env['FUZZ_RUNS'] ?? 60), verbose: 0, ...seed } as const;

test('CSV fuzz: conservation, nothing lost, lineage', async () => {
  await withEngine(async (e) => {
    await e.exec(sql`SET preserve_insertion_order = false`);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        // On every file, broken quoting and CRs included: where DuckDB's reader would number records apart
        // from the file's lines (or refuse the file), the reader's second path parses it (read-csv-records.ts).
        await check(e, writeCsv(`f${n++}.csv`, f), f.records.length);
      }),
      fuzzRuns,
    );
  });
}, 240_000);

/** The same files without any CR: DuckDB's path numbers them right, and the second path must agree. */
const fileWithoutCr = file.map((f) => ({ ...f, crlf: false, records: f.records.map((r) => ({ ...r, a: r.a.replace(/\r/g, ''), b: r.b.replace(/\r/g, '') })) }));

test('CSV fuzz: the second path (records parsed in JS) reads what DuckDB reads, record for record', async () => {
  await withEngine(async (e) => {
    await e.exec(sql`SET preserve_insertion_order = false`);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileWithoutCr, async (f) => {
        const path = writeCsv(`g${n++}.csv`, f);
        await releaseSource(e, 'bronze', 't');
        await releaseSource(e, 'bronze', 'js');
        const duck = await readSource(e, { files: [path], schema: 'bronze', table: 't', csvPath: 'duckdb' });
        const js = await readSource(e, { files: [path], schema: 'bronze', table: 'js', csvPath: 'js' });
        // Where quoting is broken (an unterminated quote, text after a closing quote), DuckDB's reader
        // resumes somewhere inside the broken record and may yield rows that are no record of the file
        // (a field holding a line break and a quote, at a line past the file's end): from the first such
        // record on, the reader takes the second path, and the two are compared before it only.
        const broken = Number(await e.scalar(sql`SELECT coalesce(min(_record_number), 1e18) FROM ${duck.malformedRelation} WHERE _error LIKE '%UNQUOTED VALUE%'`));
        if (broken === 1e18) expect([js.records, js.malformed]).toEqual([duck.records, duck.malformed]);
        const cols = joinSql([...duck.columns.map((c) => ident(c.name)), ident('_record_number')], ', ');
        const rows = async (rel: Sql) => JSON.stringify(await e.rows(sql`SELECT ${cols} FROM ${rel} WHERE _record_number < ${broken} ORDER BY _record_number`));
        expect(await rows(js.relation)).toBe(await rows(duck.relation));
        // Rejected records at the same lines (their raw texts are checked against the file by the test above:
        // DuckDB's own are a byte off at times where quoting is broken, another reason for the second path there).
        const lines = async (rel: Sql) => JSON.stringify(await e.rows(sql`SELECT _record_number FROM ${rel} WHERE _record_number <= ${broken} ORDER BY ALL`));
        expect(await lines(js.malformedRelation)).toBe(await lines(duck.malformedRelation));
      }),
      fuzzRuns,
    );
  });
}, 240_000);

test('NDJSON fuzz: conservation, nothing lost, lineage', async () => {
  await withEngine(async (e) => {
    await e.exec(sql`SET preserve_insertion_order = false`);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const path = writeNdjson(`f${n}.ndjson`, f);
        // A line with invalid UTF-8 is a malformed record of its own (the file's other lines are read).
        // Every other file is read in parts of 100 bytes (a large file's way), cut at line feeds.
        if (n++ % 2 === 1) process.env['ETL_NDJSON_PART_BYTES'] = '100';
        try {
          await check(e, path, f.records.length);
        } finally {
          delete process.env['ETL_NDJSON_PART_BYTES'];
        }
      }),
      fuzzRuns,
    );
  });
}, 120_000);
