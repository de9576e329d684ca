// Gold in an incremental run (issue 13): each model's table is kept in the silver state (state.ts,
// `gold__<model>`) with the hash of its rendered SQL, and an incremental run builds each model in one of
// three ways, decided from what changed in what it reads:
//   - reused: none of the columns it reads changed in any relation it reads, and its SQL is the same
//     (an --as-of placeholder renders differently on another day): gold.<model> is a view of the state's table;
//   - maintained: the model is declared `-- @incremental: <key> from <driver>` (with `-- @lookup: <relations>
//     by <columns>` lines) and only its driver and lookups changed: the keys touched by the change are
//     collected, the state's rows of those keys deleted and computed again by the model's own SQL, whose
//     driver reads only the rows of those keys (the model's other inputs are read whole);
//   - recomputed: anything else (another input changed, the SQL differs, no table in the state): the model
//     runs in full, as in a full run, and its table is compared with the state's to know which rows changed.
// What changed is tracked per relation (conformed.<dataset>, gold.<model>) as the rows removed and the rows
// added, in the `delta` schema; a model's readers then look only at the columns they name (a customer's
// premium flag changing on their old order lines touches the models that read is_premium_customer, not the
// daily revenue). The declaration is the steward's promise (pipeline/README.md, "Incremental models"); the
// tests compare every published file with a full rebuild's, byte for byte.
import { createHash } from 'node:crypto';
import type { Engine } from '../engine/engine.ts';
import { ident, join, qualified, sql, trusted, type Sql } from '../sql/sql.ts';
import { stripCommentsAndStrings, type GoldModel } from './gold-models.ts';
import { contentHash } from './publish.ts';

/** The rows of a relation that differ from the last run's: none, unknown (all), or these. */
export type Delta = { kind: 'none' } | { kind: 'all' } | { kind: 'rows'; removed?: Sql; added?: Sql };

export type ModelBuild = 'reused' | 'maintained' | 'recomputed' | 'view';

/** The state's table of a model (in the attached state catalog). */
export const stateGold = (catalog: string, model: string): Sql => qualified(catalog, `gold__${model}`);

/** The hash a model's table is stored with: its SQL as rendered for this run. */
export const modelHash = (query: Sql): string => createHash('sha256').update(query.text).digest('hex');

/** Up to this many rows, a recomputed table is compared with the last run's row by row (its readers then see
 * which columns changed); beyond, only whether it changed. */
const DIFF_ROWS = 100_000;

