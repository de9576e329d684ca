// Dataset rules of one relation: every library metric (null / missing / invalid / duplicate values,
// row count), freshness and reconciliation in ONE aggregate query; quarantine rate from the row
// pass's counts; SQL rules (guarded, see guard-sql-rule.ts) one query each, as written by the user.
import type { Engine, Row } from '../engine/engine.ts';
import { compileExpression, parseExpression, type Expr } from '../expr/index.ts';
import { ident, join, list, sql, trusted, type Sql } from '../sql/sql.ts';
import type { Contract, CustomDatasetRule, Layer, LibraryRule, Operator, QualityRule, SqlRule } from '../contracts/model.ts';
import type { CheckResult, SourceCounts } from './result.ts';
import { checkPatterns } from './check-patterns.ts';
import { planPropertyRules } from './property-rules.ts';
import { asOfLiteral } from './compile-row-rules.ts';
import { guardSqlRule, RULE_RELATION } from './guard-sql-rule.ts';
import { describeOperator, satisfiesOperator } from './operator.ts';

export interface DatasetRulesInput {
  dataset: string;
  layer: Layer;
  relation: Sql;
  /** Every dataset rule of these contracts is evaluated against `relation`. */
  contracts: Contract[];
  /** For quarantineRate (rows_quarantined / records_in × 100). */
  counts?: SourceCounts;
  /** Other datasets, for reconciliation. */
  refs: Record<string, Sql>;
  asOf: string;
  /** Also count the contracts' property rules (typed gold tables), in the same scan. */
  withPropertyRules?: boolean;
}

/** What a planned rule needs from the aggregate row, and how it becomes a result. */
interface Planned {
  items: Sql[];
  finish(row: Row): Partial<CheckResult> & { value: number | null; failed_rows: number };
}

type Outcome = { plan: Planned } | { status: 'error' | 'skipped' | 'failed'; message: string; failed_rows?: number };

const PERCENT_METRICS = new Set(['nullValues', 'missingValues', 'invalidValues']);

const toNumber = (c: unknown): number | null => {
  if (c === null || c === undefined) return null;
  const n = typeof c === 'number' ? c : Number(c);
  return Number.isFinite(n) ? n : null;
};

function ruleId(dataset: string, id: string): string {
  return id.startsWith(`${dataset}.`) ? id : `${dataset}.${id}`;
}

/** Column names of the relation; a rule naming any other column is an error result, not a failed query. */
async function columnsOf(engine: Engine, relation: Sql): Promise<string[]> {
  return [...(await columnTypesOf(engine, relation)).keys()];
}

