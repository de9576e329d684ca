// Contract diff: every change kind of the table (diff-kinds.ts) detected on real contracts loaded from
// YAML (the normalised model, as the command sees it), its class, the version-bump warnings, pairing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContracts, type Contract } from '../../../src/contracts/index.ts';
import { checkVersionBump, diffContract, diffContractSets, typeChangeKind } from '../../../src/contracts/diff.ts';
import { CHANGE_KINDS, type ChangeKind } from '../../../src/contracts/diff-kinds.ts';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../../../src/contracts/diff-render.ts';
import { EtlError } from '../../../src/errors.ts';

const BASE = `apiVersion: v3.1.0
kind: DataContract
id: shop-items
name: items
version: 1.0.0
status: active
customProperties:
  - property: dataset
    value: items
  - property: layer
    value: source
schema:
  - name: items
    properties:
      - name: item_id
        logicalType: string
        required: true
        primaryKey: true
      - name: qty
        logicalType: integer
        required: true
        logicalTypeOptions:
          minimum: 1
          maximum: 100
      - name: price
        logicalType: number
        logicalTypeOptions:
          minimum: 0
      - name: status
        logicalType: string
        customProperties:
          - property: validValues
            value: [new, paid, shipped]
      - name: email
        logicalType: string
      - name: code
        logicalType: string
        logicalTypeOptions:
          pattern: '^[A-Z]+$'
    quality:
      - id: items_rows
        metric: rowCount
        mustBeGreaterThan: 10
      - id: items_qty_nulls
        metric: nullValues
        mustBeLessOrEqualTo: 5
        unit: percent
`;

const dir = mkdtempSync(join(tmpdir(), 'etl-diff-unit-'));
let n = 0;

async function load(yaml: string): Promise<Contract> {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, yaml);
  const { contracts, problems } = await loadContracts([file]);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(contracts).toHaveLength(1);
  return contracts[0]!;
}

/** Kinds found when BASE becomes `edit(BASE)`, sorted. */
async function kinds(edit: (s: string) => string): Promise<string[]> {
  const a = await load(BASE);
  const b = await load(edit(BASE));
  return diffContract(a, b).map((c) => `${c.kind}${c.subject ? `:${c.subject}` : ''}`).sort();
}

function replace(from: string, to: string): (s: string) => string {
  return (s) => {
    if (!s.includes(from)) throw new Error(`fixture edit: ${from} not found`);
    return s.replace(from, () => to);
  };
}

