// The statements of the fused row pass, from a RowRulePlan (pure; golden-tested):
//   duplicates flags of the few records that share a key or all their fields (hash aggregate + window)
//   label      ONE streaming scan of bronze: typed values, FK joins, duplicate flags → every row, labelled
//              with the ids of the rules it broke, written into the silver table
//   quarantine failing rows, original text + rule ids + reasons
//   counts     ONE statement: conservation counts + failures and sample keys of every rule
//   silver     delete the rows that did not pass, drop the helper (and lineage) columns
import { ident, join, literal, sql, trusted, type Sql } from '../sql/sql.ts';
import { INTERNAL_PREFIX, LINEAGE_COLUMNS, type PlannedColumn, type PlannedJoin, type RowRulePlan } from './compile-row-rules.ts';

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

const list0 = trusted('CAST([] AS VARCHAR[])');

function lineageSelect(bronzeColumns: string[]): Sql[] {
  const has = (n: string): boolean => bronzeColumns.includes(n);
  return [
    has('_source_file') ? sql`CAST(b."_source_file" AS VARCHAR) AS "_source_file"` : sql`CAST(NULL AS VARCHAR) AS "_source_file"`,
    // Always there: enforceRowRules numbers a relation that lacks it.
    sql`CAST(b."_record_number" AS BIGINT) AS "_record_number"`,
  ];
}

function joinSql(j: PlannedJoin): { select: Sql[]; from: Sql } {
  const alias = ident(`__j${j.index}`);
  const keyCols = j.relationship.to.map((to, i) => (j.unique ? sql`r.${ident(to)} AS ${ident(`__k${i}`)}` : sql`TRY_CAST(r.${ident(to)} AS ${j.from[i]!.sqlType}) AS ${ident(`__k${i}`)}`));
  // A key of the referenced table (same types) joins as is; anything else is grouped by the key
  // first, so the join can never multiply rows.
  let sub: Sql;
  if (j.unique) {
    const cols = j.columns.map((c, i) => sql`r.${ident(c)} AS ${ident(`__c${i}`)}`);
    sub = sql`SELECT ${join([...keyCols, trusted('TRUE AS "__found"'), ...cols], ', ')} FROM ${j.relation} AS r`;
  } else {
    const keys = j.relationship.to.map((to, i) => sql`TRY_CAST(r.${ident(to)} AS ${j.from[i]!.sqlType})`);
    const cols = j.columns.map((c, i) => sql`min(r.${ident(c)}) AS ${ident(`__c${i}`)}`);
    sub = sql`SELECT ${join([...keyCols, trusted('TRUE AS "__found"'), ...cols], ', ')} FROM ${j.relation} AS r WHERE ${join(
      keys.map((k) => sql`${k} IS NOT NULL`),
      ' AND ',
    )} GROUP BY ${join(keys, ', ')}`;
  }
  const on = join(
    j.from.map((f, i) => sql`typed.${f.typed} = ${alias}.${ident(`__k${i}`)}`),
    ' AND ',
  );
  return {
    select: [sql`${alias}."__found" AS ${j.found}`, ...j.columns.map((_, i) => sql`${alias}.${ident(`__c${i}`)} AS ${ident(`__j${j.index}_c${i}`)}`)],
    from: sql`LEFT JOIN (${sub}) AS ${alias} ON ${on}`,
  };
}

