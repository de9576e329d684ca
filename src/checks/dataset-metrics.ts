// The dataset kinds of the rule table (rule-kinds.ts): for each metric, its default description, its unit
// and how it is measured — aggregate items over the table (alias `d`) that dataset-rules.ts gathers into
// ONE query per table, and how the aggregate row becomes the measured value. SQL rules run as written
// (guarded, dataset-rules.ts); text rules are documentation.
import type { Row } from '../engine/engine.ts';
import { compileExpression, parseExpression, type Expr } from '../expr/index.ts';
import { ident, join, list, sql, trusted, type Sql } from '../sql/sql.ts';
import type { Contract, CustomDatasetRule, LibraryRule, QualityRule } from '../contracts/model.ts';
import type { CheckResult, SourceCounts } from './result.ts';

/** One aggregate of a table's check query (its column `as` in the aggregate row), and how its value follows
 * a change of the table's rows (an incremental run checks a maintained gold table from its changed rows):
 *   'count' — a count of rows, each decided by the row alone: the last value − the removed rows' + the added rows';
 *   duplicates — the number of key tuples (these columns) held by more than one row: recounted over the
 *   touched keys only;
 *   absent — evaluated over the whole table (it reads other rows or other tables: a sum, a maximum, a
 *   foreign key, a reconciliation). */
export interface AggregateItem {
  as: string;
  expr: Sql;
  follows?: 'count' | { duplicates: string[] };
}

/** What a planned metric needs from the aggregate row, and how it becomes a result. */
export interface PlannedMetric {
  items: AggregateItem[];
  finish(row: Row): Partial<CheckResult> & { value: number | null; failed_rows: number };
}

/** A metric that can run (its plan), or the status and reason of one that cannot. */
export type MetricOutcome = { plan: PlannedMetric } | { status: 'error' | 'skipped' | 'failed'; message: string; failed_rows?: number };

export interface MetricContext {
  dataset: string;
  relation: Sql;
  contract: Contract;
  /** Column names and whether each is text (VARCHAR) in the relation. */
  columns: string[];
  isText(column: string): boolean;
  badPatterns: Map<string, string>;
  /** Other datasets' relations and their columns, for reconciliation. */
  refs: Record<string, Sql>;
  refColumns: Record<string, string[]>;
  counts?: SourceCounts;
  /** DATE literal of --as-of. */
  asOf: Sql;
  /** Unique prefix of this rule's aggregate aliases. */
  index: number;
}

export interface DatasetMetricDef<R extends QualityRule = QualityRule> {
  /** The description when the contract gives none. */
  describe(r: R, dataset: string): string;
  /** Unit of the measured value: rows, percent, hours … (the threshold is printed in it). */
  unit(r: R): string;
  /** How it is measured (absent: SQL and text rules, which dataset-rules.ts runs itself). */
  plan?(r: R, ctx: MetricContext): MetricOutcome;
}

const toNumber = (c: unknown): number | null => {
  if (c === null || c === undefined) return null;
  const n = typeof c === 'number' ? c : Number(c);
  return Number.isFinite(n) ? n : null;
};

const alias = (ctx: MetricContext, suffix: string): string => `m${ctx.index}_${suffix}`;
const read = (row: Row, ctx: MetricContext, suffix: string): number | null => toNumber(row[`m${ctx.index}_${suffix}`]);
const whatOf = (r: QualityRule, dataset: string): string => (r.property === undefined ? dataset : `${dataset}.${r.property}`);

/** The columns whose tuple a duplicateValues rule counts: its property, its properties, else the
 * contract's primary key, else every column. */
export function duplicateColumnsOf(r: LibraryRule, contract: Contract): string[] {
  return r.property !== undefined ? [r.property] : (r.arguments.properties ?? (contract.primaryKey.length > 0 ? contract.primaryKey : contract.properties.map((p) => p.name)));
}

