// Engine.describe: column names and types of a table, view or query, read from the prepared statement
// (nothing runs), as plain data — DuckDB's own spelling of the type and its structure.
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { sql, trusted } from '../../../src/sql/sql.ts';

const NESTED = `SELECT 1::DECIMAL(10,2) AS d, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz, '{}'::JSON AS j, [1, 2] AS l,
  {'a b': 1, 'x': [1.5::DOUBLE]} AS s, MAP {'k': 1} AS m, [1, 2]::INTEGER[2] AS arr, 'a'::ENUM('a', 'b') AS e`;

describe('Engine.describe', () => {
  it('gives structured types, spelled as DESCRIBE spells them', async () => {
    await withEngine(async (e) => {
      const cols = await e.describe(trusted(NESTED));
      expect(cols.map((c) => c.shape)).toEqual([
        { kind: 'scalar', name: 'DECIMAL' },
        { kind: 'scalar', name: 'TIMESTAMP WITH TIME ZONE' },
        { kind: 'scalar', name: 'JSON' },
        { kind: 'list', element: { kind: 'scalar', name: 'INTEGER' } },
        { kind: 'struct', fields: [{ name: 'a b', type: { kind: 'scalar', name: 'INTEGER' } }, { name: 'x', type: { kind: 'list', element: { kind: 'scalar', name: 'DOUBLE' } } }] },
        { kind: 'map', key: { kind: 'scalar', name: 'VARCHAR' }, value: { kind: 'scalar', name: 'INTEGER' } },
        { kind: 'list', element: { kind: 'scalar', name: 'INTEGER' } },
        { kind: 'scalar', name: 'ENUM' },
      ]);
      const described = await e.rows(trusted(`DESCRIBE ${NESTED}`));
      expect(cols.map((c) => [c.name, c.type])).toEqual(described.map((r) => [r['column_name'], r['column_type']]));
    });
  });

  it('describes tables and views by name, and never runs the query', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE SCHEMA s; CREATE TABLE s.t AS SELECT 1::BIGINT AS "a b"; CREATE VIEW s.v AS SELECT "a b", 'x' AS c FROM s.t`));
      expect(await e.describe(trusted('s.t'))).toEqual([{ name: 'a b', type: 'BIGINT', shape: { kind: 'scalar', name: 'BIGINT' } }]);
      expect((await e.describe(trusted('s.v'))).map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR']);
      // error() would fail when run: describing it only binds.
      expect((await e.describe(sql`SELECT error('boom')::INTEGER AS x FROM s.t`)).map((c) => c.name)).toEqual(['x']);
      await expect(e.describe(trusted('s.missing'))).rejects.toThrow(/missing/);
    });
  });
});
