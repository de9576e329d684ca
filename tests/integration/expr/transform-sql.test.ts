// transformLogic SQL on a real DuckDB: literals are text, columns are the raw physical columns, and
// nothing written in a contract reaches the query as SQL.
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../src/expr/index.ts';
import { buildTransformScope } from '../../../src/contracts/expr-scope.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { sql } from '../../../src/sql/sql.ts';

const scope = () => buildTransformScope(['first_name', 'last_name', 'Qty', 'Invoice No']);

describe('transformLogic on DuckDB', () => {
  it('runs on DuckDB over text columns: defaults, constants and concatenations, a hostile literal stays a literal', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES ('Ada', 'Lovelace', NULL, 'C1'), ('Alan', NULL, '3', 'C2')) v(first_name, last_name, "Qty", "Invoice No")`);
      const expr = (text: string) => {
        const r = compileExpression(text, scope());
        if (!r.ok) throw new Error(r.message);
        return r.sql;
      };
      const rows = await e.rows(sql`SELECT ${expr("concat(first_name, ' ', last_name)")} AS name, ${expr('coalesce(Qty, 1)')} AS q, ${expr("'x''); DROP TABLE t; --'")} AS h FROM t ORDER BY 1`);
      expect(rows).toEqual([
        { name: 'Ada Lovelace', q: '1', h: "x'); DROP TABLE t; --" },
        { name: 'Alan ', q: '3', h: "x'); DROP TABLE t; --" },
      ]);
      expect(await e.scalar(sql`SELECT count(*) FROM t`)).toBe(2);
    });
  });
});
