// The statements of the fused row pass, from a RowRulePlan (pure; golden-tested), one function each:
//   duplicates flags of the few records that share a key or all their fields (hash aggregate + window)
//   label      ONE streaming scan of bronze: typed values, FK joins, duplicate flags → every row, labelled
//              with the ids of the rules it broke, written into the silver table
//   quarantine failing rows, original text + rule ids + reasons
//   counts     ONE statement: conservation counts + failures and sample keys of every rule
//   silver     delete the rows that did not pass, drop the helper (and lineage) columns
// Every internal column and table name comes from pass-columns.ts.
import { ident, join, literal, sql, trusted, type Sql } from '../sql/sql.ts';
import { LINEAGE_COLUMNS, type PlannedColumn, type PlannedJoin, type RowRulePlan } from './compile-row-rules.ts';
import { duplicateColumn as dup, helperColumn as helper, joinColumn, passColumn as col } from './pass-columns.ts';

export interface EnforceTables {
  bronze: Sql;
  /** Columns of the bronze relation (to know which declared columns and which lineage columns exist). */
  bronzeColumns: string[];
  silverTable: Sql;
  quarantineTable: Sql;
  /** A temporary table for the duplicate flags (dropped by the silver statement). */
  duplicatesTable: Sql;
  /** The files of the bronze relation: `_source_file` is stored as an ENUM of them. */
  sourceFiles?: string[];
  /** Keep `_source_file` and `_record_number` in the silver table (dropped otherwise, see EnforceInput). */
  keepLineage?: boolean;
}

/** In order: duplicates (flags of the records that share a key or all their fields), label (creates
 * the silver table with every row), quarantine, counts, then silver (deletes the rows that did not
 * pass, drops the helper columns, the lineage columns unless kept, and the duplicates table). */
export interface EnforceStatements {
  duplicates?: Sql;
  label: Sql;
  quarantine: Sql;
  counts: Sql;
  silver: Sql;
}

/** A key as people read it: the value of a one-column key, a tuple `(O0010332, P0044)` for a composite one
 * (so that a list of samples never reads flat as `O1, P2, O1, P2`). */
export function compositeKey(parts: Sql[]): Sql {
  return parts.length === 1 ? parts[0]! : sql`'(' || concat_ws(', ', ${join(parts, ', ')}) || ')'`;
}

/** Samples of failing keys kept per rule. */
export const SAMPLE_SIZE = 5;

const SOURCE_FILE = ident('_source_file');
const RECORD_NUMBER = ident('_record_number');
const NONE = trusted('');

/** What every statement of one pass shares, derived once from the plan. */
export interface Pass {
  plan: RowRulePlan;
  t: EnforceTables;
  /** SELECT of the raw text (positional aliases) and lineage from bronze. */
  source: Sql;
  /** The record's original fields as one tuple (what "exact duplicate" compares). */
  record: Sql;
  /** Columns the duplicates window partitions by: the typed primary key, else every field. */
  partition: Sql[];
  /** Ids of the business filters and of the error-severity rules, as literals. */
  filterIds: Sql[];
  errorIds: Sql[];
  /** Declared properties present in bronze. */
  present: PlannedColumn[];
  /** The raw text aliases kept for failing rows, in their order in the helper list (present properties,
   * then undeclared columns). */
  originals: Sql[];
}

function lineageSelect(bronzeColumns: string[]): Sql[] {
  const has = (n: string): boolean => bronzeColumns.includes(n);
  return [
    has('_source_file') ? sql`CAST(b.${SOURCE_FILE} AS VARCHAR) AS ${SOURCE_FILE}` : sql`CAST(NULL AS VARCHAR) AS ${SOURCE_FILE}`,
    // Always there: enforceRowRules numbers a relation that lacks it.
    sql`CAST(b.${RECORD_NUMBER} AS BIGINT) AS ${RECORD_NUMBER}`,
  ];
}

