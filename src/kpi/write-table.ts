// Write a small JS result back into DuckDB as a typed table: CREATE OR REPLACE with explicit column
// types, then INSERT … VALUES built from literal()s in chunks. Only for small results (forecast, alerts).
import type { Engine } from '../engine/engine.ts';
import { ident, join, literal, qualified, sql, trusted, type SqlValue } from '../sql/sql.ts';

export interface ColumnDef {
  name: string;
  /** A DuckDB type written in code (never user input): DATE, DOUBLE, BIGINT, VARCHAR, BOOLEAN. */
  type: 'DATE' | 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'BOOLEAN';
}

const CHUNK = 500;

export async function writeSmallTable(engine: Engine, schema: string, table: string, columns: ColumnDef[], rows: SqlValue[][]): Promise<number> {
  const name = qualified(schema, table);
  const defs = join(columns.map((c) => sql`${ident(c.name)} ${trusted(c.type)}`), ', ');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${name} (${defs})`);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => sql`(${join(r.map((v, j) => sql`CAST(${literal(v)} AS ${trusted(columns[j]!.type)})`), ', ')})`);
    await engine.exec(sql`INSERT INTO ${name} VALUES ${join(values, ', ')}`);
  }
  return rows.length;
}
