// NDJSON files larger than a part (ETL_NDJSON_PART_BYTES, 256 MiB by default) are read in parts cut at line
// feeds: DuckDB's read_text holds one text of at most 4 GiB. Read in parts, a file gives the same records,
// malformed records and line numbers as read whole; the splitter never cuts a line.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { splitNdjson } from '../../../src/io/ndjson-utf8.ts';
import { readSource, type ReadSourceResult } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-ndjson-parts-'));
afterEach(() => {
  delete process.env['ETL_NDJSON_PART_BYTES'];
});

/** 300 lines: objects, a BOM, CRLF, blank lines, invalid JSON, a non-object, invalid UTF-8, a 5 KB line. */
function sample(): Buffer {
  const parts: Buffer[] = [Buffer.from('\uFEFF')];
  for (let i = 1; i <= 300; i++) {
    if (i % 37 === 0) parts.push(Buffer.from('\n'));
    else if (i % 41 === 0) parts.push(Buffer.from(`{"id":"k${i}","name":`), Buffer.from([0xff]), Buffer.from('"}\n'));
    else if (i % 43 === 0) parts.push(Buffer.from(`{"id":"k${i}"\n`));
    else if (i % 47 === 0) parts.push(Buffer.from(`[${i}]\r\n`));
    else if (i === 100) parts.push(Buffer.from(`{"id":"k${i}","name":"${'z'.repeat(5000)}"}\n`));
    else parts.push(Buffer.from(`{"id":"k${i}","name":"n${i}"}${i % 2 ? '\r\n' : '\n'}`));
  }
  return Buffer.concat(parts);
}

async function contents(e: Engine, r: ReadSourceResult) {
  return {
    counts: [r.records, r.malformed],
    good: await e.rows(sql`SELECT id, name, _record_number AS n FROM ${r.relation} ORDER BY n`),
    bad: await e.rows(sql`SELECT _record_number AS n, _raw, _error FROM ${r.malformedRelation} ORDER BY n`),
  };
}

describe('NDJSON read in parts', () => {
  it('cuts only after line feeds, keeps a long line whole, and numbers each part by the file', () => {
    const file = join(dir, 'split.ndjson');
    const bytes = sample();
    writeFileSync(file, bytes);
    for (const size of [1, 64, 1000, 4096, bytes.length, bytes.length * 2]) {
      const out = mkdtempSync(join(dir, `s${size}-`));
      const parts = splitNdjson(file, out, size);
      const got = parts.map((p) => readFileSync(p.path));
      expect(Buffer.concat(got).equals(bytes)).toBe(true);
      let line = 1;
      parts.forEach((p, i) => {
        expect(p.firstLine).toBe(line);
        if (i < parts.length - 1) expect(got[i]!.at(-1)).toBe(0x0a);
        // A part passes its size by one line at most.
        const lastLf = got[i]!.subarray(0, -1).lastIndexOf(0x0a);
        expect(lastLf === -1 || lastLf < size).toBe(true);
        for (const b of got[i]!) if (b === 0x0a) line++;
      });
      if (size >= bytes.length) expect(parts.length).toBe(1);
      if (size === 64) expect(parts.length).toBeGreaterThan(100);
    }
  });

  it('fills each part: a part ends where the next line would pass its size (files of several read chunks)', () => {
    const file = join(dir, 'big.ndjson');
    const lines: string[] = [];
    for (let i = 1; i <= 60_000; i++) lines.push(`{"id":"k${i}","name":"${'n'.repeat(i % 97)}"}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    for (const size of [1_500_000, 700_000, 123_457]) {
      const parts = splitNdjson(file, mkdtempSync(join(dir, `b${size}-`)), size);
      const got = parts.map((p) => readFileSync(p.path));
      expect(Buffer.concat(got).equals(readFileSync(file))).toBe(true);
      for (let i = 0; i < got.length - 1; i++) {
        const nextLine = got[i + 1]!.indexOf(0x0a) + 1;
        expect(got[i]!.length).toBeLessThanOrEqual(size);
        expect(got[i]!.length + nextLine).toBeGreaterThan(size);
      }
    }
  });

  it('gives the records, malformed records and lines of the whole file', async () => {
    const file = join(dir, 'customers.ndjson');
    const spill = join(dir, 'spill');
    writeFileSync(file, sample());
    await withEngine(async (e) => {
      await e.exec(sql`SET temp_directory = ${spill}`);
      const whole = await contents(e, await readSource(e, { files: [file], schema: 'bronze', table: 'w' }));
      expect(whole.counts).toEqual([292, 19]);
      expect(whole.good[0]).toEqual({ id: 'k1', name: 'n1', n: 1 });
      expect(whole.bad.slice(0, 3)).toEqual([
        { n: 41, _raw: '{"id":"k41","name":?"}', _error: 'invalid UTF-8' },
        { n: 43, _raw: '{"id":"k43"', _error: 'invalid JSON' },
        { n: 47, _raw: '[47]', _error: 'not a JSON object' },
      ]);
      for (const size of ['64', '3000', '100000']) {
        process.env['ETL_NDJSON_PART_BYTES'] = size;
        expect(await contents(e, await readSource(e, { files: [file], schema: 'bronze', table: `p${size}` }))).toEqual(whole);
      }
    });
    // The parts and the UTF-8 copies are gone.
    expect(readdirSync(spill).filter((n) => n.startsWith('.etl-ndjson-'))).toEqual([]);
  });
});
