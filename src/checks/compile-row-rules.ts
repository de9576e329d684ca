// Row rules of one dataset: from its source + silver contracts to a plan of SQL predicates over the
// labelling relation built by build-enforce-sql.ts. Pure: no engine, no data.
//
// Every name in the labelling relation is positional (pass-columns.ts: `__o3` raw text of property 3,
// `__t3` its typed value …), so a contract's column names reach SQL only as quoted aliases of the
// final silver/quarantine SELECTs: a hostile name cannot collide with, or change, the plan.
import { compileExpression } from '../expr/index.ts';
import { EtlError } from '../errors.ts';
import { parseIsoDate } from '../as-of.ts';
import { sql, type Sql } from '../sql/sql.ts';
import { LINEAGE_COLUMNS, type Contract, type CustomRowRule, type FilterRule, type Layer, type LogicalType, type Property, type Relationship, type Severity } from '../contracts/model.ts';
import { castValue, describeType, hasTypeCheck, sqlTypeOf } from './cast-value.ts';
import { passColumn } from './pass-columns.ts';
import { declaredPropertyRules, PROPERTY_RULES, RECORD_RULES, type RuleKind, type ValueSql } from './rule-kinds.ts';

/** One declared property (the union over the dataset's contracts, in contract order). */
export interface PlannedColumn {
  name: string;
  index: number;
  logicalType: LogicalType;
  /** false when the bronze relation lacks the column: it reads as all-NULL. */
  present: boolean;
  /** Alias of the raw text in the labelling relation. */
  raw: Sql;
  /** Alias of the typed value. */
  typed: Sql;
  /** Expression computing the typed value from the raw alias. */
  cast: Sql;
  /** date/timestamp/time: the declared JDK-style format (ISO 8601 without one). */
  dateFormat?: string;
  sqlType: Sql;
}

/** A LEFT JOIN to a referenced silver relation, for a foreign key and cross-table predicates. */
export interface PlannedJoin {
  index: number;
  relationship: Relationship;
  relation: Sql;
  from: PlannedColumn[];
  /** Referenced columns read by custom predicates (besides the key). */
  columns: string[];
  /** Alias that is TRUE when the key was found. */
  found: Sql;
  /** The referenced columns are a key of the relation, of the same types: it joins as is, without grouping. */
  unique: boolean;
}

export interface RowRule {
  id: string;
  rule: RuleKind;
  property?: string;
  severity: Severity;
  /** The human reason written next to quarantined rows. */
  description: string;
  /** TRUE when the row BREAKS the rule (never NULL). */
  predicate: Sql;
  layer: Layer;
  contract?: { file: string; line?: number };
}

/** A rule that could not be compiled (bad pattern, unknown column, missing reference): reported, not run. */
export interface UnrunnableRule {
  id: string;
  rule: RuleKind;
  property?: string;
  severity: Severity;
  description: string;
  layer: Layer;
  status: 'error' | 'skipped';
  message: string;
  contract?: { file: string; line?: number };
}

export interface RowRulePlan {
  dataset: string;
  columns: PlannedColumn[];
  /** Bronze columns the contracts do not declare: kept (raw) in quarantine, dropped from silver. */
  extras: { name: string; raw: Sql }[];
  joins: PlannedJoin[];
  primaryKey: PlannedColumn[];
  /** `unique: true` columns that are not the whole primary key. */
  uniques: PlannedColumn[];
  rules: RowRule[];
  unrunnable: UnrunnableRule[];
  /** Layer and contract of each column's declaration, for field_present results. */
  declaredIn: Map<string, { layer: Layer; file: string; line?: number }>;
}

export interface CompileRowRulesInput {
  dataset: string;
  contracts: Contract[];
  /** Column names of the bronze relation (lineage columns may be included; they are ignored). */
  bronzeColumns: string[];
  /** dataset → its silver relation. */
  refs: Record<string, Sql>;
  /** Column names of each ref relation, when known: references to absent columns become unrunnable rules. */
  refColumns?: Record<string, string[]>;
  /** DuckDB type of each column of each ref relation, when known. */
  refTypes?: Record<string, Record<string, string>>;
  /** Columns whose non-NULL values are unique in each ref relation (a silver table's enforced key). */
  refKeys?: Record<string, string[]>;
  asOf: string;
  /** Returns an error message when DuckDB cannot compile a regex (checked by the caller, see enforce.ts). */
  checkPattern?: (pattern: string) => string | undefined;
}

