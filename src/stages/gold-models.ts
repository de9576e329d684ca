// The gold model graph: pipeline/models/<name>.sql files → their references (gold.<model>,
// conformed.<dataset>) → a topological order. Pure planning; gold.ts executes the plan.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EtlError } from '../errors.ts';
import { literal, trusted, type Sql } from '../sql/sql.ts';

export interface GoldModel {
  name: string;
  file: string;
  /** The SQL text as written (placeholders not yet replaced). */
  text: string;
  /** gold.<model> references, sorted, self excluded. */
  dependsOn: string[];
  /** conformed.<dataset> references, sorted. */
  sources: string[];
  /** Sources the model reads but can do without (`-- @optional: customers, products`): absent, they read as empty. */
  optional: string[];
  /** Sources the model needs although it reads them through other models (`-- @requires: inventory`). */
  requires: string[];
  /** Kept as a view, not a table (`-- @view`): a projection of another model that its readers scan
   * once each costs less read through than written out. */
  view: boolean;
  /** Maintained by key in incremental runs (`-- @incremental: order_id from conformed.orders`, with
   * `-- @lookup: gold.customer_premium by customer_id` lines): see gold-incremental.ts. */
  incremental?: IncrementalSpec;
}

/** A model whose rows with key k are computed from the driver's rows with key k (the key columns have the
 * same names in both), and from the lookups' rows that match those driver rows on the `by` columns. */
export interface IncrementalSpec {
  key: string[];
  /** `gold.<model>` or `conformed.<dataset>`, lower case. */
  driver: string;
  lookups: { relation: string; by: string[] }[];
}

export type ModelVar = string | number | boolean | readonly string[];

