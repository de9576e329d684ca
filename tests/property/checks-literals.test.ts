// Any string used as a column name, a valid value or a pattern is matched literally: it cannot
// change the query. Each run builds a table whose column is named by the random string, runs the
// compiled rules, and compares the count with the one computed in JavaScript.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { ident, sql } from '../../src/sql/sql.ts';
import { enforceRowRules } from '../../src/checks/enforce.ts';
import { evaluateDatasetRules } from '../../src/checks/dataset-rules.ts';
import { LINEAGE_COLUMNS } from '../../src/checks/compile-row-rules.ts';
import type { LibraryRule } from '../../src/contracts/model.ts';
import { contract, prop, rule } from '../integration/checks/contract-fixtures.ts';
import { makeBronze } from '../integration/checks/bronze-fixtures.ts';

const RESERVED = new Set([...LINEAGE_COLUMNS, '_rule_ids', '_reasons', 'id']);
/** Characters that break naive quoting, plus ordinary ones and non-ASCII. */
const nasty = fc.string({ unit: fc.constantFrom("'", '"', '\\', ';', '-', ' ', 'a', 'B', '%', '_', '$', '{', '}', '\n', 'é', '😀', ')', '(', '*', '.', '[', '|'), maxLength: 8 });
const text = fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 6 })).filter((s) => !s.includes('\u0000'));
const columnName = text.filter((s) => s.length > 0 && !RESERVED.has(s.toLowerCase()));

const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

test('valid values, patterns and column names are literal', async () => {
  await withEngine(async (e) => {
    await fc.assert(
      fc.asyncProperty(columnName, fc.array(text.filter((s) => s.length > 0), { minLength: 1, maxLength: 4 }), text, fc.array(fc.option(text), { maxLength: 12 }), async (name, valid, needle, picks) => {
        const values = picks.map((v, i) => (v === null ? null : i % 3 === 0 && valid.length > 0 ? valid[i % valid.length]! : v));
        const bronze = await makeBronze(e, 'b', [name, 'id'], values.map((v, i) => [v, String(i)]));
        const present = (v: string | null): v is string => v !== null && v !== '';

        const enumContract = contract('p', 'source', [prop(name, 'string', { options: { enum: valid } }), prop('id')]);
        const out = await enforceRowRules(e, { dataset: 'p', bronze, contracts: [enumContract], silverTable: ident('s'), quarantineTable: ident('q'), refs: {}, asOf: '2024-06-30' });
        const expectedInvalid = values.filter((v) => present(v) && !valid.includes(v)).length;
        expect(out.checks.find((c) => c.rule === 'valid_values')?.failed_rows).toBe(expectedInvalid);
        expect(out.counts.rows_quarantined).toBe(expectedInvalid);
        // The quarantined text is the original text, byte for byte.
        const kept = (await e.rows(sql`SELECT ${ident(name)} AS v FROM q ORDER BY "_record_number"`)).map((r) => r['v']);
        expect(kept).toEqual(values.filter((v) => present(v) && !valid.includes(v)));

        const patternContract = contract('p', 'source', [prop(name, 'string', { options: { pattern: escapeRegex(needle) } }), prop('id')]);
        const out2 = await enforceRowRules(e, { dataset: 'p', bronze, contracts: [patternContract], silverTable: ident('s'), quarantineTable: ident('q'), refs: {}, asOf: '2024-06-30' });
        expect(out2.checks.find((c) => c.rule === 'pattern')?.failed_rows).toBe(values.filter((v) => present(v) && !v.includes(needle)).length);

        const invalid = rule<LibraryRule>({ type: 'library', id: 'inv', metric: 'invalidValues', property: name, unit: 'rows', operator: { op: 'mustBe', value: 0 }, arguments: { validValues: valid } });
        const [r] = await evaluateDatasetRules(e, { dataset: 'p', layer: 'source', relation: bronze, contracts: [contract('p', 'source', [], { quality: [invalid] })], refs: {}, asOf: '2024-06-30' });
        expect(r?.value).toBe(expectedInvalid);
      }),
      { seed: 20240630, numRuns: 60 },
    );
  });
});
