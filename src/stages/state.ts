// The silver state of incremental runs: one DuckDB file beside --out (`.output.state.duckdb`) with every
// dataset's silver table and quarantine, and per dataset the counts and check results of the rows it
// holds. A run never writes the published state file: it writes a new one (a full run) or a copy (an
// incremental run) in a staging file beside it (`.output.staging-state-<pid>.duckdb`, which recovery
// deletes like any staging folder), and the publish journal renames it into place together with
// output/ (commit.ts). output/_incremental/manifest.json names the state id it goes with, so a state file
// that does not match the published output is never used (incremental.ts).
import { copyFile, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { CheckResult, SourceCounts } from '../checks/result.ts';
import { ident, qualified, sql, type Sql } from '../sql/sql.ts';
import { stagingOf } from './commit.ts';
import { stateGold } from './gold-incremental.ts';

/** The catalog the state file is attached as during a run. */
export const CATALOG = 'etl_state';
/** Version of the state file's layout; another one means a full rebuild. 2: the gold models' tables. */
export const STATE_FORMAT = 2;

/** What a dataset's silver rows stand for: their counts and the results of the row rules and dataset rules. */
export interface DatasetState {
  counts: SourceCounts;
  /** Header, malformed-record and row-rule results, in report order. */
  rowChecks: CheckResult[];
  /** Dataset-rule results (source on bronze, then silver), after the row checks in the report. */
  datasetChecks: CheckResult[];
}

export interface StateContent {
  stateId: string;
  datasets: Record<string, DatasetState>;
  /** Gold model → the hash of the SQL its table (`gold__<model>`) was built with (gold-incremental.ts). */
  models: Record<string, string>;
  /** Gold model → its build time in this run (ms): the next incremental run starts the longest first. */
  durations: Record<string, number>;
  /** Gold table → the values of its check aggregates that follow a change (dataset-rules.ts, by itemKey). */
  checks: Record<string, Record<string, number>>;
}

/** What an incremental run reads back: the content, and the models whose table the state holds. */
export interface StoredState extends StateContent {
  goldTables: Set<string>;
}

export const statePathOf = (out: string): string => join(dirname(out), `.${basename(out)}.state.duckdb`);
/** Starts like a staging folder's name, so that recoverPublish deletes what a killed run left. */
export const stagedStatePathOf = (out: string): string => `${stagingOf(out, `state-${process.pid}`)}.duckdb`;

export const stateSilver = (dataset: string): Sql => qualified(CATALOG, `silver__${dataset}`);
export const stateQuarantine = (dataset: string): Sql => qualified(CATALOG, `quarantine__${dataset}`);

async function writeMeta(engine: Engine, content: StateContent): Promise<void> {
  const meta = qualified(CATALOG, 'meta');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${meta} (key VARCHAR, value VARCHAR)`);
  const rows: [string, string][] = [
    ['format', String(STATE_FORMAT)],
    ['state_id', content.stateId],
    ...Object.entries(content.datasets).map(([d, s]): [string, string] => [`dataset:${d}`, JSON.stringify(s)]),
    ...Object.entries(content.models).map(([m, h]): [string, string] => [`model:${m}`, h]),
    ...Object.entries(content.durations).map(([m, ms]): [string, string] => [`model_ms:${m}`, String(ms)]),
    ...Object.entries(content.checks).map(([t, values]): [string, string] => [`checks:${t}`, JSON.stringify(values)]),
  ];
  for (const [key, value] of rows) await engine.exec(sql`INSERT INTO ${meta} VALUES (${key}, ${value})`);
}

async function detach(engine: Engine): Promise<void> {
  await engine.exec(sql`CHECKPOINT ${ident(CATALOG)}`);
  await engine.exec(sql`DETACH ${ident(CATALOG)}`);
}

export const stateGoldTable = (model: string): Sql => stateGold(CATALOG, model);

/** A full run: a new state file from the in-memory silver, quarantine and gold tables (content.models). */
export async function writeState(engine: Engine, file: string, content: StateContent): Promise<void> {
  await removeStateFile(file);
  await engine.exec(sql`ATTACH ${file} AS ${ident(CATALOG)}`);
  for (const d of Object.keys(content.datasets)) {
    await engine.exec(sql`CREATE TABLE ${stateSilver(d)} AS SELECT * FROM silver.${ident(d)}`);
    await engine.exec(sql`CREATE TABLE ${stateQuarantine(d)} AS SELECT * FROM quarantine.${ident(d)}`);
  }
  for (const m of Object.keys(content.models).sort()) {
    await engine.exec(sql`CREATE TABLE ${stateGold(CATALOG, m)} AS SELECT * FROM ${qualified('gold', m)}`);
  }
  await writeMeta(engine, content);
  await detach(engine);
}

/** An incremental run: a copy of the published state, attached read-write; undefined when it is unreadable. */
export async function openStateCopy(engine: Engine, published: string, copy: string): Promise<StoredState | undefined> {
  await removeStateFile(copy);
  await copyFile(published, copy, constants.COPYFILE_FICLONE); // a reflink where the filesystem has them
  try {
    await engine.exec(sql`ATTACH ${copy} AS ${ident(CATALOG)}`);
    // The run appends to and maintains the state's tables statement by statement; one checkpoint at the end
    // (detach) writes them, instead of one each time the write-ahead log passes DuckDB's 16 MB default.
    await engine.exec(sql`SET checkpoint_threshold = '1TB'`);
  } catch {
    await removeStateFile(copy);
    return undefined;
  }
  const rows = await engine.rows(sql`SELECT key, value FROM ${qualified(CATALOG, 'meta')}`).catch(() => []);
  const get = (k: string) => rows.find((r) => r['key'] === k)?.['value'];
  if (get('format') !== String(STATE_FORMAT) || typeof get('state_id') !== 'string') {
    await closeState(engine);
    await removeStateFile(copy);
    return undefined;
  }
  const datasets: Record<string, DatasetState> = {};
  const models: Record<string, string> = {};
  const durations: Record<string, number> = {};
  const checks: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const key = String(r['key']);
    if (key.startsWith('dataset:')) datasets[key.slice('dataset:'.length)] = JSON.parse(String(r['value'])) as DatasetState;
    if (key.startsWith('model:')) models[key.slice('model:'.length)] = String(r['value']);
    if (key.startsWith('model_ms:')) durations[key.slice('model_ms:'.length)] = Number(r['value']);
    if (key.startsWith('checks:')) checks[key.slice('checks:'.length)] = JSON.parse(String(r['value'])) as Record<string, number>;
  }
  const tables = await engine.rows(sql`SELECT table_name AS t FROM information_schema.tables WHERE table_catalog = ${CATALOG} AND table_type = 'BASE TABLE'`);
  const goldTables = new Set(tables.map((t) => String(t['t'])).filter((t) => t.startsWith('gold__')).map((t) => t.slice('gold__'.length)));
  return { stateId: String(get('state_id')), datasets, models, durations, checks, goldTables };
}

/** An incremental run's state, its tables already appended to (silver) and maintained (gold): the datasets
 * rebuilt in full and the models recomputed in full replaced, the tables of models no longer built dropped,
 * the new counts, checks and model hashes, then detached. */
export async function finishStateCopy(engine: Engine, content: StateContent, rebuilt: string[], recomputed: string[], stale: string[]): Promise<void> {
  for (const d of rebuilt) {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${stateSilver(d)} AS SELECT * FROM silver.${ident(d)}`);
    await engine.exec(sql`CREATE OR REPLACE TABLE ${stateQuarantine(d)} AS SELECT * FROM quarantine.${ident(d)}`);
  }
  for (const m of [...recomputed].sort()) {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${stateGold(CATALOG, m)} AS SELECT * FROM ${qualified('gold', m)}`);
  }
  for (const m of [...stale].sort()) await engine.exec(sql`DROP TABLE IF EXISTS ${stateGold(CATALOG, m)}`);
  await writeMeta(engine, content);
  await detach(engine);
}

/** Detach the state (a run that falls back to a full rebuild, or stops). */
export async function closeState(engine: Engine): Promise<void> {
  await engine.exec(sql`DETACH DATABASE IF EXISTS ${ident(CATALOG)}`);
}

export async function removeStateFile(file: string): Promise<void> {
  for (const f of [file, `${file}.wal`]) if (existsSync(f)) await rm(f, { force: true });
}
