// Staging models: pipeline/staging/<dataset>.sql shapes raw sources into a canonical dataset, for shops
// whose files do not map one to one onto orders/customers/products/inventory (a header file and a
// lines file; customers only inside order lines).
//
// A staging model is one SELECT over `raw.<source>` views: the typed rows of a raw source that passed
// its own source contract, with their lineage (`_source_file`, `_record_number`). The model must
// select the lineage of the raw record each output row comes from; its output becomes the canonical
// dataset's bronze relation (every column as text), which then meets that dataset's silver contract
// like any file would. So a quarantined staged row points at the raw record it came from.
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { ident, join as joinSql, literal, qualified, sql, trusted, type Sql } from '../sql/sql.ts';
import { renderModel, stripCommentsAndStrings, type ModelVar } from './gold-models.ts';
import type { BronzeResult } from './bronze.ts';

export interface StagingModel {
  /** The canonical dataset it produces (the file name). */
  name: string;
  file: string;
  text: string;
  /** raw.<source> references, sorted. */
  reads: string[];
}

export const STAGING_DIR = 'staging';
const MODEL_NAME = /^[a-z_][a-z0-9_]*$/;
const REFERENCE = /(?<![\w"])"?(raw|gold|conformed|silver|bronze|quarantine)"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;
/** Table functions and statements that would read or write outside the raw views. */
const FORBIDDEN = /\b(read_csv|read_csv_auto|read_json|read_json_auto|read_ndjson|read_parquet|read_text|read_blob|parquet_scan|glob|copy|attach|install|load|pragma|export|import|call|insert|update|delete|create|drop|alter|set)\b/i;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Parse one staging model: one SELECT (optionally WITH) that reads raw.<source> views only. */
export function parseStagingModel(name: string, file: string, text: string): StagingModel {
  if (!MODEL_NAME.test(name)) {
    throw new EtlError('MODEL_INVALID', `staging model name "${name}" is not lower_snake_case`, { location: { file }, hint: 'name the file after the canonical dataset it produces, e.g. orders.sql' });
  }
  const code = stripCommentsAndStrings(text);
  const body = code.trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(body)) {
    throw new EtlError('MODEL_INVALID', `staging model ${name} must be one SELECT (optionally WITH …)`, { location: { file }, hint: 'a staging model holds a single query over raw.<source> views' });
  }
  if (body.includes(';')) {
    throw new EtlError('MODEL_INVALID', `staging model ${name} holds more than one statement`, { location: { file, line: lineOf(code, code.indexOf(';')) }, hint: 'keep one query per model file' });
  }
  const forbidden = FORBIDDEN.exec(code);
  if (forbidden) {
    throw new EtlError('MODEL_INVALID', `staging model ${name} uses ${forbidden[1]}: a staging model only reads raw.<source> views`, {
      location: { file, line: lineOf(code, forbidden.index) },
      hint: 'declare every file as a raw source with its own source contract and read it as raw.<source>',
    });
  }
  const reads = new Set<string>();
  for (const m of code.matchAll(REFERENCE)) {
    const schema = m[1]!.toLowerCase();
    if (schema !== 'raw') {
      throw new EtlError('MODEL_INVALID', `staging model ${name} reads ${schema}.${m[2]}: staging models read raw.<source> views only`, {
        location: { file, line: lineOf(code, m.index) },
        hint: 'a raw source is a dataset with a source contract; read it as raw.<its dataset name>',
      });
    }
    reads.add(m[2]!);
  }
  if (reads.size === 0) {
    throw new EtlError('MODEL_INVALID', `staging model ${name} reads no raw source`, { location: { file }, hint: 'read at least one raw.<source> view' });
  }
  return { name, file, text, reads: [...reads].sort() };
}

/** Every pipeline/staging/*.sql, sorted by name; no folder means no staging models. */
export async function readStagingModels(pipelineDir: string): Promise<StagingModel[]> {
  const dir = join(pipelineDir, STAGING_DIR);
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const models: StagingModel[] = [];
  for (const f of names) {
    const file = join(dir, f);
    models.push(parseStagingModel(f.slice(0, -'.sql'.length), file, await readFile(file, 'utf8')));
  }
  return models;
}

/** Check the models against the contract set: each reads known raw sources and produces a dataset
 * that has a silver contract and no file of its own. Problems are MODEL_INVALID with the model's line. */
export function checkStagingModels(models: StagingModel[], sources: ReadonlySet<string>, silver: ReadonlySet<string>): void {
  for (const m of models) {
    for (const r of m.reads) {
      if (!sources.has(r)) {
        const at = stripCommentsAndStrings(m.text).search(new RegExp(`raw"?\\s*\\.\\s*"?${r}\\b`));
        throw new EtlError('MODEL_INVALID', `staging model ${m.name} reads raw.${r}, but no source contract declares the dataset ${r}`, {
          location: { file: m.file, ...(at >= 0 ? { line: lineOf(m.text, at) } : {}) },
          hint: `add a source contract with customProperties dataset: ${r} (its file, columns and rules), or fix the name`,
        });
      }
      if (r === m.name) {
        throw new EtlError('MODEL_INVALID', `staging model ${m.name} reads its own dataset`, { location: { file: m.file }, hint: 'name raw sources differently from the canonical dataset they shape' });
      }
    }
    if (!silver.has(m.name)) {
      throw new EtlError('MODEL_INVALID', `staging model ${m.name} produces ${m.name}, which has no silver contract`, {
        location: { file: m.file },
        hint: `add contracts/${m.name}.silver.yaml: the staged rows must meet a silver contract`,
      });
    }
    if (sources.has(m.name)) {
      throw new EtlError('MODEL_INVALID', `dataset ${m.name} has both a source contract and a staging model`, {
        location: { file: m.file },
        hint: 'a canonical dataset is either read from its own file or staged from raw sources, not both',
      });
    }
  }
}

/** The model's SQL with {{ placeholders }} replaced by escaped literals (as for gold models). */
export function renderStagingModel(model: StagingModel, vars: Record<string, ModelVar>): Sql {
  return renderModel(model, vars);
}

/** raw.<source>: the checked, typed rows of a raw source with their lineage. */
export async function exposeRawSource(engine: Engine, dataset: string, silver: Sql): Promise<void> {
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS raw`);
  await engine.exec(sql`CREATE OR REPLACE VIEW ${qualified('raw', dataset)} AS SELECT * FROM ${silver}`);
}

export interface StagedRelation {
  /** bronze.<dataset>: every output column as VARCHAR + _source_file, _record_number. */
  relation: Sql;
  columns: string[];
  records: number;
  /** The raw files the rows point at (for the silver ENUM of source files). */
  files: string[];
}

/** Run a staging model into the canonical dataset's bronze table. */
export async function runStagingModel(engine: Engine, model: StagingModel, vars: Record<string, ModelVar>): Promise<StagedRelation> {
  const query = renderStagingModel(model, vars);
  let described: { name: string; type: string }[];
  try {
    described = await engine.describe(sql`SELECT * FROM (${query})`);
  } catch (e) {
    throw new EtlError('MODEL_INVALID', `staging model ${model.name}: ${firstLine(e)}`, {
      location: { file: model.file },
      hint: 'the model must run on the raw.<source> views, whose columns are the properties of each raw source contract',
      cause: e,
    });
  }
  const names = described.map((c) => c.name);
  const lacking = ['_source_file', '_record_number'].filter((n) => !names.includes(n));
  if (lacking.length > 0) {
    throw new EtlError('MODEL_INVALID', `staging model ${model.name} does not select ${lacking.join(' and ')}`, {
      location: { file: model.file },
      hint: 'select the lineage of the raw record each row comes from (e.g. i._source_file, i._record_number; arg_min(_record_number, _record_number) when grouping), so a quarantined row points at its raw line',
    });
  }
  const relation = qualified('bronze', model.name);
  const cols = described
    .filter((c) => c.name !== '_source_file' && c.name !== '_record_number')
    .map((c) => sql`CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`);
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS bronze`);
  await engine.exec(sql`CREATE OR REPLACE TABLE ${relation} AS
    SELECT ${joinSql(cols, ', ')}, CAST("_source_file" AS VARCHAR) AS "_source_file", CAST("_record_number" AS BIGINT) AS "_record_number"
    FROM (${query})`);
  const [row] = await engine.rows(sql`SELECT count(*) AS n, list(DISTINCT "_source_file" ORDER BY "_source_file") FILTER (WHERE "_source_file" IS NOT NULL) AS files FROM ${relation}`);
  const files = Array.isArray(row?.['files']) ? (row['files'] as unknown[]).map(String) : [];
  return { relation, columns: names.filter((n) => n !== '_source_file' && n !== '_record_number'), records: Number(row?.['n'] ?? 0), files };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** The canonical dataset's bronze, from its staging model: what ingestBronze gives for a file. */
export async function stageBronze(engine: Engine, model: StagingModel, vars: Record<string, ModelVar>): Promise<BronzeResult> {
  const staged = await runStagingModel(engine, model, vars);
  // Imported here, not at the top: binding the models at `etl contracts lint` reads staging.ts, not sources.
  const { textColumn } = await import('../io/read-source.ts');
  const malformedRelation = qualified('bronze', `${model.name}__malformed`);
  await engine.exec(sql`CREATE OR REPLACE TABLE ${malformedRelation} (_source_file VARCHAR, _record_number BIGINT, _raw VARCHAR, _error VARCHAR)`);
  return {
    read: {
      relation: staged.relation,
      malformedRelation,
      columns: staged.columns.map(textColumn),
      records: staged.records,
      malformed: 0,
      files: staged.files,
    },
    relation: staged.relation,
    checks: [],
  };
}
