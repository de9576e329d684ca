// Profiling files for `etl contracts init` on a real in-memory DuckDB: the same columns written as CSV,
// NDJSON, a JSON array and Parquet give the same profile (types, nulls, keys, bounds, valid values,
// e-mail), a composite key is found when no column is unique, and unreadable files are refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { draftContract } from '../../../src/contracts/draft-contract.ts';
import { profileFile, type ColumnProfile } from '../../../src/contracts/profile-file.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { sql } from '../../../src/sql/sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-profile-'));
const header = ['item_id', 'qty', 'price', 'day', 'ts', 'email', 'status', 'flag', 'code', 'note', 'shipped'];
const rows: (string | null)[][] = [];
for (let i = 1; i <= 12; i++) {
  rows.push([
    `IT-${i}`,
    String(i * 3 - 20),
    (i * 1.25).toFixed(2),
    `2024-01-${String(i).padStart(2, '0')}`,
    `2024-02-${String(i).padStart(2, '0')} 10:${String(i).padStart(2, '0')}:00`,
    `user${i}@example.com`,
    ['new', 'paid', 'shipped'][i % 3]!,
    i % 2 ? 'true' : 'false',
    `00${i % 4}`,
    i === 5 ? null : `note ${i % 2}`,
    `${i}/1/2024 8:26`,
  ]);
}
const csv = join(dir, 'items.csv');
writeFileSync(csv, `${[header.join(','), ...rows.map((r) => r.map((v) => v ?? '').join(','))].join('\n')}\n`);
const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
const ndjson = join(dir, 'items.ndjson');
writeFileSync(ndjson, `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`);
const array = join(dir, 'items.json');
writeFileSync(array, JSON.stringify(objects, null, 1));

function byName(cols: ColumnProfile[]): Record<string, ColumnProfile> {
  return Object.fromEntries(cols.map((c) => [c.name, c]));
}

function expectItemsProfile(cols: ColumnProfile[]): void {
  const c = byName(cols);
  expect(Object.fromEntries(cols.map((x) => [x.name, x.logicalType]))).toEqual({
    item_id: 'string', qty: 'integer', price: 'number', day: 'date', ts: 'timestamp', email: 'string', status: 'string', flag: 'boolean', code: 'string', note: 'string', shipped: 'string',
  });
  expect(c['item_id']).toMatchObject({ required: true, unique: true, nulls: 0, distinct: 12 });
  expect(c['qty']).toMatchObject({ required: true, minimum: -17, maximum: 16 });
  expect(c['price']).toMatchObject({ minimum: 1.25, maximum: 15 });
  expect(c['email']).toMatchObject({ email: true, unique: true });
  expect(c['status']!.validValues).toEqual(['new', 'paid', 'shipped']);
  expect(c['code']!.validValues).toEqual(['000', '001', '002', '003']);
  expect(c['note']).toMatchObject({ required: false, nulls: 1, validValues: ['note 0', 'note 1'] });
  expect(c['shipped']).toMatchObject({ nonIsoDates: true, email: false });
  expect(c['shipped']!.validValues).toBeUndefined();
  expect(c['day']!.minimum).toBeUndefined();
}

