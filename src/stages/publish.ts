// gold → files, in a staging directory: the lake (Parquet, hive-partitioned), the warehouse, the
// aggregates, the CSV/JSON exports and the quarantine. Every file is written by one DuckDB statement
// (COPY) in a full sort order (key, then every column; the key alone where the gold checks proved it)
// under a fixed name, so that two runs on the same input give the same bytes whatever the thread count
// or the machine's load. The files are independent: their COPYs run side by side (Engine.parallel).
import { copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Logger } from '../log.ts';
import type { Engine, Params } from '../engine/engine.ts';
import type { PipelineConfig } from '../config.ts';
import { EtlError } from '../errors.ts';
import { relationWeights } from '../engine/relation-weights.ts';
import { ident, join as joinSql, sql, trusted, type Sql } from '../sql/sql.ts';
import { exportOrder, exportOrderBy, exportSelect, exportType } from './export-plan.ts';

/** Version of output/exports/index.json. */
export const EXPORTS_INDEX_VERSION = 1;

/** Where partitioned tables are published: the lake (data_lake/<table>) or the warehouse (data_warehouse/<table>). */
export type PartitionArea = 'lake' | 'warehouse';
export const AREA_DIR: Record<PartitionArea, string> = { lake: 'data_lake', warehouse: 'data_warehouse' };

/** Incremental runs (incremental.ts): each partition's content hash (lake and warehouse) is computed in
 * the scan that finds the partitions; a partition whose hash equals the previous run's is linked from the
 * previous output instead of being written again (its bytes are the ones that content gives). */
export interface PartitionReuse {
  /** The previous run's file of this partition when its content hash is `hash`, else undefined. */
  previous?: (area: PartitionArea, table: string, partition: string, hash: string) => string | undefined;
  /** Filled in: area → table → partition path (`year=2025/month=06`) → content hash. */
  hashes: Record<PartitionArea, Record<string, Record<string, string>>>;
  /** Filled in: per area, partition paths (`table/year=…/month=…`) linked from the previous output, and written anew. */
  done: Record<PartitionArea, { kept: string[]; written: string[] }>;
  /** The previous run's file at this path (relative to the output) when the gold table or quarantine it was
   * written from is unchanged since that run (incremental gold: the same rows give the same bytes). */
  unchanged?: (kind: 'gold' | 'quarantine', table: string, path: string) => string | undefined;
  /** Filled in: the files (relative to the output) linked from the previous output because their table did not change. */
  files: string[];
  /** The rows removed and added in a table since the previous run (incremental gold), with that run's
   * partition hashes: the new hashes follow from them without a scan of the table. */
  changes?: (area: PartitionArea, table: string) => { removed?: Sql; added?: Sql; previous: Record<string, string> } | undefined;
}

/** An empty PartitionReuse (nothing hashed, kept or written yet). */
export function partitionReuse(): PartitionReuse {
  return { hashes: { lake: {}, warehouse: {} }, done: { lake: { kept: [], written: [] }, warehouse: { kept: [], written: [] } }, files: [] };
}

export interface PublishedFile {
  kind: 'lake' | 'aggregate' | 'warehouse' | 'export_csv' | 'export_json' | 'export_index' | 'quarantine';
  table: string;
  path: string;
  rows: number;
}

/** COPY, and the number of rows it wrote. */
async function copy(engine: Engine, query: Sql, file: string, options: Sql, params?: Params): Promise<number> {
  return Number(await engine.scalar(sql`COPY (${query}) TO ${file} (${options})`, params));
}

const FLOATING = new Set(['FLOAT', 'DOUBLE', 'REAL']);

/** A full sort order: the declared key first, then every other column, so that rows tied on a key that
 * does not hold still come out in one order. A key the gold checks proved (`holds`: no NULL, no value
 * twice) orders the rows alone — no two rows tie on it, so the other columns would never be compared:
 * the same order, at a fraction of the sort's cost. (Not a floating-point key: -0 and 0, NaN.) */
