// Mapping through the real CLI: the demo data re-exported the way another shop would (renamed
// columns, `;` separators, US-style timestamps), read by contracts that map it back (physicalName,
// delimiter, logicalTypeOptions.format), plus a business filter. And bad input: one line, exit 2.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const work = tempDir('etl-e2e-mapping-');
const data = join(work, 'data');
const contracts = join(work, 'contracts');
type Doc = { servers: Record<string, unknown>[]; schema: { properties: Record<string, unknown>[]; quality?: unknown[] }[] };

function edit(file: string, change: (doc: Doc) => void): void {
  const doc = parse(readFileSync(file, 'utf8')) as Doc;
  change(doc);
  writeFileSync(file, stringify(doc));
}
const property = (doc: Doc, name: string) => doc.schema[0]!.properties.find((p) => p['name'] === name)!;

let expectedExcluded = 0;
let recordsIn = 0;

beforeAll(async () => {
  const g = runCli(['generate', '--out', data, '--orders', '400', '--seed', '5', '--log-level', 'warn']);
  expect(g.code, g.stderr).toBe(0);
  cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
  const orders = join(data, 'orders.csv');
  await withEngine(async (e) => {
    await e.exec(sql`CREATE TABLE o AS SELECT * FROM read_csv(${orders}, all_varchar = true)`);
    recordsIn = Number(await e.scalar(sql`SELECT count(*) FROM o`));
    expectedExcluded = Number(await e.scalar(sql`SELECT count(*) FROM (SELECT DISTINCT * FROM o) WHERE quantity = '1'`));
    // Two monthly-style exports in a subfolder, read through a glob.
    await e.exec(sql`CREATE TABLE x AS SELECT * REPLACE (strftime(CAST(order_date AS TIMESTAMP), '%-m/%-d/%Y %-H:%M') AS order_date) RENAME (order_id AS "InvoiceNo"), row_number() OVER () AS "__n" FROM o`);
    mkdirSync(join(data, 'orders'));
    await e.exec(sql`COPY (SELECT * EXCLUDE ("__n") FROM x WHERE "__n" <= 200 ORDER BY "__n") TO ${join(data, 'orders', 'part-1.csv')} (FORMAT csv, DELIMITER ';', HEADER)`);
    await e.exec(sql`COPY (SELECT * EXCLUDE ("__n") FROM x WHERE "__n" > 200 ORDER BY "__n") TO ${join(data, 'orders', 'part-2.csv')} (FORMAT csv, DELIMITER ';', HEADER)`);
    rmSync(orders);
  });
  edit(join(contracts, 'orders.source.yaml'), (doc) => {
    doc.servers[0]!['delimiter'] = ';';
    doc.servers[0]!['path'] = '../data/orders/part-*.csv';
    property(doc, 'order_id')['physicalName'] = 'InvoiceNo';
    property(doc, 'order_date')['logicalTypeOptions'] = { format: 'M/d/yyyy H:mm' };
  });
  edit(join(contracts, 'orders.silver.yaml'), (doc) => {
    const object = doc.schema[0]!;
    object.quality = [
      ...(object.quality ?? []),
      { type: 'custom', engine: 'etl', id: 'multi_unit_only', description: 'single-unit lines are samples, not sales', implementation: { kind: 'filter', expression: 'quantity <> 1' } },
    ];
  });
});

describe('etl run with mapped contracts', () => {
  it('reads the re-exported orders through the mapping, excludes the filtered lines, and reports rows_excluded everywhere', () => {
    const lint = runCli(['contracts', 'lint', '--contracts', contracts]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    const reports = join(work, 'reports');
    const r = runCli(['run', '--data', data, '--contracts', contracts, '--pipeline', join(ROOT, 'pipeline'), '--out', join(work, 'output'), '--reports', reports, '--as-of', '2026-11-20', '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    const q = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
    const o = q.sources.orders;
    expect(expectedExcluded).toBeGreaterThan(0);
    expect(o.records_in).toBe(recordsIn);
    expect(o.rows_excluded).toBe(expectedExcluded);
    expect(o.rows_quarantined).toBe(0);
    expect(o.records_in).toBe(o.rows_out + o.rows_quarantined + o.duplicates_dropped + o.rows_excluded);
    expect(q.checks.find((c: { id: string }) => c.id === 'orders.multi_unit_only')).toMatchObject({ status: 'passed', message: `${expectedExcluded} rows excluded` });
    const txt = readFileSync(join(reports, 'quality_report.txt'), 'utf8');
    expect(txt).toMatch(/rows_excluded/);
    expect(txt).toContain(`↳ ${expectedExcluded} rows excluded`);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toContain(`<property name="rows_excluded" value="${expectedExcluded}"/>`);
    const record = JSON.parse(readFileSync(join(work, 'output', '_runs', `${q.run_id}.json`), 'utf8'));
    expect(record.counts.orders.rows_excluded).toBe(expectedExcluded);
    expect(record.inputs.map((i: { file?: string; path?: string }) => String(i.file ?? i.path)).filter((f: string) => /part-\d\.csv$/.test(f))).toHaveLength(2);
  });

  it('a mapping to a column the file lacks: one line SOURCE_HEADER_INVALID with file:line, the hint names the contract line, exit 2', () => {
    const bad = join(work, 'contracts-bad');
    cpSync(contracts, bad, { recursive: true });
    edit(join(bad, 'orders.source.yaml'), (doc) => {
      property(doc, 'customer_id')['physicalName'] = 'CustomerID';
    });
    const r = runCli(['run', '--data', data, '--contracts', bad, '--pipeline', join(ROOT, 'pipeline'), '--out', join(work, 'out-bad'), '--reports', join(work, 'rep-bad'), '--as-of', '2026-11-20', '--log-level', 'warn']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^SOURCE_HEADER_INVALID: .*orders\/part-1\.csv lacks the required column CustomerID \(.*orders\/part-1\.csv:1\)$/);
    expect(r.stderr).toMatch(/customer_id reads CustomerID \(.*orders\.source\.yaml:\d+\) \(none of the 2 files of .*part-\*\.csv has it\)/);
  });

  it('lint: each bad mapping is one line with file:line:col, exit 2', () => {
    const r = runCli(['contracts', 'lint', 'tests/fixtures/contracts/mapping-bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/mapping-bad\.yaml:22:36 CONTRACT_PROFILE_INVALID format 'dd\/MM\/yyyy HH:mm Q' of order_date: unsupported pattern letter 'Q'/);
    expect(r.stdout + r.stderr).toMatch(/mapping-bad\.yaml:25:41 CONTRACT_PROFILE_INVALID transformLogic of quantity does not compile/);
    expect(r.stdout + r.stderr).toMatch(/mapping-bad\.yaml:27:44 CONTRACT_PROFILE_INVALID transformLogic of label does not compile: unknown column Description/);
  });
});
