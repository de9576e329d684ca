// The rule table's row kinds give the same verdict in the row pass (raw text → quarantine) and in the gold
// checks (a typed table → one aggregation), on the same rows: for every kind, the row pass flags exactly
// the rows the table says, and the gold checks count those rows and no other. CASES is keyed by kind, so
// a new kind in the table does not type-check until it has its case here.
import { describe, expect, it } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { ident, join, sql, type Sql } from '../../../src/sql/sql.ts';
import { enforceRowRules } from '../../../src/checks/enforce.ts';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import { castValue } from '../../../src/checks/cast-value.ts';
import { PROPERTY_RULES, type PropertyRuleKind } from '../../../src/checks/rule-kinds.ts';
import type { Contract, CustomRowRule, Property } from '../../../src/contracts/model.ts';
import { contract, fk, prop, rule } from './contract-fixtures.ts';
import { makeBronze } from './bronze-fixtures.ts';
import type { CheckResult } from '../../../src/checks/result.ts';

interface Case {
  /** The checked property `v` (every case also has an `id` column, so no two records are equal). */
  v: Property;
  values: (string | null)[];
  /** Records (1-based) that break the rule. */
  broken: number[];
  extra?: Partial<Contract>;
}

type RowKind = PropertyRuleKind | 'relationship' | 'custom';

const CASES: Record<RowKind, Case> = {
  required: { v: prop('v', 'string', { required: true }), values: ['a', null, '', 'b'], broken: [2, 3] },
  unique: { v: prop('v', 'integer', { unique: true }), values: ['1', '2', '2', '3', null, null], broken: [2, 3] },
  minimum: { v: prop('v', 'integer', { options: { minimum: 0 } }), values: ['-1', '0', '5', null], broken: [1] },
  exclusive_minimum: { v: prop('v', 'number', { options: { exclusiveMinimum: 0 } }), values: ['0', '0.5', '-2'], broken: [1, 3] },
  maximum: { v: prop('v', 'integer', { options: { maximum: 10 } }), values: ['10', '11', null], broken: [2] },
  exclusive_maximum: { v: prop('v', 'number', { options: { exclusiveMaximum: 1 } }), values: ['1', '0.99', '2'], broken: [1, 3] },
  min_length: { v: prop('v', 'string', { options: { minLength: 3 } }), values: ['ab', 'abc', 'a', null], broken: [1, 3] },
  max_length: { v: prop('v', 'string', { options: { maxLength: 2 } }), values: ['ab', 'abc'], broken: [2] },
  pattern: { v: prop('v', 'string', { options: { pattern: '^[A-Z]' } }), values: ['Ab', 'ab', '1', null], broken: [2, 3] },
  // The gold checks had no e-mail format before the rule table.
  format: { v: prop('v', 'string', { options: { format: 'email' } }), values: ['a@b.co', 'nope', 'x@y', null], broken: [2, 3] },
  // Numeric valid values compare as numbers on a numeric column (gold compared '1.0' with '1' as text).
  valid_values: { v: prop('v', 'number', { options: { enum: [1, 2] } }), values: ['1.0', '2', '3.5', null], broken: [3] },
  relationship: { v: prop('v'), values: ['c1', 'c9', null, 'c2'], broken: [2], extra: { relationships: [fk('v_fk', ['v'], 'c', ['id'])] } },
  custom: {
    v: prop('v', 'integer'),
    values: ['1', '3', null],
    broken: [1],
    extra: { quality: [rule<CustomRowRule>({ type: 'custom-row', id: 'v_above_two', expression: 'v > 2' })] },
  },
};

const REF = ident('ref_c');

/** The gold side: the same records typed as declared (as `etl validate` types them). */
async function typedTable(e: Engine, name: string, bronze: Sql, c: Contract, where: Sql): Promise<Sql> {
  const table = ident(name);
  const cols = c.properties.map((p) => sql`${castValue(sql`b.${ident(p.name)}`, p.logicalType)} AS ${ident(p.name)}`);
  await e.exec(sql`CREATE OR REPLACE TABLE ${table} AS SELECT ${join(cols, ', ')} FROM ${bronze} AS b WHERE ${where}`);
  return table;
}

async function goldCheck(e: Engine, c: Contract, relation: Sql, id: string): Promise<CheckResult> {
  const checks = await evaluateDatasetRules(e, { dataset: 't', layer: 'gold', relation, contracts: [c], refs: { c: REF }, asOf: '2024-06-30', withPropertyRules: true });
  const check = checks.find((x) => x.id === id);
  if (!check) throw new Error(`no gold check ${id}; have ${checks.map((x) => x.id).join(', ')}`);
  expect(check.status === 'passed' || check.status === 'failed', `${id}: ${check.status} ${check.message ?? ''}`).toBe(true);
  return check;
}

async function goldFailures(e: Engine, c: Contract, relation: Sql, id: string): Promise<number> {
  return (await goldCheck(e, c, relation, id)).failed_rows;
}

describe('the row pass and the gold checks agree on every row kind of the rule table', () => {
  it('covers every property kind of the table', () => {
    expect(PROPERTY_RULES.map((d) => d.kind).filter((k) => !(k in CASES))).toEqual([]);
  });

  for (const [kind, k] of Object.entries(CASES) as [RowKind, Case][]) {
    it(kind, async () => {
      await withEngine(async (e) => {
        await e.exec(sql`CREATE TABLE ${REF} AS SELECT * FROM (VALUES ('c1'), ('c2')) t(id)`);
        const rows = k.values.map((v, i) => [`r${i + 1}`, v]);
        const bronze = await makeBronze(e, 'b', ['id', 'v'], rows);
        const c = contract('t', 'silver', [prop('id'), k.v], k.extra);
        const out = await enforceRowRules(e, {
          dataset: 't', bronze, contracts: [c], silverTable: ident('s'), quarantineTable: ident('q'), refs: { c: REF }, asOf: '2024-06-30',
        });
        const check = out.checks.find((x) => x.rule === kind);
        if (!check) throw new Error(`the row pass has no ${kind} check: ${out.checks.map((x) => x.id).join(', ')}`);
        // The row pass: exactly the expected records carry the rule.
        const flagged = (await e.rows(sql`SELECT _record_number AS n FROM q WHERE list_contains(_rule_ids, ${check.id}) ORDER BY n`)).map((r) => Number(r['n']));
        expect(flagged).toEqual(k.broken);
        expect(check.failed_rows).toBe(k.broken.length);

        // The gold checks: the same count over every record, all of the flagged ones, none of the others.
        const gold = contract('t', 'gold', [prop('id'), k.v], k.extra);
        const numbers = sql`(${join(k.broken, ', ')})`;
        const all = await goldCheck(e, gold, await typedTable(e, 'g_all', bronze, gold, sql`TRUE`), check.id);
        expect(all.failed_rows).toBe(k.broken.length);
        // One description per kind: the quarantine reason is the gold check's description.
        expect(all.description).toBe(check.description);
        expect(await goldFailures(e, gold, await typedTable(e, 'g_flagged', bronze, gold, sql`b._record_number IN ${numbers}`), check.id)).toBe(k.broken.length);
        expect(await goldFailures(e, gold, await typedTable(e, 'g_others', bronze, gold, sql`b._record_number NOT IN ${numbers}`), check.id)).toBe(0);
      });
    });
  }
});