/** nullValues, missingValues, invalidValues: the rows whose value is bad, in rows or percent of all rows. */
function valueMetric(bad: (r: LibraryRule, ctx: MetricContext, v: { col: Sql; text: Sql; value: Sql }) => Sql | { status: 'skipped' | 'error'; message: string }): DatasetMetricDef<LibraryRule> {
  return {
    describe: (r, dataset) => `${r.metric} of ${whatOf(r, dataset)}`,
    unit: (r) => r.unit,
    plan: (r, ctx) => {
      if (r.property === undefined) return { status: 'error', message: `${r.metric} needs a property` };
      if (!ctx.columns.includes(r.property)) return { status: 'error', message: `column ${r.property} is not in the data` };
      const col = sql`d.${ident(r.property)}`;
      const isText = ctx.isText(r.property);
      // An empty CSV cell is NULL (bronze keeps text, so '' stands for a missing value there); a typed
      // column is never '', so it is compared without a cast.
      const v = { col, text: isText ? col : sql`CAST(${col} AS VARCHAR)`, value: isText ? sql`NULLIF(${col}, '')` : col };
      const predicate = bad(r, ctx, v);
      if ('status' in predicate) return predicate;
      const percent = r.unit === 'percent';
      return {
        plan: {
          items: [
            { as: alias(ctx, 'bad'), expr: sql`count(*) FILTER (WHERE ${predicate})`, follows: 'count' },
            { as: alias(ctx, 'n'), expr: sql`count(*)`, follows: 'count' },
          ],
          finish: (row) => {
            const b = read(row, ctx, 'bad') ?? 0;
            const total = read(row, ctx, 'n') ?? 0;
            return { value: percent ? (total === 0 ? 0 : (b / total) * 100) : b, failed_rows: b };
          },
        },
      };
    },
  };
}

/** True when every column of the expression sits inside an aggregate (so it yields one value). */
function isAggregateOnly(e: Expr, inside = false): boolean {
  switch (e.type) {
    case 'literal':
      return true;
    case 'column':
      return inside;
    case 'unary':
    case 'isNull':
      return isAggregateOnly(e.arg, inside);
    case 'binary':
    case 'logical':
      return isAggregateOnly(e.left, inside) && isAggregateOnly(e.right, inside);
    case 'in':
      return isAggregateOnly(e.arg, inside) && e.list.every((x) => isAggregateOnly(x, inside));
    case 'between':
      return [e.arg, e.low, e.high].every((x) => isAggregateOnly(x, inside));
    case 'call': {
      const agg = ['sum', 'avg', 'min', 'max', 'count', 'count_distinct'].includes(e.name);
      return e.args.every((x) => isAggregateOnly(x, inside || agg));
    }
  }
}

/** Compile an aggregate expression over `relationAlias` (whose columns are `columns`). */
function compileAggregate(text: string, relationAlias: Sql, columns: string[], dataset: string, asOf: Sql): { ok: true; sql: Sql } | { ok: false; message: string } {
  const parsed = parseExpression(text);
  if (!parsed.ok) return { ok: false, message: `${parsed.message} (at character ${parsed.offset + 1} of '${text}')` };
  if (!isAggregateOnly(parsed.ast)) return { ok: false, message: `'${text}' must be an aggregate (sum, avg, min, max, count …) over ${dataset}` };
  const r = compileExpression(text, {
    allowAggregates: true,
    asOf,
    resolve: (ref) => ((ref.dataset === undefined || ref.dataset === dataset) && columns.includes(ref.column) ? sql`${relationAlias}.${ident(ref.column)}` : undefined),
  });
  return r.ok ? { ok: true, sql: r.sql } : { ok: false, message: `${r.message} (at character ${r.offset + 1} of '${text}')` };
}

/** One aggregate value as the measure (freshness, reconciliation): NULL is a failed check with a reason. */
function single(ctx: MetricContext, item: Sql, suffix: string, nullMessage: string): { plan: PlannedMetric } {
  return {
    plan: {
      items: [{ as: alias(ctx, suffix), expr: item }],
      finish: (row) => {
        const x = read(row, ctx, suffix);
        return x === null ? { value: null, failed_rows: 0, message: nullMessage } : { value: x, failed_rows: 0 };
      },
    },
  };
}

