// The reference pipeline (../shared/reference/bare-pipeline.mjs) reads the seed's exact schema, with integer
// ids and strict casts (one uncastable value stops it). referenceFits() says whether generated files fit it;
// adaptForReference() writes the same records cast to its schema: ids to integers (digits of a code), dates
// to 'YYYY-MM-DD HH:MM:SS', an uncastable value to null (which the reference then drops, as etl quarantines
// it), a malformed line skipped, a column the generator does not write yet filled with null (W1 for a
// warehouse, the snapshot date for last_updated).
import { mkdirSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEngine } from '../src/engine/engine.ts';
import { ident, join as joinSql, literal, sql, trusted, type Sql } from '../src/sql/sql.ts';

export const REFERENCE_COLUMNS = {
  orders: ['order_id', 'customer_id', 'product_id', 'quantity', 'order_date', 'shipping_address'],
  customers: ['customer_id', 'name', 'email', 'city', 'country', 'registration_date', 'loyalty_tier'],
  products: ['product_id', 'name', 'category', 'brand', 'price', 'cost'],
  inventory: ['product_id', 'warehouse_id', 'stock_quantity', 'last_updated'],
} as const;

function firstLines(file: string, n = 2): string[] {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const bytes = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, bytes).toString('utf8').split(/\r?\n/).slice(0, n);
  } finally {
    closeSync(fd);
  }
}

const csvHeader = (file: string) => (firstLines(file)[0] ?? '').split(',').map((h) => h.trim());
const jsonKeys = (file: string) => Object.keys(JSON.parse(firstLines(file)[0] ?? '{}') as object);

async function parquetColumns(file: string): Promise<string[]> {
  return withEngine(async (e) => (await e.describe(sql`(SELECT * FROM read_parquet(${file}))`)).map((c) => c.name));
}

export async function referenceFits(data: string): Promise<{ ok: boolean; reasons: string[] }> {
  const reasons: string[] = [];
  const same = (name: string, got: string[], want: readonly string[], ordered: boolean) => {
    const missing = want.filter((c) => !got.includes(c));
    if (missing.length > 0) reasons.push(`${name} lacks ${missing.join(', ')}`);
    else if (ordered && got.join(',') !== want.join(',')) reasons.push(`${name} columns are not in the seed's order`);
  };
  same('orders.csv', csvHeader(join(data, 'orders.csv')), REFERENCE_COLUMNS.orders, true);
  same('customers.json', jsonKeys(join(data, 'customers.json')), REFERENCE_COLUMNS.customers, false);
  same('products.parquet', await parquetColumns(join(data, 'products.parquet')), REFERENCE_COLUMNS.products, false);
  same('inventory.csv', csvHeader(join(data, 'inventory.csv')), REFERENCE_COLUMNS.inventory, true);
  const firstId = (firstLines(join(data, 'orders.csv'))[1] ?? '').split(',')[0] ?? '';
  if (!/^\d+$/.test(firstId)) reasons.push(`ids are codes (${firstId}), the reference reads BIGINT`);
  return { ok: reasons.length === 0, reasons };
}

const digits = (c: string): Sql => sql`TRY_CAST(NULLIF(regexp_replace(CAST(${ident(c)} AS VARCHAR), '[^0-9]', '', 'g'), '') AS BIGINT)`;

/** Every column as text, malformed lines skipped. */
function readCsvText(file: string): Sql {
  const columns = csvHeader(file).map((h) => sql`${literal(h)}: 'VARCHAR'`);
  return sql`read_csv(${file}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ignore_errors = true, columns = {${joinSql(columns, ', ')}})`;
}

export async function adaptForReference(data: string, out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const has = (cols: string[], c: string) => cols.includes(c);
  const orderCols = csvHeader(join(data, 'orders.csv'));
  const customerCols = jsonKeys(join(data, 'customers.json'));
  const productCols = await parquetColumns(join(data, 'products.parquet'));
  const inventoryCols = csvHeader(join(data, 'inventory.csv'));
  const or = (cols: string[], c: string, fallback: Sql): Sql => (has(cols, c) ? ident(c) : fallback);
  await withEngine(async (e) => {
    await e.exec(sql`COPY (SELECT ${digits('order_id')} AS order_id, ${digits('customer_id')} AS customer_id, ${digits('product_id')} AS product_id,
        TRY_CAST(quantity AS INTEGER) AS quantity, strftime(TRY_CAST(order_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS order_date,
        ${or(orderCols, 'shipping_address', trusted('NULL'))} AS shipping_address
      FROM ${readCsvText(join(data, 'orders.csv'))}) TO ${join(out, 'orders.csv')} (FORMAT CSV, HEADER true)`);
    const customerColumns = joinSql(customerCols.map((k) => sql`${literal(k)}: 'VARCHAR'`), ', ');
    await e.exec(sql`COPY (SELECT ${digits('customer_id')} AS customer_id, name, email, ${or(customerCols, 'city', trusted('NULL'))} AS city, country,
        registration_date, ${or(customerCols, 'loyalty_tier', trusted('NULL'))} AS loyalty_tier
      FROM read_json(${join(data, 'customers.json')}, format = 'newline_delimited', ignore_errors = true, columns = {${customerColumns}}))
      TO ${join(out, 'customers.json')} (FORMAT JSON)`);
    await e.exec(sql`COPY (SELECT ${digits('product_id')} AS product_id, name, category, ${or(productCols, 'brand', trusted('NULL'))} AS brand,
        TRY_CAST(price AS DECIMAL(10,2)) AS price, ${has(productCols, 'cost') ? trusted('TRY_CAST(cost AS DECIMAL(10,2))') : trusted('NULL')} AS cost
      FROM read_parquet(${join(data, 'products.parquet')})) TO ${join(out, 'products.parquet')} (FORMAT PARQUET)`);
    await e.exec(sql`COPY (SELECT ${digits('product_id')} AS product_id, ${or(inventoryCols, 'warehouse_id', trusted("'W1'"))} AS warehouse_id,
        TRY_CAST(stock_quantity AS INTEGER) AS stock_quantity,
        strftime(TRY_CAST(${or(inventoryCols, 'last_updated', ident('snapshot_date'))} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS last_updated
      FROM ${readCsvText(join(data, 'inventory.csv'))}) TO ${join(out, 'inventory.csv')} (FORMAT CSV, HEADER true)`);
  });
  writeFileSync(join(out, '.complete'), '');
}
