// An incremental run under another --as-of (incremental.ts): the state's rows were checked at the previous
// business date, and the row rules that read it (orders: `date(order_date) <= as_of()`) may judge them
// otherwise now. What a full rebuild at the new date would give, without reading the files again:
//   - the rules that read --as-of are found by compiling the row rules at both dates (their SQL differs);
//     none: nothing to do.
//   - silver rows: those rules are evaluated on the typed rows at both dates; a row judged otherwise
//     (e.g. --as-of moved back before its order date) cannot be moved into the quarantine exactly (silver
//     keeps neither the original text nor the file and line), so the run falls back to a full rebuild.
//   - quarantined rows (the malformed records aside): they keep their original text and lineage, i.e.
//     they are bronze records; the whole row pass runs on them again at the new date. Duplicate handling
//     over them alone is what it was over every record (all records of a conflicting key are quarantined;
//     an exact duplicate's kept record is the one its group shows), and the references read the same
//     silver tables as a full run's. Rows that pass now move to silver, the others keep new reasons.
//   - counts: the old contribution of those rows out, the new one in. Row checks: every failure of an
//     error rule or a filter lies in the quarantine, so the re-run's result is the whole result; a
//     warning rule that also flags silver rows keeps its result when the rechecked rows neither broke it
//     before nor now, and otherwise (samples would need the silver rows' lineage) falls back.
import type { Engine } from '../engine/engine.ts';
import type { Contract } from '../contracts/model.ts';
import type { CheckResult, SourceCounts } from '../checks/result.ts';
import { enforceRowRules, planRowRules } from '../checks/enforce.ts';
import { joinSql } from '../checks/build-enforce-sql.ts';
import { passColumn } from '../checks/pass-columns.ts';
import { explainUpstreamQuarantine } from '../checks/upstream-quarantine.ts';
import { ident, join, sql, trusted, type Sql } from '../sql/sql.ts';
import type { DatasetState } from './state.ts';

export interface RecheckInput {
  dataset: string;
  contracts: Contract[];
  /** The state's tables of the dataset (changed in place when rows move). */
  silver: Sql;
  quarantine: Sql;
  stored: DatasetState;
  refs: Record<string, Sql>;
  refKeys: Record<string, string[]>;
  previousAsOf: string;
  asOf: string;
}

export interface RecheckOutcome {
  /** Ids of the row rules that read --as-of (empty: nothing was rechecked). */
  rules: string[];
  /** Quarantined records run through the row pass again. */
  rechecked: number;
  /** Of those, now in silver. */
  toSilver: number;
  /** Anything changed in the silver table or the quarantine (rows moved, other reasons). */
  changed: boolean;
  counts: SourceCounts;
  rowChecks: CheckResult[];
}

/** Columns the quarantine adds to a record's own (its lineage columns are the bronze relation's too). */
const QUARANTINE_ONLY = new Set(['_raw', '_rule_ids', '_reasons', '_excluded']);