describe('profileFile', () => {
  it('CSV: types by etl casts, nulls, unique key, bounds, valid values, e-mail, non-ISO dates', async () => {
    const p = await withEngine((e) => profileFile(e, csv));
    expect(p).toMatchObject({ format: 'csv', records: 12, malformed: 0, primaryKey: ['item_id'] });
    expectItemsProfile(p.columns);
  });

  it('NDJSON keeps the order of the first record\'s keys', async () => {
    const f = join(dir, 'ordered.ndjson');
    writeFileSync(f, '{"zeta":"1","alpha":"x","mid":"2024-01-01"}\n{"zeta":"2","alpha":"y","mid":"2024-01-02","extra":"e"}\n');
    const p = await withEngine((e) => profileFile(e, f));
    expect(p.columns.map((c) => c.name)).toEqual(['zeta', 'alpha', 'mid', 'extra']);
  });

  it('NDJSON and a JSON array give the same profile', async () => {
    for (const file of [ndjson, array]) {
      const p = await withEngine((e) => profileFile(e, file));
      expect(p).toMatchObject({ format: 'json', records: 12, primaryKey: ['item_id'] });
      expectItemsProfile(p.columns);
    }
  });

  it('Parquet (typed columns written by DuckDB) gives the same types', async () => {
    const pq = join(dir, 'items.parquet');
    await withEngine((e) =>
      e.exec(sql`COPY (SELECT item_id, qty::INTEGER AS qty, price::DOUBLE AS price, day::DATE AS day, ts::TIMESTAMP AS ts, email, status, flag::BOOLEAN AS flag, code, note, shipped
        FROM read_csv(${csv}, all_varchar = true)) TO ${pq} (FORMAT parquet)`),
    );
    const p = await withEngine((e) => profileFile(e, pq));
    expect(p).toMatchObject({ format: 'parquet', records: 12, primaryKey: ['item_id'] });
    expectItemsProfile(p.columns);
  });

  it('a pair of identifier columns becomes the key when no column is unique', async () => {
    const f = join(dir, 'lines.csv');
    writeFileSync(f, 'order_id,product_id,quantity\nO1,P1,1\nO1,P2,2\nO2,P1,1\nO2,P3,5\n');
    const p = await withEngine((e) => profileFile(e, f));
    expect(p.primaryKey).toEqual(['order_id', 'product_id']);
    const draft = parse(draftContract(p, { dataset: 'lines' }));
    const props = draft.schema[0].properties as Record<string, unknown>[];
    expect(props.map((x) => [x['name'], x['primaryKey'], x['primaryKeyPosition']])).toEqual([
      ['order_id', true, 1],
      ['product_id', true, 2],
      ['quantity', undefined, undefined],
    ]);
  });

  it('an unknown extension and a broken JSON array are SOURCE_UNREADABLE (exit 2)', async () => {
    const txt = join(dir, 'items.xlsx');
    writeFileSync(txt, 'x');
    await expect(withEngine((e) => profileFile(e, txt))).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"a": 1}, {"a": ]');
    const err = await withEngine((e) => profileFile(e, broken)).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EtlError);
    expect((err as EtlError).exitCode).toBe(2);
  });
});

describe('draftContract', () => {
  it('writes an ODCS v3.1 source contract with the profile as rules', async () => {
    const p = await withEngine((e) => profileFile(e, csv));
    const doc = parse(draftContract(p, { dataset: 'items', outFile: join(dir, 'contracts', 'items.yaml') }));
    expect(doc).toMatchObject({ apiVersion: 'v3.1.0', kind: 'DataContract', id: 'items-source', status: 'draft', servers: [{ type: 'local', path: '../items.csv', format: 'csv' }] });
    expect(doc.customProperties).toEqual([{ property: 'dataset', value: 'items' }, { property: 'layer', value: 'source' }]);
    const props = Object.fromEntries((doc.schema[0].properties as { name: string; description?: string }[]).map((x) => [x.name, x]));
    expect(props['item_id']).toMatchObject({ logicalType: 'string', required: true, primaryKey: true });
    expect(props['email']).toMatchObject({ unique: true, logicalTypeOptions: { format: 'email' } });
    expect(props['qty']).toMatchObject({ logicalType: 'integer', logicalTypeOptions: { minimum: -17, maximum: 16 } });
    expect(props['status']).toMatchObject({ customProperties: [{ property: 'validValues', value: ['new', 'paid', 'shipped'] }] });
    expect(props['note']).not.toHaveProperty('required');
    expect(String((props['shipped'] as { description: string }).description)).toContain('non-ISO');
  });
});