async function fullOrder(engine: Engine, relation: Sql, key: string[], except: string[] = [], holds = false): Promise<Sql> {
  const columns = (await engine.describe(relation)).filter((c) => !except.includes(c.name));
  const names = columns.map((c) => c.name);
  const first = key.filter((k) => names.includes(k));
  const exact = holds && first.length > 0 && first.length === key.length
    && first.every((k) => { const t = columns.find((c) => c.name === k)!.shape; return t.kind === 'scalar' && !FLOATING.has(t.name); });
  const order = exact ? first : [...first, ...names.filter((c) => !first.includes(c))];
  return joinSql(order.map((c) => ident(c)), ', ');
}

/** The content hash of the rows of `alias` (an aggregate): their count, the sum and the xor of two row hashes.
 * A changed row changes it; rows added or removed move each part by their own (changedPartitions). */
export function contentHash(alias: Sql): Sql {
  return sql`count(*) || ':' || CAST(sum(CAST(hash(${alias}) AS HUGEINT)) AS VARCHAR) || ':' || CAST(bit_xor(hash(${alias}, 'etl')) AS VARCHAR)`;
}

/** One file to write: `weight` (rows × columns) puts the largest first, so that the sessions finish together. */
interface WriteTask {
  weight: number;
  /** What it writes (the debug log's name for it). */
  name: string;
  run(session: Engine): Promise<void>;
}

/** Hive partitions written one COPY per partition value, into one file of a fixed name
 * (`<col>=<value>/…/data_0.parquet`), rows fully sorted: DuckDB's PARTITION_BY spreads a partition
 * over files per thread, so file names and row order would follow the scheduling. The partitions are
 * found (and linked, when reused) here; their COPYs are returned as tasks. Returns the table's rows. */
async function planPartitioned(engine: Engine, relation: Sql, dir: string, partitionBy: string[], key: string[], holds: boolean, tasks: WriteTask[], reuse?: { area: PartitionArea; table: string; hooks: PartitionReuse }): Promise<number> {
  const cols = partitionBy.map((c) => ident(c));
  // Each partition's values typed (to filter on, bound as parameters: no cast of the column per row)
  // and as text (to name its folder), its rows; with `reuse`, its content hash in the same scan (row
  // count, sum and xor of two row hashes: a changed row changes it).
  const hashed = reuse ? sql`, ${contentHash(trusted('r'))} AS "__h"` : trusted('');
  const partitionValues = joinSql(cols.map((c, i) => sql`${c} AS ${ident(`v${i}`)}, CAST(${c} AS VARCHAR) AS ${ident(`t${i}`)}`), ', ');
  const changes = reuse?.hooks.changes?.(reuse.area, reuse.table);
  let values = changes ? await changedPartitions(engine, partitionValues, partitionBy, changes) : undefined;
  // A partition the change did not touch is linked from the previous output; should its file be missing, the table is scanned.
  if (values?.some((r) => typeof r['__path'] === 'string' && !reuse!.hooks.previous?.(reuse!.area, reuse!.table, r['__path'], String(r['__h'])))) values = undefined;
  values ??= await engine.rows(sql`SELECT ${partitionValues}, count(*) AS "__n"${hashed} FROM ${relation} AS r GROUP BY ALL ORDER BY ALL`);
  const where = joinSql(cols.map((c, i) => sql`${c} IS NOT DISTINCT FROM ${trusted(`$${i + 1}`)}`), ' AND ');
  const width = (await engine.describe(relation)).length;
  let order: Promise<Sql> | undefined;
  let total = 0;
  for (const row of values) {
    const rows = Number(row['__n']);
    total += rows;
    if (rows === 0) continue; // every row of a previous partition removed: no partition
    const text = partitionBy.map((_, i) => row[`t${i}`] as string | null);
    const params = partitionBy.map((_, i) => {
      const v = row[`v${i}`];
      return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : text[i]!;
    });
    // DuckDB's own spelling of a hive path: NULL as NULL, the rest percent-encoded (no / or .. can escape).
    const parts = typeof row['__path'] === 'string' ? row['__path'].split('/') : partitionBy.map((c, i) => `${c}=${text[i] === null ? 'NULL' : encodeURIComponent(text[i]!)}`);
    const path = join(dir, ...parts);
    await mkdir(path, { recursive: true });
    const file = join(path, 'data_0.parquet');
    if (reuse) {
      const partition = parts.join('/');
      const hash = String(row['__h']);
      (reuse.hooks.hashes[reuse.area][reuse.table] ??= {})[partition] = hash;
      const previous = reuse.hooks.previous?.(reuse.area, reuse.table, partition, hash);
      if (previous) {
        // Same filesystem (the staging folder is beside the output): a hard link, else a copy.
        await link(previous, file).catch(() => copyFile(previous, file));
        reuse.hooks.done[reuse.area].kept.push(`${reuse.table}/${partition}`);
        continue;
      }
      reuse.hooks.done[reuse.area].written.push(`${reuse.table}/${partition}`);
    }
    tasks.push({
      weight: rows * width,
      name: file,
      run: async (s) => {
        order ??= fullOrder(s, relation, key, partitionBy, holds);
        await copy(s, sql`SELECT * EXCLUDE (${joinSql(cols, ', ')}) FROM ${relation} WHERE ${where} ORDER BY ${await order}`, file, sql`FORMAT parquet`, params);
      },
    });
  }
  return total;
}

