// NDJSON with bytes that are not UTF-8: DuckDB's read_text refuses such a file whole; the reader instead
// quarantines each bad line (its line number, its text with '?' for each invalid byte, the reason) and
// reads every other line, numbered as in the file.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { lossyUtf8 } from '../../../src/io/ndjson-utf8.ts';
import { readSource } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-ndjson-utf8-'));

describe('NDJSON lines that are not UTF-8', () => {
  it('each is a malformed record at its line; the other lines are read with their own numbers', async () => {
    const file = join(dir, 'customers.ndjson');
    const spill = join(dir, 'spill');
    writeFileSync(file, Buffer.concat([
      Buffer.from('\uFEFF{"id":"k1","name":"Zoë"}\r\n'),
      Buffer.from('{"id":"k2","name":"'), Buffer.from([0xff, 0xc3]), Buffer.from('x"}\n'),
      Buffer.from('\n'),
      Buffer.from('{"id":"k3","name":"ok"}\n'),
      Buffer.from('{"id":"k4","name":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}'),
    ]));
    await withEngine(async (e) => {
      await e.exec(sql`SET temp_directory = ${spill}`);
      const read = await readSource(e, { files: [file], schema: 'bronze', table: 'c' });
      expect(read.records).toBe(4);
      expect(read.malformed).toBe(2);
      const kept = await e.rows(sql`SELECT id, name, _record_number AS n FROM ${read.relation} ORDER BY n`);
      expect(kept).toEqual([{ id: 'k1', name: 'Zoë', n: 1 }, { id: 'k3', name: 'ok', n: 4 }]);
      const bad = await e.rows(sql`SELECT _record_number AS n, _raw, _error FROM ${read.malformedRelation} ORDER BY n`);
      expect(bad).toEqual([
        { n: 2, _raw: '{"id":"k2","name":"??x"}', _error: 'invalid UTF-8' },
        { n: 5, _raw: '{"id":"k4","name":"??"}', _error: 'invalid UTF-8' },
      ]);
    });
    // The spill copy is gone.
    expect(readdirSync(spill).filter((n) => n.startsWith('.etl-ndjson-'))).toEqual([]);
  });

  it("lossyUtf8 shows each byte of an invalid sequence as '?' and keeps valid ones whole", () => {
    expect(lossyUtf8(Buffer.from([0x61, 0xff, 0x62]))).toBe('a?b');
    expect(lossyUtf8(Buffer.from('é€😀', 'utf8'))).toBe('é€😀');
    expect(lossyUtf8(Buffer.from([0xe0, 0x80, 0x80]))).toBe('???'); // overlong
    expect(lossyUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe('???'); // surrogate
    expect(lossyUtf8(Buffer.from([0xf0, 0x9f, 0x98]))).toBe('???'); // cut short
  });
});