/** Column name → DuckDB type of the relation. */
async function columnTypesOf(engine: Engine, relation: Sql): Promise<Map<string, string>> {
  return new Map((await engine.describe(sql`SELECT * FROM ${relation}`)).map((c) => [c.name, c.type]));
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

/** Compile an aggregate expression over `alias` (whose columns are `columns`). */
function compileAggregate(text: string, alias: Sql, columns: string[], dataset: string, asOf: Sql): { ok: true; sql: Sql } | { ok: false; message: string } {
  const parsed = parseExpression(text);
  if (!parsed.ok) return { ok: false, message: `${parsed.message} (at character ${parsed.offset + 1} of '${text}')` };
  if (!isAggregateOnly(parsed.ast)) return { ok: false, message: `'${text}' must be an aggregate (sum, avg, min, max, count …) over ${dataset}` };
  const r = compileExpression(text, {
    allowAggregates: true,
    asOf,
    resolve: (ref) => ((ref.dataset === undefined || ref.dataset === dataset) && columns.includes(ref.column) ? sql`${alias}.${ident(ref.column)}` : undefined),
  });
  return r.ok ? { ok: true, sql: r.sql } : { ok: false, message: `${r.message} (at character ${r.offset + 1} of '${text}')` };
}

interface Ctx {
  input: DatasetRulesInput;
  contract: Contract;
  columns: string[];
  types: Map<string, string>;
  badPatterns: Map<string, string>;
  refColumns: Record<string, string[]>;
  index: number;
}

function planLibrary(r: LibraryRule, ctx: Ctx): Outcome {
  const m = (suffix: string): Sql => ident(`m${ctx.index}_${suffix}`);
  const percent = r.unit === 'percent' && PERCENT_METRICS.has(r.metric);
  const ratio = (bad: number, total: number): number => (percent ? (total === 0 ? 0 : (bad / total) * 100) : bad);
  if (r.metric === 'rowCount') {
    return { plan: { items: [sql`count(*) AS ${m('n')}`], finish: (row) => ({ value: toNumber(row[`m${ctx.index}_n`]) ?? 0, failed_rows: 0 }) } };
  }
  if (r.metric === 'duplicateValues') {
    const cols = r.property !== undefined ? [r.property] : (r.arguments.properties ?? (ctx.contract.primaryKey.length > 0 ? ctx.contract.primaryKey : ctx.contract.properties.map((p) => p.name)));
    const absent = cols.filter((c) => !ctx.columns.includes(c));
    if (absent.length > 0) return { status: 'error', message: `column ${absent.join(', ')} is not in the data` };
    const keys = cols.map((c) => ident(c));
    // The number of distinct values that occur more than once (datacontract-cli semantics).
    const groups = sql`(SELECT count(*) FROM (SELECT 1 FROM ${ctx.input.relation} WHERE ${join(
      keys.map((k) => sql`${k} IS NOT NULL`),
      ' AND ',
    )} GROUP BY ${join(keys, ', ')} HAVING count(*) > 1))`;
    return { plan: { items: [sql`${groups} AS ${m('n')}`], finish: (row) => { const n = toNumber(row[`m${ctx.index}_n`]) ?? 0; return { value: n, failed_rows: n }; } } };
  }
  if (r.property === undefined) return { status: 'error', message: `${r.metric} needs a property` };
  if (!ctx.columns.includes(r.property)) return { status: 'error', message: `column ${r.property} is not in the data` };
  const col = sql`d.${ident(r.property)}`;
  const isText = ctx.types.get(r.property) === 'VARCHAR';
  const text = isText ? col : sql`CAST(${col} AS VARCHAR)`;
  // An empty CSV cell is NULL (bronze keeps text, so '' stands for a missing value there); a typed
  // column is never '', so it is compared without a cast.
  const v = isText ? sql`NULLIF(${col}, '')` : col;
  let bad: Sql;
  if (r.metric === 'nullValues') {
    bad = sql`${v} IS NULL`;
  } else if (r.metric === 'missingValues') {
    const missing = r.arguments.missingValues ?? [null, ''];
    const values = missing.filter((x): x is string | number => x !== null).map(String);
    const parts = [...(missing.includes(null) ? [sql`${col} IS NULL`] : []), ...(values.length > 0 ? [sql`${text} IN (${list(values)})`] : [])];
    if (parts.length === 0) return { status: 'skipped', message: 'missingValues with an empty list of missing values' };
    bad = sql`(${join(parts, ' OR ')})`;
  } else {
    const valid = (r.arguments.validValues ?? []).filter((x): x is string | number => x !== null);
    const pattern = r.arguments.pattern;
    if (valid.length === 0 && pattern === undefined) return { status: 'skipped', message: 'invalidValues needs validValues or pattern' };
    if (pattern !== undefined && ctx.badPatterns.has(pattern)) return { status: 'error', message: `invalid pattern: ${ctx.badPatterns.get(pattern)}` };
    const strings = valid.map(String);
    const numbers = valid.filter((x): x is number => typeof x === 'number');
    const inList = [sql`${v} IN (${list(strings)})`, ...(numbers.length > 0 ? [sql`TRY_CAST(${v} AS DOUBLE) IN (${list(numbers)})`] : [])];
    const failures = [
      ...(valid.length > 0 ? [sql`NOT (${join(inList, ' OR ')})`] : []),
      ...(pattern !== undefined ? [sql`NOT regexp_matches(${v}, ${pattern})`] : []),
    ];
    // NULLs are never invalid.
    bad = sql`(${v} IS NOT NULL AND (${join(failures, ' OR ')}))`;
  }
  return {
    plan: {
      items: [sql`count(*) FILTER (WHERE ${bad}) AS ${m('bad')}`, sql`count(*) AS ${m('n')}`],
      finish: (row) => {
        const b = toNumber(row[`m${ctx.index}_bad`]) ?? 0;
        return { value: ratio(b, toNumber(row[`m${ctx.index}_n`]) ?? 0), failed_rows: b };
      },
    },
  };
}

function planCustom(r: CustomDatasetRule, ctx: Ctx): Outcome {
  const m = (suffix: string): Sql => ident(`m${ctx.index}_${suffix}`);
  const asOf = asOfLiteral(ctx.input.asOf);
  if (r.metric === 'quarantineRate') {
    const c = ctx.input.counts;
    if (!c) return { status: 'skipped', message: 'no row counts for this dataset (quarantine rate applies to the row pass)' };
    const value = r.unit === 'rows' ? c.rows_quarantined : c.records_in === 0 ? 0 : (c.rows_quarantined / c.records_in) * 100;
    return { plan: { items: [], finish: () => ({ value, failed_rows: c.rows_quarantined }) } };
  }
  if (r.metric === 'freshness') {
    if (r.column === undefined || !ctx.columns.includes(r.column)) return { status: 'error', message: `freshness column ${r.column ?? '(none)'} is not in the data` };
    // Hours from the newest value to the end of the as-of day.
    const newest = sql`max(TRY_CAST(d.${ident(r.column)} AS TIMESTAMP))`;
    const hours = sql`date_diff('second', ${newest}, CAST(${asOf} AS TIMESTAMP) + INTERVAL 1 DAY) / 3600.0`;
    return {
      plan: {
        items: [sql`${hours} AS ${m('h')}`],
        finish: (row) => {
          const h = toNumber(row[`m${ctx.index}_h`]);
          return h === null ? { value: null, failed_rows: 0, message: `${r.column} has no timestamp value` } : { value: h, failed_rows: 0 };
        },
      },
    };
  }
  // reconciliation: |aggregate over this relation − aggregate over compareTo.dataset|
  if (r.expression === undefined || r.compareTo === undefined) return { status: 'error', message: 'reconciliation needs expression and compareTo' };
  const left = compileAggregate(r.expression, trusted('d'), ctx.columns, ctx.input.dataset, asOf);
  if (!left.ok) return { status: 'error', message: left.message };
  const other = r.compareTo.dataset;
  const relation = Object.hasOwn(ctx.input.refs, other) ? ctx.input.refs[other] : undefined;
  const otherColumns = ctx.refColumns[other];
  if (!relation || !otherColumns) return { status: 'skipped', message: `dataset ${other} is not available for reconciliation` };
  const right = compileAggregate(r.compareTo.expression, trusted('r'), otherColumns, other, asOf);
  if (!right.ok) return { status: 'error', message: right.message };
  const diff = sql`abs(CAST(${left.sql} AS DOUBLE) - CAST((SELECT ${right.sql} FROM ${relation} AS r) AS DOUBLE))`;
  return {
    plan: {
      items: [sql`${diff} AS ${m('d')}`],
      finish: (row) => {
        const d = toNumber(row[`m${ctx.index}_d`]);
        return d === null ? { value: null, failed_rows: 0, message: 'one side of the reconciliation is NULL' } : { value: d, failed_rows: 0 };
      },
    },
  };
}

function operatorOf(r: QualityRule): Operator | undefined {
  return r.type === 'library' || r.type === 'sql' || r.type === 'custom-dataset' ? r.operator : undefined;
}

function unitOf(r: QualityRule): string {
  if (r.type === 'library') return PERCENT_METRICS.has(r.metric) ? r.unit : 'rows';
  if (r.type === 'custom-dataset') return r.metric === 'freshness' ? 'hours' : r.metric === 'quarantineRate' ? (r.unit === 'rows' ? 'rows' : 'percent') : r.unit;
  return 'rows';
}

function ruleKind(r: QualityRule): string {
  switch (r.type) {
    case 'library':
    case 'custom-dataset':
      return r.metric;
    case 'sql':
      return 'sql';
    case 'text':
      return 'text';
    case 'custom-row':
      return 'custom';
    case 'filter':
      return 'filter';
  }
}

function describeRule(r: QualityRule, dataset: string): string {
  if (r.description) return r.description;
  const what = r.property === undefined ? dataset : `${dataset}.${r.property}`;
  switch (r.type) {
    case 'library':
      return `${r.metric} of ${what}`;
    case 'custom-dataset':
      return r.metric === 'freshness' ? `freshness of ${dataset}.${r.column ?? ''}` : r.metric === 'reconciliation' ? `${r.expression ?? ''} reconciles with ${r.compareTo?.dataset ?? ''}.${r.compareTo?.expression ?? ''}` : `quarantine rate of ${dataset}`;
    case 'sql':
      return `SQL rule on ${dataset}`;
    default:
      return `rule on ${what}`;
  }
}

export async function evaluateDatasetRules(engine: Engine, input: DatasetRulesInput): Promise<CheckResult[]> {
  const rules = input.contracts.flatMap((c) => [...c.properties.flatMap((p) => p.quality), ...c.quality].map((r) => ({ r, c })));
  const datasetRules = rules.filter(({ r }) => r.type !== 'custom-row' && r.type !== 'filter');
  if (datasetRules.length === 0 && !input.withPropertyRules) return [];
  const types = await columnTypesOf(engine, input.relation);
  const columns = [...types.keys()];
  const propertyPlans = input.withPropertyRules
    ? input.contracts.map((contract, i) => planPropertyRules({ dataset: input.dataset, layer: input.layer, contract }, columns, `p${i}_`))
    : [];
  const badPatterns = await checkPatterns(
    engine,
    datasetRules.flatMap(({ r }) => (r.type === 'library' && r.arguments.pattern !== undefined ? [r.arguments.pattern] : [])),
  );
  const refColumns: Record<string, string[]> = {};
  for (const { r } of datasetRules) {
    const other = r.type === 'custom-dataset' ? r.compareTo?.dataset : undefined;
    if (other !== undefined && Object.hasOwn(input.refs, other) && !refColumns[other]) refColumns[other] = await columnsOf(engine, input.refs[other]!);
  }

  const base = (r: QualityRule, c: Contract): CheckResult => ({
    id: ruleId(input.dataset, r.id),
    rule: ruleKind(r),
    dataset: input.dataset,
    layer: input.layer,
    kind: 'dataset',
    severity: r.severity,
    ...(r.property === undefined ? {} : { property: r.property }),
    description: describeRule(r, input.dataset),
    failed_rows: 0,
    status: 'passed',
    contract: { file: c.file, ...(r.loc.line === undefined ? {} : { line: r.loc.line }) },
  });
  const verdict = (r: QualityRule, value: number | null): CheckResult['status'] => {
    const op = operatorOf(r);
    if (!op || value === null || !satisfiesOperator(op, value)) return r.severity === 'warning' ? 'warning' : 'failed';
    return 'passed';
  };

  const results: (CheckResult | undefined)[] = [];
  const planned: { at: number; r: QualityRule; plan: Planned }[] = [];
  const sqlRules: { at: number; r: SqlRule }[] = [];
  datasetRules.forEach(({ r, c }, index) => {
    const result = base(r, c);
    const op = operatorOf(r);
    if (op) result.threshold = describeOperator(op, unitOf(r));
    results.push(result);
    if (r.type === 'text') {
      Object.assign(result, { status: 'skipped', message: (r as { skipped?: string }).skipped ?? 'text rule: documentation only' });
      return;
    }
    if (r.type === 'sql') {
      sqlRules.push({ at: index, r });
      return;
    }
    const ctx: Ctx = { input, contract: c, columns, types, badPatterns, refColumns, index };
    const outcome = r.type === 'library' ? planLibrary(r, ctx) : planCustom(r as CustomDatasetRule, ctx);
    if ('plan' in outcome) planned.push({ at: index, r, plan: outcome.plan });
    else Object.assign(result, { status: outcome.status, message: outcome.message, failed_rows: outcome.failed_rows ?? 0 });
  });

  // ONE aggregate query for every metric (and property rule) of the relation.
  const items = [...propertyPlans.flatMap((p) => p.items), ...planned.flatMap((p) => p.plan.items)];
  const [row] = items.length > 0 ? await engine.rows(sql`SELECT ${join(items, ',\n  ')} FROM ${input.relation} AS d`) : [{} as Row];
  const propertyResults = propertyPlans.flatMap((p) => [...p.absent, ...p.finish(row ?? {})]);
  for (const p of planned) {
    const { value, ...rest } = p.plan.finish(row ?? {});
    Object.assign(results[p.at]!, rest, { value, status: verdict(p.r, value) });
  }

  if (sqlRules.length > 0) {
    const view = ident(RULE_RELATION);
    await engine.exec(sql`CREATE OR REPLACE TEMP VIEW ${view} AS SELECT * FROM ${input.relation}`);
    try {
      for (const { at, r } of sqlRules) {
        const result = results[at]!;
        const object = input.contracts.find((c) => c.quality.includes(r) || c.properties.some((p) => p.quality.includes(r)))?.object ?? input.dataset;
        const guarded = await guardSqlRule(engine, r.query, object);
        if (!guarded.ok) {
          // Refused rules never run; they fail so that a hostile or broken contract cannot pass.
          Object.assign(result, { status: 'failed', message: guarded.message, value: null });
          continue;
        }
        const ran = await engine.tryScalar(guarded.sql);
        if (!ran.ok) {
          Object.assign(result, { status: 'failed', message: `query failed: ${ran.error}`, value: null });
          continue;
        }
        const value = toNumber(ran.value);
        Object.assign(result, { value, status: verdict(r, value), ...(value === null ? { message: `the query returned ${JSON.stringify(ran.value)}, not a number` } : {}) });
      }
    } finally {
      await engine.exec(sql`DROP VIEW IF EXISTS ${view}`);
    }
  }
  return [...propertyResults, ...results.filter((r): r is CheckResult => r !== undefined)];
}
