// Write a small JS result back into DuckDB as a typed table: CREATE OR REPLACE with explicit column
// types, then the rows as one JSON text literal per chunk, unnested and cast by DuckDB (one statement per
// 10,000 rows: parsing a VALUES list with a CAST per value took 20 s for 80,000 rows, this takes well
// under a second). Only for results computed in JS (forecast, alerts, per-group CLV predictions).
import type { Engine } from '../engine/engine.ts';
import { ident, join, literal, qualified, sql, trusted, type SqlValue } from '../sql/sql.ts';

export interface ColumnDef {
  name: string;
  /** A DuckDB type written in code (never user input): DATE, DOUBLE, BIGINT, VARCHAR, BOOLEAN. */
  type: 'DATE' | 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'BOOLEAN';
}

const CHUNK = 10_000;

function jsonCell(v: SqlValue): string | number | boolean | null {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`non-finite number ${v} cannot be written to a table`);
  return typeof v === 'bigint' ? v.toString() : v;
}

export async function writeSmallTable(engine: Engine, schema: string, table: string, columns: ColumnDef[], rows: SqlValue[][]): Promise<number> {
  const name = qualified(schema, table);
  const defs = join(columns.map((c) => sql`${ident(c.name)} ${trusted(c.type)}`), ', ');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${name} (${defs})`);
  // r->>i is the i-th element as text (NULL for a JSON null); the cast gives it the column's type.
  const casts = join(columns.map((c, i) => sql`CAST(r->>${i} AS ${trusted(c.type)}) AS ${ident(c.name)}`), ', ');
  for (let i = 0; i < rows.length; i += CHUNK) {
    const text = JSON.stringify(rows.slice(i, i + CHUNK).map((r) => r.map(jsonCell)));
    await engine.exec(sql`INSERT INTO ${name} SELECT ${casts} FROM (SELECT unnest(from_json(${literal(text)}, '["JSON"]')) AS r) AS t`);
  }
  return rows.length;
}
