// No record lost or cut, whatever its size: 16 MB and 50 MB lines and quoted fields are read in full,
// a huge malformed record is quarantined with its raw text capped (and the reason says so), and a
// header longer than 64 KiB is read whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { readSource } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-huge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MB = 1 << 20;

describe('records of any size', () => {
  for (const size of [16 * MB, 50 * MB]) {
    it(`reads a ${size / MB} MB line and a ${size / MB} MB quoted field in full, and quarantines a ${size / MB} MB malformed line`, async () => {
      const big = 'x'.repeat(size);
      const file = join(dir, `big-${size}.csv`);
      writeFileSync(file, `id,v\nk1,a\nk2,${big}\nk3,"${big.slice(0, size - 10)}\n""q"""\nk4,b\nk5,${big},extra\nk6,c\n`);
      await withEngine(async (e) => {
        await e.exec(sql`SET preserve_insertion_order = false`);
        const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
        expect(r.records).toBe(6);
        expect(r.malformed).toBe(1);
        const good = await e.rows(sql`SELECT id, length(v) AS len, _record_number AS n FROM ${r.relation} ORDER BY id`);
        expect(good.map((g) => [g['id'], Number(g['len']), Number(g['n'])])).toEqual([
          ['k1', 1, 2],
          ['k2', size, 3],
          ['k3', size - 10 + 4, 4], // x… + LF + "q"
          ['k4', 1, 6],
          ['k6', 1, 8],
        ]);
        const bad = await e.rows(sql`SELECT _record_number AS n, length(_raw) AS len, _raw[1:4] AS head, _error FROM ${r.malformedRelation}`);
        expect(bad).toHaveLength(1);
        expect(Number(bad[0]!['n'])).toBe(7);
        // The raw text is kept up to what the reader returns (DuckDB keeps the first 10,000 bytes of a
        // rejected line; the quarantine at most 64 KiB), and the reason says it was cut and how long it was.
        expect(Number(bad[0]!['len'])).toBeGreaterThanOrEqual(10_000);
        expect(Number(bad[0]!['len'])).toBeLessThanOrEqual(65_536);
        expect(bad[0]!['head']).toBe('k5,x');
        expect(String(bad[0]!['_error'])).toMatch(new RegExp(`TOO MANY COLUMNS.*raw text cut to its first \\d+ bytes of ${size + 9}\\)`));
      });
    }, 180_000);
  }

  it('reads a header longer than 64 KiB whole', async () => {
    const names = Array.from({ length: 3000 }, (_, i) => `column_with_a_long_name_${String(i).padStart(5, '0')}`);
    expect(names.join(',').length).toBeGreaterThan(65_536);
    const file = join(dir, 'wide.csv');
    writeFileSync(file, `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`);
    await withEngine(async (e) => {
      const r = await readSource(e, { files: [file], schema: 'bronze', table: 't' });
      expect(r.columns.map((c) => c.name)).toEqual(names);
      expect(r.malformed).toBe(0);
      const last = await e.scalar(sql`SELECT column_with_a_long_name_02999 FROM ${r.relation}`);
      expect(last).toBe('2999');
    });
  }, 60_000);
});
