// The contract tools and CI output through the real CLI (node bin/etl.js): contracts init on generated
// and real files (the draft passes lint and validate), contracts diff (exit 0 / 1 / 2, formats),
// contracts export (files, a JSON Schema that accepts the generated records), bad input (one line, exit 2),
// and run / validate with --ci github (annotations, $GITHUB_STEP_SUMMARY).
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.ts';

const tmp = tempDir('etl-tools-e2e-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const UCI = '/work/shared/realdata/uci_online_retail/online_retail_I_first8k__mamtayadav28.csv';

function etl(args: string[], env: Record<string, string> = {}): CliResult {
  // GITHUB_ACTIONS is cleared unless a test sets it, so that the runner's own CI does not change outputs.
  return runCli(['--log-level', 'silent', ...args], { cwd: tmp, env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env } });
}

function oneLineError(r: CliResult, code: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^${code}: `));
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  expect(etl(['generate', '--out', 'data', '--orders', '1500']).code).toBe(0);
  expect(etl(['generate', '--out', 'bad', '--orders', '1500', '--defect-rate', '0.08']).code).toBe(0);
}, 120_000);

describe('etl contracts init', () => {
  it('drafts contracts for generated orders.csv, customers.json and products.parquet that pass lint and validate', () => {
    for (const name of ['orders.csv', 'customers.json', 'products.parquet']) {
      const out = `${name}.contract.yaml`;
      const r = etl(['contracts', 'init', '--from', join('data', name), '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^wrote ${out.replace('.', '\\.')}: draft contract for ${name.split('.')[0]} `));
      expect(parse(readFileSync(join(tmp, out), 'utf8')).servers[0].path).toBe(`data/${name}`);
      const v = etl(['validate', '--contract', out]);
      expect(v.stdout.trimEnd().split('\n').at(-1)).toBe('PASSED');
      expect(v.code).toBe(0);
    }
    const lint = etl(['contracts', 'lint', 'orders.csv.contract.yaml', 'customers.json.contract.yaml', 'products.parquet.contract.yaml']);
    expect(lint.stdout.trimEnd().split('\n').at(-1)).toBe('3 contracts, 0 problems');
    expect(lint.code).toBe(0);
  });

  it('the orders draft finds the composite key, the customers draft the key and format: email', () => {
    const orders = parse(readFileSync(join(tmp, 'orders.csv.contract.yaml'), 'utf8'));
    const keyed = (orders.schema[0].properties as { name: string; primaryKey?: boolean }[]).filter((p) => p.primaryKey).map((p) => p.name);
    expect(keyed).toEqual(['order_id', 'product_id']);
    const customers = parse(readFileSync(join(tmp, 'customers.json.contract.yaml'), 'utf8'));
    const props = Object.fromEntries((customers.schema[0].properties as { name: string }[]).map((p) => [p.name, p]));
    expect(props['customer_id']).toMatchObject({ logicalType: 'string', required: true, primaryKey: true });
    expect(props['email']).toMatchObject({ logicalTypeOptions: { format: 'email' } });
    expect(props['registration_date']).toMatchObject({ logicalType: 'date', required: true });
  });

  it.skipIf(!existsSync(UCI))('drafts a contract for the UCI Online Retail sample that passes lint and validate', () => {
    copyFileSync(UCI, join(tmp, 'retail.csv'));
    const r = etl(['contracts', 'init', '--from', 'retail.csv', '--dataset', 'online_retail', '--out', 'retail.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(join(tmp, 'retail.yaml'), 'utf8'));
    const types = Object.fromEntries((doc.schema[0].properties as { name: string; logicalType: string }[]).map((p) => [p.name, p.logicalType]));
    expect(types).toEqual({ InvoiceNo: 'string', StockCode: 'string', Description: 'string', Quantity: 'integer', InvoiceDate: 'timestamp', UnitPrice: 'number', CustomerID: 'integer', Country: 'string' });
    expect(etl(['contracts', 'lint', 'retail.yaml']).code).toBe(0);
    const v = etl(['validate', '--contract', 'retail.yaml', 'retail.csv']);
    expect(v.stdout).toContain('online_retail.Quantity.minimum');
    expect(v.stdout.trimEnd().split('\n').at(-1)).toBe('PASSED');
    expect(v.code).toBe(0);
  });

  it('writes to stdout without --out', () => {
    const r = etl(['contracts', 'init', '--from', 'data/products.parquet']);
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toMatchObject({ apiVersion: 'v3.1.0', id: 'products-source', servers: [{ format: 'parquet' }] });
  });

  it('bad input: a missing file, a folder, an unknown format, a broken JSON array: one line, exit 2', () => {
    oneLineError(etl(['contracts', 'init', '--from', 'nope.csv']), 'SOURCE_NOT_FOUND');
    oneLineError(etl(['contracts', 'init', '--from', 'data']), 'SOURCE_UNREADABLE');
    writeFileSync(join(tmp, 'sheet.xlsx'), 'PK');
    oneLineError(etl(['contracts', 'init', '--from', 'sheet.xlsx']), 'SOURCE_UNREADABLE');
    writeFileSync(join(tmp, 'broken.json'), '[{"a": 1},');
    oneLineError(etl(['contracts', 'init', '--from', 'broken.json']), 'SOURCE_UNREADABLE');
  });
});

