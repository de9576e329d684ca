// The rule table: every kind of rule etl checks, defined once — what it is called (`RuleKind`), how a
// contract declares it, the reason people read, the predicate that is TRUE on a row that breaks it, and
// what it measures. Every place that checks data reads this table:
//   - the row pass (compile-row-rules.ts → build-enforce-sql.ts, through enforce.ts; also `etl validate`)
//     labels each row with the row kinds it breaks;
//   - the gold checks (property-rules.ts) count, in the one aggregation of a gold table, the rows that
//     break each row kind (property rules, foreign keys, custom predicates);
//   - the dataset rules (dataset-rules.ts) compute the metric of each dataset kind (DATASET_METRICS).
// A new kind is one entry here (plus its tests: tests/unit/checks/rule-kinds.test.ts walks the table).
import { EMAIL_PATTERN } from '../contracts/email-pattern.ts';
import type { Metric, Property } from '../contracts/model.ts';
import { join, list, literal, sql, type Sql } from '../sql/sql.ts';
import { DATASET_METRICS } from './dataset-metrics.ts';

/** Property rules: declared on one property, checked value by value (row pass and gold checks alike). */
export type PropertyRuleKind =
  | 'required'
  | 'unique'
  | 'minimum'
  | 'exclusive_minimum'
  | 'maximum'
  | 'exclusive_maximum'
  | 'min_length'
  | 'max_length'
  | 'pattern'
  | 'format'
  | 'valid_values';
/** Row rules that are not a property's own: casts, keys, references, expressions, file structure. */
export type RecordRuleKind =
  | 'type'
  | 'relationship'
  | 'custom'
  | 'filter'
  | 'duplicate_key'
  | 'field_present'
  | 'unexpected_column'
  | 'transform'
  | 'malformed_record'
  | 'contract';
/** Dataset rules: one measured value per table, compared with a threshold. */
export type DatasetRuleKind = Metric | 'sql' | 'text';
export type RuleKind = PropertyRuleKind | RecordRuleKind | DatasetRuleKind;

/** How a property's value reads where a rule checks it. */
export interface ValueSql {
  /** The value as read, NULL when missing: the raw text in the row pass ('' read as NULL), the typed
   * column on a typed table (no cast: `required` reads it on every row). */
  value: Sql;
  /** The value as text, NULL when missing (the row pass: the raw text, '' read as NULL). */
  text: Sql;
  /** The typed value. */
  typed: Sql;
  /** True when `typed` is a number (integer or number): bounds and numeric valid values compare it. */
  numeric: boolean;
  /** TRUE when another record holds the same (non-NULL) value. */
  shared: Sql;
}

/** What the check of a row kind measures: the rows that break it (a passing check counts 0). */
export const BROKEN_ROWS = { unit: 'rows', threshold: '= 0 rows' } as const;

export interface PropertyRuleDef<A> {
  kind: PropertyRuleKind;
  /** The rule's argument when the property declares the rule, else undefined. */
  declared(p: Property): A | undefined;
  /** The reason written next to a quarantined row and in every report. */
  describe(property: string, arg: A): string;
  /** TRUE when the value breaks the rule; never NULL (a NULL value breaks only `required`). */
  predicate(v: ValueSql, arg: A): Sql;
  /** Why the rule cannot run (an invalid regex …), checked before any SQL is built. */
  unrunnable?(arg: A, env: RuleEnv): string | undefined;
  metric: typeof BROKEN_ROWS;
}

export interface RuleEnv {
  /** An error message when DuckDB cannot compile the regex. */
  checkPattern?(pattern: string): string | undefined;
}

/** The number a bound compares: the typed value of a numeric column, else the text read as a number. */
const numberOf = (v: ValueSql): Sql => (v.numeric ? v.typed : sql`TRY_CAST(${v.text} AS DOUBLE)`);
/** A value rule is broken only by a present value: NULL reads as not broken. */
const orFalse = (predicate: Sql): Sql => sql`COALESCE(${predicate}, FALSE)`;

function bound(kind: PropertyRuleKind, key: 'minimum' | 'exclusiveMinimum' | 'maximum' | 'exclusiveMaximum', op: string, breaks: '<' | '<=' | '>' | '>='): PropertyRuleDef<number> {
  return {
    kind,
    declared: (p) => p.options[key],
    describe: (name, n) => `${name} must be ${op} ${n}`,
    predicate: (v, n) => {
      const x = numberOf(v);
      const limit = literal(n);
      switch (breaks) {
        case '<':
          return orFalse(sql`${x} < ${limit}`);
        case '<=':
          return orFalse(sql`${x} <= ${limit}`);
        case '>':
          return orFalse(sql`${x} > ${limit}`);
        case '>=':
          return orFalse(sql`${x} >= ${limit}`);
      }
    },
    metric: BROKEN_ROWS,
  };
}

