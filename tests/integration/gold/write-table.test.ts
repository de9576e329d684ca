// writeSmallTable: JS results written back into DuckDB exactly (doubles round-trip, quotes, NULLs,
// dates, booleans), in chunks, in order; non-finite numbers are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.ts';
import { writeSmallTable, type ColumnDef } from '../../../src/kpi/write-table.ts';
import { trusted } from '../../../src/sql/sql.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.open();
});
afterAll(() => engine.close());

const COLUMNS: ColumnDef[] = [
  { name: 'i', type: 'BIGINT' }, { name: 'v', type: 'DOUBLE' }, { name: 's', type: 'VARCHAR' }, { name: 'd', type: 'DATE' }, { name: 'b', type: 'BOOLEAN' },
];

describe('writeSmallTable', () => {
  it('round-trips doubles bit for bit, strings with quotes, NULLs, dates and booleans', async () => {
    const values = [0.1 + 0.2, 1 / 3, 1e-300, 123456789.123456789, -2.5e20, Math.PI, 5e-324];
    const rows = values.map((v, i) => [i, v, i % 2 ? `it's "q" ; DROP TABLE t` : null, '2024-02-29', i % 2 === 0]);
    expect(await writeSmallTable(engine, 'main', 't', COLUMNS, rows)).toBe(7);
    const back = await engine.rows(trusted('SELECT * FROM t ORDER BY i'));
    expect(back.map((r) => r['v'])).toEqual(values);
    expect(back[1]).toEqual({ i: 1, v: 1 / 3, s: `it's "q" ; DROP TABLE t`, d: '2024-02-29', b: false });
    expect(back[0]!['s']).toBeNull();
  });

  it('writes more rows than one chunk, in order, and an empty table for no rows', async () => {
    const rows = Array.from({ length: 25_001 }, (_, i) => [i, i / 7, `r${i}`, '2024-01-01', true]);
    await writeSmallTable(engine, 'main', 'big', COLUMNS, rows);
    expect(await engine.rows(trusted('SELECT COUNT(*) AS n, SUM(i) AS s, MAX(v) AS m FROM big'))).toEqual([{ n: 25_001, s: (25_000 * 25_001) / 2, m: 25_000 / 7 }]);
    await writeSmallTable(engine, 'main', 'empty', COLUMNS, []);
    expect(await engine.scalar(trusted('SELECT COUNT(*) FROM empty'))).toBe(0);
  });

  it('refuses a non-finite number', async () => {
    await expect(writeSmallTable(engine, 'main', 'bad', COLUMNS, [[1, Number.NaN, null, null, null]])).rejects.toThrow(/non-finite/);
  });
});
