// The CSV reader's second path (records parsed in JS, read-csv-records.ts): taken for files DuckDB's reader
// numbers apart from their lines, it gives every record the line it starts on, with CRs, broken quoting,
// huge fields, other encodings and dialects; other files keep DuckDB's path.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { readSource, type ReadSourceResult } from '../../../src/io/read-source.ts';
import { spillCsvRecords } from '../../../src/io/csv-records.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-csv-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function contents(e: Engine, r: ReadSourceResult) {
  const good = await e.rows(sql`SELECT * EXCLUDE (_source_file) FROM ${r.relation} ORDER BY _record_number`);
  const bad = await e.rows(sql`SELECT _record_number AS n, _raw, _error FROM ${r.malformedRelation} ORDER BY n`);
  return { good, bad };
}

/** Whether readSource read `table` through DuckDB's path (its records are a view over the reader's rows). */
async function readByDuckDb(e: Engine, table: string): Promise<boolean> {
  return Number(await e.scalar(sql`SELECT count(*) FROM duckdb_views() WHERE view_name = ${`${table}__f0`}`)) === 1;
}

describe('CSV records parsed in JS', () => {
  it('numbers every record by its line in a CRLF file with a bare CR, raw line breaks, text after a quote and an unterminated quote', async () => {
    const file = write(
      'broken-crlf.csv',
      [
        'id,a,b',
        'k1,plain,1',
        'k2,"multi\r\nline",2',
        'k3,bare\rcr,3',
        'k4,x,4',
        'k5,raw\nbreak,5',
        'k6,"a"b,6',
        'k7,ok,7',
        'k8,"never closed,8',
        'k9,z,9',
        '',
      ].join('\r\n'),
    );
    await withEngine(async (e) => {
      await e.exec(sql`SET preserve_insertion_order = false`);
      // DuckDB's own reader refuses this file as a whole (its state machine meets the bare CR).
      await expect(readSource(e, { files: [file], schema: 'bronze', table: 'd', csvPath: 'duckdb' })).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' });
      const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
      expect(await readByDuckDb(e, 't')).toBe(false);
      expect([r.records, r.malformed]).toEqual([9, 5]);
      const { good, bad } = await contents(e, r);
      expect(good).toEqual([
        { id: 'k1', a: 'plain', b: '1', _record_number: 2 },
        { id: 'k2', a: 'multi\r\nline', b: '2', _record_number: 3 },
        { id: 'k4', a: 'x', b: '4', _record_number: 6 },
        { id: 'k7', a: 'ok', b: '7', _record_number: 10 },
      ]);
      expect(bad.map((b) => [b['n'], b['_raw']])).toEqual([
        [5, 'k3,bare\rcr,3'],
        [7, 'k5,raw'],
        [8, 'break,5'],
        [9, 'k6,"a"b,6'],
        [11, 'k8,"never closed,8\r\nk9,z,9'],
      ]);
      expect(bad.map((b) => b['_error'])).toEqual([
        'UNQUOTED VALUE: carriage return (CR) outside quotes that does not end the line',
        'MISSING COLUMNS: Expected Number of Columns: 3 Found: 2',
        'MISSING COLUMNS: Expected Number of Columns: 3 Found: 2',
        'UNQUOTED VALUE: Value with unterminated quote found.',
        'MISSING COLUMNS: Expected Number of Columns: 3 Found: 2; UNQUOTED VALUE: Value with unterminated quote found.',
      ]);
    });
  });

  it('takes the second path for a bare CR in a file of LF lines, which DuckDB reads as two records without rejecting any', async () => {
    // (Found by the reader fuzz: DuckDB yields `k1,,` at line 2 and `,,` at a line 3 the file does not have.)
    const bare = write('bare-cr-lf.csv', 'id,a,b\nk1,,\r,,\nk2,"in\rquotes",2\nk3,c,3\n');
    // The scan does not tell a CR inside quotes from a bare one: such a file takes the second path too,
    // which reads the quoted CR as data.
    const quoted = write('cr-in-quotes.csv', 'id,a,b\r\nk1,"x\ry",1\r\nk2,,\r\n');
    await withEngine(async (e) => {
      await e.exec(sql`SET preserve_insertion_order = false`);
      const d = await readSource(e, { files: [bare], schema: 'bronze', table: 'd', csvPath: 'duckdb' });
      expect([d.records, d.malformed]).toEqual([4, 0]);
      const r = await readSource(e, { files: [bare], schema: 'bronze', table: 't' });
      expect(await readByDuckDb(e, 't')).toBe(false);
      expect([r.records, r.malformed]).toEqual([3, 1]);
      const { good, bad } = await contents(e, r);
      expect(good).toEqual([
        { id: 'k2', a: 'in\rquotes', b: '2', _record_number: 3 },
        { id: 'k3', a: 'c', b: '3', _record_number: 4 },
      ]);
      expect(bad).toEqual([{ n: 2, _raw: 'k1,,\r,,', _error: 'UNQUOTED VALUE: carriage return (CR) outside quotes that does not end the line' }]);
      const q = await readSource(e, { files: [quoted], schema: 'bronze', table: 'q' });
      expect(await readByDuckDb(e, 'q')).toBe(false);
      expect((await contents(e, q)).good).toEqual([
        { id: 'k1', a: 'x\ry', b: '1', _record_number: 2 },
        { id: 'k2', a: null, b: null, _record_number: 3 },
      ]);
    });
  });

  it('keeps DuckDB’s path for files it numbers right, and takes the second for a CR file with a rejected record', async () => {
    const plain = write('plain.csv', 'id,a,b\nk1,"x\ny",1\nk2,a,b,extra\n');
    const crlf = write('crlf-ok.csv', 'id,a,b\r\nk1,"x\r\ny",1\r\nk2,a,2\r\n');
    const crlfBad = write('crlf-bad.csv', 'id,a,b\r\nk1,"x\r\ny",1\r\nk2,a,b,extra\r\nk3,c,3\r\n');
    await withEngine(async (e) => {
      const p = await readSource(e, { files: [plain], schema: 'bronze', table: 'p' });
      expect(await readByDuckDb(e, 'p')).toBe(true);
      expect([p.records, p.malformed]).toEqual([2, 1]);
      const c = await readSource(e, { files: [crlf], schema: 'bronze', table: 'c' });
      expect(await readByDuckDb(e, 'c')).toBe(true);
      expect([c.records, c.malformed]).toEqual([2, 0]);
      const b = await readSource(e, { files: [crlfBad], schema: 'bronze', table: 'b' });
      expect(await readByDuckDb(e, 'b')).toBe(false);
      const { good, bad } = await contents(e, b);
      expect(good.map((g) => [g['id'], g['_record_number']])).toEqual([
        ['k1', 2],
        ['k3', 5],
      ]);
      expect(bad).toEqual([{ n: 4, _raw: 'k2,a,b,extra', _error: 'TOO MANY COLUMNS: Expected Number of Columns: 3 Found: 4' }]);
    });
  });

  it('reads a 20 MB quoted field whole and caps a 20 MB malformed record’s raw text, saying so', async () => {
    const size = 20 << 20;
    const big = 'x'.repeat(size);
    const file = write('big-crlf.csv', `id,v\r\nk1,"${big}\r\n""q"""\r\nk2,${big},extra\r\nk3,"open\r\nk4,b\r\n`);
    await withEngine(async (e) => {
      const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
      expect(await readByDuckDb(e, 't')).toBe(false);
      expect([r.records, r.malformed]).toEqual([3, 2]);
      const good = await e.rows(sql`SELECT id, length(v) AS len, v[-5:] AS tail, _record_number AS n FROM ${r.relation}`);
      expect(good).toEqual([{ id: 'k1', len: size + 5, tail: '\r\n"q"', n: 2 }]);
      const bad = await e.rows(sql`SELECT _record_number AS n, length(_raw) AS len, _raw[1:4] AS head, _error FROM ${r.malformedRelation} ORDER BY n`);
      expect(bad).toEqual([
        { n: 4, len: 65_536, head: 'k2,x', _error: `TOO MANY COLUMNS: Expected Number of Columns: 2 Found: 3 (raw text cut to its first 65536 bytes of ${size + 9})` },
        { n: 5, len: 14, head: 'k3,"', _error: 'UNQUOTED VALUE: Value with unterminated quote found.' },
      ]);
    });
  }, 120_000);

  it('reads Latin-1 and UTF-16 files, another delimiter and quote, and files without a header', async () => {
    const latin1 = write('latin1.csv', Buffer.from('id;a\r\nk1;caf\xe9\r\nk2;\'x\'y\r\nk3;\'na\xefve\r\nline\'\r\n', 'latin1'));
    const utf16 = write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,a\r\nk1,\u010A\u0A05\r\nk2,"b"c\r\nk3,"d\r\ne"\r\n', 'utf16le')]));
    const headless = write('headless.csv', 'k1,a\r\nk2,"b"c\r\nk3,d\r\n');
    await withEngine(async (e) => {
      const l = await readSource(e, { files: [latin1], schema: 'bronze', table: 'l', options: { delimiter: ';', quote: "'", encoding: 'latin-1' } });
      expect(await readByDuckDb(e, 'l')).toBe(false);
      const lc = await contents(e, l);
      expect(lc.good).toEqual([
        { id: 'k1', a: 'café', _record_number: 2 },
        { id: 'k3', a: 'naïve\r\nline', _record_number: 4 },
      ]);
      expect(lc.bad.map((b) => [b['n'], b['_raw']])).toEqual([[3, "k2;'x'y"]]);
      const u = await readSource(e, { files: [utf16], schema: 'bronze', table: 'u', options: { encoding: 'utf-16' } });
      expect(await readByDuckDb(e, 'u')).toBe(false);
      const uc = await contents(e, u);
      expect(uc.good).toEqual([
        { id: 'k1', a: '\u010A\u0A05', _record_number: 2 },
        { id: 'k3', a: 'd\r\ne', _record_number: 4 },
      ]);
      expect(uc.bad.map((b) => [b['n'], b['_raw']])).toEqual([[3, 'k2,"b"c']]);
      const h = await readSource(e, { files: [headless], schema: 'bronze', table: 'h', options: { header: false } });
      const hc = await contents(e, h);
      expect(hc.good).toEqual([
        { column1: 'k1', column2: 'a', _record_number: 1 },
        { column1: 'k3', column2: 'd', _record_number: 3 },
      ]);
      expect(hc.bad.map((b) => [b['n'], b['_raw']])).toEqual([[2, 'k2,"b"c']]);
    });
  });

  it('quarantines a record longer than the longest read (1 GiB in a run), with its raw text capped', () => {
    const file = write('limit.csv', `id,v\r\nk1,${'x'.repeat(200)}\r\nk2,"${'y'.repeat(99)}"\r\nk3,"a""b"\r\n`);
    const out = mkdtempSync(join(dir, 'limit-'));
    const spill = spillCsvRecords(file, { delimiter: 0x2c, quote: 0x22, escape: -1, columns: 2, header: true, encoding: 'utf-8', rawCap: 50, maxRecord: 104 }, out);
    expect([spill.records, spill.malformed]).toEqual([2, 1]);
    // Good records: their line, then every field quoted.
    expect(readFileSync(spill.good, 'utf8')).toBe(`3,"k2","${'y'.repeat(99)}"\n4,"k3","a""b"\n`);
    expect(readFileSync(spill.bad, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { n: 2, raw: `k1,${'x'.repeat(47)}`, error: 'LINE SIZE OVER MAXIMUM: Maximum line size of 104 bytes exceeded. (raw text cut to its first 50 bytes of 203)' },
    ]);
  });

  it('leaves nothing in the run’s spill folder (DuckDB’s temp_directory), where it spills', async () => {
    const spill = mkdtempSync(join(dir, 'spill-'));
    const file = write('spill.csv', 'id,a\r\nk1,"a"b\r\nk2,c\r\n');
    await withEngine(
      async (e) => {
        const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
        expect([r.records, r.malformed]).toEqual([2, 1]);
        expect(readdirSync(spill).filter((f) => f.startsWith('.etl-csv-'))).toEqual([]);
      },
      { tempDirectory: spill },
    );
  });
});
