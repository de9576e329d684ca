// gold → files, in a staging directory: the lake (Parquet, hive-partitioned), the warehouse, the
// aggregates, the CSV/JSON exports and the quarantine. Every file is written by DuckDB (COPY) in a
// full sort order (key, then every column) under a fixed name, so that two runs on the same input give
// the same bytes whatever the thread count or the machine's load.
import { copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { PipelineConfig } from '../config.ts';
import { EtlError } from '../errors.ts';
import { ident, join as joinSql, sql, trusted, type Sql } from '../sql/sql.ts';
import { exportOrder, exportOrderBy, exportSelect, exportType } from './export-plan.ts';

/** Version of output/exports/index.json. */
export const EXPORTS_INDEX_VERSION = 1;

/** Incremental runs (incremental.ts): each lake partition's content hash is computed in the scan that
 * finds the partitions; a partition whose hash equals the previous run's is linked from the previous
 * output instead of being written again (its bytes are the ones that content gives). */
export interface PartitionReuse {
  /** The previous run's file of this partition when its content hash is `hash`, else undefined. */
  previous?: (table: string, partition: string, hash: string) => string | undefined;
  /** Filled in: table → partition path (`year=2025/month=06`) → content hash. */
  hashes: Record<string, Record<string, string>>;
  /** Filled in: partition paths (`table/year=…/month=…`) linked from the previous output, and written anew. */
  kept: string[];
  written: string[];
}

export interface PublishedFile {
  kind: 'lake' | 'aggregate' | 'warehouse' | 'export_csv' | 'export_json' | 'export_index' | 'quarantine';
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

/** Every column of a relation, in order. */
async function columnsOf(engine: Engine, relation: Sql): Promise<string[]> {
  return (await engine.describe(relation)).map((c) => c.name);
}

/** A full sort order: the declared key first (cheap, and unique when the key holds), then every other
 * column, so that rows tied on a key that does not hold still come out in one order. */
async function fullOrder(engine: Engine, relation: Sql, key: string[], except: string[] = []): Promise<Sql> {
  const columns = (await columnsOf(engine, relation)).filter((c) => !except.includes(c));
  const first = key.filter((k) => columns.includes(k));
  const order = [...first, ...columns.filter((c) => !first.includes(c))];
  return joinSql(order.map((c) => ident(c)), ', ');
}

/** Hive partitions written one COPY per partition value, into one file of a fixed name
 * (`<col>=<value>/…/data_0.parquet`), rows fully sorted: DuckDB's PARTITION_BY spreads a partition
 * over files per thread, so file names and row order would follow the scheduling. */
async function writePartitioned(engine: Engine, relation: Sql, dir: string, partitionBy: string[], key: string[], reuse?: { table: string; hooks: PartitionReuse }): Promise<void> {
  const cols = partitionBy.map((c) => ident(c));
  // Each partition's values typed (to filter on, bound as parameters: no cast of the column per row)
  // and as text (to name its folder); with `reuse`, its content hash in the same scan (row count, sum and
  // xor of two row hashes: a changed row changes it).
  const hashed = reuse ? sql`, count(*) || ':' || CAST(sum(CAST(hash(r) AS HUGEINT)) AS VARCHAR) || ':' || CAST(bit_xor(hash(r, 'etl')) AS VARCHAR) AS "__h"` : trusted('');
  const values = await engine.rows(sql`SELECT ${joinSql(cols.map((c, i) => sql`${c} AS ${ident(`v${i}`)}, CAST(${c} AS VARCHAR) AS ${ident(`t${i}`)}`), ', ')}${hashed} FROM ${relation} AS r GROUP BY ALL ORDER BY ALL`);
  const order = await fullOrder(engine, relation, key, partitionBy);
  const where = joinSql(cols.map((c, i) => sql`${c} IS NOT DISTINCT FROM ${trusted(`$${i + 1}`)}`), ' AND ');
  for (const row of values) {
    const text = partitionBy.map((_, i) => row[`t${i}`] as string | null);
    const params = partitionBy.map((_, i) => {
      const v = row[`v${i}`];
      return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : text[i]!;
    });
    // DuckDB's own spelling of a hive path: NULL as NULL, the rest percent-encoded (no / or .. can escape).
    const parts = partitionBy.map((c, i) => `${c}=${text[i] === null ? 'NULL' : encodeURIComponent(text[i]!)}`);
    const path = join(dir, ...parts);
    await mkdir(path, { recursive: true });
    const file = join(path, 'data_0.parquet');
    if (reuse) {
      const partition = parts.join('/');
      const hash = String(row['__h']);
      (reuse.hooks.hashes[reuse.table] ??= {})[partition] = hash;
      const previous = reuse.hooks.previous?.(reuse.table, partition, hash);
      if (previous) {
        // Same filesystem (the staging folder is beside the output): a hard link, else a copy.
        await link(previous, file).catch(() => copyFile(previous, file));
        reuse.hooks.kept.push(`${reuse.table}/${partition}`);
        continue;
      }
      reuse.hooks.written.push(`${reuse.table}/${partition}`);
    }
    await engine.exec(sql`COPY (SELECT * EXCLUDE (${joinSql(cols, ', ')}) FROM ${relation} WHERE ${where} ORDER BY ${order}) TO ${file} (FORMAT parquet)`, params);
  }
}

export async function publishOutputs(
  engine: Engine,
  opts: { staging: string; config: PipelineConfig; quarantined: string[]; builtModels: string[]; keys?: Record<string, string[]>; partitions?: PartitionReuse },
): Promise<PublishedFile[]> {
  const { staging, config } = opts;
  const keys = opts.keys ?? {};
  const sorted = async (relation: Sql, table: string) => sql`SELECT * FROM ${relation} ORDER BY ${await fullOrder(engine, relation, keys[table] ?? [])}`;
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
      await writePartitioned(engine, gold(table), dir, partition_by, keys[table] ?? [], opts.partitions ? { table, hooks: opts.partitions } : undefined);
    } else {
      await engine.exec(sql`COPY (${await sorted(gold(table), table)}) TO ${join(dir, 'data.parquet')} (FORMAT parquet)`);
    }
    files.push({ kind: 'lake', table, path: dir, rows: await rowCount(engine, gold(table)) });
  }
  const single = async (kind: PublishedFile['kind'], table: string, dir: string) => {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'data.parquet');
    await engine.exec(sql`COPY (${await sorted(gold(table), table)}) TO ${path} (FORMAT parquet)`);
    files.push({ kind, table, path, rows: await rowCount(engine, gold(table)) });
  };
  for (const table of config.publish.aggregates) if (await need(table)) await single('aggregate', table, join(staging, 'data_lake', 'aggregates', table));
  for (const table of config.publish.warehouse) if (await need(table)) await single('warehouse', table, join(staging, 'data_warehouse', table));
  await mkdir(join(staging, 'exports', 'csv'), { recursive: true });
  await mkdir(join(staging, 'exports', 'json'), { recursive: true });
  // Exports a BI tool loads as they are: rank or date order, money in cents, and an index of every file.
  const index: { name: string; csv: string; json: string; rows: number; order_by: string[]; columns: { name: string; type: string }[] }[] = [];
  const notExported: { name: string; reason: string }[] = [];
  for (const entry of config.publish.exports) {
    const spec = typeof entry === 'string' ? { table: entry } : entry;
    const table = spec.table;
    if (!(await need(table))) {
      notExported.push({ name: table, reason: 'not built in this run (its source is absent)' });
      continue;
    }
    const columns = await engine.describe(gold(table));
    const order = exportOrder(spec, columns, keys[table] ?? []);
    const rows = await rowCount(engine, gold(table));
    const query = sql`SELECT ${exportSelect(columns)} FROM ${gold(table)} ORDER BY ${exportOrderBy(order, columns)}`;
    const csv = join(staging, 'exports', 'csv', `${table}.csv`);
    await engine.exec(sql`COPY (${query}) TO ${csv} (FORMAT csv, HEADER true)`);
    files.push({ kind: 'export_csv', table, path: csv, rows });
    const json = join(staging, 'exports', 'json', `${table}.json`);
    await engine.exec(sql`COPY (${query}) TO ${json} (FORMAT json, ARRAY true)`);
    files.push({ kind: 'export_json', table, path: json, rows });
    index.push({ name: table, csv: `csv/${table}.csv`, json: `json/${table}.json`, rows, order_by: order, columns: columns.map((c) => ({ name: c.name, type: exportType(c.type) })) });
  }
  if (config.publish.exports.length > 0) {
    const path = join(staging, 'exports', 'index.json');
    index.sort((a, b) => a.name.localeCompare(b.name));
    await writeFile(path, `${JSON.stringify({ schemaVersion: EXPORTS_INDEX_VERSION, exports: index, not_exported: notExported }, null, 2)}\n`);
    files.push({ kind: 'export_index', table: 'index', path, rows: index.length });
  }
  for (const dataset of opts.quarantined) {
    const dir = join(staging, 'quarantine', dataset);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'data.parquet');
    const rel = sql`quarantine.${ident(dataset)}`;
    // Lineage first (where the record is in its file), then every column: one order whatever the threads.
    await engine.exec(sql`COPY (SELECT * FROM ${rel} ORDER BY ${await fullOrder(engine, rel, ['_source_file', '_record_number'])}) TO ${path} (FORMAT parquet)`);
    files.push({ kind: 'quarantine', table: dataset, path, rows: await rowCount(engine, rel) });
  }
  if (files.length === 0) {
    throw new EtlError('CONFIG_INVALID', 'the publish plan names no table that the models built', {
      hint: 'check the publish section of pipeline/config.yaml against pipeline/models/',
    });
  }
  return files;
}
