// Dataset rules of one relation: every metric of the rule table (dataset-metrics.ts: null / missing /
// invalid / duplicate values, row count, freshness, reconciliation) in ONE aggregate query, with the
// gold table's row kinds (property-rules.ts) in the same scan; quarantine rate from the row pass's
// counts; SQL rules (guarded, see guard-sql-rule.ts) one query each, as written by the user.
import { createHash } from 'node:crypto';
import type { ColumnInfo, Engine, Row } from '../engine/engine.ts';
import { ident, join, qualified, sql, type Sql } from '../sql/sql.ts';
import type { Contract, Layer, Operator, QualityRule, SqlRule } from '../contracts/model.ts';
import type { CheckResult, SourceCounts } from './result.ts';
import { checkPatterns } from './check-patterns.ts';
import { planPropertyRules } from './property-rules.ts';
import { asOfLiteral } from './compile-row-rules.ts';
import { datasetKindOf, datasetMetricOf, type AggregateItem, type MetricContext, type PlannedMetric } from './dataset-metrics.ts';
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
  /** The relation's aggregate values after the last run (by itemKey) and the rows removed and added since
   * (none: unchanged): the aggregates that follow a change (AggregateItem.follows) are computed from them. */
  since?: Since;
  /** Filled with this run's values of those aggregates (by itemKey): the next run's `since.last`. */
  memo?: Record<string, number>;
}

export interface Since {
  last: Record<string, number>;
  removed?: Sql;
  added?: Sql;
}

/** An aggregate's name in a memo: the hash of its SQL and of how it follows a change. */
export const itemKey = (i: AggregateItem): string =>
  createHash('sha256').update(`${JSON.stringify(i.follows ?? null)}\n${i.expr.text}`).digest('hex').slice(0, 32);

const toNumber = (c: unknown): number | null => {
  if (c === null || c === undefined) return null;
  const n = typeof c === 'number' ? c : Number(c);
  return Number.isFinite(n) ? n : null;
};

function ruleId(dataset: string, id: string): string {
  return id.startsWith(`${dataset}.`) ? id : `${dataset}.${id}`;
}

/** Column name → type of the relation; a rule naming any other column is an error result, not a failed query. */
async function columnTypesOf(engine: Engine, relation: Sql): Promise<Map<string, ColumnInfo>> {
  return new Map((await engine.describe(sql`SELECT * FROM ${relation}`)).map((c) => [c.name, c]));
}

function operatorOf(r: QualityRule): Operator | undefined {
  return r.type === 'library' || r.type === 'sql' || r.type === 'custom-dataset' ? r.operator : undefined;
}