export function preparePass(plan: RowRulePlan, t: EnforceTables): Pass {
  const rawSelect = [
    ...plan.columns.map((c) => (c.present ? sql`CAST(b.${ident(c.name)} AS VARCHAR) AS ${c.raw}` : sql`CAST(NULL AS VARCHAR) AS ${c.raw}`)),
    ...plan.extras.map((x) => sql`CAST(b.${ident(x.name)} AS VARCHAR) AS ${x.raw}`),
    ...lineageSelect(t.bronzeColumns.filter((n) => LINEAGE_COLUMNS.has(n))),
  ];
  const originals = [...plan.columns.filter((c) => c.present).map((c) => c.raw), ...plan.extras.map((x) => x.raw)];
  return {
    plan,
    t,
    source: sql`SELECT ${join(rawSelect, ', ')} FROM ${t.bronze} AS b`,
    record: originals.length > 0 ? sql`(${join(originals, ', ')})` : trusted('NULL'),
    partition: plan.primaryKey.length > 0 ? plan.primaryKey.map((k) => k.typed) : originals,
    filterIds: plan.rules.filter((r) => r.rule === 'filter').map((r) => literal(r.id)),
    errorIds: plan.rules.filter((r) => r.severity === 'error' && r.rule !== 'filter').map((r) => literal(r.id)),
    present: plan.columns.filter((c) => c.present),
    originals,
  };
}

/** The original text of a present property (or of undeclared column i) in a labelled row: its element of
 * the helper list. */
function rawOf(p: Pass, c: PlannedColumn): Sql {
  return sql`${helper.raw}[${trusted(String(p.present.indexOf(c) + 1))}]`;
}
function extraOf(p: Pass, i: number): Sql {
  return sql`${helper.raw}[${trusted(String(p.present.length + i + 1))}]`;
}

/** The lineage order of records (file, then record number). */
const lineageOrder = (): Sql => sql`${SOURCE_FILE}, ${RECORD_NUMBER}`;

/** `AND NOT <excluded>` when the plan has business filters (nothing otherwise: the statements of a plan
 * without filters, the default contracts, stay as they were before filters existed). */
function andNotExcluded(p: Pass): Sql {
  return p.filterIds.length > 0 ? sql` AND NOT ${helper.excluded}` : NONE;
}

/** The filters' ids among a row's rule ids. */
function filterIdsOf(p: Pass, ids: Sql): Sql {
  return sql`list_filter(${ids}, lambda x: x IN (${join(p.filterIds, ', ')}))`;
}

/**
 * Duplicates are rare, so the sorting window runs on the few suspect records only, in a statement of its
 * own over bronze (so that the labelling pass streams instead of materialising its input). A hash
 * aggregate over the partition columns alone finds the values seen more than once (grouped by a 64-bit
 * hash: a collision only adds suspects, which the window then tells apart exactly); the window over the
 * suspects, partitioned by the real values, marks exact duplicates (all fields equal: keep the first, drop
 * the rest) and, with a primary key, keys held by different records (first and last record of the key
 * differ). The labelling pass joins these few flags back; every other record is neither. Sorting within
 * a partition on the hash of the record puts equal records next to each other.
 */
export function buildDuplicatesSql(p: Pass): Sql | undefined {
  if (p.partition.length === 0) return undefined;
  const keyed = p.plan.primaryKey.length > 0;
  const all = trusted('ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING');
  const conflict = keyed ? sql`first_value(${p.record}) OVER (w ${all}) IS DISTINCT FROM last_value(${p.record}) OVER (w ${all})` : trusted('FALSE');
  const keyTyped = keyed ? sql`, ${join(p.plan.primaryKey.map((k) => sql`${k.cast} AS ${k.typed}`), ', ')}` : NONE;
  const hashed = sql`hash(${join(p.partition, ', ')})`;
  const typed = sql`(SELECT *${keyTyped} FROM (${p.source}) AS src) AS typed`;
  return sql`CREATE OR REPLACE TEMP TABLE ${p.t.duplicatesTable} AS
SELECT ${SOURCE_FILE} AS ${dup.sourceFile}, ${RECORD_NUMBER} AS ${dup.recordNumber}, lag(${p.record}) OVER w IS NOT DISTINCT FROM ${p.record} AS ${dup.dropped}, ${conflict} AS ${dup.keyConflict}
FROM ${typed}
WHERE ${hashed} IN (SELECT ${hashed} AS ${dup.hash} FROM ${typed} GROUP BY ${dup.hash} HAVING count(*) > 1)
WINDOW w AS (PARTITION BY ${join(p.partition, ', ')} ORDER BY hash(${p.record}), ${lineageOrder()})`;
}

