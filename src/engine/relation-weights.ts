// The weight of reading or writing each relation of some schemas — rows × columns — so that work spread
// over the engine's sessions can start with the largest. A table's rows are DuckDB's estimate; a view
// (a gold model kept as a view) has none, so its rows are counted: without a weight it would start last.
import { ident, list, sql } from '../sql/sql.ts';
import type { Engine } from './engine.ts';

/** `schema.name` → rows × columns, for every table and view of `schemas`. */
export async function relationWeights(engine: Engine, schemas: string[]): Promise<Map<string, number>> {
  const tables = await engine.rows(sql`SELECT schema_name AS s, table_name AS t, estimated_size * column_count AS w FROM duckdb_tables() WHERE schema_name IN (${list(schemas)})`);
  const weights = new Map(tables.map((r) => [`${String(r['s'])}.${String(r['t'])}`, Number(r['w'] ?? 0)]));
  const views = await engine.rows(sql`SELECT schema_name AS s, view_name AS v, column_count AS c FROM duckdb_views() WHERE NOT internal AND schema_name IN (${list(schemas)}) ORDER BY ALL`);
  for (const v of views) {
    const rows = Number(await engine.scalar(sql`SELECT COUNT(*) FROM ${ident(String(v['s']))}.${ident(String(v['v']))}`));
    weights.set(`${String(v['s'])}.${String(v['v'])}`, rows * Number(v['c'] ?? 0));
  }
  return weights;
}
