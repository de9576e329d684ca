// A row quarantined because its reference is missing often points at a row that exists in the source
// but was itself quarantined upstream (an order of product P0044, whose price was negative). This names
// that upstream rule: in the failing check's message, and next to the row in its quarantine reason.
// Computed in DuckDB from the two quarantine tables (both small); only the few top keys reach JS.
import type { Engine } from '../engine/engine.ts';
import type { Contract } from '../contracts/model.ts';
import { ident, join, literal, sql, type Sql } from '../sql/sql.ts';
import type { CheckResult } from './result.ts';
import { compositeKey } from './build-enforce-sql.ts';
import { ruleIdOf } from './compile-row-rules.ts';

/** Upstream keys named in a check's message. */
const MAX_NAMED = 5;

export interface UpstreamInput {
  dataset: string;
  contracts: Contract[];
  /** This dataset's quarantine table (original fields as text, `_rule_ids`, `_reasons`). */
  quarantineTable: Sql;
  /** The row pass's results; failing relationship checks get the upstream explanation in `message`. */
  checks: CheckResult[];
}

async function columnsOf(engine: Engine, table: Sql): Promise<string[] | undefined> {
  try {
    return (await engine.describe(sql`SELECT * FROM ${table}`)).map((c) => c.name);
  } catch {
    return undefined; // no quarantine table for the referenced dataset (absent source)
  }
}

export async function explainUpstreamQuarantine(engine: Engine, input: UpstreamInput): Promise<void> {
  const own = await columnsOf(engine, input.quarantineTable);
  if (!own) return;
  for (const rel of input.contracts.flatMap((c) => c.relationships)) {
    const id = ruleIdOf(input.dataset, rel.id);
    const check = input.checks.find((c) => c.id === id && c.rule === 'relationship' && c.failed_rows > 0);
    if (!check || rel.from.length !== rel.to.length || rel.toDataset === input.dataset) continue;
    const upstream = sql`quarantine.${ident(rel.toDataset)}`;
    const theirs = await columnsOf(engine, upstream);
    if (!theirs || !rel.to.every((c) => theirs.includes(c)) || !rel.from.every((c) => own.includes(c))) continue;
    if (!['_rule_ids', '_excluded', '_record_number'].every((c) => theirs.includes(c))) continue;

    const on = join(rel.from.map((f, i) => sql`q.${ident(f)} = u.${ident(rel.to[i]!)}`), ' AND ');
    const toText = rel.to.length === 1 ? rel.to[0]! : `(${rel.to.join(', ')})`;
    // One upstream row per key (its first record), with the first rule that stopped it.
    const notes = sql`(SELECT ${join(rel.to.map((t) => sql`${ident(t)}`), ', ')},
        ${literal(`${toText} `)} || ${compositeKey(rel.to.map((t) => sql`${ident(t)}`))}
          || CASE WHEN coalesce("_excluded", FALSE) THEN ${literal(` was excluded from ${rel.toDataset} by `)} ELSE ${literal(` was quarantined in ${rel.toDataset} by `)} END
          || coalesce("_rule_ids"[1], 'a malformed record') AS "note"
      FROM ${upstream}
      WHERE ${join(rel.to.map((t) => sql`${ident(t)} IS NOT NULL`), ' AND ')}
      QUALIFY row_number() OVER (PARTITION BY ${join(rel.to.map((t) => sql`${ident(t)}`), ', ')} ORDER BY "_record_number") = 1)`;
    const failing = sql`list_contains(q."_rule_ids", ${id})`;
    const found = await engine.rows(sql`SELECT u."note" AS "note", count(*) AS "n", sum(count(*)) OVER () AS "total"
      FROM ${input.quarantineTable} AS q JOIN ${notes} AS u ON ${on}
      WHERE ${failing} GROUP BY u."note" ORDER BY "n" DESC, "note" LIMIT ${MAX_NAMED}`);
    if (found.length === 0) continue;
    const total = Number(found[0]!['total']);
    const named = found.map((r) => `${String(r['note'])}${Number(r['n']) > 1 ? ` (${Number(r['n'])} rows)` : ''}`).join('; ');
    const more = found.length === MAX_NAMED && total > found.reduce((s, r) => s + Number(r['n']), 0) ? '; …' : '';
    const explained = `${total} of ${check.failed_rows} row${check.failed_rows === 1 ? '' : 's'} ${total === 1 ? 'references' : 'reference'} a row quarantined upstream: ${named}${more}`;
    check.message = check.message ? `${check.message}; ${explained}` : explained;
    // The reason next to each quarantined row names the upstream rule too.
    await engine.exec(sql`UPDATE ${input.quarantineTable} AS q
      SET "_reasons" = list_transform(q."_reasons", lambda x, i: CASE WHEN q."_rule_ids"[i] = ${id} THEN x || ' (' || u."note" || ')' ELSE x END)
      FROM ${notes} AS u WHERE ${on} AND ${failing}`);
  }
}
