// What the models read, checked before any data: every staging and gold model is bound by DuckDB
// against empty tables shaped by the contracts (each dataset's properties, typed as the row pass
// types them). A model that reads a property no contract declares — renamed, removed, misspelled —
// becomes a problem with the model's file:line and a hint naming the datasets it reads, at
// `etl contracts lint` and at the start of `etl run`, instead of a binder error halfway through a run.
import type { LogicalType } from '../contracts/model.ts';
import type { BindContract } from './binding-view.ts';
import type { Problem } from '../contracts/problem.ts';
import { sqlTypeOf } from '../checks/cast-value.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { ident, join, qualified, sql, trusted } from '../sql/sql.ts';
import { orderModels, readModels, renderModel, stripCommentsAndStrings, type GoldModel, type ModelVar } from './gold-models.ts';
import type { PipelineDirs } from './pipeline-dirs.ts';
import { CANONICAL_COLUMNS, DERIVED_COLUMNS } from './canonical-columns.ts';
import { createAbsentConformedView } from './conform.ts';
import { readStagingModels, renderStagingModel, type StagingModel } from './staging.ts';

export interface BindInput {
  contracts: BindContract[];
  dirs: PipelineDirs;
  vars: Record<string, ModelVar>;
}

/** Columns of each dataset as the row pass builds them: the union of its source and silver properties,
 * the latest layer's type winning. */
export function datasetColumns(contracts: readonly BindContract[]): Map<string, Map<string, LogicalType>> {
  const out = new Map<string, Map<string, LogicalType>>();
  const order = { source: 0, silver: 1, gold: 2 } as const;
  for (const c of [...contracts].filter((x) => x.layer !== 'gold').sort((a, b) => order[a.layer] - order[b.layer])) {
    const cols = out.get(c.dataset) ?? new Map<string, LogicalType>();
    for (const p of c.properties) cols.set(p.name, p.logicalType);
    out.set(c.dataset, cols);
  }
  return out;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The line of the first whole-word use of `name` in the model (comments and strings ignored). */
function lineOfName(text: string, name: string): number | undefined {
  const code = stripCommentsAndStrings(text);
  const re = new RegExp(`(?<![A-Za-z0-9_])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(?![A-Za-z0-9_])`);
  const m = re.exec(code);
  return m ? lineOf(code, m.index) : undefined;
}

function bindProblem(model: { name: string; file: string; text: string }, kind: 'gold' | 'staging', reads: string[], e: unknown): Problem {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  const column = /column "([^"]+)"|column named "([^"]+)"|"([^"]+)" not found/i.exec(message);
  const name = column?.[1] ?? column?.[2] ?? column?.[3];
  const line = name ? lineOfName(model.text, name) : undefined;
  const from = reads.length ? reads.map((r) => (kind === 'gold' ? `conformed.${r}` : `raw.${r}`)).join(', ') : 'its inputs';
  return {
    code: 'MODEL_INVALID',
    severity: 'error',
    file: model.file,
    ...(line === undefined ? {} : { line }),
    message: name
      ? `${kind} model ${model.name} reads "${name}", which none of ${from} provides`
      : `${kind} model ${model.name} does not bind: ${message.replace(/^Binder Error:\s*/, '')}`,
    hint: name
      ? `a property a model reads was renamed or removed: declare "${name}" in the contract of the dataset it belongs to (map a differently named file column with physicalName), or change the model`
      : 'fix the model or the contracts it reads',
  };
}

/**
 * Canonical columns a dataset's contracts do not declare. The conformed view carries them as NULL so
 * that the models bind, which is right for what a shop may lack (loyalty tiers, brands, a price on the
 * order line) but would hide a renamed key or category: those are errors naming the model and line
 * that reads them; the others are warnings naming the models that will read NULL.
 */
