// The ODCS validator the build writes as standalone code (dist/contracts/odcs-validator.cjs) reports the
// same problems as the one compiled at run time: the error reduction finds the schema's landmarks by
// content when the validator's schema nodes are copies.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/contracts/parse-yaml.ts';
import {
  compileOdcsValidator,
  loadStandaloneOdcsValidator,
  odcsStandaloneCode,
  validateAgainstOdcsSchema,
} from '../../../src/contracts/validate-schema.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'contracts');
// Inside the project, so that the standalone code's require('ajv-formats/…') resolves.
mkdirSync(join(ROOT, 'tmp'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'tmp', 'odcs-standalone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'apiVersion: v3.1.0\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\n';
// Each document hits one landmark of the error reduction (operators, relationship forms, references, ids).
const DOCUMENTS: Record<string, string> = {
  'two operators': `${HEAD}schema:\n  - name: t\n    properties:\n      - name: a\n        quality:\n          - metric: nullValues\n            mustBeGreaterThan: 0\n            mustBeLessThan: 10\n`,
  'no operator': `${HEAD}schema:\n  - name: t\n    properties:\n      - name: a\n        quality:\n          - metric: nullValues\n`,
  'misspelt operator': `${HEAD}schema:\n  - name: t\n    properties:\n      - name: a\n        quality:\n          - metric: nullValues\n            mustBeLessThn: 1\n`,
  'from string, to list': `${HEAD}schema:\n  - name: t\n    relationships:\n      - type: foreignKey\n        from: t.a\n        to: [u.a, u.b]\n    properties:\n      - name: a\n`,
  'from in a property-level relationship': `${HEAD}schema:\n  - name: t\n    properties:\n      - name: a\n        relationships:\n          - type: foreignKey\n            from: t.a\n            to: u.a\n`,
  'reference without a table': `${HEAD}schema:\n  - name: t\n    properties:\n      - name: a\n        relationships:\n          - type: foreignKey\n            to: nodot\n`,
  'bad stable id': `${HEAD}schema:\n  - name: t\n    id: "has space"\n    properties:\n      - name: a\n`,
};

function sources(): { name: string; text: string; file: string }[] {
  const files = ['misspelt-key.yaml', 'wrong-type.yaml', 'two-operators.yaml', 'unknown-metric.yaml', 'relationship-unknown.yaml', 'min-max.yaml'];
  return [
    ...files.map((f) => ({ name: f, file: join(FIXTURES, f), text: readFileSync(join(FIXTURES, f), 'utf8') })),
    ...Object.entries(DOCUMENTS).map(([name, text]) => ({ name, file: `${name}.yaml`, text })),
  ];
}

describe('the standalone ODCS validator', () => {
  const file = join(dir, 'odcs-validator.cjs');
  writeFileSync(file, odcsStandaloneCode());
  const standalone = loadStandaloneOdcsValidator(file);
  const compiled = compileOdcsValidator();

  it.each(sources())('reports what the compiled one reports: $name', ({ text, file: name }) => {
    const source = parseYaml(text, name).source!;
    const expected = validateAgainstOdcsSchema(source, compiled);
    expect(validateAgainstOdcsSchema(source, standalone)).toEqual(expected);
  });

  it('the landmark messages are there (not the generic fallbacks)', () => {
    const messages = (name: string) => validateAgainstOdcsSchema(parseYaml(DOCUMENTS[name]!, 'x.yaml').source!, standalone).map((p) => p.message);
    expect(messages('two operators')).toEqual(['a quality rule takes exactly one operator, found 2: mustBeGreaterThan, mustBeLessThan']);
    expect(messages('no operator')).toEqual(['the quality rule has no operator']);
    expect(messages('misspelt operator')).toEqual(["unknown key 'mustBeLessThn' in schema[0].properties[0].quality[0]"]);
    expect(messages('from string, to list')).toEqual(["'from' and 'to' must both be strings or both be lists (composite key)"]);
    expect(messages('from in a property-level relationship')).toEqual(["'from' is not allowed in a property-level relationship"]);
    expect(messages('reference without a table')).toEqual(["'to' must reference a column as table.column (e.g. customers.customer_id), found 'nodot'"]);
    expect(messages('bad stable id')).toEqual(["'id' may only contain letters, digits, '_' and '-', found 'has space'"]);
  });

  it('accepts every shipped contract', () => {
    const shipped = ['orders.source.yaml', 'orders.silver.yaml', 'customers.silver.yaml'];
    for (const f of shipped) {
      const source = parseYaml(readFileSync(join(ROOT, 'contracts', f), 'utf8'), f).source!;
      expect(validateAgainstOdcsSchema(source, standalone)).toEqual([]);
    }
  });
});