/** A LEFT JOIN to a referenced relation: its key (and the columns custom predicates read), found or not. */
export function joinSql(j: PlannedJoin): { select: Sql[]; from: Sql } {
  const alias = joinColumn.alias(j.index);
  const keyCols = j.relationship.to.map((to, i) => (j.unique ? sql`r.${ident(to)} AS ${joinColumn.key(i)}` : sql`TRY_CAST(r.${ident(to)} AS ${j.from[i]!.sqlType}) AS ${joinColumn.key(i)}`));
  const found = sql`TRUE AS ${joinColumn.found}`;
  // A key of the referenced table (same types) joins as is; anything else is grouped by the key
  // first, so the join can never multiply rows.
  let sub: Sql;
  if (j.unique) {
    const cols = j.columns.map((c, i) => sql`r.${ident(c)} AS ${joinColumn.column(i)}`);
    sub = sql`SELECT ${join([...keyCols, found, ...cols], ', ')} FROM ${j.relation} AS r`;
  } else {
    const keys = j.relationship.to.map((to, i) => sql`TRY_CAST(r.${ident(to)} AS ${j.from[i]!.sqlType})`);
    const cols = j.columns.map((c, i) => sql`min(r.${ident(c)}) AS ${joinColumn.column(i)}`);
    sub = sql`SELECT ${join([...keyCols, found, ...cols], ', ')} FROM ${j.relation} AS r WHERE ${join(
      keys.map((k) => sql`${k} IS NOT NULL`),
      ' AND ',
    )} GROUP BY ${join(keys, ', ')}`;
  }
  const on = join(
    j.from.map((f, i) => sql`typed.${f.typed} = ${alias}.${joinColumn.key(i)}`),
    ' AND ',
  );
  return {
    select: [sql`${alias}.${joinColumn.found} AS ${j.found}`, ...j.columns.map((_, i) => sql`${alias}.${joinColumn.column(i)} AS ${col.joinColumn(j.index, i)}`)],
    from: sql`LEFT JOIN (${sub}) AS ${alias} ON ${on}`,
  };
}

/** The CTE that adds the duplicate flags: joined back from the duplicates table, or FALSE without one. */
function windowedSql(p: Pass): Sql {
  if (p.partition.length === 0) return sql`SELECT *, FALSE AS ${col.dropped}, FALSE AS ${col.keyConflict} FROM joined`;
  return sql`SELECT joined.*, coalesce(s.${dup.dropped}, FALSE) AS ${col.dropped}, coalesce(s.${dup.keyConflict}, FALSE) AS ${col.keyConflict}
  FROM joined LEFT JOIN ${p.t.duplicatesTable} AS s ON joined.${RECORD_NUMBER} = s.${dup.recordNumber} AND joined.${SOURCE_FILE} IS NOT DISTINCT FROM s.${dup.sourceFile}`;
}

/**
 * ONE streaming scan of bronze. The labelled rows land in the silver table itself, typed under their
 * contract names, with the original text kept only for rows that broke something (NULL, hence nearly
 * free, elsewhere). Quarantine and counts read it; then the silver statement deletes the dropped and
 * quarantined rows and drops the helper columns, which costs milliseconds where a copy of the passing
 * rows would cost a full pass.
 */