/** A property rule as one property declares it: its argument bound in. */
export interface DeclaredPropertyRule {
  kind: PropertyRuleKind;
  describe(property: string): string;
  predicate(v: ValueSql): Sql;
  unrunnable(env: RuleEnv): string | undefined;
}

/** An entry of the table, whatever the type of its argument. */
export interface PropertyRuleEntry {
  kind: PropertyRuleKind;
  metric: typeof BROKEN_ROWS;
  /** The rule as the property declares it, or undefined when it does not. */
  on(p: Property): DeclaredPropertyRule | undefined;
}

function entry<A>(def: PropertyRuleDef<A>): PropertyRuleEntry {
  return {
    kind: def.kind,
    metric: def.metric,
    on: (p) => {
      const arg = def.declared(p);
      if (arg === undefined) return undefined;
      return {
        kind: def.kind,
        describe: (property) => def.describe(property, arg),
        predicate: (v) => def.predicate(v, arg),
        unrunnable: (env) => def.unrunnable?.(arg, env),
      };
    },
  };
}

/** The property rules, in the order the row pass and the gold checks list them for one property. */
export const PROPERTY_RULES: readonly PropertyRuleEntry[] = [
  entry<true>({
    kind: 'required',
    // A primary key column is required whether or not the contract says so.
    declared: (p) => (p.required || p.primaryKey ? true : undefined),
    describe: (name) => `${name} is required`,
    predicate: (v) => orFalse(sql`${v.value} IS NULL`),
    metric: BROKEN_ROWS,
  }),
  entry(bound('minimum', 'minimum', '>=', '<')),
  entry(bound('exclusive_minimum', 'exclusiveMinimum', '>', '<=')),
  entry(bound('maximum', 'maximum', '<=', '>')),
  entry(bound('exclusive_maximum', 'exclusiveMaximum', '<', '>=')),
  entry<number>({
    kind: 'min_length',
    declared: (p) => p.options.minLength,
    describe: (name, n) => `${name} must be at least ${n} characters`,
    predicate: (v, n) => orFalse(sql`length(${v.text}) < ${literal(n)}`),
    metric: BROKEN_ROWS,
  }),
  entry<number>({
    kind: 'max_length',
    declared: (p) => p.options.maxLength,
    describe: (name, n) => `${name} must be at most ${n} characters`,
    predicate: (v, n) => orFalse(sql`length(${v.text}) > ${literal(n)}`),
    metric: BROKEN_ROWS,
  }),
  entry<string>({
    kind: 'pattern',
    declared: (p) => p.options.pattern,
    describe: (name, pattern) => `${name} must match /${pattern}/`,
    // A search, as in JSON Schema: anchor the pattern (^…$) to match the whole value.
    predicate: (v, pattern) => orFalse(sql`NOT regexp_matches(${v.text}, ${pattern})`),
    unrunnable: (pattern, env) => {
      const problem = env.checkPattern?.(pattern);
      return problem ? `invalid pattern: ${problem}` : undefined;
    },
    metric: BROKEN_ROWS,
  }),
  entry<'email'>({
    kind: 'format',
    declared: (p) => p.options.format,
    describe: (name) => `${name} is not a valid e-mail address`,
    predicate: (v) => orFalse(sql`NOT regexp_full_match(${v.text}, ${EMAIL_PATTERN})`),
    metric: BROKEN_ROWS,
  }),
  entry<(string | number)[]>({
    kind: 'valid_values',
    declared: (p) => (p.options.enum !== undefined && p.options.enum.length > 0 ? p.options.enum : undefined),
    describe: (name, values) => `${name} must be one of ${values.slice(0, 10).map(String).join(', ')}${values.length > 10 ? ', …' : ''}`,
    // Numbers compare as numbers on a numeric column (1 and 1.0 are the same value); anything else as text.
    predicate: (v, values) =>
      orFalse(
        values.every((x) => typeof x === 'number') && v.numeric
          ? sql`${v.typed} NOT IN (${list(values)})`
          : sql`${v.text} NOT IN (${list(values.map(String))})`,
      ),
    metric: BROKEN_ROWS,
  }),
  entry<true>({
    kind: 'unique',
    declared: (p) => (p.unique ? true : undefined),
    describe: (name) => `${name} is not unique`,
    predicate: (v) => sql`(${v.typed} IS NOT NULL AND ${v.shared})`,
    metric: BROKEN_ROWS,
  }),
];

/** The property rules a property declares, in table order (`unique: false` leaves unique out: the row
 * pass adds it with the keys). */
export function declaredPropertyRules(p: Property, opts: { unique: boolean } = { unique: true }): DeclaredPropertyRule[] {
  return PROPERTY_RULES.filter((e) => opts.unique || e.kind !== 'unique').flatMap((e) => e.on(p) ?? []);
}