export { LINEAGE_COLUMNS } from '../contracts/model.ts';

const LAYER_ORDER: Record<Layer, number> = { source: 0, silver: 1, gold: 2 };

export function asOfLiteral(asOf: string): Sql {
  if (parseIsoDate(asOf) === undefined) {
    throw new EtlError('USAGE_INVALID', `as-of date '${asOf}' is not a YYYY-MM-DD date`, { hint: 'pass --as-of YYYY-MM-DD' });
  }
  return sql`DATE ${asOf}`;
}

export function ruleIdOf(dataset: string, id: string): string {
  return id.startsWith(`${dataset}.`) ? id : `${dataset}.${id}`;
}

const isNumeric = (t: LogicalType): boolean => t === 'integer' || t === 'number';

/** The contract whose primary key the row pass enforces: the latest layer that declares one. */
function keyedContract(contracts: Contract[]): Contract | undefined {
  return [...contracts].sort((a, b) => LAYER_ORDER[a.layer] - LAYER_ORDER[b.layer]).reverse().find((c) => c.primaryKey.length > 0);
}

/** The primary key the row pass enforces for a dataset: the silver contract's, else the source's. */
export function enforcedKey(contracts: Contract[]): string[] {
  return keyedContract(contracts)?.primaryKey ?? [];
}