export const DATASET_METRICS = {
  nullValues: valueMetric((_r, _ctx, v) => sql`${v.value} IS NULL`),
  missingValues: valueMetric((r, _ctx, v) => {
    const missing = r.arguments.missingValues ?? [null, ''];
    const values = missing.filter((x): x is string | number => x !== null).map(String);
    const parts = [...(missing.includes(null) ? [sql`${v.col} IS NULL`] : []), ...(values.length > 0 ? [sql`${v.text} IN (${list(values)})`] : [])];
    if (parts.length === 0) return { status: 'skipped', message: 'missingValues with an empty list of missing values' };
    return sql`(${join(parts, ' OR ')})`;
  }),
  invalidValues: valueMetric((r, ctx, v) => {
    const valid = (r.arguments.validValues ?? []).filter((x): x is string | number => x !== null);
    const pattern = r.arguments.pattern;
    if (valid.length === 0 && pattern === undefined) return { status: 'skipped', message: 'invalidValues needs validValues or pattern' };
    if (pattern !== undefined && ctx.badPatterns.has(pattern)) return { status: 'error', message: `invalid pattern: ${ctx.badPatterns.get(pattern)}` };
    const strings = valid.map(String);
    const numbers = valid.filter((x): x is number => typeof x === 'number');
    const inList = [sql`${v.value} IN (${list(strings)})`, ...(numbers.length > 0 ? [sql`TRY_CAST(${v.value} AS DOUBLE) IN (${list(numbers)})`] : [])];
    const failures = [
      ...(valid.length > 0 ? [sql`NOT (${join(inList, ' OR ')})`] : []),
      ...(pattern !== undefined ? [sql`NOT regexp_matches(${v.value}, ${pattern})`] : []),
    ];
    // NULLs are never invalid.
    return sql`(${v.value} IS NOT NULL AND (${join(failures, ' OR ')}))`;
  }),
  duplicateValues: {
    describe: (r, dataset) => `${r.metric} of ${whatOf(r, dataset)}`,
    unit: () => 'rows',
    plan: (r, ctx) => {
      const cols = duplicateColumnsOf(r, ctx.contract);
      const absent = cols.filter((c) => !ctx.columns.includes(c));
      if (absent.length > 0) return { status: 'error', message: `column ${absent.join(', ')} is not in the data` };
      const keys = cols.map((c) => ident(c));
      const present = join(keys.map((k) => sql`${k} IS NOT NULL`), ' AND ');
      const hashed = sql`hash(${join(keys, ', ')})`;
      // The number of distinct values that occur more than once (datacontract-cli semantics), counted among
      // the rows whose key hash occurs more than once: equal keys have equal hashes, so none is missed, and
      // the exact grouping runs on those rows only (none, usually). Grouping 10M rows by a 64-bit hash
      // rather than by (order_id, line_number) took 2.0–2.3 s instead of 3.4–3.6 s on one thread.
      const groups = sql`(SELECT count(*) FROM (SELECT 1 FROM ${ctx.relation} WHERE ${present} AND ${hashed} IN (SELECT "__h" FROM (SELECT ${hashed} AS "__h" FROM ${ctx.relation} WHERE ${present} GROUP BY "__h" HAVING count(*) > 1)) GROUP BY ${join(keys, ', ')} HAVING count(*) > 1))`;
      return {
        plan: {
          items: [{ as: alias(ctx, 'n'), expr: groups, follows: { duplicates: cols } }],
          finish: (row) => {
            const n = read(row, ctx, 'n') ?? 0;
            return { value: n, failed_rows: n };
          },
        },
      };
    },
  } satisfies DatasetMetricDef<LibraryRule>,
  rowCount: {
    describe: (r, dataset) => `${r.metric} of ${whatOf(r, dataset)}`,
    unit: () => 'rows',
    plan: (_r, ctx) => ({ plan: { items: [{ as: alias(ctx, 'n'), expr: sql`count(*)`, follows: 'count' }], finish: (row) => ({ value: read(row, ctx, 'n') ?? 0, failed_rows: 0 }) } }),
  } satisfies DatasetMetricDef<LibraryRule>,
  quarantineRate: {
    describe: (_r, dataset) => `quarantine rate of ${dataset}`,
    unit: (r) => (r.unit === 'rows' ? 'rows' : 'percent'),
    plan: (r, ctx) => {
      const c = ctx.counts;
      if (!c) return { status: 'skipped', message: 'no row counts for this dataset (quarantine rate applies to the row pass)' };
      const value = r.unit === 'rows' ? c.rows_quarantined : c.records_in === 0 ? 0 : (c.rows_quarantined / c.records_in) * 100;
      return { plan: { items: [], finish: () => ({ value, failed_rows: c.rows_quarantined }) } };
    },
  } satisfies DatasetMetricDef<CustomDatasetRule>,
  freshness: {
    describe: (r, dataset) => `freshness of ${dataset}.${r.column ?? ''}`,
    unit: () => 'hours',
    plan: (r, ctx) => {
      if (r.column === undefined || !ctx.columns.includes(r.column)) return { status: 'error', message: `freshness column ${r.column ?? '(none)'} is not in the data` };
      // Hours from the newest value to the end of the as-of day.
      const newest = sql`max(TRY_CAST(d.${ident(r.column)} AS TIMESTAMP))`;
      const hours = sql`date_diff('second', ${newest}, CAST(${ctx.asOf} AS TIMESTAMP) + INTERVAL 1 DAY) / 3600.0`;
      return single(ctx, hours, 'h', `${r.column} has no timestamp value`);
    },
  } satisfies DatasetMetricDef<CustomDatasetRule>,
  reconciliation: {
    describe: (r) => `${r.expression ?? ''} reconciles with ${r.compareTo?.dataset ?? ''}.${r.compareTo?.expression ?? ''}`,
    unit: (r) => r.unit,
    // |aggregate over this relation − aggregate over compareTo.dataset|
    plan: (r, ctx) => {
      if (r.expression === undefined || r.compareTo === undefined) return { status: 'error', message: 'reconciliation needs expression and compareTo' };
      const left = compileAggregate(r.expression, trusted('d'), ctx.columns, ctx.dataset, ctx.asOf);
      if (!left.ok) return { status: 'error', message: left.message };
      const other = r.compareTo.dataset;
      const relation = Object.hasOwn(ctx.refs, other) ? ctx.refs[other] : undefined;
      const otherColumns = ctx.refColumns[other];
      if (!relation || !otherColumns) return { status: 'skipped', message: `dataset ${other} is not available for reconciliation` };
      const right = compileAggregate(r.compareTo.expression, trusted('r'), otherColumns, other, ctx.asOf);
      if (!right.ok) return { status: 'error', message: right.message };
      const diff = sql`abs(CAST(${left.sql} AS DOUBLE) - CAST((SELECT ${right.sql} FROM ${relation} AS r) AS DOUBLE))`;
      return single(ctx, diff, 'd', 'one side of the reconciliation is NULL');
    },
  } satisfies DatasetMetricDef<CustomDatasetRule>,
  sql: {
    describe: (_r, dataset) => `SQL rule on ${dataset}`,
    unit: () => 'rows',
  } satisfies DatasetMetricDef,
  text: {
    describe: (r, dataset) => `rule on ${whatOf(r, dataset)}`,
    unit: () => 'rows',
  } satisfies DatasetMetricDef,
} as const;

export type DatasetMetricKind = keyof typeof DATASET_METRICS;

/** The dataset kind of a quality rule (row-level custom rules and filters are row kinds). */
export function datasetKindOf(r: QualityRule): DatasetMetricKind | undefined {
  switch (r.type) {
    case 'library':
    case 'custom-dataset':
      return r.metric;
    case 'sql':
      return 'sql';
    case 'text':
      return 'text';
    default:
      return undefined;
  }
}

/** The entry of a dataset rule's kind, typed for that rule. */
export function datasetMetricOf(r: QualityRule): DatasetMetricDef | undefined {
  const kind = datasetKindOf(r);
  return kind === undefined ? undefined : (DATASET_METRICS[kind] as unknown as DatasetMetricDef);
}
