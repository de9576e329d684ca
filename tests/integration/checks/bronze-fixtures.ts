// Small bronze tables for the checks tests: every column VARCHAR + lineage, like src/io builds them.
import type { Engine } from '../../../src/engine/engine.ts';
import { ident, join, literal, sql, type Sql } from '../../../src/sql/sql.ts';

/** CREATE TABLE name (columns VARCHAR…, _source_file, _record_number) with the rows in order (record 1, 2, …). */
export async function makeBronze(engine: Engine, name: string, columns: string[], rows: (string | null)[][]): Promise<Sql> {
  const table = ident(name);
  const defs = join(
    [...columns.map((c) => sql`${ident(c)} VARCHAR`), sql`"_source_file" VARCHAR`, sql`"_record_number" BIGINT`],
    ', ',
  );
  await engine.exec(sql`CREATE OR REPLACE TABLE ${table} (${defs})`);
  if (rows.length > 0) {
    const values = rows.map((r, i) => sql`(${join([...r.map((v) => literal(v)), literal(`${name}.csv`), literal(i + 1)], ', ')})`);
    await engine.exec(sql`INSERT INTO ${table} VALUES ${join(values, ', ')}`);
  }
  return table;
}

/** Quarantine rows as {record: rule ids}, for compact assertions. */
export async function quarantinedRules(engine: Engine, table: Sql): Promise<Record<number, string[]>> {
  const rows = await engine.rows(sql`SELECT "_record_number" AS n, "_rule_ids" AS ids FROM ${table} ORDER BY n`);
  return Object.fromEntries(rows.map((r) => [Number(r['n']), (r['ids'] as string[]).slice().sort()]));
}