/**
 * The partitions of a table and their content hashes from the previous run's hashes and the rows removed
 * and added since (the hash is a count, a sum and an xor of row hashes: each moves by the changed rows'),
 * without a scan of the table. Partitions the change does not touch keep their hash (and are linked); each
 * row has the shape the full scan gives (`v`/`t` columns, `__n`, `__h`), or `__path` and the previous hash.
 */
async function changedPartitions(engine: Engine, partitionValues: Sql, partitionBy: string[], changes: { removed?: Sql; added?: Sql; previous: Record<string, string> }): Promise<Record<string, unknown>[]> {
  const side = (rows: Sql | undefined, sign: number) => (rows ? [sql`SELECT ${partitionValues}, ${sign} AS "__s", CAST(hash(r) AS HUGEINT) * ${sign} AS "__a", hash(r, 'etl') AS "__x" FROM ${rows} AS r`] : []);
  const sides = [...side(changes.added, 1), ...side(changes.removed, -1)];
  const delta = sides.length === 0 ? [] : await engine.rows(sql`SELECT * EXCLUDE ("__s", "__a", "__x"), CAST(sum("__s") AS BIGINT) AS "__dn", CAST(sum("__a") AS VARCHAR) AS "__da", CAST(bit_xor("__x") AS VARCHAR) AS "__dx"
    FROM (${joinSql(sides, ' UNION ALL ')}) GROUP BY ALL ORDER BY ALL`);
  const pathOf = (row: Record<string, unknown>) => partitionBy.map((c, i) => { const t = row[`t${i}`] as string | null; return `${c}=${t === null ? 'NULL' : encodeURIComponent(t)}`; }).join('/');
  const parse = (hash: string | undefined): [bigint, bigint, bigint] => {
    const [n, a, x] = (hash ?? '0:0:0').split(':');
    return [BigInt(n!), BigInt(a!), BigInt(x!)];
  };
  const out = new Map<string, Record<string, unknown>>();
  for (const [path, hash] of Object.entries(changes.previous)) out.set(path, { __path: path, __n: Number(parse(hash)[0]), __h: hash });
  for (const row of delta) {
    const path = pathOf(row);
    const [n, a, x] = parse(changes.previous[path]);
    const [nn, na, nx] = [n + BigInt(String(row['__dn'])), a + BigInt(String(row['__da'])), x ^ BigInt(String(row['__dx']))];
    const typed = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('__')));
    out.set(path, { ...typed, __n: Number(nn), __h: `${nn}:${na}:${nx}` });
  }
  return [...out.keys()].sort().map((p) => out.get(p)!);
}