describe('contracts diff: the change kinds on the model', () => {
  it('no change, no changes', async () => {
    expect(await kinds((s) => s)).toEqual([]);
  });

  it('property removed / optional added / required added', async () => {
    expect(await kinds(replace('      - name: email\n        logicalType: string\n', ''))).toEqual(['property_removed:email']);
    expect(await kinds((s) => `${s.replace('    quality:\n', '      - name: note\n        logicalType: string\n    quality:\n')}`)).toEqual(['property_added_optional:note']);
    expect(await kinds((s) => `${s.replace('    quality:\n', '      - name: note\n        logicalType: string\n        required: true\n    quality:\n')}`)).toEqual(['property_added_required:note']);
  });

  it('a property renamed in place (same position, same type) is one rename, not removed + added', async () => {
    expect(await kinds(replace('- name: email', '- name: e_mail'))).toEqual(['property_renamed:e_mail']);
  });

  it('type narrowed, widened, changed; physicalType changed', async () => {
    expect(await kinds(replace('- name: price\n        logicalType: number', '- name: price\n        logicalType: integer'))).toEqual(['type_narrowed:price']);
    expect(await kinds(replace('- name: qty\n        logicalType: integer', '- name: qty\n        logicalType: number'))).toEqual(['type_widened:qty']);
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: boolean'))).toEqual(['type_narrowed:email']);
    expect(await kinds(replace('- name: price\n        logicalType: number\n        logicalTypeOptions:\n          minimum: 0', '- name: price\n        logicalType: boolean'))).toEqual(['bound_loosened:price', 'type_changed:price']);
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        physicalType: VARCHAR'))).toEqual(['physical_type_changed:email']);
  });

  it('required and unique added / removed; primary key changed', async () => {
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        required: true'))).toEqual(['required_added:email']);
    expect(await kinds(replace("logicalType: integer\n        required: true", 'logicalType: integer'))).toEqual(['required_removed:qty']);
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        unique: true'))).toEqual(['unique_added:email']);
    expect(await kinds(replace('required: true\n        primaryKey: true', 'required: true\n        primaryKey: true\n      - name: line\n        logicalType: integer\n        primaryKey: true\n        primaryKeyPosition: 2'))).toEqual(['primary_key_changed', 'property_added_optional:line']);
  });

  it('bounds: tightened when raised/lowered inward or added, loosened when moved outward or removed', async () => {
    expect(await kinds(replace('minimum: 1\n', 'minimum: 2\n'))).toEqual(['bound_tightened:qty']);
    expect(await kinds(replace('maximum: 100', 'maximum: 50'))).toEqual(['bound_tightened:qty']);
    expect(await kinds(replace('maximum: 100', 'maximum: 500'))).toEqual(['bound_loosened:qty']);
    expect(await kinds(replace('          minimum: 1\n', ''))).toEqual(['bound_loosened:qty']);
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        logicalTypeOptions:\n          maxLength: 80'))).toEqual(['bound_tightened:email']);
  });

  it('valid values: a value removed or a list added tightens; a value added or the list removed loosens', async () => {
    expect(await kinds(replace('[new, paid, shipped]', '[new, paid]'))).toEqual(['valid_values_tightened:status']);
    expect(await kinds(replace('[new, paid, shipped]', '[new, paid, shipped, returned]'))).toEqual(['valid_values_loosened:status']);
    expect(await kinds(replace('[new, paid, shipped]', '[shipped, new, paid]'))).toEqual([]);
    expect(await kinds(replace('        customProperties:\n          - property: validValues\n            value: [new, paid, shipped]\n', ''))).toEqual(['valid_values_loosened:status']);
  });

  it('pattern changed / removed; format email added / removed', async () => {
    expect(await kinds(replace("'^[A-Z]+$'", "'^[A-Z]{3}$'"))).toEqual(['pattern_changed:code']);
    expect(await kinds(replace("        logicalTypeOptions:\n          pattern: '^[A-Z]+$'\n", ''))).toEqual(['pattern_removed:code']);
    const withFormat = replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        logicalTypeOptions:\n          format: email');
    expect(await kinds(withFormat)).toEqual(['format_added:email']);
    const a = await load(withFormat(BASE));
    const b = await load(BASE);
    expect(diffContract(a, b).map((c) => c.kind)).toEqual(['format_removed']);
  });

  it('dataset rules: added (error / warning), removed, threshold tightened / loosened, changed, severity', async () => {
    const add = (rule: string) => (s: string) => `${s}${rule}`;
    expect(await kinds(add('      - id: items_dupes\n        metric: duplicateValues\n        mustBe: 0\n        arguments:\n          properties: [item_id]\n'))).toEqual(['rule_added:items_dupes']);
    expect(await kinds(add('      - id: items_dupes\n        metric: duplicateValues\n        mustBe: 0\n        severity: warning\n        arguments:\n          properties: [item_id]\n'))).toEqual(['rule_added_warning:items_dupes']);
    expect(await kinds(replace('      - id: items_rows\n        metric: rowCount\n        mustBeGreaterThan: 10\n', ''))).toEqual(['rule_removed:items_rows']);
    expect(await kinds(replace('mustBeGreaterThan: 10', 'mustBeGreaterThan: 20'))).toEqual(['bound_tightened:items_rows']);
    expect(await kinds(replace('mustBeLessOrEqualTo: 5', 'mustBeLessOrEqualTo: 10'))).toEqual(['bound_loosened:items_qty_nulls']);
    expect(await kinds(replace('mustBeLessOrEqualTo: 5\n        unit: percent', 'mustBeLessOrEqualTo: 5\n        unit: rows'))).toEqual(['rule_changed:items_qty_nulls']);
    expect(await kinds(replace('mustBeGreaterThan: 10', 'mustBeGreaterThan: 10\n        severity: warning'))).toEqual(['severity_lowered:items_rows']);
  });

  it('property severity and classification', async () => {
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        customProperties:\n          - property: severity\n            value: warning'))).toEqual(['severity_lowered:email']);
    expect(await kinds(replace('- name: email\n        logicalType: string', '- name: email\n        logicalType: string\n        classification: pii\n        customProperties:\n          - property: mask\n            value: hash'))).toEqual(['classification_changed:email']);
  });

  it('foreign keys added and removed; servers changed', async () => {
    const fk = (s: string) => s.replace('    quality:\n', '    relationships:\n      - type: foreignKey\n        from: items.item_id\n        to: items.item_id\n    quality:\n');
    const a = await load(BASE);
    const b = await load(fk(BASE));
    expect(diffContract(a, b).map((c) => c.kind)).toEqual(['relationship_added']);
    expect(diffContract(b, a).map((c) => c.kind)).toEqual(['relationship_removed']);
    const server = (s: string) => s.replace('schema:\n', 'servers:\n  - server: local\n    type: local\n    path: items.csv\n    format: csv\nschema:\n');
    expect(await kinds(server)).toEqual(['server_changed']);
  });

  it('physicalName, description and tags are read from the model when it carries them', async () => {
    const a = await load(BASE);
    const withDoc = (c: Contract, description: string, tags: string[], column?: string): Contract => ({
      ...c,
      properties: c.properties.map((p) => (p.name === 'email' ? Object.assign({}, p, { description, tags }, column ? { source: { kind: 'column', column } } : {}) : p)),
    });
    expect(diffContract(withDoc(a, 'one', ['x']), withDoc(a, 'two', ['x'])).map((c) => c.kind)).toEqual(['description_changed']);
    expect(diffContract(withDoc(a, 'one', ['x']), withDoc(a, 'one', ['x', 'y'])).map((c) => c.kind)).toEqual(['tags_changed']);
    expect(diffContract(withDoc(a, 'one', [], 'Email'), withDoc(a, 'one', [], 'EMAIL')).map((c) => [c.kind, c.from, c.to])).toEqual([['physical_name_changed', 'Email', 'EMAIL']]);
  });

  it('a date format (logicalTypeOptions.format) added, changed or removed is breaking', async () => {
    const a = await load(BASE);
    const withFormat = (c: Contract, f?: string): Contract => ({ ...c, properties: c.properties.map((p) => (p.name === 'code' && f ? Object.assign({}, p, { dateFormat: f }) : p)) });
    expect(diffContract(withFormat(a), withFormat(a, 'dd/MM/yyyy')).map((c) => [c.kind, c.class, c.from, c.to])).toEqual([['date_format_changed', 'breaking', 'ISO 8601', 'dd/MM/yyyy']]);
    expect(diffContract(withFormat(a, 'dd/MM/yyyy'), withFormat(a, 'MM/dd/yyyy')).map((c) => c.kind)).toEqual(['date_format_changed']);
    expect(diffContract(withFormat(a, 'dd/MM/yyyy'), withFormat(a, 'dd/MM/yyyy'))).toEqual([]);
  });

  it('every kind has a class, and the classes are the documented ones', () => {
    const table = Object.fromEntries(Object.entries(CHANGE_KINDS).map(([k, v]) => [k, v.class]));
    const breaking: ChangeKind[] = ['contract_removed', 'property_removed', 'property_renamed', 'property_added_required', 'type_changed', 'type_narrowed', 'physical_type_changed', 'physical_name_changed', 'required_added', 'unique_added', 'primary_key_changed', 'bound_tightened', 'valid_values_tightened', 'pattern_changed', 'format_added', 'date_format_changed', 'relationship_added', 'rule_added', 'rule_changed', 'severity_raised', 'classification_changed'];
    const nonBreaking: ChangeKind[] = ['contract_added', 'property_added_optional', 'type_widened', 'required_removed', 'unique_removed', 'bound_loosened', 'valid_values_loosened', 'pattern_removed', 'format_removed', 'relationship_removed', 'rule_added_warning', 'rule_removed', 'severity_lowered'];
    const info: ChangeKind[] = ['description_changed', 'tags_changed', 'server_changed'];
    expect(table).toEqual(Object.fromEntries([...breaking.map((k) => [k, 'breaking']), ...nonBreaking.map((k) => [k, 'non-breaking']), ...info.map((k) => [k, 'info'])]));
    expect(typeChangeKind('integer', 'number')).toBe('type_widened');
    expect(typeChangeKind('timestamp', 'date')).toBe('type_narrowed');
    expect(typeChangeKind('boolean', 'date')).toBe('type_changed');
  });
});