function canonicalGaps(contracts: readonly BindContract[], columns: Map<string, Map<string, LogicalType>>, gold: GoldModel[]): Problem[] {
  const out: Problem[] = [];
  for (const [dataset, cols] of columns) {
    const canonical = CANONICAL_COLUMNS[dataset];
    if (!canonical) continue;
    const derived = new Set((DERIVED_COLUMNS[dataset] ?? []).filter((d) => cols.has(d.from)).map((d) => d.name));
    const contract = contracts.find((c) => c.dataset === dataset && c.layer === 'silver') ?? contracts.find((c) => c.dataset === dataset && c.layer === 'source');
    for (const c of canonical) {
      if (cols.has(c.name) || derived.has(c.name)) continue;
      const readers = gold.filter((m) => m.sources.includes(dataset) && lineOfName(m.text, c.name) !== undefined);
      if (readers.length === 0) continue;
      if ((REQUIRED_CANONICAL[dataset] ?? []).includes(c.name)) {
        const m = readers[0]!;
        const line = lineOfName(m.text, c.name);
        out.push({
          code: 'MODEL_INVALID',
          severity: 'error',
          file: m.file,
          ...(line === undefined ? {} : { line }),
          message: `gold model ${m.name} reads ${dataset}.${c.name}, which no contract of ${dataset} declares${readers.length > 1 ? ` (also read by ${readers.slice(1).map((r) => r.name).join(', ')})` : ''}`,
          hint: `a property the models read was renamed or removed: declare ${c.name} in ${contract?.file ?? `the contracts of ${dataset}`} (map a differently named file column to it with physicalName)`,
        });
      } else {
        out.push({
          code: 'MODEL_INVALID',
          severity: 'warning',
          file: contract?.file ?? dataset,
          ...(contract?.loc.line ? { line: contract.loc.line } : {}),
          message: `${dataset} declares no ${c.name}: ${readers.map((r) => r.name).join(', ')} read it as NULL`,
          hint: `declare ${c.name} if the shop has it (physicalName maps a file column to it); see pipeline/README.md for what each model does without it`,
        });
      }
    }
  }
  return out;
}

/** Canonical columns a dataset cannot do without when the models read it (keys, quantities, dates, category). */
const REQUIRED_CANONICAL: Readonly<Record<string, readonly string[]>> = {
  orders: ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date'],
  customers: ['customer_id'],
  products: ['product_id', 'category'],
  inventory: ['product_id', 'warehouse_id', 'stock_quantity', 'last_updated'],
};

