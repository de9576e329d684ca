// No raw PII outside quarantine, even when a contract plants SQL rules whose engine errors (or
// results) would quote e-mails and names: every published file — Parquet decoded with the
// independent reader, CSV/JSON/text as text — and every report is scanned for the raw values.
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles, ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { readParquetFile } from '../helpers/parquet.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-pii-');
const data = join(work, 'data');
const contracts = join(work, 'contracts');
const out = join(work, 'output');
const reports = join(work, 'reports');

const hostile = (prefix: string) => `
      - id: ${prefix}_cast_email
        type: sql
        query: SELECT sum(CAST(email AS INTEGER)) FROM customers
        mustBe: 0
        severity: warning
      - id: ${prefix}_max_name
        type: sql
        query: SELECT max(name) FROM customers
        mustBe: 0
        severity: warning
      - id: ${prefix}_error_email
        type: sql
        query: SELECT max(error(email)) FROM customers
        mustBe: 0
        severity: warning
      - id: ${prefix}_date_name
        type: sql
        query: SELECT count(CAST(name || email AS DATE)) FROM customers
        mustBe: 0
        severity: warning
`;

let raw: { emails: Set<string>; names: Set<string> };
let quality: { checks: { id: string; status: string; message?: string }[] };

beforeAll(() => {
  expect(runCli(['generate', '--out', data, '--orders', '600', '--seed', '11', '--defect-rate', '0.02', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
  cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
  // The silver contract's schema object ends with its quality list; the source one gets a list.
  appendFileSync(join(contracts, 'customers.silver.yaml'), hostile('silver_hostile'));
  appendFileSync(join(contracts, 'customers.source.yaml'), `    quality:${hostile('source_hostile')}`);
  const r = runCli(['run', '--data', data, '--contracts', contracts, '--pipeline', join(ROOT, 'pipeline'), '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'warn']);
  expect(r.code, r.stderr).toBe(0);
  quality = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
  raw = { emails: new Set(), names: new Set() };
  for (const line of readFileSync(join(data, 'customers.json'), 'utf8').split('\n')) {
    try {
      const o = JSON.parse(line) as { email?: unknown; name?: unknown };
      if (typeof o.email === 'string' && o.email.length > 3) raw.emails.add(o.email);
      if (typeof o.name === 'string' && o.name.length > 3) raw.names.add(o.name);
    } catch {
      // a malformed line (an injected defect): its values are in quarantine only
    }
  }
}, 180_000);

const EMAILS = /[^\s"'<>,;()]+@[^\s"'<>,;()]+/g;

function leaks(text: string): string[] {
  const found = [...(text.match(EMAILS) ?? [])].filter((e) => raw.emails.has(e));
  for (const n of raw.names) if (text.includes(n)) found.push(n);
  return found;
}

describe('hostile SQL rules on PII columns', () => {
  it('ran, and failed in the engine (so their messages would have quoted values)', () => {
    for (const layer of ['source', 'silver']) {
      const byId = (suffix: string) => quality.checks.find((c) => c.id === `customers.${layer}_hostile_${suffix}`);
      for (const suffix of ['cast_email', 'error_email', 'date_name']) {
        expect(byId(suffix)?.status, `${layer} ${suffix}`).toBe('failed');
        expect(byId(suffix)?.message).toMatch(/^query failed: [A-Za-z ]*Error \(the engine's message is withheld: customers has PII columns \(email, name\)\)$/);
      }
      expect(byId('max_name')?.message).toMatch(/^the query returned a value that is not a number \(withheld: customers has PII columns/);
    }
    expect(raw.emails.size).toBeGreaterThan(30);
    expect(raw.names.size).toBeGreaterThan(30);
  });

  it('leave no raw e-mail or name in any published file or report (Parquet decoded)', () => {
    const files = [
      ...listFiles(out).filter((f) => !f.startsWith('quarantine/')).map((f) => join(out, f)),
      ...listFiles(reports).map((f) => join(reports, f)),
    ];
    expect(files.some((f) => f.endsWith('junit.xml'))).toBe(true);
    let parquetCells = 0;
    for (const f of files) {
      if (f.endsWith('.parquet')) {
        const table = readParquetFile(f);
        for (const field of table.schema.fields) {
          const column = table.getChild(field.name)!;
          for (let i = 0; i < table.numRows; i++) {
            const v = column.get(i);
            if (typeof v !== 'string') continue;
            parquetCells++;
            expect({ f, column: field.name, leaks: raw.emails.has(v) || raw.names.has(v) ? [v] : leaks(v) }).toEqual({ f, column: field.name, leaks: [] });
          }
        }
      } else {
        expect({ f, leaks: leaks(readFileSync(f, 'utf8')) }).toEqual({ f, leaks: [] });
      }
    }
    expect(parquetCells).toBeGreaterThan(1000);
  });

  it('the scan itself finds a raw value where there is one', () => {
    const [email] = [...raw.emails];
    const [name] = [...raw.names];
    expect(leaks(`note: "${email}" and ${name}.`)).toEqual([email, name]);
  });
});
