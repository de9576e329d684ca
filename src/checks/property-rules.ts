// Property rules of a typed table (gold): `required`, bounds, lengths, pattern and valid values, as
// aggregate items counted in the ONE query of the table's dataset rules (dataset-rules.ts). On a gold
// table there is nothing to quarantine — a broken property rule is a failed dataset check that gates
// the boundary like any other.
import type { Row } from '../engine/engine.ts';
import type { Contract, Layer, Property } from '../contracts/model.ts';
import { ident, list, sql, type Sql } from '../sql/sql.ts';
import type { CheckResult } from './result.ts';

export interface PropertyRulesInput {
  dataset: string;
  layer: Layer;
  contract: Contract;
}

interface Planned {
  id: string;
  rule: string;
  property: Property;
  description: string;
  /** TRUE for a row that breaks the rule. */
  broken: Sql;
}

function planProperty(dataset: string, p: Property, columns: Set<string>): Planned[] {
  if (!columns.has(p.name)) return [];
  const col = ident(p.name);
  const text = sql`CAST(${col} AS VARCHAR)`;
  const o = p.options;
  const out: Planned[] = [];
  const add = (rule: string, description: string, broken: Sql) =>
    out.push({ id: `${dataset}.${p.name}.${rule}`, rule, property: p, description, broken });
  if (p.required || p.primaryKey) add('required', `${p.name} is required`, sql`${col} IS NULL`);
  if (o.minimum !== undefined) add('minimum', `${p.name} must be >= ${o.minimum}`, sql`${col} < ${o.minimum}`);
  if (o.maximum !== undefined) add('maximum', `${p.name} must be <= ${o.maximum}`, sql`${col} > ${o.maximum}`);
  if (o.exclusiveMinimum !== undefined) add('exclusive_minimum', `${p.name} must be > ${o.exclusiveMinimum}`, sql`${col} <= ${o.exclusiveMinimum}`);
  if (o.exclusiveMaximum !== undefined) add('exclusive_maximum', `${p.name} must be < ${o.exclusiveMaximum}`, sql`${col} >= ${o.exclusiveMaximum}`);
  if (o.minLength !== undefined) add('min_length', `${p.name} must have at least ${o.minLength} characters`, sql`length(${text}) < ${o.minLength}`);
  if (o.maxLength !== undefined) add('max_length', `${p.name} must have at most ${o.maxLength} characters`, sql`length(${text}) > ${o.maxLength}`);
  if (o.pattern !== undefined) add('pattern', `${p.name} must match ${o.pattern}`, sql`NOT regexp_matches(${text}, ${o.pattern})`);
  if (o.enum !== undefined && o.enum.length > 0) {
    add('valid_values', `${p.name} must be one of ${o.enum.join(', ')}`, sql`${text} NOT IN (${list(o.enum.map(String))})`);
  }
  return out;
}

/** The property rules of a contract as aggregate items (to share one scan with its dataset rules). */
export interface PlannedPropertyRules {
  /** Results known without a query (a declared column the table lacks). */
  absent: CheckResult[];
  items: Sql[];
  finish(row: Row): CheckResult[];
}

export function planPropertyRules(input: PropertyRulesInput, columnNames: readonly string[], prefix = 'p'): PlannedPropertyRules {
  const columns = new Set(columnNames);
  const planned = input.contract.properties.flatMap((p) => planProperty(input.dataset, p, columns));
  // A declared column the model does not produce breaks the contract outright.
  const absent = input.contract.properties.filter((p) => !columns.has(p.name)).map((p): CheckResult => ({
    id: `${input.dataset}.${p.name}.field_present`,
    rule: 'field_present',
    dataset: input.dataset,
    layer: input.layer,
    kind: 'dataset',
    severity: 'error',
    property: p.name,
    description: `column ${p.name} is present`,
    failed_rows: 0,
    status: 'failed',
    message: `the table has no column ${p.name}`,
    contract: { file: input.contract.file, ...(p.loc.line ? { line: p.loc.line } : {}) },
  }));
  // NULLs never break a value rule (only `required`): count(*) FILTER (WHERE NULL) does not count them.
  const items = planned.map((r, i) => sql`count(*) FILTER (WHERE ${r.broken}) AS ${ident(`${prefix}${i}`)}`);
  const finish = (row: Row): CheckResult[] =>
    planned.map((r, i): CheckResult => {
      const failed = Number(row[`${prefix}${i}`] ?? 0);
      const status = failed === 0 ? 'passed' : r.property.severity === 'warning' ? 'warning' : 'failed';
      return {
        id: r.id,
        rule: r.rule,
        dataset: input.dataset,
        layer: input.layer,
        kind: 'dataset',
        severity: r.property.severity,
        property: r.property.name,
        description: r.description,
        failed_rows: failed,
        value: failed,
        threshold: '= 0 rows',
        status,
        contract: { file: input.contract.file, ...(r.property.loc.line ? { line: r.property.loc.line } : {}) },
      };
    });
  return { absent, items, finish };
}