function problemOf(e: EtlError, file: string): Problem {
  const line = e.location?.line;
  return { code: 'MODEL_INVALID', severity: 'error', file: e.location?.file ?? file, ...(line ? { line } : {}), message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

/** Bind every model; returns the problems (empty when every model binds). */
export async function bindModels(engine: Engine, input: BindInput): Promise<Problem[]> {
  const problems: Problem[] = [];
  const columns = datasetColumns(input.contracts);
  const staging = await readStagingModels(input.dirs.pipeline);
  const staged = new Set(staging.map((m) => m.name));
  const rawSources = new Set(staging.flatMap((m) => m.reads));
  for (const schema of ['raw', 'conformed', 'gold', 'bronze']) await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);

  const typed = (cols: Map<string, LogicalType>, lineage: boolean) =>
    join(
      [
        ...[...cols].map(([n, t]) => sql`CAST(NULL AS ${sqlTypeOf(t)}) AS ${ident(n)}`),
        ...(lineage ? [trusted(`CAST(NULL AS VARCHAR) AS "_source_file"`), trusted(`CAST(NULL AS BIGINT) AS "_record_number"`)] : []),
      ],
      ', ',
    );

  for (const [dataset, cols] of columns) {
    if (rawSources.has(dataset)) await engine.exec(sql`CREATE OR REPLACE TABLE ${qualified('raw', dataset)} AS SELECT ${typed(cols, true)} LIMIT 0`);
    // As the run's conformed view: the contract's columns, derived ones, and the canonical columns the
    // shop lacks as typed NULLs (src/stages/conform.ts).
    const select = [...cols].map(([n, t]) => sql`CAST(NULL AS ${sqlTypeOf(t)}) AS ${ident(n)}`);
    const present = new Set(cols.keys());
    for (const d of DERIVED_COLUMNS[dataset] ?? []) {
      if (present.has(d.from) && !present.has(d.name)) {
        select.push(sql`CAST(NULL AS VARCHAR) AS ${ident(d.name)}`);
        present.add(d.name);
      }
    }
    for (const c of CANONICAL_COLUMNS[dataset] ?? []) if (!present.has(c.name)) select.push(sql`CAST(NULL AS ${trusted(c.type)}) AS ${ident(c.name)}`);
    if (select.length > 0) await engine.exec(sql`CREATE OR REPLACE TABLE ${qualified('conformed', dataset)} AS SELECT ${join(select, ', ')} LIMIT 0`);
  }

  // Staging models: bind on the raw views, and produce what the canonical silver contract requires.
  for (const m of staging) {
    if (!m.reads.every((r) => columns.has(r))) continue; // an unknown raw source is reported by checkStagingModels
    try {
      const out = (await engine.describe(sql`SELECT * FROM (${renderStagingModel(m, input.vars)})`)).map((c) => c.name);
      const required = input.contracts
        .filter((c) => c.dataset === m.name && c.layer !== 'gold')
        .flatMap((c) => c.properties.filter((p) => p.required || p.primaryKey).map((p) => ({ p, c })));
      for (const { p, c } of required) {
        if (!out.includes(p.name)) {
          problems.push({
            code: 'MODEL_INVALID',
            severity: 'error',
            file: m.file,
            message: `staging model ${m.name} does not produce the required property ${p.name} (${c.file}:${p.loc.line ?? 1})`,
            hint: `select a column named ${p.name}, or make the property optional in the contract`,
          });
        }
      }
      for (const lineage of ['_source_file', '_record_number']) {
        if (!out.includes(lineage)) {
          problems.push({ code: 'MODEL_INVALID', severity: 'error', file: m.file, message: `staging model ${m.name} does not select ${lineage}`, hint: 'select the lineage of the raw record each row comes from, so a quarantined row points at its raw line' });
        }
      }
    } catch (e) {
      problems.push(e instanceof EtlError && e.code === 'MODEL_INVALID' ? problemOf(e, m.file) : bindProblem(m, 'staging', m.reads, e));
    }
  }

  // Gold models, in dependency order; a model whose dataset is absent from the contracts is skipped
  // (as in a run), and so is every model that depends on a skipped or unbindable one.
  let gold: GoldModel[];
  try {
    gold = orderModels(await readModels(input.dirs.models));
  } catch (e) {
    if (e instanceof EtlError) return [...problems, problemOf(e, input.dirs.models)];
    throw e;
  }
  problems.push(...canonicalGaps(input.contracts, columns, gold));
  const available = new Set([...columns.keys(), ...staged]);
  // A source a model reads optionally reads as an empty canonical view when absent (as in gold.ts).
  for (const d of new Set(gold.flatMap((m) => m.optional.filter((x) => m.sources.includes(x) && !available.has(x))))) {
    await createAbsentConformedView(engine, d);
  }
  const blocked = new Set<string>();
  for (const m of gold) {
    const missing = [...m.sources.filter((x) => !m.optional.includes(x)), ...m.requires].some((x) => !available.has(x));
    if (missing || m.dependsOn.some((d) => blocked.has(d))) {
      blocked.add(m.name);
      continue;
    }
    try {
      await engine.exec(sql`CREATE OR REPLACE TABLE ${qualified('gold', m.name)} AS SELECT * FROM (${renderModel(m, input.vars)}) LIMIT 0`);
    } catch (e) {
      blocked.add(m.name);
      problems.push(e instanceof EtlError && e.code === 'MODEL_INVALID' ? problemOf(e, m.file) : bindProblem(m, 'gold', m.sources, e));
    }
  }
  return problems;
}

export type { StagingModel };
