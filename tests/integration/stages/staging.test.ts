// Staging models on a real DuckDB: a raw lines file, held to its own source contract, shaped into a
// canonical dataset that meets its silver contract. Conservation per raw source and per staged dataset;
// a quarantined staged row points at the raw line it came from.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { ingestBronze, releaseBronze } from '../../../src/stages/bronze.ts';
import { buildSilver } from '../../../src/stages/silver.ts';
import { exposeRawSource, parseStagingModel, stageBronze } from '../../../src/stages/staging.ts';
import { sql } from '../../../src/sql/sql.ts';
import { contract, prop } from '../checks/contract-fixtures.ts';

const RAW = contract('shop_lines', 'source', [
  prop('invoice', 'string', { required: true }),
  prop('sku', 'string', { required: true }),
  prop('qty', 'integer', { required: true }),
  prop('buyer', 'string'),
]);
const PRODUCTS = contract('products', 'silver', [prop('product_id', 'string', { required: true, primaryKey: true, primaryKeyPosition: 1 }), prop('lines', 'integer')], { primaryKey: ['product_id'] });
const ORDERS = contract('orders', 'silver', [
  prop('order_id', 'string', { required: true, primaryKey: true, primaryKeyPosition: 1 }),
  prop('order_line_id', 'string', { required: true, primaryKey: true, primaryKeyPosition: 2 }),
  prop('product_id', 'string', { required: true }),
  prop('quantity', 'integer', { required: true, options: { exclusiveMinimum: 0 } }),
], { primaryKey: ['order_id', 'order_line_id'] });

describe('staging models', () => {
  it('shape raw lines into canonical datasets with conservation and raw lineage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-staging-'));
    const file = join(dir, 'lines.csv');
    // line 1 header; line 3 lacks a sku (quarantined in the raw source); line 5 has qty 0 (quarantined
    // by the canonical orders contract, after staging).
    writeFileSync(file, 'invoice,sku,qty,buyer\nI1,A,2,c1\nI1,,1,c1\nI2,B,3,c2\nI3,A,0,\nI3,A,1,\n');
    await withEngine(async (engine) => {
      const raw = { dataset: 'shop_lines', source: RAW, file, format: 'csv' as const, raw: true };
      const bronze = await ingestBronze(engine, raw);
      const rawSilver = await buildSilver(engine, raw, bronze, {}, {}, '2026-01-01', true);
      await releaseBronze(engine, raw);
      await exposeRawSource(engine, 'shop_lines', rawSilver.relation);
      expect(rawSilver.counts).toMatchObject({ records_in: 5, rows_out: 4, rows_quarantined: 1, duplicates_dropped: 0 });

      const orders = parseStagingModel('orders', 'orders.sql', `SELECT invoice AS order_id, CAST(_record_number AS VARCHAR) AS order_line_id, sku AS product_id, qty AS quantity, _source_file, _record_number FROM raw.shop_lines`);
      const products = parseStagingModel('products', 'products.sql', `SELECT sku AS product_id, count(*) AS lines, arg_min(_source_file, _record_number) AS _source_file, min(_record_number) AS _record_number FROM raw.shop_lines GROUP BY sku`);

      const pPlan = { dataset: 'products', silver: PRODUCTS, file: 'products.sql', staging: products };
      const pSilver = await buildSilver(engine, pPlan, await stageBronze(engine, products, {}), {}, {}, '2026-01-01');
      expect(pSilver.counts).toMatchObject({ records_in: 2, rows_out: 2, rows_quarantined: 0 });
      expect(await engine.rows(sql`SELECT product_id, lines FROM silver.products ORDER BY product_id`)).toEqual([
        { product_id: 'A', lines: 3 },
        { product_id: 'B', lines: 1 },
      ]);

      const oPlan = { dataset: 'orders', silver: ORDERS, file: 'orders.sql', staging: orders };
      const oSilver = await buildSilver(engine, oPlan, await stageBronze(engine, orders, {}), {}, {}, '2026-01-01');
      const c = oSilver.counts;
      expect(c).toMatchObject({ records_in: 4, rows_out: 3, rows_quarantined: 1, duplicates_dropped: 0 });
      expect(c.records_in).toBe(c.rows_out + c.rows_quarantined + c.duplicates_dropped);
      // The quarantined staged row carries the raw file and line it came from.
      const q = await engine.rows(sql`SELECT _source_file, _record_number, order_id, quantity, _rule_ids FROM quarantine.orders`);
      expect(q).toEqual([{ _source_file: file, _record_number: 5, order_id: 'I3', quantity: '0', _rule_ids: ['orders.quantity.exclusive_minimum'] }]);
      const rawQ = await engine.rows(sql`SELECT _source_file, _record_number FROM quarantine.shop_lines`);
      expect(rawQ).toEqual([{ _source_file: file, _record_number: 3 }]);
    });
  });

  it('refuses a model that does not select the lineage columns', async () => {
    await withEngine(async (engine) => {
      await engine.exec(sql`CREATE SCHEMA raw; CREATE TABLE raw.lines AS SELECT 'x' AS sku, 'f' AS _source_file, 1 AS _record_number`);
      const m = parseStagingModel('products', 'pipeline/staging/products.sql', 'SELECT sku AS product_id FROM raw.lines');
      await expect(stageBronze(engine, m, {})).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/does not select _source_file and _record_number/) });
    });
  });
});
