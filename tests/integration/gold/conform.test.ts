// The conformed views gold reads: PII masked, shipping_country derived from the raw address before its
// mask, canonical columns a shop's contract leaves out present as typed NULLs, absent sources empty.
import { describe, expect, it } from 'vitest';
import { loadContractsOrThrow } from '../../../src/contracts/index.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { createAbsentConformedView, createConformedView } from '../../../src/stages/conform.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('createConformedView', () => {
  it('redacts shipping_address, keeps its trailing ISO country code, and adds the canonical columns the data lacks', async () => {
    const contracts = (await loadContractsOrThrow([`${ROOT}contracts`])).filter((c) => c.dataset === 'orders');
    await withEngine(async (engine) => {
      await engine.exec(trusted(`CREATE SCHEMA silver; CREATE TABLE silver.orders AS SELECT * FROM (VALUES
        ('O1', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', '12 Main Street, Austin, US'),
        ('O2', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', '  4 Rue Haute, Lyon, fr '),
        ('O3', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', '9 High Street, Leeds, 12'),
        ('O4', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Hauptstraße 4, 50667 Köln, Germany'),
        ('O5', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', NULL),
        ('O6', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Via Roma 1, Roma, IT ' || chr(160) || '  '),
        ('O7', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Odos 1, Athina, ΕΛ'),
        ('O8', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Main Street 1, Boston, US' || chr(9)),
        ('O9', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Main Street 1, Boston, USA'),
        ('OA', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Main Street 1, Boston,US'),
        ('OB', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', 'Main Street 1, Boston, Us'),
        ('OC', 'C1', 'P1', 1, TIMESTAMP '2024-01-01', ', FR')
      ) t(order_id, customer_id, product_id, quantity, order_date, shipping_address)`));
      const masked = await createConformedView(engine, { dataset: 'orders', silver: trusted('silver.orders'), contracts, salt: 's' });
      expect(masked).toEqual(['shipping_address']);
      const rows = await engine.rows(trusted('SELECT order_id, shipping_address, shipping_country, unit_price, order_line_id FROM conformed.orders ORDER BY order_id'));
      expect(rows).toEqual([
        { order_id: 'O1', shipping_address: '***', shipping_country: 'US', unit_price: null, order_line_id: null },
        { order_id: 'O2', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null }, // lower case: not a code
        { order_id: 'O3', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'O4', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'O5', shipping_address: null, shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'O6', shipping_address: '***', shipping_country: 'IT', unit_price: null, order_line_id: null }, // trailing spaces, NBSP included
        { order_id: 'O7', shipping_address: '***', shipping_country: 'ΕΛ', unit_price: null, order_line_id: null }, // upper-case letters, any script
        { order_id: 'O8', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null }, // a tab is not a space
        { order_id: 'O9', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'OA', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'OB', shipping_address: '***', shipping_country: null, unit_price: null, order_line_id: null },
        { order_id: 'OC', shipping_address: '***', shipping_country: 'FR', unit_price: null, order_line_id: null },
      ]);
      const types = Object.fromEntries((await engine.describe(trusted('conformed.orders'))).map((c) => [c.name, c.type]));
      expect(types).toMatchObject({ unit_price: 'DOUBLE', order_line_id: 'VARCHAR', shipping_country: 'VARCHAR' });
    });
  });

  it('an absent source is an empty view of its canonical columns', async () => {
    await withEngine(async (engine) => {
      await createAbsentConformedView(engine, 'inventory');
      expect(await engine.describe(trusted('conformed.inventory'))).toMatchObject([
        { name: 'product_id', type: 'VARCHAR' }, { name: 'warehouse_id', type: 'VARCHAR' },
        { name: 'stock_quantity', type: 'BIGINT' }, { name: 'last_updated', type: 'TIMESTAMP' },
      ]);
      expect(await engine.scalar(trusted('SELECT COUNT(*) FROM conformed.inventory'))).toBe(0);
    });
  });
});
