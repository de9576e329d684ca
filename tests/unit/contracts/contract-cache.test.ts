// The cache of parsed contracts stores a loaded file as JSON: reading it back must give the same model,
// problems, expression sites and derived ids (the last two keyed by object identity) as parsing the file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLoadedFile, encodeLoadedFile } from '../../../src/contracts/contract-cache.ts';
import { allQualityRules } from '../../../src/contracts/model.ts';
import { parseContract } from '../../../src/contracts/parse-contract.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') && (dir.endsWith('contracts') || f.includes('contracts')))
    .map((f) => join(dir, f))
    .sort();
}

describe('contract cache entries', () => {
  const files = [...yamlFiles(join(ROOT, 'contracts')), ...yamlFiles(join(ROOT, 'examples'))];

  it('finds the shipped and example contracts', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it.each(files)('%s reads back as parsed', (file) => {
    const parsed = parseContract(readFileSync(file, 'utf8'), file);
    const encoded = encodeLoadedFile(parsed);
    expect(encoded).toBeDefined();
    const decoded = decodeLoadedFile(JSON.parse(JSON.stringify(encoded)));
    expect(decoded.contracts).toStrictEqual(parsed.contracts);
    expect(decoded.problems).toStrictEqual(parsed.problems);
    expect([...decoded.sites.values()]).toStrictEqual([...parsed.sites.values()]);
    expect([...decoded.sites.keys()]).toStrictEqual([...parsed.sites.keys()]);
    expect([...decoded.derived]).toStrictEqual([...parsed.derived]);
    // Keyed by the decoded model's own objects, as the set checks look them up.
    const own = new Set<object>(decoded.contracts.flatMap((c) => [...allQualityRules(c), ...c.relationships]));
    for (const k of decoded.sites.keys()) expect(own.has(k)).toBe(true);
    for (const d of decoded.derived) expect(own.has(d)).toBe(true);
  });

  it('keeps the problems of a contract that does not load', () => {
    const parsed = parseContract('apiVersion: v3.1.0\nkind: DataContract\nid: x\nschema: [\n', 'broken.yaml');
    expect(parsed.problems.length).toBeGreaterThan(0);
    const decoded = decodeLoadedFile(JSON.parse(JSON.stringify(encodeLoadedFile(parsed))));
    expect(decoded.problems).toStrictEqual(parsed.problems);
    expect(decoded.contracts).toEqual([]);
  });
});