describe('contracts diff: versions, pairing, renderings', () => {
  it('a version bump that does not match the class is a warning', async () => {
    const a = await load(BASE);
    const removeEmail = replace('      - name: email\n        logicalType: string\n', '');
    const minor = await load(removeEmail(BASE).replace('version: 1.0.0', 'version: 1.1.0'));
    expect(checkVersionBump(a, minor, diffContract(a, minor))?.message).toBe('breaking changes without a major version bump (1.0.0 → 1.1.0)');
    const major = await load(removeEmail(BASE).replace('version: 1.0.0', 'version: 2.0.0'));
    expect(checkVersionBump(a, major, diffContract(a, major))).toBeUndefined();
    const loosened = await load(BASE.replace('maximum: 100', 'maximum: 500'));
    expect(checkVersionBump(a, loosened, diffContract(a, loosened))?.message).toBe('non-breaking changes without a minor version bump (1.0.0 → 1.0.0)');
    const bigBump = await load(BASE.replace('maximum: 100', 'maximum: 500').replace('version: 1.0.0', 'version: 2.0.0'));
    expect(checkVersionBump(a, bigBump, diffContract(a, bigBump))?.message).toBe('a major version bump (1.0.0 → 2.0.0) without a breaking change');
    expect(checkVersionBump(a, a, [])).toBeUndefined();
  });

  it('sets pair by id, else by dataset + layer; the rest is added or removed; unrelated sets are refused', async () => {
    const a = await load(BASE);
    const renamedId = await load(BASE.replace('id: shop-items', 'id: shop-items-v2'));
    expect(diffContractSets([a], [renamedId]).compared).toBe(1);
    const other = await load(BASE.replace('id: shop-items', 'id: shop-carts').replace('value: items', 'value: carts'));
    const both = diffContractSets([a], [a, other]);
    expect(both.changes.map((c) => [c.kind, c.class, c.contract])).toEqual([['contract_added', 'non-breaking', 'shop-carts']]);
    expect(diffContractSets([a, other], [a]).changes.map((c) => [c.kind, c.class])).toEqual([['contract_removed', 'breaking']]);
    expect(() => diffContractSets([a], [other])).toThrow(EtlError);
    try {
      diffContractSets([a], [other]);
    } catch (e) {
      expect((e as EtlError).exitCode).toBe(2);
      expect((e as EtlError).message).toMatch(/^the contracts are unrelated/);
    }
  });

  it('renders text, Markdown and JSON with the summary and the warning', async () => {
    const a = await load(BASE);
    const b = await load(BASE.replace('[new, paid, shipped]', '[new, paid]').replace('maximum: 100', 'maximum: 500'));
    const d = diffContractSets([a], [b]);
    expect(d.summary).toEqual({ breaking: 1, 'non-breaking': 1, info: 0 });
    const text = renderDiffText(d);
    expect(text.split('\n')[1]).toMatch(/^breaking\s+shop-items\s+status\s+valid values tightened\s+new, paid, shipped → new, paid\s+\S+\.yaml:\d+$/);
    expect(text).toContain('warning: shop-items: breaking changes without a major version bump (1.0.0 → 1.0.0)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 changes (1 breaking, 1 non-breaking, 0 info) in 1 contract compared');
    const mdText = renderDiffMarkdown(d);
    expect(mdText).toContain('| **breaking** | shop-items | status | valid values tightened | new, paid, shipped → new, paid |');
    expect(mdText).toContain('> **Warning** shop-items: breaking changes without a major version bump');
    const json = JSON.parse(renderDiffJson(d));
    expect(json.schemaVersion).toBe('1.0.0');
    expect(json.changes.map((c: { kind: string }) => c.kind)).toEqual(['valid_values_tightened', 'bound_loosened']);
  });
});
