// The rule table: every kind is defined once, with a description and a metric, and a predicate where the
// kind is checked row by row. KINDS lists the RuleKind union (TypeScript refuses a missing or unknown key),
// so a kind added to the union without its table entry, or the other way round, fails here.
import { describe, expect, it } from 'vitest';
import { DATASET_METRICS } from '../../../src/checks/dataset-metrics.ts';
import { BROKEN_ROWS, PROPERTY_RULES, RECORD_RULES, RULE_KINDS, declaredPropertyRules, type RuleKind, type ValueSql } from '../../../src/checks/rule-kinds.ts';
import { EMAIL_PATTERN } from '../../../src/contracts/email-pattern.ts';
import type { LibraryRule, QualityRule } from '../../../src/contracts/model.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { prop, rule } from '../../integration/checks/contract-fixtures.ts';

const KINDS = {
  required: 'property', unique: 'property', minimum: 'property', exclusive_minimum: 'property', maximum: 'property',
  exclusive_maximum: 'property', min_length: 'property', max_length: 'property', pattern: 'property', format: 'property',
  valid_values: 'property',
  type: 'record', relationship: 'record', custom: 'record', filter: 'record', duplicate_key: 'record', field_present: 'record',
  unexpected_column: 'record', transform: 'record', malformed_record: 'record', contract: 'record',
  nullValues: 'dataset', missingValues: 'dataset', invalidValues: 'dataset', duplicateValues: 'dataset', rowCount: 'dataset',
  quarantineRate: 'dataset', freshness: 'dataset', reconciliation: 'dataset', sql: 'dataset', text: 'dataset',
} as const satisfies Record<RuleKind, 'property' | 'record' | 'dataset'>;

/** A property that declares every property rule at once. */
const everything = prop('v', 'number', {
  required: true,
  unique: true,
  options: { minimum: 0, exclusiveMinimum: -1, maximum: 9, exclusiveMaximum: 10, minLength: 1, maxLength: 5, pattern: '^[0-9]', format: 'email', enum: [1, 2] },
});
const value: ValueSql = { value: trusted('"VALUE"'), text: trusted('"TEXT"'), typed: trusted('"TYPED"'), numeric: true, shared: trusted('"SHARED"') };

describe('the rule table', () => {
  it('defines every RuleKind exactly once, in one of its three parts', () => {
    expect(RULE_KINDS).toEqual(KINDS);
    const parts = [PROPERTY_RULES.map((d) => d.kind), Object.keys(RECORD_RULES), Object.keys(DATASET_METRICS)];
    expect(parts.flat().sort()).toEqual(Object.keys(KINDS).sort());
  });

  it('gives each property kind an argument, a description naming the property, a predicate over the value and a metric', () => {
    const declared = declaredPropertyRules(everything);
    expect(declared.map((d) => d.kind)).toEqual(PROPERTY_RULES.map((d) => d.kind));
    for (const r of declared) {
      expect(r.describe('v'), r.kind).toMatch(/^v /);
      expect(r.predicate(value).text, r.kind).toMatch(/"VALUE"|"TEXT"|"TYPED"/);
    }
    for (const e of PROPERTY_RULES) expect(e.metric, e.kind).toBe(BROKEN_ROWS);
    // Nothing declared, nothing checked.
    expect(declaredPropertyRules(prop('plain'))).toEqual([]);
  });

  it('reads values as the kind needs them: bounds and numeric valid values on the typed value, the rest on the text', () => {
    const byKind = Object.fromEntries(declaredPropertyRules(everything).map((r) => [r.kind, r.predicate(value).text]));
    expect(byKind['minimum']).toBe('COALESCE("TYPED" < 0, FALSE)');
    expect(byKind['valid_values']).toBe('COALESCE("TYPED" NOT IN (1, 2), FALSE)');
    expect(byKind['required']).toBe('COALESCE("VALUE" IS NULL, FALSE)');
    expect(byKind['unique']).toBe('("TYPED" IS NOT NULL AND "SHARED")');
    // One e-mail pattern for the row pass, the gold checks, the JSON Schema export and `contracts init`.
    expect(byKind['format']).toContain(EMAIL_PATTERN.replaceAll("'", "''"));
    const onText = declaredPropertyRules(prop('v', 'string', { options: { enum: [1, 2] } }))[0]!;
    expect(onText.predicate({ ...value, numeric: false }).text).toBe(`COALESCE("TEXT" NOT IN ('1', '2'), FALSE)`);
  });

  it('says why a pattern cannot run', () => {
    const pattern = PROPERTY_RULES.find((d) => d.kind === 'pattern')!;
    expect(pattern.on(prop('v', 'string', { options: { pattern: '(' } }))!.unrunnable({ checkPattern: () => 'missing )' })).toBe('invalid pattern: missing )');
    expect(pattern.on(prop('v', 'string', { options: { pattern: '^a' } }))!.unrunnable({ checkPattern: () => undefined })).toBeUndefined();
    expect(pattern.on(prop('v'))).toBeUndefined();
  });

  it('gives each record kind a description and a metric, and a predicate where rows are checked', () => {
    for (const [kind, def] of Object.entries(RECORD_RULES)) {
      expect(typeof def.describe, kind).toBe('function');
      expect(def.metric.unit, kind).toBeTruthy();
    }
    expect(RECORD_RULES.relationship.describe(['a', 'b'], 'c', ['x', 'y'])).toBe('(a, b) not found in c.(x, y)');
    expect(RECORD_RULES.relationship.predicate([trusted('"A"')], trusted('"F"')).text).toBe('("A" IS NOT NULL AND "F" IS NULL)');
    expect(RECORD_RULES.custom.predicate(trusted('x > 1')).text).toBe('((x > 1) IS FALSE)');
    expect(RECORD_RULES.duplicate_key.describe(['order_id'])).toBe('duplicate key order_id with different values');
    expect(RECORD_RULES.type.predicate(value).text).toBe('("TEXT" IS NOT NULL AND "TYPED" IS NULL)');
  });

  it('gives each dataset kind a description, a unit and (except SQL and text rules) a measure', () => {
    const library = rule<LibraryRule>({ type: 'library', id: 'x', metric: 'rowCount', operator: { op: 'mustBeGreaterThan', value: 0 }, unit: 'rows', arguments: {} });
    for (const [kind, def] of Object.entries(DATASET_METRICS)) {
      const r = { ...library, metric: kind, column: 'c', expression: 'sum(a)', compareTo: { dataset: 'o', expression: 'sum(b)' } } as unknown as QualityRule;
      expect(def.describe(r as never, 'ds'), kind).toMatch(/ds|sum\(a\)/);
      expect(def.unit(r as never), kind).toBeTruthy();
      expect('plan' in def, kind).toBe(kind !== 'sql' && kind !== 'text');
    }
  });
});
