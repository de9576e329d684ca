// gold → files, in a staging directory: the lake (Parquet, hive-partitioned), the warehouse, the
// aggregates, the CSV/JSON exports and the quarantine. Every file is written by DuckDB (COPY) in a
// sorted order, so that two runs on the same input give the same bytes.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { PipelineConfig } from '../config.ts';
import { EtlError } from '../errors.ts';
import { ident, join as joinSql, sql, type Sql } from '../sql/sql.ts';

export interface PublishedFile {
  kind: 'lake' | 'aggregate' | 'warehouse' | 'export_csv' | 'export_json' | 'quarantine';
  table: string;
  path: string;
  rows: number;
}

async function tableExists(engine: Engine, schema: string, table: string): Promise<boolean> {
  const n = await engine.scalar(sql`SELECT count(*) FROM duckdb_tables() WHERE schema_name = ${schema} AND table_name = ${table}`);
  return Number(n) > 0;
}

async function rowCount(engine: Engine, relation: Sql): Promise<number> {
  return Number(await engine.scalar(sql`SELECT count(*) FROM ${relation}`));
}

/** Sorted, so that the bytes do not depend on the order the engine produced the rows in: by the
 * primary key the gold contract declares (cheap, and unique), else by every column. */
function sortedBy(keys: Record<string, string[]>) {
  return (table: string, relation: Sql): Sql => {
    const key = keys[table] ?? [];
    return key.length > 0
      ? sql`SELECT * FROM ${relation} ORDER BY ${joinSql(key.map((k) => ident(k)), ', ')}`
      : sql`SELECT * FROM ${relation} ORDER BY ALL`;
  };
}

export async function publishOutputs(
  engine: Engine,
  opts: { staging: string; config: PipelineConfig; quarantined: string[]; builtModels: string[]; keys?: Record<string, string[]> },
): Promise<PublishedFile[]> {
  const { staging, config } = opts;
  const order = sortedBy(opts.keys ?? {});
  const sorted = (relation: Sql, table: string) => order(table, relation);
  const built = new Set(opts.builtModels);
  const files: PublishedFile[] = [];
  const gold = (t: string) => sql`gold.${ident(t)}`;
  const need = async (t: string) => {
    if (!built.has(t) && !(await tableExists(engine, 'gold', t))) return false;
    return true;
  };

  for (const [table, { partition_by }] of Object.entries(config.publish.lake)) {
    if (!(await need(table))) continue;
    const dir = join(staging, 'data_lake', table);
    await mkdir(dir, { recursive: true });
    if (partition_by.length > 0) {
      await engine.exec(sql`COPY (${sorted(gold(table), table)}) TO ${dir} (FORMAT parquet, PARTITION_BY (${joinSql(partition_by.map((c) => ident(c)), ', ')}), OVERWRITE_OR_IGNORE true)`);
    } else {
      await engine.exec(sql`COPY (${sorted(gold(table), table)}) TO ${join(dir, 'data.parquet')} (FORMAT parquet)`);
    }
    files.push({ kind: 'lake', table, path: dir, rows: await rowCount(engine, gold(table)) });
  }
  const single = async (kind: PublishedFile['kind'], table: string, dir: string) => {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'data.parquet');
    await engine.exec(sql`COPY (${sorted(gold(table), table)}) TO ${path} (FORMAT parquet)`);
    files.push({ kind, table, path, rows: await rowCount(engine, gold(table)) });
  };
  for (const table of config.publish.aggregates) if (await need(table)) await single('aggregate', table, join(staging, 'data_lake', 'aggregates', table));
  for (const table of config.publish.warehouse) if (await need(table)) await single('warehouse', table, join(staging, 'data_warehouse', table));
  await mkdir(join(staging, 'exports', 'csv'), { recursive: true });
  await mkdir(join(staging, 'exports', 'json'), { recursive: true });
  for (const table of config.publish.exports) {
    if (!(await need(table))) continue;
    const rows = await rowCount(engine, gold(table));
    const csv = join(staging, 'exports', 'csv', `${table}.csv`);
    await engine.exec(sql`COPY (${sorted(gold(table), table)}) TO ${csv} (FORMAT csv, HEADER true)`);
    files.push({ kind: 'export_csv', table, path: csv, rows });
    const json = join(staging, 'exports', 'json', `${table}.json`);
    await engine.exec(sql`COPY (${sorted(gold(table), table)}) TO ${json} (FORMAT json, ARRAY true)`);
    files.push({ kind: 'export_json', table, path: json, rows });
  }
  for (const dataset of opts.quarantined) {
    const dir = join(staging, 'quarantine', dataset);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'data.parquet');
    const rel = sql`quarantine.${ident(dataset)}`;
    await engine.exec(sql`COPY (SELECT * FROM ${rel} ORDER BY _source_file, _record_number) TO ${path} (FORMAT parquet)`);
    files.push({ kind: 'quarantine', table: dataset, path, rows: await rowCount(engine, rel) });
  }
  if (files.length === 0) {
    throw new EtlError('CONFIG_INVALID', 'the publish plan names no table that the models built', {
      hint: 'check the publish section of pipeline/config.yaml against pipeline/models/',
    });
  }
  return files;
}