/** Compile the row rules of one dataset. Throws only for a bad --as-of; rule problems become `unrunnable`. */
export function compileRowRules(input: CompileRowRulesInput): RowRulePlan {
  const { dataset } = input;
  const contracts = [...input.contracts].sort((a, b) => LAYER_ORDER[a.layer] - LAYER_ORDER[b.layer]);
  const present = new Set(input.bronzeColumns);
  const asOf = asOfLiteral(input.asOf);

  // Columns: union of declared properties; the latest layer that declares a property sets its type.
  const byName = new Map<string, PlannedColumn>();
  const declaredIn = new Map<string, { layer: Layer; file: string; line?: number }>();
  for (const c of contracts) {
    for (const p of c.properties) {
      const existing = byName.get(p.name);
      const index = existing?.index ?? byName.size;
      const raw = passColumn.raw(index);
      // A format written in one layer holds for the others (the source contract usually carries it).
      const dateFormat = p.dateFormat ?? existing?.dateFormat;
      byName.set(p.name, {
        name: p.name,
        index,
        logicalType: p.logicalType,
        present: present.has(p.name),
        raw,
        typed: passColumn.typed(index),
        cast: castValue(raw, p.logicalType, dateFormat),
        ...(dateFormat !== undefined ? { dateFormat } : {}),
        sqlType: sqlTypeOf(p.logicalType),
      });
      if (!declaredIn.has(p.name)) declaredIn.set(p.name, { layer: c.layer, file: c.file, line: p.loc.line });
    }
  }
  const columns = [...byName.values()];
  const extras = input.bronzeColumns
    .filter((n) => !byName.has(n) && !LINEAGE_COLUMNS.has(n))
    .map((name, i) => ({ name, raw: passColumn.extra(i) }));

  const rules: RowRule[] = [];
  const unrunnable: UnrunnableRule[] = [];
  const seen = new Map<string, string>();
  const addRule = (r: RowRule): void => {
    const prior = seen.get(r.id);
    if (prior !== undefined) {
      if (prior === r.predicate.text) return; // same rule declared in source and silver: run it once
      let id = `${r.id}.${r.layer}`;
      for (let n = 2; seen.has(id); n++) id = `${r.id}.${r.layer}${n}`;
      r = { ...r, id };
    }
    seen.set(r.id, r.predicate.text);
    rules.push(r);
  };

  // Type casts, once per column, attributed to the contract whose type was used.
  const typeDone = new Set<string>();
  for (const c of [...contracts].reverse()) {
    for (const p of c.properties) {
      const col = byName.get(p.name)!;
      if (typeDone.has(p.name)) continue;
      typeDone.add(p.name);
      if (!hasTypeCheck(col.logicalType)) continue;
      addRule({
        id: `${dataset}.${p.name}.type`,
        rule: 'type',
        property: p.name,
        severity: p.severity,
        description: RECORD_RULES.type.describe(p.name, describeType(col.logicalType, col.dateFormat)),
        predicate: RECORD_RULES.type.predicate(valueOf(col)),
        layer: c.layer,
        contract: { file: c.file, line: p.loc.line },
      });
    }
  }

  for (const c of contracts) {
    for (const p of c.properties) compilePropertyRules(c, p, byName.get(p.name)!, input, addRule, unrunnable);
  }

  // Primary key and unique columns: the silver contract's key wins over the source's.
  const keyed = keyedContract(contracts);
  const primaryKey = (keyed?.primaryKey ?? []).map((n) => byName.get(n)).filter((c): c is PlannedColumn => c !== undefined);
  if (keyed && primaryKey.length > 0) {
    addRule({
      id: `${dataset}.duplicate_key`,
      rule: 'duplicate_key',
      severity: 'error',
      description: RECORD_RULES.duplicate_key.describe(primaryKey.map((c) => c.name)),
      predicate: RECORD_RULES.duplicate_key.predicate(primaryKey.map((k) => k.typed), passColumn.keyConflict),
      layer: keyed.layer,
      contract: { file: keyed.file, line: keyed.loc.line },
    });
  }
  const uniques: PlannedColumn[] = [];
  for (const c of contracts) {
    for (const p of c.properties) {
      const unique = PROPERTY_RULES.find((d) => d.kind === 'unique')!.on(p);
      if (!unique) continue;
      const col = byName.get(p.name)!;
      // A one-column primary key is unique already (duplicate_key).
      if (primaryKey.length === 1 && primaryKey[0] === col) continue;
      if (!uniques.includes(col)) uniques.push(col);
      addRule({
        id: `${dataset}.${p.name}.unique`,
        rule: 'unique',
        property: p.name,
        severity: p.severity,
        description: unique.describe(p.name),
        predicate: unique.predicate(valueOf(col)),
        layer: c.layer,
        contract: { file: c.file, line: p.loc.line },
      });
    }
  }

  // Relationships: one LEFT JOIN each, on the referenced silver relation.
  const joins: PlannedJoin[] = [];
  for (const c of contracts) {
    for (const rel of c.relationships) {
      const id = ruleIdOf(dataset, rel.id);
      const fromText = rel.from.length === 1 ? rel.from[0]! : `(${rel.from.join(', ')})`;
      const toText = rel.to.length === 1 ? `${rel.toDataset}.${rel.to[0]}` : `${rel.toDataset}.(${rel.to.join(', ')})`;
      const description = RECORD_RULES.relationship.describe(rel.from, rel.toDataset, rel.to);
      const base = { id, rule: 'relationship' as const, severity: rel.severity, description, layer: c.layer, contract: { file: c.file, line: rel.loc.line } };
      if (rel.from.length === 1) Object.assign(base, { property: rel.from[0] });
      const from = rel.from.map((n) => byName.get(n));
      const relation = Object.hasOwn(input.refs, rel.toDataset) ? input.refs[rel.toDataset] : undefined;
      if (from.some((f) => f === undefined) || rel.from.length !== rel.to.length) {
        unrunnable.push({ ...base, status: 'error', message: `relationship columns ${fromText} are not all declared properties of ${dataset}, or do not match ${toText}` });
        continue;
      }
      if (!relation) {
        unrunnable.push({ ...base, status: 'skipped', message: `referenced dataset ${rel.toDataset} is not available` });
        continue;
      }
      const known = input.refColumns?.[rel.toDataset];
      const absent = known ? rel.to.filter((t) => !known.includes(t)) : [];
      if (absent.length > 0) {
        unrunnable.push({ ...base, status: 'error', message: `${rel.toDataset} has no column ${absent.join(', ')}` });
        continue;
      }
      const fromColumns = from as PlannedColumn[];
      const key = input.refKeys?.[rel.toDataset];
      const types = input.refTypes?.[rel.toDataset];
      const unique =
        key !== undefined && types !== undefined && key.length === rel.to.length && key.every((k) => rel.to.includes(k)) &&
        rel.to.every((t, i) => types[t] === fromColumns[i]!.sqlType.text);
      const j: PlannedJoin = { index: joins.length, relationship: rel, relation, from: fromColumns, columns: [], found: passColumn.joinFound(joins.length), unique };
      joins.push(j);
      addRule({
        ...base,
        predicate: RECORD_RULES.relationship.predicate(j.from.map((f) => f.typed), j.found),
      });
    }
  }

  // Custom row predicates (src/expr), cross-table references through the joins above.
  for (const c of contracts) {
    for (const r of c.properties.flatMap((p) => p.quality).concat(c.quality)) {
      if (r.type === 'custom-row' || r.type === 'filter') compileCustomRule(c, r, { dataset, byName, joins, asOf, refColumns: input.refColumns }, addRule, unrunnable);
    }
  }

  return { dataset, columns, extras, joins, primaryKey, uniques, rules, unrunnable, declaredIn };
}

