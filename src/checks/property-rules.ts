// The row kinds of the rule table (rule-kinds.ts) on a typed table (gold): property rules (required,
// unique, bounds, lengths, pattern, format, valid values), foreign keys and custom row predicates, as
// aggregate items counted in the ONE query of the table's dataset rules (dataset-rules.ts). The same
// predicates as the row pass, over typed columns instead of raw text. On a gold table there is nothing
// to quarantine — a broken rule is a failed dataset check that gates the boundary like any other.
import type { ColumnInfo, Row } from '../engine/engine.ts';
import { compileExpression } from '../expr/index.ts';
import type { Contract, Layer, Severity } from '../contracts/model.ts';
import { ident, join, sql, type Sql } from '../sql/sql.ts';
import type { CheckResult } from './result.ts';
import type { AggregateItem } from './dataset-metrics.ts';
import { BROKEN_ROWS, declaredPropertyRules, RECORD_RULES, type RuleKind, type ValueSql } from './rule-kinds.ts';

export interface PropertyRulesInput {
  dataset: string;
  layer: Layer;
  contract: Contract;
  /** The table itself (unique values are counted over it). */
  relation: Sql;
  /** Other datasets, for foreign keys, with their columns. */
  refs: Record<string, Sql>;
  refColumns: Record<string, string[]>;
  /** DATE literal of --as-of, for custom predicates. */
  asOf: Sql;
  /** Patterns DuckDB cannot compile → the reason. */
  badPatterns: Map<string, string>;
}

interface Planned {
  id: string;
  rule: RuleKind;
  property?: string;
  severity: Severity;
  line?: number;
  description: string;
  /** TRUE for a row that breaks the rule. */
  broken?: Sql;
  /** Why it cannot run, when it cannot. */
  unrunnable?: { status: 'error' | 'skipped'; message: string };
}

const NUMERIC = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);

function ruleIdOf(dataset: string, id: string): string {
  return id.startsWith(`${dataset}.`) ? id : `${dataset}.${id}`;
}

function planRules(input: PropertyRulesInput, columns: Map<string, ColumnInfo>): Planned[] {
  const { dataset, contract: c } = input;
  const out: Planned[] = [];
  for (const p of c.properties) {
    const info = columns.get(p.name);
    if (!info) continue;
    const col = sql`d.${ident(p.name)}`;
    const isText = info.shape.kind === 'scalar' && info.shape.name === 'VARCHAR';
    const v: ValueSql = {
      value: col,
      text: isText ? col : sql`CAST(${col} AS VARCHAR)`,
      typed: col,
      numeric: info.shape.kind === 'scalar' && NUMERIC.has(info.shape.name),
      shared: sql`${col} IN (SELECT ${ident(p.name)} FROM ${input.relation} WHERE ${ident(p.name)} IS NOT NULL GROUP BY ${ident(p.name)} HAVING count(*) > 1)`,
    };
    for (const r of declaredPropertyRules(p)) {
      const problem = r.unrunnable({ checkPattern: (x) => input.badPatterns.get(x) });
      out.push({
        id: `${dataset}.${p.name}.${r.kind}`,
        rule: r.kind,
        property: p.name,
        severity: p.severity,
        ...(p.loc.line ? { line: p.loc.line } : {}),
        description: r.describe(p.name),
        ...(problem ? { unrunnable: { status: 'error' as const, message: problem } } : { broken: r.predicate(v) }),
      });
    }
  }
  for (const rel of c.relationships) {
    const base = {
      id: ruleIdOf(dataset, rel.id),
      rule: 'relationship' as const,
      ...(rel.from.length === 1 ? { property: rel.from[0]! } : {}),
      severity: rel.severity,
      ...(rel.loc.line ? { line: rel.loc.line } : {}),
      description: RECORD_RULES.relationship.describe(rel.from, rel.toDataset, rel.to),
    };
    const relation = Object.hasOwn(input.refs, rel.toDataset) ? input.refs[rel.toDataset] : undefined;
    const known = input.refColumns[rel.toDataset] ?? [];
    const absentFrom = rel.from.filter((f) => !columns.has(f));
    const absentTo = rel.to.filter((t) => !known.includes(t));
    // The same reasons as the row pass (compile-row-rules.ts) gives for the same problems.
    if (!relation) out.push({ ...base, unrunnable: { status: 'skipped', message: `referenced dataset ${rel.toDataset} is not available` } });
    else if (absentFrom.length > 0 || rel.from.length !== rel.to.length) out.push({ ...base, unrunnable: { status: 'error', message: `relationship columns ${rel.from.join(', ')} are not all columns of ${dataset}, or do not match ${rel.toDataset}.${rel.to.join(', ')}` } });
    else if (absentTo.length > 0) out.push({ ...base, unrunnable: { status: 'error', message: `${rel.toDataset} has no column ${absentTo.join(', ')}` } });
    else {
      const on = join(rel.to.map((t, i) => sql`r.${ident(t)} = d.${ident(rel.from[i]!)}`), ' AND ');
      const found = sql`(SELECT TRUE FROM ${relation} AS r WHERE ${on} LIMIT 1)`;
      out.push({ ...base, broken: RECORD_RULES.relationship.predicate(rel.from.map((f) => sql`d.${ident(f)}`), found) });
    }
  }
  for (const r of c.properties.flatMap((p) => p.quality).concat(c.quality)) {
    if (r.type !== 'custom-row') continue;
    const base = {
      id: ruleIdOf(dataset, r.id),
      rule: 'custom' as const,
      ...(r.property === undefined ? {} : { property: r.property }),
      severity: r.severity,
      ...(r.loc.line ? { line: r.loc.line } : {}),
      description: r.description ?? RECORD_RULES.custom.describe(r.expression),
    };
    let other: string | undefined;
    const compiled = compileExpression(r.expression, {
      allowAggregates: false,
      asOf: input.asOf,
      resolve: (ref) => {
        if (ref.dataset !== undefined && ref.dataset !== dataset) {
          other = ref.dataset;
          return undefined;
        }
        return columns.has(ref.column) ? sql`d.${ident(ref.column)}` : undefined;
      },
    });
    if (compiled.ok) out.push({ ...base, broken: RECORD_RULES.custom.predicate(compiled.sql) });
    else if (other !== undefined) out.push({ ...base, unrunnable: { status: 'skipped', message: `${other} is not reachable: a row rule on a gold table reads its own columns` } });
    else out.push({ ...base, unrunnable: { status: 'error', message: `${compiled.message} (at character ${compiled.offset + 1} of '${r.expression}')` } });
  }
  return out;
}