const REFERENCE = /(?<![\w"])"?(gold|conformed)"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;
const WORD = /"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)/g;
// `*` or `x.*` in a select list, or COLUMNS(…): every column of what it reads.
// What makes a view more than a row-wise projection or filter of what it reads.
const ROW_WISE_NOT = /\b(group\s+by|distinct|over|join|union|except|intersect|limit|having|qualify|window|order\s+by|unnest|range)\b|,\s*(gold|conformed)\s*\.|\b(sum|count|avg|min|max|list|string_agg|array_agg|median|mode|first|last|any_value|histogram|entropy|kurtosis|skewness|product|fsum|favg|sumkahan|(?:approx|arg|bit|bool|quantile|percentile|stddev|var|regr|covar|corr)\w*)\s*\(/i;
// An unqualified `*` in a select list, or COLUMNS(…): every column of everything the model reads.
const EVERY_COLUMN = /(\bselect|\bdistinct|,)\s*\*|\bcolumns\s*\(/i;
// `x.*`: every column of the relation named or aliased x (a CTE's `x.*` expands columns named elsewhere).
const QUALIFIED_STAR = /(?<![\w"])("?)([A-Za-z_][A-Za-z0-9_]*)\1\s*\.\s*\*/g;
// A relation reference and the alias after it (`gold.x AS o`, `gold.x o`).
const ALIASED = /(?<![\w"])"?(gold|conformed)"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?(?:\s+(?:as\s+)?("?)([A-Za-z_][A-Za-z0-9_]*)\3)?/gi;
const NOT_ALIAS = new Set(['on', 'using', 'where', 'group', 'order', 'having', 'limit', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'union', 'except', 'intersect', 'window', 'qualify', 'semi', 'anti', 'asof', 'positional', 'lateral']);

/** The relations whose every column the model may read through a star: 'all' for an unqualified one. */
export function starredRelations(text: string): Set<string> | 'all' {
  const code = stripCommentsAndStrings(text).replace(/\bcount\s*\(\s*\*\s*\)/gi, 'count()');
  if (EVERY_COLUMN.test(code)) return 'all';
  const names = new Map<string, Set<string>>(); // name or alias → relations
  for (const m of code.matchAll(ALIASED)) {
    const relation = `${m[1]!.toLowerCase()}.${m[2]!.toLowerCase()}`;
    const alias = m[4]?.toLowerCase();
    for (const n of [m[2]!.toLowerCase(), ...(alias && !NOT_ALIAS.has(alias) ? [alias] : [])]) (names.get(n) ?? names.set(n, new Set()).get(n)!).add(relation);
  }
  const starred = new Set<string>();
  for (const m of code.matchAll(QUALIFIED_STAR)) for (const r of names.get(m[2]!.toLowerCase()) ?? []) starred.add(r);
  return starred;
}

export class GoldIncremental {
  private readonly deltas = new Map<string, Delta>();
  private readonly columns = new Map<string, string[]>();
  readonly builds: Record<string, ModelBuild> = {};
  /** Models run in full in this run: their tables are written into the state at the end. */
  readonly recomputed = new Set<string>();
  /** Model → hash of its rendered SQL, for every model built (the state's meta at the end). */
  readonly hashes: Record<string, string> = {};

  constructor(
    private readonly catalog: string,
    /** Model → the hash its state table was built with. */
    private readonly stored: Record<string, string>,
    /** Models with a table in the state. */
    private readonly tables: Set<string>,
    /** Each model's build time in the last run (ms): the longest start first. */
    readonly lastMs: Record<string, number> = {},
  ) {}

  /** The relations whose changed rows some model needs (a driver or lookup of a maintained model, what a
   * view reads): a recomputed model's table is compared row by row only when it is one of them or small. */
  private readonly rowsNeeded = new Set<string>();

  /** Tell the build which models there are (before the first build). */
  plan(models: GoldModel[]): void {
    for (const m of models) {
      if (m.incremental) for (const r of [m.incremental.driver, ...m.incremental.lookups.map((l) => l.relation)]) this.rowsNeeded.add(r);
      if (m.view) for (const d of m.dependsOn) this.rowsNeeded.add(`gold.${d}`);
    }
  }

  /** What changed in conformed.<dataset> in this run (set for every dataset before gold runs). */
  setSource(dataset: string, delta: Delta): void {
    this.deltas.set(`conformed.${dataset.toLowerCase()}`, delta);
  }

  private deltaOf(relation: string): Delta {
    // An absent source's empty view, or a model not built: nothing to compare with, nothing changed.
    return this.deltas.get(relation) ?? { kind: 'none' };
  }

  /** The columns of `relation` that the model's text names (all of them where it expands `*`). */
  private async columnsRead(session: Engine, model: GoldModel, relation: string): Promise<string[]> {
    let all = this.columns.get(relation);
    if (!all) {
      const [schema, name] = relation.split('.') as [string, string];
      all = (await session.describe(qualified(schema, name))).map((c) => c.name);
      this.columns.set(relation, all);
    }
    const { starred, words } = this.namesOf(model);
    if (starred === 'all' || starred.has(relation)) return all;
    return all.filter((c) => words.has(c.toLowerCase()));
  }

  /** What a model's text names, read once per model (columnsRead asks once per relation it reads). */
  private readonly names = new Map<string, { starred: Set<string> | 'all'; words: Set<string> }>();
  private namesOf(model: GoldModel): { starred: Set<string> | 'all'; words: Set<string> } {
    let names = this.names.get(model.name);
    if (!names) {
      const code = stripCommentsAndStrings(model.text);
      const words = new Set([...code.matchAll(WORD)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!).toLowerCase()));
      names = { starred: starredRelations(model.text), words };
      this.names.set(model.name, names);
    }
    return names;
  }

  /** The rows (projected on `columns`) that differ between the last run's relation and this run's. */
  private changedRows(delta: Extract<Delta, { kind: 'rows' }>, columns: string[]): Sql {
    const cols = columns.length > 0 ? join(columns.map((c) => ident(c)), ', ') : trusted('1 AS "__row"');
    const empty = (d: Sql | undefined) => d ?? delta.removed ?? delta.added!;
    const of = (d: Sql | undefined) => (d ? sql`SELECT ${cols} FROM ${d}` : sql`SELECT ${cols} FROM ${empty(d)} WHERE FALSE`);
    return sql`(${of(delta.removed)} EXCEPT ALL ${of(delta.added)}) UNION ALL (${of(delta.added)} EXCEPT ALL ${of(delta.removed)})`;
  }

  private async changes(session: Engine, model: GoldModel, relation: string): Promise<boolean> {
    const delta = this.deltaOf(relation);
    if (delta.kind !== 'rows') return delta.kind === 'all';
    const cols = await this.columnsRead(session, model, relation);
    return Boolean(await session.scalar(sql`SELECT EXISTS (${this.changedRows(delta, cols)})`));
  }

  /**
   * Build one model on `session` (its inputs are built): reused, maintained or recomputed (see the head of
   * this file). `render` renders a model's text as this run does (placeholders replaced).
   */
  async build(session: Engine, model: GoldModel, query: Sql, render: (text: string) => Sql): Promise<ModelBuild> {
    const name = model.name;
    const reads = [...model.dependsOn.map((d) => `gold.${d}`), ...model.sources.map((s) => `conformed.${s.toLowerCase()}`)];
    const hash = modelHash(query);
    this.hashes[name] = hash;
    const target = qualified('gold', name);
    if (model.view) {
      await session.exec(sql`CREATE OR REPLACE VIEW ${target} AS ${query}`);
      this.deltas.set(`gold.${name}`, await this.viewDelta(session, model, reads, render));
      return this.done(name, 'view');
    }
    const stored = stateGold(this.catalog, name);
    if (this.stored[name] !== hash || !this.tables.has(name)) return this.recompute(session, name, query, false);
    const changed: string[] = [];
    for (const r of reads) if (await this.changes(session, model, r)) changed.push(r);
    if (changed.length === 0) {
      await session.exec(sql`CREATE OR REPLACE VIEW ${target} AS SELECT * FROM ${stored}`);
      this.deltas.set(`gold.${name}`, { kind: 'none' });
      return this.done(name, 'reused');
    }
    const spec = model.incremental;
    const maintainable = spec !== undefined && changed.every((r) => (r === spec.driver || spec.lookups.some((l) => l.relation === r)) && this.deltaOf(r).kind === 'rows');
    if (!maintainable) return this.recompute(session, name, query, true);
    return this.maintain(session, model, render, changed);
  }

  /** What changed in a view: nothing when nothing it reads changed; for a row-wise view (a projection or
   * filter of one relation: no join, grouping, window or set operation) the view of the rows that changed
   * in that relation; else unknown. */
  private async viewDelta(session: Engine, model: GoldModel, reads: string[], render: (text: string) => Sql): Promise<Delta> {
    const changed = reads.filter((r) => this.deltaOf(r).kind !== 'none');
    if (changed.length === 0) return { kind: 'none' };
    const input = this.deltaOf(changed[0]!);
    if (reads.length !== 1 || input.kind !== 'rows' || ROW_WISE_NOT.test(stripCommentsAndStrings(model.text))) return { kind: 'all' };
    const [, inputName] = reads[0]!.split('.') as [string, string];
    const side = async (rows: Sql | undefined, which: 'removed' | 'added'): Promise<Sql | undefined> => {
      if (!rows) return undefined;
      const scope = `incr_${which}__${model.name}`;
      await session.exec(sql`CREATE SCHEMA IF NOT EXISTS ${ident(scope)}`);
      await session.exec(sql`CREATE OR REPLACE VIEW ${qualified(scope, inputName)} AS SELECT * FROM ${rows}`);
      const view = qualified('delta', `${model.name}__${which}`);
      await session.exec(sql`CREATE OR REPLACE VIEW ${view} AS ${render(redirect(model.text, reads[0]!, scope))}`);
      return view;
    };
    const removed = await side(input.removed, 'removed');
    const added = await side(input.added, 'added');
    return { kind: 'rows', ...(removed ? { removed } : {}), ...(added ? { added } : {}) };
  }

  /** The rows removed and added in a model's table or view since the last run ({}: none; undefined: unknown). */
  rowsChanged(name: string): { removed?: Sql; added?: Sql } | undefined {
    const d = this.deltas.get(`gold.${name}`);
    return d?.kind === 'rows' ? d : d?.kind === 'none' ? {} : undefined;
  }

  /** The model's table holds what the last run published (reused, or recomputed to the same content). */
  unchanged(name: string): boolean {
    return this.builds[name] !== undefined && this.deltas.get(`gold.${name}`)?.kind === 'none';
  }

  private done(name: string, how: ModelBuild): ModelBuild {
    this.builds[name] = how;
    return how;
  }

  private async recompute(session: Engine, name: string, query: Sql, compare: boolean): Promise<ModelBuild> {
    const target = qualified('gold', name);
    await session.exec(sql`CREATE OR REPLACE TABLE ${target} AS ${query}`);
    this.recomputed.add(name);
    if (!compare) {
      this.deltas.set(`gold.${name}`, { kind: 'all' });
      return this.done(name, 'recomputed');
    }
    const stored = stateGold(this.catalog, name);
    // A large table that no model maintains from it: whether it changed is enough (its readers recompute),
    // told by the same content hash as the lake's partitions (count, sum and xor of row hashes).
    if (!this.rowsNeeded.has(`gold.${name}`) && Number(await session.scalar(sql`SELECT count(*) FROM ${target}`)) > DIFF_ROWS) {
      const print = (t: Sql) => sql`SELECT ${contentHash(trusted('r'))} FROM ${t} AS r`;
      const same = Boolean(await session.scalar(sql`SELECT (${print(target)}) = (${print(stored)})`));
      this.deltas.set(`gold.${name}`, same ? { kind: 'none' } : { kind: 'all' });
      return this.done(name, 'recomputed');
    }
    const removed = qualified('delta', `${name}__removed`);
    const added = qualified('delta', `${name}__added`);
    await session.exec(sql`CREATE OR REPLACE TABLE ${removed} AS SELECT * FROM ${stored} EXCEPT ALL SELECT * FROM ${target}`);
    await session.exec(sql`CREATE OR REPLACE TABLE ${added} AS SELECT * FROM ${target} EXCEPT ALL SELECT * FROM ${stored}`);
    this.deltas.set(`gold.${name}`, { kind: 'rows', removed, added });
    return this.done(name, 'recomputed');
  }

  private async maintain(session: Engine, model: GoldModel, render: (text: string) => Sql, changed: string[]): Promise<ModelBuild> {
    const spec = model.incremental!;
    const name = model.name;
    const [driverSchema, driverName] = spec.driver.split('.') as [string, string];
    const driver = qualified(driverSchema, driverName);
    const keyCols = join(spec.key.map((k) => ident(k)), ', ');
    const keys = qualified('delta', `${name}__keys`);
    // The keys touched: the driver's changed rows (on the columns the model reads), and the driver rows that
    // match a lookup's changed rows on its `by` columns.
    const parts: Sql[] = [];
    for (const r of changed) {
      const delta = this.deltaOf(r) as Extract<Delta, { kind: 'rows' }>;
      const cols = await this.columnsRead(session, model, r);
      if (r === spec.driver) {
        parts.push(sql`SELECT ${keyCols} FROM (${this.changedRows(delta, [...new Set([...cols, ...spec.key])])})`);
      } else {
        const by = spec.lookups.find((l) => l.relation === r)!.by;
        const byCols = join(by.map((b) => ident(b)), ', ');
        parts.push(sql`SELECT ${keyCols} FROM ${driver} WHERE (${byCols}) IN (SELECT ${byCols} FROM (${this.changedRows(delta, [...new Set([...cols, ...by])])}))`);
      }
    }
    await session.exec(sql`CREATE OR REPLACE TABLE ${keys} AS SELECT DISTINCT * FROM (${join(parts, ' UNION ALL ')})`);
    const withNull = Boolean(await session.scalar(sql`SELECT EXISTS (SELECT 1 FROM ${keys} WHERE ${join(spec.key.map((k) => sql`${ident(k)} IS NULL`), ' OR ')})`));
    // (k) IN (…) runs as a filtered scan; a NULL key (which IN never matches) takes the slower exact join.
    const match = (alias: string) => {
      const cols = join(spec.key.map((k) => qualified(alias, k)), ', ');
      const exact = sql`(${cols}) IN (SELECT ${keyCols} FROM ${keys})`;
      if (!withNull) return exact;
      const same = join(spec.key.map((k) => sql`${qualified('__k', k)} IS NOT DISTINCT FROM ${qualified(alias, k)}`), ' AND ');
      return sql`(${exact} OR EXISTS (SELECT 1 FROM ${keys} AS "__k" WHERE ${same}))`;
    };
    // The driver as the model reads it, restricted to the touched keys: a view of the same name in a schema
    // of this model's own, which the model's text is pointed at.
    const scope = `incr__${name}`;
    await session.exec(sql`CREATE SCHEMA IF NOT EXISTS ${ident(scope)}`);
    await session.exec(sql`CREATE OR REPLACE VIEW ${qualified(scope, driverName)} AS SELECT * FROM ${driver} AS "__d" WHERE ${match('__d')}`);
    const query = render(redirect(model.text, spec.driver, scope));
    const stored = stateGold(this.catalog, name);
    const removed = qualified('delta', `${name}__removed`);
    const added = qualified('delta', `${name}__added`);
    await session.exec(sql`CREATE OR REPLACE TABLE ${removed} AS SELECT * FROM ${stored} AS "__s" WHERE ${match('__s')}`);
    await session.exec(sql`CREATE OR REPLACE TABLE ${added} AS SELECT * FROM (${query}) AS "__m" WHERE ${match('__m')}`);
    await session.exec(sql`DELETE FROM ${stored} AS "__s" WHERE ${match('__s')}`);
    await session.exec(sql`INSERT INTO ${stored} SELECT * FROM ${added}`);
    await session.exec(sql`CREATE OR REPLACE VIEW ${qualified('gold', name)} AS SELECT * FROM ${stored}`);
    this.deltas.set(`gold.${name}`, { kind: 'rows', removed, added });
    return this.done(name, 'maintained');
  }
}

/** The model's text with every reference to `relation` (outside comments and strings) pointed at `schema`. */
export function redirect(text: string, relation: string, schema: string): string {
  const code = stripCommentsAndStrings(text);
  let out = '';
  let at = 0;
  for (const m of code.matchAll(REFERENCE)) {
    if (`${m[1]!.toLowerCase()}.${m[2]!.toLowerCase()}` !== relation) continue;
    out += `${text.slice(at, m.index)}${ident(schema).text}.${ident(m[2]!).text}`;
    at = m.index + m[0].length;
  }
  return out + text.slice(at);
}