export function buildLabelSql(p: Pass): Sql {
  const { plan, t } = p;
  const typedSelect = plan.columns.map((c) => sql`${c.cast} AS ${c.typed}`);
  const joins = plan.joins.map(joinSql);
  // Unique columns: the values held by more than one kept record (exact duplicates do not count).
  const windows = plan.uniques.map(
    (u) => sql`coalesce(${u.typed} IN (SELECT ${u.typed} FROM windowed WHERE NOT ${col.dropped} AND ${u.typed} IS NOT NULL GROUP BY ${u.typed} HAVING count(*) > 1), FALSE) AS ${col.uniqueShared(u.index)}`,
  );
  // Most records break nothing: the list of broken rules is built only for those that break something
  // (NULL otherwise), which keeps the labelled table small.
  const labels =
    plan.rules.length > 0
      ? sql`CASE WHEN ${join(
          plan.rules.map((r) => sql`(${r.predicate})`),
          ' OR ',
        )} THEN CAST(list_filter([${join(
          plan.rules.map((r) => sql`CASE WHEN ${r.predicate} THEN ${r.id} END`),
          ',\n  ',
        )}], lambda x: x IS NOT NULL) AS VARCHAR[]) END`
      : trusted('CAST(NULL AS VARCHAR[])');
  // Business filters exclude a row on purpose; that wins over its failures (a cancelled line with a
  // negative quantity is excluded, not quarantined). Exact duplicates are dropped before either.
  const excluded = p.filterIds.length > 0 ? sql`(NOT ${col.dropped} AND coalesce(list_has_any(${col.ruleIds}, [${join(p.filterIds, ', ')}]), FALSE))` : trusted('FALSE');
  const quarantined =
    p.errorIds.length > 0
      ? sql`(NOT ${col.dropped}${p.filterIds.length > 0 ? sql` AND NOT ${excluded}` : NONE} AND coalesce(list_has_any(${col.ruleIds}, [${join(p.errorIds, ', ')}]), FALSE))`
      : trusted('FALSE');
  const files = [...new Set(t.sourceFiles ?? [])];
  const sourceFile = files.length > 0 ? sql`CAST(${SOURCE_FILE} AS ENUM(${join(files.map((f) => literal(f)), ', ')})) AS ${SOURCE_FILE}` : SOURCE_FILE;
  const labelSelect = [
    ...plan.columns.map((c) => sql`${c.typed} AS ${ident(c.name)}`),
    sourceFile,
    RECORD_NUMBER,
    ...(p.originals.length > 0 ? [sql`CASE WHEN ${col.ruleIds} IS NOT NULL THEN [${join(p.originals, ', ')}] END AS ${helper.raw}`] : []),
    sql`${col.dropped} AS ${helper.dropped}`,
    sql`${quarantined} AS ${helper.quarantined}`,
    ...(p.filterIds.length > 0 ? [sql`${excluded} AS ${helper.excluded}`] : []),
    sql`${col.ruleIds} AS ${helper.ruleIds}`,
  ];
  return sql`CREATE OR REPLACE TABLE ${t.silverTable} AS
WITH src AS (
  ${p.source}
), typed AS (
  SELECT *, ${join(typedSelect.length > 0 ? typedSelect : [sql`NULL AS ${col.none}`], ',\n  ')} FROM src
), joined AS (
  SELECT ${join([trusted('typed.*'), ...joins.flatMap((j) => j.select)], ', ')} FROM typed${joins.length > 0 ? sql`\n  ${join(
    joins.map((j) => j.from),
    '\n',
  )}` : NONE}
), windowed AS (
  ${windowedSql(p)}
), counted AS (
  SELECT *${windows.length > 0 ? sql`, ${join(windows, ', ')}` : NONE} FROM windowed
), labelled AS (
  SELECT *, ${labels} AS ${col.ruleIds} FROM counted
)
SELECT ${join(labelSelect, ', ')} FROM labelled`;
}

/** The rule ids a quarantined row shows: an excluded row shows the filters that excluded it, not the
 * rules it would have failed. */
function shownIds(p: Pass): Sql {
  return p.filterIds.length > 0 ? sql`CASE WHEN ${helper.excluded} THEN ${filterIdsOf(p, helper.ruleIds)} ELSE ${helper.ruleIds} END` : helper.ruleIds;
}

/** The failing (and excluded) rows: original text, lineage, rule ids and reasons. */
export function buildQuarantineSql(p: Pass): Sql {
  const { plan, t } = p;
  const ids = shownIds(p);
  const reasons =
    plan.rules.length > 0
      ? sql`list_transform(${ids}, lambda x: CASE x ${join(
          plan.rules.map((r) => sql`WHEN ${r.id} THEN ${r.description}`),
          '\n',
        )} END)`
      : trusted('CAST([] AS VARCHAR[])');
  const quarantineCols = [
    ...plan.columns.map((c) => (c.present ? sql`${rawOf(p, c)} AS ${ident(c.name)}` : sql`CAST(NULL AS VARCHAR) AS ${ident(c.name)}`)),
    ...plan.extras.map((x, i) => sql`${extraOf(p, i)} AS ${ident(x.name)}`),
    sql`CAST(${SOURCE_FILE} AS VARCHAR) AS ${SOURCE_FILE}`,
    RECORD_NUMBER,
    trusted('CAST(NULL AS VARCHAR) AS "_raw"'),
    sql`${ids} AS "_rule_ids"`,
    sql`${reasons} AS "_reasons"`,
    sql`${p.filterIds.length > 0 ? helper.excluded : trusted('FALSE')} AS "_excluded"`,
  ];
  return sql`CREATE OR REPLACE TABLE ${t.quarantineTable} AS SELECT ${join(
    quarantineCols,
    ', ',
  )} FROM ${t.silverTable} WHERE ${helper.quarantined}${p.filterIds.length > 0 ? sql` OR ${helper.excluded}` : NONE} ORDER BY ${lineageOrder()}`;
}