/** The outcome, or why only a full rebuild gives the right result. */
export async function recheckAsOf(engine: Engine, input: RecheckInput): Promise<RecheckOutcome | string> {
  const { dataset: ds, stored } = input;
  const unchanged = (rules: string[]): RecheckOutcome => ({ rules, rechecked: 0, toSilver: 0, changed: false, counts: stored.counts, rowChecks: stored.rowChecks });
  const scratch = (suffix: string) => sql`incr.${ident(`${ds}__recheck_${suffix}`)}`;
  const bronze = scratch('in');
  const newSilver = scratch('silver');
  const newQuarantine = scratch('quarantine');
  const notMalformed = sql`NOT coalesce(list_contains("_rule_ids", ${`${ds}.malformed_record`}), FALSE)`;

  // The quarantined records as the row pass read them: the declared columns the data had, the undeclared
  // ones, lineage (a declared column absent from the data stays absent: same plan, same results).
  const absent = new Set(stored.rowChecks.filter((c) => c.rule === 'field_present' && c.kind === 'row').map((c) => c.property));
  const columns = (await engine.describe(input.quarantine)).map((c) => c.name).filter((n) => !QUARANTINE_ONLY.has(n) && !absent.has(n));
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS incr`);
  await engine.exec(sql`CREATE OR REPLACE VIEW ${bronze} AS SELECT ${join(columns.map((c) => ident(c)), ', ')} FROM ${input.quarantine} WHERE ${notMalformed}`);
  const cleanup = async () => engine.exec(sql`DROP TABLE IF EXISTS ${newSilver}; DROP TABLE IF EXISTS ${newQuarantine}; DROP VIEW IF EXISTS ${bronze}`);
  try {
    const base = { dataset: ds, bronze, contracts: input.contracts, refs: input.refs, refKeys: input.refKeys };
    const { plan } = await planRowRules(engine, { ...base, asOf: input.asOf });
    const { plan: before } = await planRowRules(engine, { ...base, asOf: input.previousAsOf });
    const moving = plan.rules.flatMap((r, i) => (before.rules[i]?.id === r.id && before.rules[i]!.predicate.text !== r.predicate.text ? [{ id: r.id, now: r.predicate, then: before.rules[i]!.predicate }] : []));
    if (moving.length === 0) return unchanged([]);
    const ruleIds = moving.map((m) => m.id);

    // Silver rows: judged otherwise by a rule that reads --as-of? Their typed values under the row pass's
    // names, and the references those rules read.
    const texts = moving.flatMap((m) => [m.now.text, m.then.text]);
    const reads = (s: Sql) => texts.some((t) => t.includes(s.text));
    const notTyped = [...plan.columns.flatMap((c) => [c.raw, passColumn.uniqueShared(c.index)]), ...plan.extras.map((x) => x.raw), passColumn.keyConflict, passColumn.dropped];
    if (notTyped.some(reads)) return `rule ${ruleIds.join(', ')} reads --as-of and more than the typed values of a row (silver keeps no original text)`;
    const joins = plan.joins.filter((j) => reads(j.found) || j.columns.some((_, k) => reads(passColumn.joinColumn(j.index, k)))).map(joinSql);
    const typed = join(plan.columns.map((c) => sql`s.${ident(c.name)} AS ${c.typed}`), ', ');
    const otherwise = join(moving.map((m) => sql`(${m.then}) IS DISTINCT FROM (${m.now})`), ' OR ');
    const judged = Number(await engine.scalar(sql`WITH typed AS (SELECT ${typed} FROM ${input.silver} AS s)
      SELECT count(*) FROM (SELECT ${join([trusted('typed.*'), ...joins.flatMap((j) => j.select)], ', ')} FROM typed${joins.length > 0 ? sql` ${join(joins.map((j) => j.from), '\n')}` : trusted('')})
      WHERE ${otherwise}`));
    if (judged > 0) return `${judged} silver ${ds} row${judged === 1 ? ' is' : 's are'} judged otherwise by ${ruleIds.join(', ')} at --as-of ${input.asOf} than at ${input.previousAsOf}`;

    // Quarantined rows: the row pass again, at the new date.
    const enforced = await enforceRowRules(engine, { ...base, asOf: input.asOf, silverTable: newSilver, quarantineTable: newQuarantine });
    const fresh = enforced.counts;
    if (fresh.duplicates_dropped !== 0) return `rechecking the quarantined ${ds} rows dropped ${fresh.duplicates_dropped} as duplicates`;
    await explainUpstreamQuarantine(engine, { dataset: ds, contracts: input.contracts, quarantineTable: newQuarantine, checks: enforced.checks });
    const shown = (t: Sql, where: Sql) => sql`SELECT "_source_file", "_record_number", "_rule_ids", "_reasons", "_excluded" FROM ${t} WHERE ${where}`;
    const differ = fresh.rows_out > 0 || Number(await engine.scalar(sql`SELECT count(*) FROM (${shown(input.quarantine, notMalformed)} EXCEPT ALL ${shown(newQuarantine, trusted('TRUE'))})`)) > 0;
    if (!differ) return { ...unchanged(ruleIds), rechecked: fresh.records_in };

    // The rechecked rows' old contribution: counts, and failures per rule (excluded rows show their filters only).
    const old = await engine.rows(sql`SELECT count(*) FILTER (WHERE NOT "_excluded") AS q, count(*) FILTER (WHERE "_excluded") AS x FROM ${input.quarantine} WHERE ${notMalformed}`);
    const perRule = new Map((await engine.rows(sql`SELECT id, count(*) AS n FROM (SELECT unnest("_rule_ids") AS id FROM ${input.quarantine} WHERE ${notMalformed}) GROUP BY id`)).map((r) => [String(r['id']), Number(r['n'])]));
    const was = stored.counts;
    const counts: SourceCounts = {
      records_in: was.records_in,
      rows_out: was.rows_out + fresh.rows_out,
      rows_quarantined: was.rows_quarantined - Number(old[0]?.['q'] ?? 0) + fresh.rows_quarantined,
      duplicates_dropped: was.duplicates_dropped,
      rows_excluded: was.rows_excluded - Number(old[0]?.['x'] ?? 0) + fresh.rows_excluded,
      rows_flagged: (was.rows_flagged ?? 0) + (fresh.rows_flagged ?? 0),
    };
    const planned = new Set(plan.rules.map((r) => r.id));
    const storedIds = new Set(stored.rowChecks.map((c) => c.id));
    const missing = plan.rules.find((r) => !storedIds.has(r.id));
    if (missing) return `rule ${missing.id} of ${ds} has no result in the state`;
    const rowChecks: CheckResult[] = [];
    for (const c of stored.rowChecks) {
      if (!planned.has(c.id) || c.kind !== 'row') {
        rowChecks.push(c);
        continue;
      }
      const now = enforced.checks.find((x) => x.id === c.id);
      if (!now) return `check ${c.id} is not in the recheck of ${ds}`;
      const elsewhere = c.failed_rows - (perRule.get(c.id) ?? 0);
      if (c.rule === 'filter' || elsewhere === 0) rowChecks.push(now);
      else if ((perRule.get(c.id) ?? 0) === 0 && now.failed_rows === 0) rowChecks.push(c);
      else return `warning rule ${c.id} flags silver rows and rechecked rows of ${ds}: its samples need the silver rows' lineage`;
    }

    // Into the state: the rows that pass now join silver; the rechecked rows' quarantine is replaced.
    await engine.exec(sql`INSERT INTO ${input.silver} BY NAME SELECT * FROM ${newSilver}`);
    await engine.exec(sql`DELETE FROM ${input.quarantine} WHERE ${notMalformed}`);
    await engine.exec(sql`INSERT INTO ${input.quarantine} BY NAME SELECT * FROM ${newQuarantine}`);
    return { rules: ruleIds, rechecked: fresh.records_in, toSilver: fresh.rows_out, changed: true, counts, rowChecks };
  } finally {
    await cleanup();
  }
}