const MODEL_NAME = /^[a-z_][a-z0-9_]*$/;
// schema.name with either part optionally double-quoted ("silver".x must not slip through).
const REFERENCE = /(?<![\w"])"?(gold|conformed|silver|bronze)"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const DIRECTIVE = /^\s*--\s*@(optional|requires)\s*:(.*)$/gm;
const VIEW_DIRECTIVE = /^\s*--\s*@view\s*$/m;
const INCREMENTAL_DIRECTIVE = /^\s*--\s*@incremental\s*:(.*)$/gm;
const LOOKUP_DIRECTIVE = /^\s*--\s*@lookup\s*:(.*)$/gm;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RELATION = /^(gold|conformed)\.([a-z_][a-z0-9_]*)$/;

/** Text with comments and string literals blanked out, so that they never count as references. */
export function stripCommentsAndStrings(text: string): string {
  return text.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Parse one model file: check its shape and collect its references. */
export function parseModel(name: string, file: string, text: string): GoldModel {
  if (!MODEL_NAME.test(name)) {
    throw new EtlError('MODEL_INVALID', `model name "${name}" is not lower_snake_case`, { location: { file }, hint: 'rename the file to <lower_snake_case>.sql' });
  }
  const code = stripCommentsAndStrings(text);
  const body = code.trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(body)) {
    throw new EtlError('MODEL_INVALID', `model ${name} must be one SELECT (optionally WITH …)`, { location: { file }, hint: 'a model file holds a single query; the runner wraps it in CREATE OR REPLACE TABLE' });
  }
  const semicolon = body.indexOf(';');
  if (semicolon >= 0) {
    throw new EtlError('MODEL_INVALID', `model ${name} holds more than one statement`, { location: { file, line: lineOf(code, code.indexOf(';')) }, hint: 'keep one query per model file' });
  }
  const gold = new Set<string>();
  const sources = new Set<string>();
  for (const m of code.matchAll(REFERENCE)) {
    const schema = m[1]!.toLowerCase();
    const target = m[2]!;
    if (schema === 'silver' || schema === 'bronze') {
      throw new EtlError('MODEL_INVALID', `model ${name} reads ${schema}.${target}: gold models read conformed.* views only`, {
        location: { file, line: lineOf(code, m.index) },
        hint: `use conformed.${target} (PII masked) instead, so raw PII cannot reach a published output`,
      });
    }
    if (schema === 'gold') {
      if (target !== name) gold.add(target);
      else throw new EtlError('MODEL_INVALID', `model ${name} references itself`, { location: { file, line: lineOf(code, m.index) }, hint: 'a model cannot read its own table' });
    } else sources.add(target);
  }
  const directives: Record<'optional' | 'requires', Set<string>> = { optional: new Set(), requires: new Set() };
  for (const m of text.matchAll(DIRECTIVE)) {
    for (const d of m[2]!.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
      if (!MODEL_NAME.test(d)) {
        throw new EtlError('MODEL_INVALID', `model ${name}: "${d}" in @${m[1]} is not a dataset name`, { location: { file, line: lineOf(text, m.index) }, hint: 'write -- @optional: customers, products (dataset names, comma-separated)' });
      }
      directives[m[1] as 'optional' | 'requires'].add(d);
    }
  }
  const view = VIEW_DIRECTIVE.test(text);
  const incremental = parseIncremental(name, file, text, view, new Set([...[...gold].map((g) => `gold.${g}`), ...[...sources].map((s) => `conformed.${s.toLowerCase()}`)]));
  return {
    name, file, text, dependsOn: [...gold].sort(), sources: [...sources].sort(),
    optional: [...directives.optional].sort(), requires: [...directives.requires].sort(),
    view, ...(incremental ? { incremental } : {}),
  };
}

/** `-- @incremental: k1, k2 from gold.x` and `-- @lookup: gold.y, conformed.z by c1, c2` lines. */
function parseIncremental(name: string, file: string, text: string, view: boolean, reads: Set<string>): IncrementalSpec | undefined {
  const heads = [...text.matchAll(INCREMENTAL_DIRECTIVE)];
  const lookupLines = [...text.matchAll(LOOKUP_DIRECTIVE)];
  if (heads.length === 0) {
    if (lookupLines.length > 0) throw new EtlError('MODEL_INVALID', `model ${name} has @lookup lines but no @incremental line`, { location: { file, line: lineOf(text, lookupLines[0]!.index) }, hint: 'write -- @incremental: <key columns> from <gold.model | conformed.dataset> first' });
    return undefined;
  }
  const bad = (m: RegExpMatchArray, message: string, hint: string): never => {
    throw new EtlError('MODEL_INVALID', `model ${name}: ${message}`, { location: { file, line: lineOf(text, m.index!) }, hint });
  };
  const head = heads[0]!;
  if (heads.length > 1) bad(heads[1]!, 'more than one @incremental line', 'keep one: -- @incremental: <key columns> from <relation>');
  if (view) bad(head, 'a view (@view) cannot be @incremental', 'drop one of the two lines');
  const columns = (list: string, m: RegExpMatchArray, what: string) => {
    const cols = list.split(',').map((c) => c.trim().toLowerCase());
    const wrong = cols.find((c) => !COLUMN.test(c));
    if (wrong !== undefined) bad(m, `"${wrong}" in ${what} is not a column name`, 'name columns as plain identifiers, comma-separated');
    return cols;
  };
  const relation = (r: string, m: RegExpMatchArray) => {
    const rel = r.trim().toLowerCase();
    if (!RELATION.test(rel)) bad(m, `"${r.trim()}" is not gold.<model> or conformed.<dataset>`, 'name a relation the model reads, e.g. conformed.orders');
    if (!reads.has(rel)) bad(m, `the model does not read ${rel}`, `name one of: ${[...reads].sort().join(', ')}`);
    return rel;
  };
  const hm = /^(.*)\bfrom\b(.*)$/i.exec(head[1]!.trim());
  if (!hm) return bad(head, '@incremental needs "<key columns> from <relation>"', 'e.g. -- @incremental: order_id from conformed.orders');
  const key = columns(hm[1]!, head, '@incremental');
  const driver = relation(hm[2]!, head);
  const lookups: IncrementalSpec['lookups'] = [];
  for (const m of lookupLines) {
    const lm = /^(.*)\bby\b(.*)$/i.exec(m[1]!.trim());
    if (!lm) bad(m, '@lookup needs "<relations> by <columns>"', 'e.g. -- @lookup: gold.customer_premium by customer_id');
    const by = columns(lm![2]!, m, '@lookup');
    for (const r of lm![1]!.split(',')) {
      const rel = relation(r, m);
      if (rel === driver || lookups.some((l) => l.relation === rel)) bad(m, `${rel} is named twice`, 'name each relation once, in @incremental or in one @lookup');
      lookups.push({ relation: rel, by });
    }
  }
  return { key, driver, lookups };
}

/** Read every pipeline/models/*.sql (sorted by name). */
export async function readModels(pipelineDir: string): Promise<GoldModel[]> {
  const dir = join(pipelineDir, 'models');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  } catch (cause) {
    throw new EtlError('MODEL_INVALID', `cannot read the models folder: ${(cause as Error).message}`, { location: { file: dir }, hint: 'pass --pipeline DIR with a models/ folder of .sql files', cause });
  }
  const models: GoldModel[] = [];
  for (const f of names) {
    const file = join(dir, f);
    models.push(parseModel(f.slice(0, -'.sql'.length), file, await readFile(file, 'utf8')));
  }
  return models;
}

/** Topological order (Kahn, ties by name so the order is deterministic). Unknown refs and cycles are MODEL_INVALID. */
export function orderModels(models: GoldModel[]): GoldModel[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  for (const m of models) {
    for (const d of m.dependsOn) {
      if (!byName.has(d)) {
        throw new EtlError('MODEL_INVALID', `model ${m.name} references gold.${d}, which is not a model`, { location: { file: m.file }, hint: `add pipeline/models/${d}.sql or fix the reference` });
      }
    }
  }
  const remaining = new Map(models.map((m) => [m.name, new Set(m.dependsOn)]));
  const ordered: GoldModel[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([n]) => n).sort();
    if (ready.length === 0) {
      const cycle = [...remaining.keys()].sort();
      throw new EtlError('MODEL_INVALID', `dependency cycle between models: ${cycle.join(', ')}`, { location: { file: byName.get(cycle[0]!)!.file }, hint: 'a model cannot depend, directly or not, on itself' });
    }
    for (const n of ready) {
      ordered.push(byName.get(n)!);
      remaining.delete(n);
      for (const deps of remaining.values()) deps.delete(n);
    }
  }
  return ordered;
}

/** Replace every {{ name }} by the escaped literal of vars[name] (a list becomes `('a', 'b')`, for IN);
 * an unknown placeholder is MODEL_INVALID. */
export function renderModel(model: Pick<GoldModel, 'name' | 'file' | 'text'>, vars: Record<string, ModelVar>): Sql {
  const text = model.text.replace(PLACEHOLDER, (_m, key: string, offset: number) => {
    if (!Object.hasOwn(vars, key)) {
      throw new EtlError('MODEL_INVALID', `model ${model.name} uses the unknown placeholder {{ ${key} }}`, {
        location: { file: model.file, line: lineOf(model.text, offset) },
        hint: `known placeholders: ${Object.keys(vars).sort().join(', ')}`,
      });
    }
    const value = vars[key]!;
    if (typeof value === 'object') return value.length === 0 ? '(NULL)' : `(${value.map((v) => literal(v).text).join(', ')})`;
    return literal(value).text;
  });
  // The model text is the project's own code (pipeline/); values reached it only through literal().
  return trusted(text.trim().replace(/;\s*$/, ''));
}