describe('etl contracts diff', () => {
  // The source contracts only: the same diff logic as on the whole folder, at half the loading time.
  beforeAll(() => {
    for (const side of ['old', 'new']) {
      mkdirSync(join(tmp, side));
      for (const f of readdirSync(join(ROOT, 'contracts')).filter((n) => n.endsWith('.source.yaml'))) copyFileSync(join(ROOT, 'contracts', f), join(tmp, side, f));
    }
  });

  function editNew(file: string, from: string, to: string): void {
    const p = join(tmp, 'new', file);
    const text = readFileSync(p, 'utf8');
    expect(text).toContain(from);
    writeFileSync(p, text.replace(from, () => to));
  }

  it('no change: exit 0 and a zero summary', () => {
    const r = etl(['contracts', 'diff', 'old', 'new']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^0 changes \(0 breaking, 0 non-breaking, 0 info\) in \d+ contracts compared$/);
  });

  it('a non-breaking change with a minor bump: exit 0, no warning', () => {
    editNew('products.source.yaml', 'version: 1.0.0', 'version: 1.1.0');
    editNew('products.source.yaml', '      - name: cost\n', '      - name: launch_note\n        logicalType: string\n      - name: cost\n');
    const r = etl(['contracts', 'diff', 'old/products.source.yaml', 'new/products.source.yaml']);
    expect(r.stdout).toMatch(/non-breaking\s+etl-products-source\s+launch_note\s+optional property added/);
    expect(r.stdout).not.toContain('warning:');
    expect(r.code).toBe(0);
  });

  it('a breaking change: exit 1 with the version warning; --allow-breaking: exit 0; markdown and json', () => {
    editNew('orders.source.yaml', 'exclusiveMinimum: 0', 'exclusiveMinimum: 1');
    const r = etl(['contracts', 'diff', 'old', 'new']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^breaking\s+etl-orders-source\s+quantity\s+bound tightened\s+0 → 1\s+new\/orders\.source\.yaml:\d+$/m);
    expect(r.stdout).toContain('warning: etl-orders-source: breaking changes without a major version bump (1.0.0 → 1.0.0)');
    expect(etl(['contracts', 'diff', 'old', 'new', '--allow-breaking']).code).toBe(0);
    const md = etl(['contracts', 'diff', 'old', 'new', '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| **breaking** | etl-orders-source | quantity | bound tightened | 0 → 1 |');
    const json = etl(['contracts', 'diff', 'old', 'new', '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { summary: Record<string, number>; changes: { kind: string; contract: string }[] };
    expect(parsed.summary).toEqual({ breaking: 1, 'non-breaking': 1, info: 0 });
    expect(parsed.changes.map((c) => `${c.contract}:${c.kind}`)).toEqual(['etl-orders-source:bound_tightened', 'etl-products-source:property_added_optional']);
    expect(json.stderr).toContain('warning: etl-orders-source: breaking changes without a major version bump');
  });

  it('a removed contract is breaking', () => {
    rmSync(join(tmp, 'new', 'returns.source.yaml'));
    const r = etl(['contracts', 'diff', 'old', 'new', '--format', 'json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { changes: { kind: string; contract: string }[] }).changes.filter((c) => c.kind === 'contract_removed').map((c) => c.contract)).toEqual(['etl-returns-source']);
  });

  it('bad input: two unrelated contracts, an unknown format, a missing path: one line, exit 2', () => {
    const unrelated = etl(['contracts', 'diff', 'old/customers.source.yaml', 'old/orders.source.yaml']);
    oneLineError(unrelated, 'USAGE_INVALID');
    expect(unrelated.stderr).toMatch(/^USAGE_INVALID: the contracts are unrelated/);
    oneLineError(etl(['contracts', 'diff', 'old', 'new', '--format', 'html']), 'USAGE_INVALID');
    oneLineError(etl(['contracts', 'diff', 'old', 'nowhere']), 'CONTRACT_NOT_FOUND');
  });
});

describe('etl contracts export', () => {
  it('jsonschema: every generated customer record conforms to the source contract\'s record schema', () => {
    const r = etl(['contracts', 'export', '--format', 'jsonschema', join(ROOT, 'contracts', 'customers.source.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const ajv = new Ajv2020.default({ strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(r.stdout));
    const records = readFileSync(join(tmp, 'data', 'customers.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(10);
    for (const rec of records) expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...records[0], registration_date: '14/05/2024' })).toBe(false);
    expect(validate({ ...records[0], customer_id: null })).toBe(false);
  });

  it('markdown and sql to files; the default is every contract under contracts/', () => {
    mkdirSync(join(tmp, 'proj', 'contracts'), { recursive: true });
    cpSync(join(ROOT, 'contracts', 'orders.source.yaml'), join(tmp, 'proj', 'contracts', 'orders.source.yaml'));
    const md = runCli(['contracts', 'export', '--format', 'markdown', '--out', 'dictionary.md'], { cwd: join(tmp, 'proj') });
    expect(md.code, md.stderr).toBe(0);
    const text = readFileSync(join(tmp, 'proj', 'dictionary.md'), 'utf8');
    expect(text).toContain('## orders (source)');
    expect(text).toContain('| `quantity` |  | integer | yes |  | > 0 |');
    const ddl = runCli(['contracts', 'export', '--format', 'sql', '--out', 'schema.sql'], { cwd: join(tmp, 'proj') });
    expect(ddl.code).toBe(0);
    expect(readFileSync(join(tmp, 'proj', 'schema.sql'), 'utf8')).toContain('"quantity" BIGINT NOT NULL CHECK ("quantity" > 0)');
  });

  it('an unknown format: one line, exit 2', () => {
    oneLineError(etl(['contracts', 'export', '--format', 'avro', join(ROOT, 'contracts')]), 'USAGE_INVALID');
  });
});

describe('--ci github', () => {
  it('run --strict on defective data: annotations on the contract lines, the step summary appended, exit 1', () => {
    const summary = join(tmp, 'summary.md');
    writeFileSync(summary, '');
    const r = etl(['run', '--data', 'bad', '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'), '--out', 'out', '--reports', 'reports', '--as-of', '2026-11-20', '--strict', '--ci', 'github'], { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: ROOT });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(tmp, 'reports', 'quality_report.json'), 'utf8')) as {
      sources: Record<string, { records_in: number; rows_out: number; rows_quarantined: number; duplicates_dropped: number }>;
      checks: { id: string; status: string; kind: string; severity: string; contract?: { file: string; line?: number } }[];
    };
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    const failed = report.checks.filter((c) => c.status === 'failed' || c.status === 'error' || c.status === 'warning');
    expect(annotations.length).toBe(Math.min(failed.length, 50));
    // the first annotation is a gate failure, on the line of its contract, relative to the workspace
    const gate = failed.find((c) => c.kind === 'dataset' && c.severity === 'error')!;
    expect(annotations[0]).toMatch(/^::error file=contracts\/[a-z_]+\.silver\.yaml,line=\d+,title=etl run%3A [a-z_.]+ failed::/);
    const gateLine = annotations.find((a) => a.includes(`%3A ${gate.id} failed`));
    expect(gateLine).toContain(`file=contracts/${gate.contract!.file.split('/').at(-1)},line=${gate.contract!.line}`);
    // the annotations come before the usual summary, which is still printed
    expect(r.stdout.indexOf('::error')).toBeLessThan(r.stdout.indexOf('etl run '));
    const md = readFileSync(summary, 'utf8');
    expect(md.split('\n')[0]).toBe('## etl run: FAILED');
    for (const [name, s] of Object.entries(report.sources)) {
      expect(md).toContain(`| ${name} | ${s.records_in} | ${s.rows_out} | ${s.rows_quarantined} | ${s.duplicates_dropped} | 0 | yes |`);
    }
    expect(md).toContain(`\`${gate.id}\``);
    expect(existsSync(join(tmp, 'reports', 'junit.xml'))).toBe(true);
  }, 120_000);

  it('validate picks GitHub output up from GITHUB_ACTIONS=true; --ci none turns it off; an unknown provider is exit 2', () => {
    const summary = join(tmp, 'summary-validate.md');
    writeFileSync(summary, '');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: ROOT };
    const r = etl(['validate', '--contract', join(ROOT, 'contracts', 'orders.source.yaml'), 'bad/orders.csv'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=contracts\/orders\.source\.yaml,line=\d+,title=etl validate%3A orders\./m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED');
    expect(readFileSync(summary, 'utf8').split('\n')[0]).toBe('## etl validate: FAILED');
    const off = etl(['validate', '--contract', join(ROOT, 'contracts', 'orders.source.yaml'), 'bad/orders.csv', '--ci', 'none'], env);
    expect(off.code).toBe(1);
    expect(off.stdout).not.toContain('::');
    oneLineError(etl(['validate', '--contract', join(ROOT, 'contracts', 'orders.source.yaml'), 'data/orders.csv', '--ci', 'jenkins']), 'USAGE_INVALID');
  });
});
