// An entry error of the kind real exports hold — a barcode pasted into the quantity column, a price with
// its decimal point lost — once stopped the run: gold's money type (DECIMAL(18,4), exact sums) cannot hold
// such a line's amount, and the cast failed with exit 3 and a hint to fix the model. The default contracts
// bound quantity and prices (at most 1,000,000): such a line or product is quarantined with the reason,
// and the run publishes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';

describe('values too large for the money type', () => {
  it('a quantity of 9 × 10^14 and a catalogue price of 10^15 are quarantined by the contracts; the run publishes', async () => {
    const work = tempDir('etl-e2e-extreme-');
    const data = join(work, 'data');
    expect(runCli(['generate', '--out', data, '--orders', '300', '--seed', '1', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
    const ordersFile = join(data, 'orders.csv');
    const [header, first, ...rest] = readFileSync(ordersFile, 'utf8').split('\n');
    const cols = header!.split(',');
    const fields = first!.split(',');
    fields[cols.indexOf('quantity')] = '900000000000000';
    writeFileSync(ordersFile, [header, fields.join(','), ...rest].join('\n'));
    const orderId = fields[cols.indexOf('order_id')];
    // A product priced 10^15 (the Parquet file rewritten with one price changed).
    let productId = '';
    await withEngine(async (e) => {
      const products = join(data, 'products.parquet');
      productId = String(await e.scalar(sql`SELECT min(product_id) FROM read_parquet(${products})`));
      await e.exec(sql`CREATE TABLE p AS SELECT * REPLACE (CASE WHEN product_id = ${productId} THEN 1e15 ELSE price END AS price) FROM read_parquet(${products})`);
      await e.exec(sql`COPY p TO ${products} (FORMAT parquet)`);
    });

    const out = join(work, 'output');
    const r = runCli(['run', '--data', data, '--out', out, '--reports', join(work, 'reports'), '--as-of', AS_OF, '--log-level', 'silent']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await withEngine(async (e) => {
      const q = await e.rows(sql`SELECT order_id, quantity, _reasons FROM read_parquet(${join(out, 'quarantine', 'orders', 'data.parquet')}) WHERE order_id = ${orderId!} AND quantity = '900000000000000'`);
      expect(q.map((x) => x['_reasons'])).toEqual([['quantity must be <= 1000000']]);
      const p = await e.rows(sql`SELECT product_id, _reasons FROM read_parquet(${join(out, 'quarantine', 'products', 'data.parquet')}) WHERE product_id = ${productId}`);
      expect(p.map((x) => x['_reasons'])).toEqual([['price must be <= 1000000']]);
    });
  });
});