export async function publishOutputs(
  engine: Engine,
  opts: {
    staging: string;
    config: PipelineConfig;
    quarantined: string[];
    builtModels: string[];
    keys?: Record<string, string[]>;
    /** Tables whose key the gold checks proved (no NULL, no value twice): sorted on the key alone. */
    keysHold?: ReadonlySet<string>;
    partitions?: PartitionReuse;
    /** Read-only work that shares the sessions with the writes (the KPI reports' queries), started first. */
    alongside?: (session: Engine) => Promise<void>;
    /** Each file's time at debug level. */
    logger?: Logger;
  },
): Promise<PublishedFile[]> {
  const { staging, config } = opts;
  const keys = opts.keys ?? {};
  const holds = (table: string) => opts.keysHold?.has(table) ?? false;
  const sorted = async (s: Engine, relation: Sql, table: string) => sql`SELECT * FROM ${relation} ORDER BY ${await fullOrder(s, relation, keys[table] ?? [], [], holds(table))}`;
  const built = new Set(opts.builtModels);
  // The relations that exist, with their size (rows × columns: the weight of writing them).
  const existing = await relationWeights(engine, ['gold', 'quarantine']);
  const weightOf = (schema: string, t: string) => existing.get(`${schema}.${t}`) ?? 0;
  const need = (t: string) => built.has(t) || existing.has(`gold.${t}`);
  // Every file is planned here, in the order of the run record; the COPYs run side by side afterwards.
  const files: PublishedFile[] = [];
  const tasks: WriteTask[] = [];
  const gold = (t: string) => sql`gold.${ident(t)}`;
  // A file whose table did not change since the previous run: linked from that run's output, not written.
  const reused = async (kind: 'gold' | 'quarantine', table: string, files: string[]): Promise<boolean> => {
    const previous = files.map((f) => opts.partitions?.unchanged?.(kind, table, relative(staging, f)));
    if (previous.length === 0 || previous.some((p) => p === undefined)) return false;
    for (const [i, f] of files.entries()) {
      await link(previous[i]!, f).catch(() => copyFile(previous[i]!, f));
      opts.partitions!.files.push(relative(staging, f));
    }
    return true;
  };
  const countRows = async (relation: Sql) => Number(await engine.scalar(sql`SELECT count(*) FROM ${relation}`));

  for (const [table, { partition_by }] of Object.entries(config.publish.lake)) {
    if (!need(table)) continue;
    const dir = join(staging, 'data_lake', table);
    await mkdir(dir, { recursive: true });
    if (partition_by.length > 0) {
      const rows = await planPartitioned(engine, gold(table), dir, partition_by, keys[table] ?? [], holds(table), tasks, opts.partitions ? { area: 'lake', table, hooks: opts.partitions } : undefined);
      files.push({ kind: 'lake', table, path: dir, rows });
    } else {
      const file: PublishedFile = { kind: 'lake', table, path: dir, rows: 0 };
      files.push(file);
      if (await reused('gold', table, [join(dir, 'data.parquet')])) file.rows = await countRows(gold(table));
      else tasks.push({ weight: weightOf('gold', table), name: join(dir, 'data.parquet'), run: async (s) => { file.rows = await copy(s, await sorted(s, gold(table), table), join(dir, 'data.parquet'), sql`FORMAT parquet`); } });
    }
  }
  const single = async (kind: PublishedFile['kind'], table: string, dir: string) => {
    await mkdir(dir, { recursive: true });
    const file: PublishedFile = { kind, table, path: join(dir, 'data.parquet'), rows: 0 };
    files.push(file);
    if (await reused('gold', table, [file.path])) {
      file.rows = await countRows(gold(table));
      return;
    }
    tasks.push({ weight: weightOf('gold', table), name: file.path, run: async (s) => { file.rows = await copy(s, await sorted(s, gold(table), table), file.path, sql`FORMAT parquet`); } });
  };
  for (const table of config.publish.aggregates) if (need(table)) await single('aggregate', table, join(staging, 'data_lake', 'aggregates', table));
  for (const entry of config.publish.warehouse) {
    const { table, partition_by } = typeof entry === 'string' ? { table: entry, partition_by: [] } : entry;
    if (!need(table)) continue;
    const dir = join(staging, 'data_warehouse', table);
    if (partition_by.length === 0) {
      await single('warehouse', table, dir);
      continue;
    }
    await mkdir(dir, { recursive: true });
    const rows = await planPartitioned(engine, gold(table), dir, partition_by, keys[table] ?? [], holds(table), tasks, opts.partitions ? { area: 'warehouse', table, hooks: opts.partitions } : undefined);
    files.push({ kind: 'warehouse', table, path: dir, rows });
  }
  await mkdir(join(staging, 'exports', 'csv'), { recursive: true });
  await mkdir(join(staging, 'exports', 'json'), { recursive: true });
  // Exports a BI tool loads as they are: rank or date order, money in cents, and an index of every file.
  type IndexEntry = { name: string; csv: string; json: string; rows: number; order_by: string[]; columns: { name: string; type: string }[] };
  const index: IndexEntry[] = [];
  const notExported: { name: string; reason: string }[] = [];
  for (const entry of config.publish.exports) {
    const spec = typeof entry === 'string' ? { table: entry } : entry;
    const table = spec.table;
    if (!need(table)) {
      notExported.push({ name: table, reason: 'not built in this run (its source is absent)' });
      continue;
    }
    const csv: PublishedFile = { kind: 'export_csv', table, path: join(staging, 'exports', 'csv', `${table}.csv`), rows: 0 };
    const json: PublishedFile = { kind: 'export_json', table, path: join(staging, 'exports', 'json', `${table}.json`), rows: 0 };
    const listed: IndexEntry = { name: table, csv: `csv/${table}.csv`, json: `json/${table}.json`, rows: 0, order_by: [], columns: [] };
    files.push(csv, json);
    index.push(listed);
    if (await reused('gold', table, [csv.path, json.path])) {
      const columns = await engine.describe(gold(table));
      csv.rows = json.rows = await countRows(gold(table));
      Object.assign(listed, { rows: csv.rows, order_by: exportOrder(spec, columns, keys[table] ?? []), columns: columns.map((c) => ({ name: c.name, type: exportType(c.type) })) });
      continue;
    }
    // Text costs more to write than Parquet: two files of it.
    tasks.push({
      weight: 3 * weightOf('gold', table),
      name: csv.path.replace(/\.csv$/, '.{csv,json}'),
      run: async (s) => {
        const columns = await s.describe(gold(table));
        const order = exportOrder(spec, columns, keys[table] ?? []);
        const query = sql`SELECT ${exportSelect(columns)} FROM ${gold(table)} ORDER BY ${exportOrderBy(order, columns)}`;
        csv.rows = await copy(s, query, csv.path, sql`FORMAT csv, HEADER true`);
        json.rows = await copy(s, query, json.path, sql`FORMAT json, ARRAY true`);
        Object.assign(listed, { rows: csv.rows, order_by: order, columns: columns.map((c) => ({ name: c.name, type: exportType(c.type) })) });
      },
    });
  }
  for (const dataset of opts.quarantined) {
    const dir = join(staging, 'quarantine', dataset);
    await mkdir(dir, { recursive: true });
    const file: PublishedFile = { kind: 'quarantine', table: dataset, path: join(dir, 'data.parquet'), rows: 0 };
    const rel = sql`quarantine.${ident(dataset)}`;
    files.push(file);
    if (await reused('quarantine', dataset, [file.path])) {
      file.rows = await countRows(rel);
      continue;
    }
    tasks.push({
      weight: weightOf('quarantine', dataset),
      name: file.path,
      run: async (s) => {
        // Lineage first (where the record is in its file), then every column: one order whatever the threads.
        file.rows = await copy(s, sql`SELECT * FROM ${rel} ORDER BY ${await fullOrder(s, rel, ['_source_file', '_record_number'])}`, file.path, sql`FORMAT parquet`);
      },
    });
  }
  if (files.length === 0) {
    throw new EtlError('CONFIG_INVALID', 'the publish plan names no table that the models built', {
      hint: 'check the publish section of pipeline/config.yaml against pipeline/models/',
    });
  }
  // Largest first (a stable sort: equal weights keep the plan's order).
  const byWeight = [...tasks].sort((a, b) => b.weight - a.weight);
  const timed = (t: WriteTask) => async (s: Engine) => {
    const started = performance.now();
    await t.run(s);
    opts.logger?.debug({ stage: 'publish', file: relative(staging, t.name), weight: t.weight, ms: Math.round(performance.now() - started) }, 'file written');
  };
  await engine.parallel([...(opts.alongside ? [opts.alongside] : []), ...byWeight.map(timed)]);

  if (config.publish.exports.length > 0) {
    const path = join(staging, 'exports', 'index.json');
    index.sort((a, b) => a.name.localeCompare(b.name));
    await writeFile(path, `${JSON.stringify({ schemaVersion: EXPORTS_INDEX_VERSION, exports: index, not_exported: notExported }, null, 2)}\n`);
    // The index is listed after the exports and before the quarantine, as it always was.
    const at = files.findIndex((f) => f.kind === 'quarantine');
    files.splice(at < 0 ? files.length : at, 0, { kind: 'export_index', table: 'index', path, rows: index.length });
  }
  return files;
}
