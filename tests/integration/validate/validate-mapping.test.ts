// etl validate reads a file through the contract's mapping and its server's reading options, as a run does.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/validate/run-validate.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-validate-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validate with a mapped contract', () => {
  it('physicalName, format, transformLogic, ; delimiter and null markers; a missing mapped column fails field_present', async () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'lines.csv'), 'Invoice;When;Cust\nA1;12/1/2010 8:26;17850.0\nA2;2010-12-01;NA\n');
    const contract = join(dir, 'shop.yaml');
    writeFileSync(contract, `apiVersion: v3.1.0
kind: DataContract
id: shop
version: 1.0.0
status: active
servers:
  - server: local
    type: local
    path: data/lines.csv
    format: csv
    delimiter: ";"
    customProperties:
      - property: nullValues
        value: [NA]
schema:
  - name: t
    properties:
      - name: order_id
        physicalName: Invoice
        required: true
      - name: order_date
        physicalName: When
        logicalType: timestamp
        logicalTypeOptions:
          format: M/d/yyyy H:mm
      - name: customer_id
        physicalName: Cust
        logicalType: integer
        required: true
      - name: quantity
        logicalType: integer
        transformLogic: "1"
      - name: channel
        physicalName: Channel
`);
    const { exitCode, report } = await runValidate({ contract, asOf: '2026-11-20' });
    expect(exitCode).toBe(1);
    expect(report.sources['t']).toMatchObject({ records_in: 2, rows_out: 1, rows_quarantined: 1 });
    const check = (id: string) => report.checks.find((c) => c.id === id);
    expect(check('t.order_date.type')).toMatchObject({ status: 'failed', failed_rows: 1, description: 'order_date is not a timestamp in the format M/d/yyyy H:mm' });
    expect(check('t.customer_id.required')).toMatchObject({ status: 'failed', failed_rows: 1, sample_keys: ['record 3'] });
    expect(check('t.customer_id.type')).toMatchObject({ status: 'passed' });
    expect(check('t.quantity.type')).toMatchObject({ status: 'passed' });
    expect(check('t.channel.field_present')).toMatchObject({ status: 'failed' });
  });

  it('a Parquet file: physical types are checked on the physicalName column', async () => {
    const file = join(dir, 'products.parquet');
    await withEngine((e) => e.exec(sql`COPY (SELECT * FROM (VALUES ('p1', 2.5::DOUBLE, 'x')) t(sku, "unitPrice", "label")) TO ${file} (FORMAT parquet)`));
    const contract = join(dir, 'products.yaml');
    writeFileSync(contract, `apiVersion: v3.1.0
kind: DataContract
id: products
version: 1.0.0
status: active
schema:
  - name: p
    properties:
      - name: product_id
        physicalName: sku
      - name: price
        physicalName: unitPrice
        logicalType: number
      - name: size
        physicalName: label
        logicalType: integer
`);
    const { report } = await runValidate({ contract, datafile: file, asOf: '2026-11-20' });
    const check = (id: string) => report.checks.find((c) => c.id === id);
    expect(check('p.price.physical_type')).toMatchObject({ status: 'passed' });
    expect(check('p.size.physical_type')).toMatchObject({ status: 'failed' });
    expect(report.sources['p']).toMatchObject({ records_in: 1, rows_quarantined: 1 });
  });
});