interface RecordRuleDef {
  describe(...args: never[]): string;
  predicate?(...args: never[]): Sql;
  metric: { unit: string; threshold: string };
  [more: string]: unknown;
}

/** The record rules: their reasons and the predicates over what the row pass (or a gold table) provides. */
export const RECORD_RULES = {
  type: {
    describe: (property: string, typeText: string) => `${property} is not ${typeText}`,
    /** Text present, but the strict cast gave NULL. */
    predicate: (v: Pick<ValueSql, 'text' | 'typed'>) => sql`(${v.text} IS NOT NULL AND ${v.typed} IS NULL)`,
    metric: BROKEN_ROWS,
  },
  relationship: {
    describe: (from: string[], toDataset: string, to: string[]) =>
      `${from.length === 1 ? from[0]! : `(${from.join(', ')})`} not found in ${to.length === 1 ? `${toDataset}.${to[0]}` : `${toDataset}.(${to.join(', ')})`}`,
    /** Every key column present, and the key not found (`found` is NULL when the referenced row is absent). */
    predicate: (keys: Sql[], found: Sql) => sql`(${join(keys.map((k) => sql`${k} IS NOT NULL`), ' AND ')} AND ${found} IS NULL)`,
    metric: BROKEN_ROWS,
  },
  custom: {
    describe: (expression: string) => `${expression} does not hold`,
    // CHECK-constraint semantics: a predicate that is NULL (a missing operand) does not fail the row.
    predicate: (expression: Sql) => sql`((${expression}) IS FALSE)`,
    metric: BROKEN_ROWS,
  },
  filter: {
    describe: (expression: string) => `excluded by the filter ${expression}`,
    /** Excluded when the expression is FALSE (kept when TRUE or NULL). */
    predicate: (expression: Sql) => sql`((${expression}) IS FALSE)`,
    /** Excluded rows are counted in rows_excluded, never as failures. */
    metric: { unit: 'rows', threshold: 'excluded, not failed' },
  },
  duplicate_key: {
    describe: (key: string[]) => `duplicate key ${key.length === 1 ? key[0]! : `(${key.join(', ')})`} with different values`,
    /** Every key column present, and the key held by records that differ. */
    predicate: (keys: Sql[], conflict: Sql) => sql`(${join(keys.map((k) => sql`${k} IS NOT NULL`), ' AND ')} AND ${conflict})`,
    metric: BROKEN_ROWS,
  },
  field_present: {
    /** Row pass: a declared column absent from the data (every record reads it as NULL). */
    describe: (property: string) => `column ${property} is missing from the data`,
    /** Gold: the model does not produce a declared column. */
    describeGold: (property: string) => `column ${property} is present`,
    /** Bronze: the file has what a property reads (`what`: its column, or the columns of its transformLogic). */
    describeInFile: (what: string, plural: boolean, file: string) => `${what} ${plural ? 'are' : 'is'} present in ${file}`,
    metric: BROKEN_ROWS,
  },
  unexpected_column: {
    /** Bronze: a column of the file that no contract declares (kept in bronze and quarantine). */
    describe: (column: string) => `column ${column} is not declared in the contract`,
    metric: { unit: 'columns', threshold: 'declared' },
  },
  transform: {
    /** Bronze: a transformLogic that cannot be computed (the property reads as NULL). */
    describe: (property: string) => `${property} is computed by its transformLogic`,
    metric: { unit: 'columns', threshold: 'computed' },
  },
  contract: {
    /** Gold: a contract whose model was not built in this run (skipped, with the reason). */
    describe: (id: string) => `gold contract ${id}`,
    metric: { unit: 'models', threshold: 'built' },
  },
  malformed_record: {
    describe: () => 'record is well-formed (field count, quoting, valid JSON object)',
    /** The reason of each malformed record: the reader's own error follows. */
    reasonPrefix: 'malformed record: ',
    metric: BROKEN_ROWS,
  },
} as const satisfies Record<RecordRuleKind, RecordRuleDef>;

/** Every kind, for the table test and for documentation: where each one is defined. */
export const RULE_KINDS: Record<RuleKind, 'property' | 'record' | 'dataset'> = {
  ...(Object.fromEntries(PROPERTY_RULES.map((d) => [d.kind, 'property'])) as Record<PropertyRuleKind, 'property'>),
  ...(Object.fromEntries(Object.keys(RECORD_RULES).map((k) => [k, 'record'])) as Record<RecordRuleKind, 'record'>),
  ...(Object.fromEntries(Object.keys(DATASET_METRICS).map((k) => [k, 'dataset'])) as Record<DatasetRuleKind, 'dataset'>),
};