/** The row kinds of a contract as aggregate items (to share one scan with its dataset rules). */
export interface PlannedPropertyRules {
  /** Results known without a query (a declared column the table lacks, a rule that cannot run). */
  absent: CheckResult[];
  items: AggregateItem[];
  finish(row: Row): CheckResult[];
}

export function planPropertyRules(input: PropertyRulesInput, columns: Map<string, ColumnInfo>, prefix = 'p'): PlannedPropertyRules {
  const planned = planRules(input, columns);
  const file = input.contract.file;
  const result = (r: Planned, rest: Pick<CheckResult, 'failed_rows' | 'status'> & Partial<CheckResult>): CheckResult => ({
    id: r.id,
    rule: r.rule,
    dataset: input.dataset,
    layer: input.layer,
    kind: 'dataset',
    severity: r.severity,
    ...(r.property === undefined ? {} : { property: r.property }),
    description: r.description,
    ...rest,
    contract: { file, ...(r.line ? { line: r.line } : {}) },
  });
  // A declared column the model does not produce breaks the contract outright.
  const absent = input.contract.properties.filter((p) => !columns.has(p.name)).map((p): CheckResult => ({
    id: `${input.dataset}.${p.name}.field_present`,
    rule: 'field_present',
    dataset: input.dataset,
    layer: input.layer,
    kind: 'dataset',
    severity: 'error',
    property: p.name,
    description: RECORD_RULES.field_present.describeGold(p.name),
    failed_rows: 0,
    status: 'failed',
    message: `the table has no column ${p.name}`,
    contract: { file, ...(p.loc.line ? { line: p.loc.line } : {}) },
  }));
  const runnable = planned.filter((r) => r.broken !== undefined);
  const unrunnable = planned.filter((r) => r.unrunnable !== undefined).map((r) => result(r, { failed_rows: 0, status: r.unrunnable!.status, message: r.unrunnable!.message }));
  // NULLs never break a value rule (only `required`): the predicates are FALSE for them.
  // A row breaks a value rule by itself; `unique` and foreign keys also read other rows or tables.
  const items = runnable.map((r, i): AggregateItem => ({
    as: `${prefix}${i}`,
    expr: sql`count(*) FILTER (WHERE ${r.broken!})`,
    ...(r.rule === 'unique' || r.rule === 'relationship' ? {} : { follows: 'count' as const }),
  }));
  const finish = (row: Row): CheckResult[] =>
    runnable.map((r, i): CheckResult => {
      const failed = Number(row[`${prefix}${i}`] ?? 0);
      return result(r, {
        failed_rows: failed,
        value: failed,
        threshold: BROKEN_ROWS.threshold,
        status: failed === 0 ? 'passed' : r.severity === 'warning' ? 'warning' : 'failed',
      });
    });
  return { absent: [...absent, ...unrunnable], items, finish };
}
