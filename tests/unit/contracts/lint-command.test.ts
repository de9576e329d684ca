import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintCommand } from '../../../src/commands/contracts-lint.ts';

async function lint(files: string[], contracts = 'contracts'): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await lintCommand({ files, contracts }, (l) => lines.push(l));
  return { code, lines };
}

describe('etl contracts lint', () => {
  it('exits 0 on the shipped contracts', async () => {
    const { code, lines } = await lint([]);
    expect(code).toBe(0);
    expect(lines[lines.length - 1]).toMatch(/^\d+ contracts, 0 problems$/);
  });

  it('checks an explicit file against the contracts directory (its relationships resolve)', async () => {
    expect(await lint(['contracts/orders.silver.yaml'])).toEqual({ code: 0, lines: ['1 contract, 0 problems'] });
  });

  it('exits 2 and prints file:line:col CODE message + hint for every problem', async () => {
    const { code, lines } = await lint(['tests/fixtures/contracts/misspelt-key.yaml', 'tests/fixtures/contracts/wrong-type.yaml']);
    expect(code).toBe(2);
    expect(lines).toEqual([
      "tests/fixtures/contracts/misspelt-key.yaml:14:9 CONTRACT_SCHEMA_INVALID unknown key 'requried' in schema[0].properties[1]\n  hint: did you mean 'required'?",
      "tests/fixtures/contracts/wrong-type.yaml:14:17 CONTRACT_SCHEMA_INVALID 'unique' must be boolean, found 'yes'\n  hint: see the ODCS v3.1.0 reference: https://bitol-io.github.io/open-data-contract-standard/",
      '2 contracts, 2 problems (2 errors, 0 warnings)',
    ]);
  });

  it('warnings alone exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-lint-'));
    writeFileSync(
      join(dir, 't.yaml'),
      'apiVersion: v3.1.0\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: email\n        logicalType: string\n        classification: pii\n',
    );
    const { code, lines } = await lint([], dir);
    expect(code).toBe(0);
    expect(lines).toEqual([
      `${join(dir, 't.yaml')}:11:25 CONTRACT_PROFILE_INVALID (warning) pii property 'email' has no mask: it will be redacted\n  hint: add customProperties: [{property: mask, value: hash | initials | redact}]`,
      '1 contract, 1 problem (0 errors, 1 warning)',
    ]);
  });

  it('a missing file or an empty directory is a problem line and exit 2, never a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-lint-'));
    expect(await lint([join(dir, 'missing.yaml')], dir)).toEqual({
      code: 2,
      lines: [
        `${join(dir, 'missing.yaml')} CONTRACT_NOT_FOUND no such file or directory\n  hint: check the path; the default is contracts/ in the current folder (the package's own: --contracts node_modules/etl/contracts)`,
        '0 contracts, 1 problem (1 error, 0 warnings)',
      ],
    });
    expect((await lint([], dir)).code).toBe(2);
  });
});