/** The property rules of the rule table that a property declares (unique is added with the keys). */
function compilePropertyRules(
  c: Contract,
  p: Property,
  col: PlannedColumn,
  input: CompileRowRulesInput,
  addRule: (r: RowRule) => void,
  unrunnable: UnrunnableRule[],
): void {
  const { dataset } = input;
  const v = valueOf(col);
  const base = { property: p.name, severity: p.severity, layer: c.layer, contract: { file: c.file, line: p.loc.line } };
  for (const r of declaredPropertyRules(p, { unique: false })) {
    const rule = { ...base, id: `${dataset}.${p.name}.${r.kind}`, rule: r.kind, description: r.describe(p.name) };
    const problem = r.unrunnable(input.checkPattern ? { checkPattern: input.checkPattern } : {});
    if (problem) unrunnable.push({ ...rule, status: 'error', message: problem });
    else addRule({ ...rule, predicate: r.predicate(v) });
  }
}

/** A planned column as the rule table reads it: raw text ('' is missing), typed value, unique flag. */
function valueOf(col: PlannedColumn): ValueSql {
  const text = sql`NULLIF(${col.raw}, '')`;
  return {
    value: text,
    text,
    typed: col.typed,
    numeric: isNumeric(col.logicalType),
    shared: passColumn.uniqueShared(col.index),
  };
}

interface CustomScope {
  dataset: string;
  byName: Map<string, PlannedColumn>;
  joins: PlannedJoin[];
  asOf: Sql;
  refColumns: Record<string, string[]> | undefined;
}

function compileCustomRule(c: Contract, r: CustomRowRule | FilterRule, scope: CustomScope, addRule: (r: RowRule) => void, unrunnable: UnrunnableRule[]): void {
  const id = ruleIdOf(scope.dataset, r.id);
  const filter = r.type === 'filter';
  const base = {
    id,
    rule: filter ? ('filter' as const) : ('custom' as const),
    severity: r.severity,
    description: r.description ?? (filter ? RECORD_RULES.filter.describe(r.expression) : RECORD_RULES.custom.describe(r.expression)),
    layer: c.layer,
    contract: { file: c.file, line: r.loc.line },
    ...(r.property === undefined ? {} : { property: r.property }),
  };
  let missingRef: string | undefined;
  const result = compileExpression(r.expression, {
    allowAggregates: false,
    asOf: scope.asOf,
    resolve(ref) {
      if (ref.dataset === undefined || ref.dataset === scope.dataset) return scope.byName.get(ref.column)?.typed;
      const j = scope.joins.find((x) => x.relationship.toDataset === ref.dataset);
      if (!j) {
        missingRef = ref.dataset;
        return undefined;
      }
      const known = scope.refColumns?.[ref.dataset];
      if (known && !known.includes(ref.column)) return undefined;
      if (!j.columns.includes(ref.column)) j.columns.push(ref.column);
      return passColumn.joinColumn(j.index, j.columns.indexOf(ref.column));
    },
  });
  if (!result.ok) {
    const message =
      missingRef !== undefined
        ? `${missingRef} is not reachable: no relationship of ${scope.dataset} to ${missingRef} with an available silver table`
        : `${result.message} (at character ${result.offset + 1} of '${r.expression}')`;
    unrunnable.push({ ...base, status: missingRef !== undefined ? 'skipped' : 'error', message });
    return;
  }
  addRule({ ...base, predicate: (filter ? RECORD_RULES.filter : RECORD_RULES.custom).predicate(result.sql) });
}