/** ONE statement: the conservation counts and, per rule, its failures and a few sample keys. */
export function buildCountsSql(p: Pass): Sql {
  const { plan, t } = p;
  const filters = p.filterIds.length > 0;
  // The key when the row has one; the record number when the key itself is missing.
  const byRecord = sql`'record ' || ${RECORD_NUMBER}`;
  const keyRaw = (c: PlannedColumn): Sql => (c.present ? rawOf(p, c) : trusted('CAST(NULL AS VARCHAR)'));
  const sampleKey =
    plan.primaryKey.length > 0
      ? sql`CASE WHEN ${join(plan.primaryKey.map((k) => sql`NULLIF(${keyRaw(k)}, '') IS NULL`), ' AND ')} THEN ${byRecord} ELSE ${compositeKey(
          plan.primaryKey.map((k) => sql`coalesce(NULLIF(${keyRaw(k)}, ''), 'NULL')`),
        )} END`
      : byRecord;
  const lineage = sql`(${lineageOrder()})`;
  // Per-rule failures come from the labelled rows that broke something (few), unnested once and
  // grouped by rule id: the cost follows the defects, not rows × rules.
  const perRule = sql`(SELECT list({'id': "id", 'n': "n", 's': "s"} ORDER BY "id") FROM (
    SELECT "id", count(*) AS "n", arg_min("k", "r", ${SAMPLE_SIZE}) AS "s" FROM (
      SELECT unnest(${helper.ruleIds}) AS "id", ${sampleKey} AS "k", ${lineage} AS "r"
      FROM ${t.silverTable} WHERE ${helper.ruleIds} IS NOT NULL AND NOT ${helper.dropped}${andNotExcluded(p)}${
        filters
          ? sql`
      UNION ALL SELECT unnest(${filterIdsOf(p, helper.ruleIds)}), ${sampleKey}, ${lineage}
      FROM ${t.silverTable} WHERE ${helper.excluded}`
          : NONE
      }
    ) GROUP BY "id"
  )) AS "per_rule"`;
  const { dropped: d, quarantined: q, ruleIds: ids } = helper;
  const isExcluded = filters ? helper.excluded : trusted('FALSE');
  const kept = sql`NOT ${d} AND NOT ${q}${andNotExcluded(p)}`;
  return sql`SELECT ${join(
    [
      trusted('count(*) AS "records_in"'),
      sql`count(*) FILTER (WHERE ${d}) AS "duplicates_dropped"`,
      sql`count(*) FILTER (WHERE ${q}) AS "rows_quarantined"`,
      sql`count(*) FILTER (WHERE ${isExcluded}) AS "rows_excluded"`,
      sql`count(*) FILTER (WHERE ${kept}) AS "rows_out"`,
      sql`count(*) FILTER (WHERE ${kept} AND ${ids} IS NOT NULL) AS "rows_flagged"`,
      perRule,
    ],
    ',\n  ',
  )}
FROM ${t.silverTable}`;
}

/** Delete the rows that did not pass, then drop the helper columns, the duplicates table and (unless
 * kept) the lineage columns. */
export function buildSilverSql(p: Pass): Sql {
  const { plan, t } = p;
  const filters = p.filterIds.length > 0;
  const helpers = [
    ...(p.originals.length > 0 ? [helper.raw] : []),
    helper.dropped,
    helper.quarantined,
    ...(filters ? [helper.excluded] : []),
    helper.ruleIds,
  ];
  return sql`DELETE FROM ${t.silverTable} WHERE ${helper.dropped} OR ${helper.quarantined}${filters ? sql` OR ${helper.excluded}` : NONE};
${join(
    helpers.map((h) => sql`ALTER TABLE ${t.silverTable} DROP COLUMN ${h};`),
    '\n',
  )}
DROP TABLE IF EXISTS ${t.duplicatesTable};${
    t.keepLineage ? NONE : sql`\nALTER TABLE ${t.silverTable} DROP COLUMN ${SOURCE_FILE};\nALTER TABLE ${t.silverTable} DROP COLUMN ${RECORD_NUMBER};`
  }`;
}

export function buildEnforceSql(plan: RowRulePlan, t: EnforceTables): EnforceStatements {
  const p = preparePass(plan, t);
  const duplicates = buildDuplicatesSql(p);
  return {
    ...(duplicates ? { duplicates } : {}),
    label: buildLabelSql(p),
    quarantine: buildQuarantineSql(p),
    counts: buildCountsSql(p),
    silver: buildSilverSql(p),
  };
}