export function buildEnforceSql(plan: RowRulePlan, t: EnforceTables): EnforceStatements {
  const rawSelect = [
    ...plan.columns.map((c) => (c.present ? sql`CAST(b.${ident(c.name)} AS VARCHAR) AS ${c.raw}` : sql`CAST(NULL AS VARCHAR) AS ${c.raw}`)),
    ...plan.extras.map((x) => sql`CAST(b.${ident(x.name)} AS VARCHAR) AS ${x.raw}`),
    ...lineageSelect(t.bronzeColumns.filter((n) => LINEAGE_COLUMNS.has(n))),
  ];
  const typedSelect = plan.columns.map((c) => sql`${c.cast} AS ${c.typed}`);
  const joins = plan.joins.map(joinSql);
  const originals = [...plan.columns.filter((c) => c.present).map((c) => c.raw), ...plan.extras.map((x) => x.raw)];
  const order = trusted('"_source_file", "_record_number"');
  const record = originals.length > 0 ? sql`(${join(originals, ', ')})` : trusted('NULL');
  // Duplicates are rare, so the sorting window runs on the few suspect records only, in a statement
  // of its own over bronze (so that the labelling pass streams instead of materialising its input).
  // A hash aggregate over the partition columns alone finds the values seen more than once (grouped
  // by a 64-bit hash: a collision only adds suspects, which the window then tells apart exactly); the
  // window over the suspects, partitioned by the real values, marks exact duplicates (all fields
  // equal: keep the first, drop the rest) and, with a primary key, keys held by different records
  // (first and last record of the key differ). The labelling pass joins these few flags back; every
  // other record is neither. Sorting within a partition on the hash of the record puts equal records
  // next to each other.
  const keyed = plan.primaryKey.length > 0;
  const partition = keyed ? plan.primaryKey.map((k) => k.typed) : originals;
  const srcSelect = sql`SELECT ${join(rawSelect, ', ')} FROM ${t.bronze} AS b`;
  let duplicates: Sql | undefined;
  let windowed: Sql;
  if (partition.length > 0) {
    const all = trusted('ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING');
    const conflict = keyed ? sql`first_value(${record}) OVER (w ${all}) IS DISTINCT FROM last_value(${record}) OVER (w ${all})` : trusted('FALSE');
    const keyTyped = keyed ? sql`, ${join(plan.primaryKey.map((k) => sql`${k.cast} AS ${k.typed}`), ', ')}` : trusted('');
    const hashed = sql`hash(${join(partition, ', ')})`;
    duplicates = sql`CREATE OR REPLACE TEMP TABLE ${t.duplicatesTable} AS
SELECT "_source_file" AS "__sf", "_record_number" AS "__rn", lag(${record}) OVER w IS NOT DISTINCT FROM ${record} AS "__d", ${conflict} AS "__kc"
FROM (SELECT *${keyTyped} FROM (${srcSelect}) AS src) AS typed
WHERE ${hashed} IN (SELECT ${hashed} AS "__h" FROM (SELECT *${keyTyped} FROM (${srcSelect}) AS src) AS typed GROUP BY "__h" HAVING count(*) > 1)
WINDOW w AS (PARTITION BY ${join(partition, ', ')} ORDER BY hash(${record}), ${order})`;
    windowed = sql`SELECT joined.*, coalesce(s."__d", FALSE) AS "__dropped", coalesce(s."__kc", FALSE) AS "__key_conflict"
  FROM joined LEFT JOIN ${t.duplicatesTable} AS s ON joined."_record_number" = s."__rn" AND joined."_source_file" IS NOT DISTINCT FROM s."__sf"`;
  } else {
    windowed = trusted('SELECT *, FALSE AS "__dropped", FALSE AS "__key_conflict" FROM joined');
  }
  // Unique columns: the values held by more than one kept record (exact duplicates do not count).
  const windows = plan.uniques.map(
    (u) => sql`coalesce(${u.typed} IN (SELECT ${u.typed} FROM windowed WHERE NOT "__dropped" AND ${u.typed} IS NOT NULL GROUP BY ${u.typed} HAVING count(*) > 1), FALSE) AS ${ident(`__u${u.index}_dup`)}`,
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
  const filterIds = plan.rules.filter((r) => r.rule === 'filter').map((r) => literal(r.id));
  const errorIds = plan.rules.filter((r) => r.severity === 'error' && r.rule !== 'filter').map((r) => literal(r.id));
  const excluded = filterIds.length > 0 ? sql`(NOT "__dropped" AND coalesce(list_has_any("_rule_ids", [${join(filterIds, ', ')}]), FALSE))` : trusted('FALSE');
  const quarantined =
    errorIds.length > 0 ? sql`(NOT "__dropped"${filterIds.length > 0 ? sql` AND NOT ${excluded}` : trusted('')} AND coalesce(list_has_any("_rule_ids", [${join(errorIds, ', ')}]), FALSE))` : trusted('FALSE');
  // The labelled rows land in the silver table itself, typed under their contract names, with the
  // original text kept only for rows that broke something (NULL, hence nearly free, elsewhere).
  // Quarantine and counts read it; then the dropped and quarantined rows are deleted and the helper
  // columns dropped, which costs milliseconds where a copy of the passing rows would cost a full pass.
  const helper = {
    raw: (i: number) => ident(`${INTERNAL_PREFIX}o${i}`),
    extra: (i: number) => ident(`${INTERNAL_PREFIX}x${i}`),
    dropped: ident(`${INTERNAL_PREFIX}dropped`),
    quarantined: ident(`${INTERNAL_PREFIX}quarantined`),
    excluded: ident(`${INTERNAL_PREFIX}excluded`),
    ruleIds: ident(`${INTERNAL_PREFIX}rule_ids`),
  };
  const present = plan.columns.filter((c) => c.present);
  const helpers = [...present.map((c) => helper.raw(c.index)), ...plan.extras.map((_, i) => helper.extra(i)), helper.dropped, helper.quarantined, ...(filterIds.length > 0 ? [helper.excluded] : []), helper.ruleIds];
  const flaggedRaw = (raw: Sql, as: Sql) => sql`CASE WHEN "_rule_ids" IS NOT NULL THEN ${raw} END AS ${as}`;
  const files = [...new Set(t.sourceFiles ?? [])];
  const sourceFile =
    files.length > 0 ? sql`CAST("_source_file" AS ENUM(${join(files.map((f) => literal(f)), ', ')})) AS "_source_file"` : trusted('"_source_file"');
  const labelSelect = [
    ...plan.columns.map((c) => sql`${c.typed} AS ${ident(c.name)}`),
    sourceFile,
    trusted('"_record_number"'),
    ...present.map((c) => flaggedRaw(c.raw, helper.raw(c.index))),
    ...plan.extras.map((x, i) => flaggedRaw(x.raw, helper.extra(i))),
    sql`"__dropped" AS ${helper.dropped}`,
    sql`${quarantined} AS ${helper.quarantined}`,
    ...(filterIds.length > 0 ? [sql`${excluded} AS ${helper.excluded}`] : []),
    sql`"_rule_ids" AS ${helper.ruleIds}`,
  ];
  // Without filters (the default contracts) the statements are exactly those of before.
  const isExcluded = filterIds.length > 0 ? helper.excluded : trusted('FALSE');
  const notExcluded = filterIds.length > 0 ? sql` AND NOT ${helper.excluded}` : trusted('');

  const label = sql`CREATE OR REPLACE TABLE ${t.silverTable} AS
WITH src AS (
  ${srcSelect}
), typed AS (
  SELECT *, ${join(typedSelect.length > 0 ? typedSelect : [trusted('NULL AS "__none"')], ',\n  ')} FROM src
), joined AS (
  SELECT ${join([trusted('typed.*'), ...joins.flatMap((j) => j.select)], ', ')} FROM typed${joins.length > 0 ? sql`\n  ${join(
    joins.map((j) => j.from),
    '\n',
  )}` : trusted('')}
), windowed AS (
  ${windowed}
), counted AS (
  SELECT *${windows.length > 0 ? sql`, ${join(windows, ', ')}` : trusted('')} FROM windowed
), labelled AS (
  SELECT *, ${labels} AS "_rule_ids" FROM counted
)
SELECT ${join(labelSelect, ', ')} FROM labelled`;

  const silver = sql`DELETE FROM ${t.silverTable} WHERE ${helper.dropped} OR ${helper.quarantined}${filterIds.length > 0 ? sql` OR ${helper.excluded}` : trusted('')};
${join(
    helpers.map((h) => sql`ALTER TABLE ${t.silverTable} DROP COLUMN ${h};`),
    '\n',
  )}
DROP TABLE IF EXISTS ${t.duplicatesTable};${
    t.keepLineage ? trusted('') : sql`\nALTER TABLE ${t.silverTable} DROP COLUMN "_source_file";\nALTER TABLE ${t.silverTable} DROP COLUMN "_record_number";`
  }`;

  // An excluded row shows the filters that excluded it, not the rules it would have failed.
  const shownIds = filterIds.length > 0 ? sql`CASE WHEN ${helper.excluded} THEN list_filter(${helper.ruleIds}, lambda x: x IN (${join(filterIds, ', ')})) ELSE ${helper.ruleIds} END` : helper.ruleIds;
  const reasons =
    plan.rules.length > 0
      ? sql`list_transform(${shownIds}, lambda x: CASE x ${join(
          plan.rules.map((r) => sql`WHEN ${r.id} THEN ${r.description}`),
          '\n',
        )} END)`
      : list0;
  const quarantineCols = [
    ...plan.columns.map((c) => (c.present ? sql`${helper.raw(c.index)} AS ${ident(c.name)}` : sql`CAST(NULL AS VARCHAR) AS ${ident(c.name)}`)),
    ...plan.extras.map((x, i) => sql`${helper.extra(i)} AS ${ident(x.name)}`),
    trusted('CAST("_source_file" AS VARCHAR) AS "_source_file"'),
    trusted('"_record_number"'),
    trusted('CAST(NULL AS VARCHAR) AS "_raw"'),
    sql`${shownIds} AS "_rule_ids"`,
    sql`${reasons} AS "_reasons"`,
    sql`${isExcluded} AS "_excluded"`,
  ];
  const quarantine = sql`CREATE OR REPLACE TABLE ${t.quarantineTable} AS SELECT ${join(
    quarantineCols,
    ', ',
  )} FROM ${t.silverTable} WHERE ${helper.quarantined}${filterIds.length > 0 ? sql` OR ${helper.excluded}` : trusted('')} ORDER BY ${order}`;

  // The key when the row has one; the record number when the key itself is missing.
  const byRecord = trusted(`'record ' || "_record_number"`);
  const rawOf = (c: PlannedColumn): Sql => (c.present ? helper.raw(c.index) : trusted('CAST(NULL AS VARCHAR)'));
  const sampleKey =
    plan.primaryKey.length > 0
      ? sql`CASE WHEN ${join(plan.primaryKey.map((k) => sql`NULLIF(${rawOf(k)}, '') IS NULL`), ' AND ')} THEN ${byRecord} ELSE ${compositeKey(
          plan.primaryKey.map((k) => sql`coalesce(NULLIF(${rawOf(k)}, ''), 'NULL')`),
        )} END`
      : byRecord;
  // Per-rule failures come from the labelled rows that broke something (few), unnested once and
  // grouped by rule id: the cost follows the defects, not rows × rules.
  const perRule = sql`(SELECT list({'id': "id", 'n': "n", 's': "s"} ORDER BY "id") FROM (
    SELECT "id", count(*) AS "n", arg_min("k", "r", ${SAMPLE_SIZE}) AS "s" FROM (
      SELECT unnest(${helper.ruleIds}) AS "id", ${sampleKey} AS "k", ("_source_file", "_record_number") AS "r"
      FROM ${t.silverTable} WHERE ${helper.ruleIds} IS NOT NULL AND NOT ${helper.dropped}${filterIds.length > 0 ? sql` AND NOT ${helper.excluded}` : trusted('')}${
        filterIds.length > 0
          ? sql`
      UNION ALL SELECT unnest(list_filter(${helper.ruleIds}, lambda x: x IN (${join(filterIds, ', ')}))), ${sampleKey}, ("_source_file", "_record_number")
      FROM ${t.silverTable} WHERE ${helper.excluded}`
          : trusted('')
      }
    ) GROUP BY "id"
  )) AS "per_rule"`;
  const { dropped: d, quarantined: q, ruleIds: ids } = helper;
  const counts = sql`SELECT ${join(
    [
      trusted('count(*) AS "records_in"'),
      sql`count(*) FILTER (WHERE ${d}) AS "duplicates_dropped"`,
      sql`count(*) FILTER (WHERE ${q}) AS "rows_quarantined"`,
      sql`count(*) FILTER (WHERE ${isExcluded}) AS "rows_excluded"`,
      sql`count(*) FILTER (WHERE NOT ${d} AND NOT ${q}${notExcluded}) AS "rows_out"`,
      sql`count(*) FILTER (WHERE NOT ${d} AND NOT ${q}${notExcluded} AND ${ids} IS NOT NULL) AS "rows_flagged"`,
      perRule,
    ],
    ',\n  ',
  )}
FROM ${t.silverTable}`;

  return { ...(duplicates ? { duplicates } : {}), label, quarantine, counts, silver };
}