export async function evaluateDatasetRules(engine: Engine, input: DatasetRulesInput): Promise<CheckResult[]> {
  const rules = input.contracts.flatMap((c) => [...c.properties.flatMap((p) => p.quality), ...c.quality].map((r) => ({ r, c })));
  const datasetRules = rules.filter(({ r }) => datasetKindOf(r) !== undefined);
  if (datasetRules.length === 0 && !input.withPropertyRules) return [];
  const types = await columnTypesOf(engine, input.relation);
  const columns = [...types.keys()];
  const asOf = asOfLiteral(input.asOf);
  const badPatterns = await checkPatterns(engine, [
    ...datasetRules.flatMap(({ r }) => (r.type === 'library' && r.arguments.pattern !== undefined ? [r.arguments.pattern] : [])),
    ...(input.withPropertyRules ? input.contracts.flatMap((c) => c.properties.flatMap((p) => (p.options.pattern === undefined ? [] : [p.options.pattern]))) : []),
  ]);
  const refColumns: Record<string, string[]> = {};
  const referenced = [
    ...datasetRules.map(({ r }) => (r.type === 'custom-dataset' ? r.compareTo?.dataset : undefined)),
    ...(input.withPropertyRules ? input.contracts.flatMap((c) => c.relationships.map((rel) => rel.toDataset)) : []),
  ];
  for (const other of referenced) {
    if (other !== undefined && Object.hasOwn(input.refs, other) && !refColumns[other]) refColumns[other] = [...(await columnTypesOf(engine, input.refs[other]!)).keys()];
  }
  const propertyPlans = input.withPropertyRules
    ? input.contracts.map((contract, i) =>
        planPropertyRules({ dataset: input.dataset, layer: input.layer, contract, relation: input.relation, refs: input.refs, refColumns, asOf, badPatterns }, types, `p${i}_`),
      )
    : [];

  const base = (r: QualityRule, c: Contract): CheckResult => ({
    id: ruleId(input.dataset, r.id),
    rule: datasetKindOf(r)!,
    dataset: input.dataset,
    layer: input.layer,
    kind: 'dataset',
    severity: r.severity,
    ...(r.property === undefined ? {} : { property: r.property }),
    description: r.description || datasetMetricOf(r)!.describe(r, input.dataset),
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
  const planned: { at: number; r: QualityRule; plan: PlannedMetric }[] = [];
  const sqlRules: { at: number; r: SqlRule }[] = [];
  datasetRules.forEach(({ r, c }, index) => {
    const result = base(r, c);
    const metric = datasetMetricOf(r)!;
    const op = operatorOf(r);
    if (op) result.threshold = describeOperator(op, metric.unit(r));
    results.push(result);
    if (r.type === 'text') {
      Object.assign(result, { status: 'skipped', message: r.skipped ?? 'text rule: documentation only' });
      return;
    }
    if (r.type === 'sql') {
      sqlRules.push({ at: index, r });
      return;
    }
    const ctx: MetricContext = {
      dataset: input.dataset,
      relation: input.relation,
      contract: c,
      columns,
      isText: (column) => types.get(column)?.type === 'VARCHAR',
      badPatterns,
      refs: input.refs,
      refColumns,
      ...(input.counts ? { counts: input.counts } : {}),
      asOf,
      index,
    };
    const outcome = metric.plan!(r, ctx);
    if ('plan' in outcome) planned.push({ at: index, r, plan: outcome.plan });
    else Object.assign(result, { status: outcome.status, message: outcome.message, failed_rows: outcome.failed_rows ?? 0 });
  });

  // ONE aggregate query for every metric (and property rule) of the relation.
  const items = [...propertyPlans.flatMap((p) => p.items), ...planned.flatMap((p) => p.plan.items)];
  const row = await aggregateRow(engine, input.relation, items, input.since);
  if (input.memo) {
    for (const i of items) {
      const v = toNumber(row[i.as]);
      if (i.follows !== undefined && v !== null) input.memo[itemKey(i)] = v;
    }
  }
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

/** The aggregate row of `relation`: ONE scan for the aggregates evaluated whole; with `since`, the counts
 * from the last values and the changed rows, and the duplicate counts from the touched keys. */
async function aggregateRow(engine: Engine, relation: Sql, items: AggregateItem[], since: Since | undefined): Promise<Row> {
  const follow = since ? items.filter((i) => i.follows !== undefined && typeof since.last[itemKey(i)] === 'number') : [];
  const whole = items.filter((i) => !follow.includes(i));
  const select = (of: AggregateItem[], from: Sql) => sql`SELECT ${join(of.map((i) => sql`${i.expr} AS ${ident(i.as)}`), ',\n  ')} FROM ${from} AS d`;
  const row: Row = whole.length > 0 ? ((await engine.rows(select(whole, relation)))[0] ?? {}) : {};
  if (!since) return row;
  const counts = follow.filter((i) => i.follows === 'count');
  for (const i of counts) row[i.as] = since.last[itemKey(i)]!;
  for (const [side, sign] of [[since.removed, -1], [since.added, 1]] as const) {
    if (!side || counts.length === 0) continue;
    const [changed] = await engine.rows(select(counts, side));
    for (const i of counts) row[i.as] = (row[i.as] as number) + sign * (toNumber(changed?.[i.as]) ?? 0);
  }
  for (const i of follow) {
    if (typeof i.follows !== 'object') continue;
    row[i.as] = since.last[itemKey(i)]! + (await duplicatesChange(engine, relation, i.follows.duplicates, since));
  }
  return row;
}

/**
 * How many more key tuples are held by several rows than before the change, counted over the keys the
 * removed and added rows hold: a key's count before = its count now − its added rows + its removed rows.
 * Tuples with a NULL are never duplicates (dataset-metrics.ts, duplicateValues).
 */
async function duplicatesChange(engine: Engine, relation: Sql, keys: string[], since: Since): Promise<number> {
  const sides = [since.removed, since.added].filter((s): s is Sql => s !== undefined);
  if (sides.length === 0) return 0;
  const cols = join(keys.map((k) => ident(k)), ', ');
  const present = join(keys.map((k) => sql`${ident(k)} IS NOT NULL`), ' AND ');
  const countsIn = (from: Sql | undefined, filter: Sql) =>
    from ? sql`SELECT ${cols}, count(*) AS "__n" FROM ${from} WHERE ${filter} GROUP BY ALL` : sql`SELECT ${cols}, 0 AS "__n" FROM ${sides[0]!} WHERE FALSE`;
  const n = (side: string) => sql`coalesce(${qualified(side, '__n')}, 0)`;
  const value = await engine.scalar(sql`WITH "__touched" AS (SELECT DISTINCT ${cols} FROM (${join(sides.map((s) => sql`SELECT ${cols} FROM ${s}`), ' UNION ALL ')}) WHERE ${present}),
  "__now" AS (${countsIn(relation, sql`(${cols}) IN (SELECT ${cols} FROM "__touched")`)}),
  "__plus" AS (${countsIn(since.added, present)}),
  "__minus" AS (${countsIn(since.removed, present)})
SELECT count(*) FILTER (WHERE ${n('__now')} > 1) - count(*) FILTER (WHERE ${n('__now')} - ${n('__plus')} + ${n('__minus')} > 1)
FROM "__touched" LEFT JOIN "__now" USING (${cols}) LEFT JOIN "__plus" USING (${cols}) LEFT JOIN "__minus" USING (${cols})`);
  return Number(value);
}
