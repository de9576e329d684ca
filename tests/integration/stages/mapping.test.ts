// Any shop's exports, by contracts alone: each mapping feature on real files through bronze and silver
// (real DuckDB). Every test checks the values that reach silver, what the quarantine says and why,
// and conservation: records_in = rows_out + rows_quarantined + duplicates_dropped + rows_excluded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContractsOrThrow } from '../../../src/contracts/index.ts';
import type { Contract } from '../../../src/contracts/model.ts';
import { withEngine, type Engine, type Row } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { matchFiles } from '../../../src/io/glob-files.ts';
import { detectFormat } from '../../../src/io/read-source.ts';
import { sql } from '../../../src/sql/sql.ts';
import { ingestBronze } from '../../../src/stages/bronze.ts';
import { dataRelativePath, type DatasetPlan } from '../../../src/stages/plan.ts';
import { buildSilver } from '../../../src/stages/silver.ts';
import type { SourceCounts } from '../../../src/checks/result.ts';
import type { CheckResult } from '../../../src/checks/result.ts';

const root = mkdtempSync(join(tmpdir(), 'etl-mapping-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

interface Outcome {
  silver: Row[];
  quarantine: Row[];
  counts: SourceCounts;
  checks: CheckResult[];
}

/** Writes the contract(s) and the data files of one case, plans the dataset as `etl run` does, runs bronze and silver. */
async function runCase(contract: string, files: Record<string, string | ((e: Engine, path: string) => Promise<void>)>, silverContract?: string): Promise<Outcome> {
  const dir = join(root, `case${++n}`);
  const data = join(dir, 'data');
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  writeFileSync(join(dir, 'contracts', 'shop.source.yaml'), contract);
  if (silverContract) writeFileSync(join(dir, 'contracts', 'shop.silver.yaml'), silverContract);
  const contracts = await loadContractsOrThrow([join(dir, 'contracts')]);
  const source = contracts.find((c) => c.layer === 'source') as Contract;
  const silver = contracts.find((c) => c.layer === 'silver');
  return withEngine(async (e) => {
    for (const [name, content] of Object.entries(files)) {
      const path = join(data, name);
      mkdirSync(join(path, '..'), { recursive: true });
      if (typeof content === 'string') writeFileSync(path, content);
      else await content(e, path);
    }
    const server = source.servers[0]!;
    const file = join(data, dataRelativePath(server.path!));
    const matched = matchFiles(file);
    const plan: DatasetPlan = {
      dataset: source.dataset,
      source,
      ...(silver ? { silver } : {}),
      file,
      files: matched,
      server,
      format: server.format ?? detectFormat(matched[0]!)!,
      ...(server.delimiter === 'new_line' ? { jsonLayout: 'ndjson' as const } : server.delimiter === 'array' ? { jsonLayout: 'array' as const } : {}),
    };
    const bronze = await ingestBronze(e, plan);
    const built = await buildSilver(e, plan, bronze, {}, {}, '2026-11-30');
    const silverRows = await e.rows(sql`SELECT * FROM ${built.relation} ORDER BY ALL`);
    const quarantine = await e.rows(sql`SELECT * FROM quarantine.shop ORDER BY _source_file, _record_number`);
    const c = built.counts;
    expect(c.records_in).toBe(c.rows_out + c.rows_quarantined + c.duplicates_dropped + c.rows_excluded);
    expect(c.rows_out).toBe(silverRows.length);
    expect(quarantine.length).toBe(c.rows_quarantined + c.rows_excluded);
    return { silver: silverRows, quarantine, counts: c, checks: built.checks };
  });
}

const head = (server: string, properties: string, quality = '') => `apiVersion: v3.1.0
kind: DataContract
id: shop-source
name: shop
version: 1.0.0
status: active
customProperties:
  - property: dataset
    value: shop
servers:
  - server: local
    type: local
${server}
schema:
  - name: shop
    properties:
${properties}${quality}`;

const csvServer = (path = '../data/lines.csv', extra = '') => `    path: ${path}
    format: csv${extra}`;

describe('physicalName', () => {
  it('reads CSV columns under their canonical names; unmapped columns stay in the quarantine only', async () => {
    const out = await runCase(
      head(csvServer(), `      - name: order_id
        physicalName: InvoiceNo
        required: true
      - name: quantity
        physicalName: Qty
        logicalType: integer
        logicalTypeOptions:
          exclusiveMinimum: 0
`),
      { 'lines.csv': 'InvoiceNo,Qty,Country\nA1,2,UK\nA2,0,FR\n' },
    );
    expect(out.silver).toEqual([{ order_id: 'A1', quantity: 2 }]);
    expect(out.quarantine).toEqual([
      { order_id: 'A2', quantity: '0', Country: 'FR', _source_file: expect.stringMatching(/lines\.csv$/), _record_number: 3, _raw: null, _rule_ids: ['shop.quantity.exclusive_minimum'], _reasons: ['quantity must be > 0'], _excluded: false },
    ]);
    expect(out.checks.find((c) => c.id === 'shop.order_id.field_present')).toMatchObject({ status: 'passed', description: expect.stringContaining('column InvoiceNo (order_id)') });
    expect(out.checks.find((c) => c.id === 'shop.Country.unexpected_column')).toMatchObject({ status: 'warning' });
  });

  it('reads NDJSON keys under their canonical names', async () => {
    const out = await runCase(
      head(`    path: ../data/customers.ndjson
    format: json
    delimiter: new_line`, `      - name: customer_id
        physicalName: customerKey
        required: true
      - name: city
        physicalName: addressCity
`),
      { 'customers.ndjson': '{"customerKey":"c1","addressCity":"Lyon"}\n{"customerKey":"c2"}\n{"addressCity":"Oslo"}\n' },
    );
    expect(out.silver).toEqual([{ customer_id: 'c1', city: 'Lyon' }, { customer_id: 'c2', city: null }]);
    expect(out.quarantine).toMatchObject([{ customer_id: null, city: 'Oslo', _record_number: 3, _reasons: ['customer_id is required'] }]);
  });

  it('reads Parquet columns and a JSON array under their canonical names', async () => {
    const parquet = await runCase(
      head(`    path: ../data/products.parquet
    format: parquet`, `      - name: product_id
        physicalName: sku
        required: true
      - name: price
        physicalName: unitPrice
        logicalType: number
`),
      { 'products.parquet': (e, path) => e.exec(sql`COPY (SELECT * FROM (VALUES ('p1', 2.5::DOUBLE), ('p2', NULL)) t(sku, "unitPrice")) TO ${path} (FORMAT parquet)`) },
    );
    expect(parquet.silver).toEqual([{ product_id: 'p1', price: 2.5 }, { product_id: 'p2', price: null }]);
    const array = await runCase(
      head(`    path: ../data/products.json
    format: json
    delimiter: array`, `      - name: product_id
        physicalName: sku
        required: true
`),
      { 'products.json': '[{"sku": "p1"}, {"sku": "p2"}, {"name": "no sku"}]' },
    );
    expect(array.silver).toEqual([{ product_id: 'p1' }, { product_id: 'p2' }]);
    expect(array.quarantine).toMatchObject([{ product_id: null, name: 'no sku', _record_number: 3 }]);
  });

  it('a required mapped column absent from the file stops the run: SOURCE_HEADER_INVALID at the file, the hint names the contract line', async () => {
    const err = await runCase(
      head(csvServer(), `      - name: order_id
        physicalName: InvoiceNo
        required: true
      - name: quantity
`),
      { 'lines.csv': 'Invoice,quantity\nA1,2\n' },
    ).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EtlError);
    const e = err as EtlError;
    expect(e.code).toBe('SOURCE_HEADER_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/lines\.csv lacks the required column InvoiceNo$/);
    expect(e.location).toMatchObject({ line: 1 });
    expect(e.hint).toMatch(/^order_id reads InvoiceNo \(.*shop\.source\.yaml:18\); the file has: Invoice, quantity/);
  });
});

describe('logicalTypeOptions.format', () => {
  it('reads timestamps and dates in the declared JDK pattern; a value that does not fit is quarantined, the reason names the format', async () => {
    const out = await runCase(
      head(csvServer(), `      - name: id
      - name: placed_at
        logicalType: timestamp
        logicalTypeOptions:
          format: M/d/yyyy H:mm
      - name: shipped_on
        logicalType: date
        logicalTypeOptions:
          format: dd/MM/yyyy
      - name: paid_on
        logicalType: date
        logicalTypeOptions:
          format: yyyyMMdd
      - name: seen_at
        logicalType: timestamp
        logicalTypeOptions:
          format: "dd/MM/yyyy HH:mm"
      - name: iso
        logicalType: timestamp
        logicalTypeOptions:
          format: "yyyy-MM-dd'T'HH:mm:ss"
`),
      {
        'lines.csv': [
          'id,placed_at,shipped_on,paid_on,seen_at,iso',
          'a,12/1/2010 8:26,02/12/2010,20101203,03/12/2010 09:05,2010-12-04T10:11:12',
          'b,2010-12-01 08:26,02/12/2010,20101203,03/12/2010 09:05,2010-12-04T10:11:12',
          'c,12/1/2010 8:26,2/12/2010,2010123,31/02/2010 09:05,2010-12-04 10:11:12',
          'd,,,,,',
        ].join('\n'),
      },
    );
    expect(out.silver).toEqual([
      { id: 'a', placed_at: '2010-12-01T08:26:00Z', shipped_on: '2010-12-02', paid_on: '2010-12-03', seen_at: '2010-12-03T09:05:00Z', iso: '2010-12-04T10:11:12Z' },
      { id: 'd', placed_at: null, shipped_on: null, paid_on: null, seen_at: null, iso: null },
    ]);
    expect(out.quarantine.map((r) => [r['id'], r['_reasons']])).toEqual([
      ['b', ['placed_at is not a timestamp in the format M/d/yyyy H:mm']],
      ['c', ['shipped_on is not a date in the format dd/MM/yyyy', 'paid_on is not a date in the format yyyyMMdd', 'seen_at is not a timestamp in the format dd/MM/yyyy HH:mm', "iso is not a timestamp in the format yyyy-MM-dd'T'HH:mm:ss"]],
    ]);
  });
});

describe('transformLogic', () => {
  it('a constant, a default and a concatenation over physical columns; the text of the file never becomes SQL', async () => {
    const out = await runCase(
      head(csvServer(), `      - name: order_id
        physicalName: Invoice
      - name: quantity
        logicalType: integer
        transformLogic: "1"
        transformDescription: one unit per line
      - name: channel
        transformLogic: "coalesce(Source, 'web')"
        transformSourceObjects: [Source]
      - name: customer_name
        transformLogic: "concat(First, ' ', Last)"
        transformSourceObjects: [First, Last]
`),
      { 'lines.csv': "Invoice,Source,First,Last\nA1,,Ada,Lovelace\nA2,app,Bob,\"'); DROP TABLE x; --\"\n" },
    );
    expect(out.silver).toEqual([
      { order_id: 'A1', quantity: 1, channel: 'web', customer_name: 'Ada Lovelace' },
      { order_id: 'A2', quantity: 1, channel: 'app', customer_name: "Bob '); DROP TABLE x; --" },
    ]);
  });
});

describe('reading options', () => {
  it('a ; delimiter without a header line: columns are column1, column2 … and lineage counts from line 1', async () => {
    const out = await runCase(
      head(csvServer('../data/lines.csv', `
    delimiter: ";"
    customProperties:
      - property: header
        value: false`), `      - name: order_id
        physicalName: column1
        required: true
      - name: amount
        physicalName: column2
        logicalType: number
`),
      { 'lines.csv': 'A1;2.5\nA2;x\n;3\nA4;1;extra\n' },
    );
    expect(out.silver).toEqual([{ order_id: 'A1', amount: 2.5 }]);
    expect(out.quarantine.map((r) => [r['_record_number'], r['_rule_ids']])).toEqual([
      [2, ['shop.amount.type']],
      [3, ['shop.order_id.required']],
      [4, ['shop.malformed_record']],
    ]);
    expect(out.counts).toEqual({ records_in: 4, rows_out: 1, rows_quarantined: 3, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
  });

  it('null markers (NA, NULL) are NULL before any rule; 17850.0 is the integer 17850, 17850.5 is not an integer', async () => {
    const out = await runCase(
      head(csvServer('../data/lines.csv', `
    customProperties:
      - property: nullValues
        value: [NA, "NULL"]`), `      - name: line
      - name: customer_id
        logicalType: integer
        required: true
      - name: country
`),
      { 'lines.csv': 'line,customer_id,country\n1,17850.0,NA\n2,NA,UK\n3,17850.5,NULL\n4,12,N/A\n' },
    );
    expect(out.silver).toEqual([{ line: '1', customer_id: 17850, country: null }, { line: '4', customer_id: 12, country: 'N/A' }]);
    expect(out.quarantine.map((r) => [r['line'], r['customer_id'], r['_rule_ids']])).toEqual([
      ['2', null, ['shop.customer_id.required']],
      ['3', '17850.5', ['shop.customer_id.type']],
    ]);
  });

  it('latin-1 encoding', async () => {
    const out = await runCase(
      head(csvServer('../data/lines.csv', `
    customProperties:
      - property: encoding
        value: latin-1`), `      - name: city
`),
      { 'lines.csv': (async (_e: Engine, path: string) => writeFileSync(path, Buffer.from('city\nK\xf8benhavn\n', 'latin1'))) as never },
    );
    expect(out.silver).toEqual([{ city: 'København' }]);
  });
});

describe('a glob of files', () => {
  it('reads every file of the glob (subfolders under --data), each quarantined record with its own file and line', async () => {
    const out = await runCase(
      head(csvServer('../data/exports/2024-*.csv'), `      - name: order_id
        required: true
      - name: quantity
        logicalType: integer
`),
      {
        'exports/2024-01.csv': 'order_id,quantity\nA1,1\nA2,x\n',
        'exports/2024-02.csv': 'order_id,quantity\nB1,2\n,3\nB3,4\n',
        'exports/2023-12.csv': 'order_id,quantity\nOLD,1\n',
      },
    );
    expect(out.silver.map((r) => r['order_id'])).toEqual(['A1', 'B1', 'B3']);
    expect(out.quarantine.map((r) => [String(r['_source_file']).split('/').slice(-2).join('/'), r['_record_number']])).toEqual([
      ['exports/2024-01.csv', 3],
      ['exports/2024-02.csv', 3],
    ]);
    expect(out.counts.records_in).toBe(5);
  });
});

describe('business filters', () => {
  const silver = `apiVersion: v3.1.0
kind: DataContract
id: shop-silver
name: shop silver
version: 1.0.0
status: active
customProperties:
  - property: dataset
    value: shop
  - property: layer
    value: silver
schema:
  - name: shop
    properties:
      - name: order_id
        primaryKey: true
      - name: status
      - name: quantity
        logicalType: integer
        logicalTypeOptions:
          exclusiveMinimum: 0
    quality:
      - type: custom
        engine: etl
        id: not_cancelled
        description: cancelled orders are not sales
        implementation:
          kind: filter
          expression: "status <> 'canceled'"
      - type: custom
        engine: etl
        id: products_only
        implementation:
          kind: filter
          expression: "order_id NOT IN ('POST', 'M')"
`;

  it('exclude rows with a reason, counted as rows_excluded (not failures), kept in the quarantine table flagged _excluded', async () => {
    const out = await runCase(
      head(csvServer(), `      - name: order_id
      - name: status
      - name: quantity
`),
      {
        'lines.csv': [
          'order_id,status,quantity',
          'o1,delivered,2',
          'o2,canceled,-2', // excluded, though its quantity also breaks a rule
          'o3,delivered,0', // quarantined
          'POST,delivered,1', // excluded
          'o4,,1', // NULL status: kept (a filter is a CHECK: only FALSE excludes)
          'o1,delivered,2', // exact duplicate: dropped
        ].join('\n'),
      },
      silver,
    );
    expect(out.counts).toEqual({ records_in: 6, rows_out: 2, rows_quarantined: 1, duplicates_dropped: 1, rows_excluded: 2, rows_flagged: 0 });
    expect(out.silver.map((r) => r['order_id'])).toEqual(['o1', 'o4']);
    expect(out.quarantine.map((r) => [r['order_id'], r['_excluded'], r['_rule_ids'], r['_reasons']])).toEqual([
      ['o2', true, ['shop.not_cancelled'], ['cancelled orders are not sales']],
      ['o3', false, ['shop.quantity.exclusive_minimum'], ['quantity must be > 0']],
      ['POST', true, ['shop.products_only'], ["excluded by the filter order_id NOT IN ('POST', 'M')"]],
    ]);
    const check = (id: string) => out.checks.find((c) => c.id === id);
    expect(check('shop.not_cancelled')).toMatchObject({ rule: 'filter', status: 'passed', failed_rows: 0, message: '1 row excluded', sample_keys: ['o2'] });
    expect(check('shop.products_only')).toMatchObject({ status: 'passed', message: '1 row excluded' });
    // the excluded line's negative quantity is not counted as a failure of the quantity rule
    expect(check('shop.quantity.exclusive_minimum')).toMatchObject({ failed_rows: 1, sample_keys: ['o3'] });
  });
});
