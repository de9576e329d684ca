// Generates small datasets into a temp folder and checks them with DuckDB: determinism, schemas,
// exact counts, referential integrity, the realism the KPIs rely on, and — for a defective run — that
// an independent reference classification of every record gives exactly the outcome in _defects.json.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEngine, type Engine, type Row } from '../../../src/engine/engine.ts';
import { generateData, type DefectManifest } from '../../../src/generate/generate-data.ts';
import { sql, trusted } from '../../../src/sql/sql.ts';

const AS_OF = '2026-11-20';
const N = 20_000;
const HEADERS: Record<string, string> = {
  'orders.csv': 'order_id,customer_id,product_id,quantity,order_date,shipping_address',
  'inventory.csv': 'product_id,warehouse_id,stock_quantity,last_updated',
  'promotions.csv': 'promotion_id,product_id,category,discount_pct,start_date,end_date',
  'returns.csv': 'return_id,order_id,product_id,quantity,return_date,reason',
  'web_events.csv': 'event_id,session_id,customer_id,event_type,event_timestamp,product_id',
};
const ALL_FILES = ['_defects.json', 'customers.json', 'inventory.csv', 'orders.csv', 'products.parquet', 'promotions.csv', 'returns.csv', 'web_events.csv'];

let root = '';
const dir = (name: string) => join(root, name);
let clean: DefectManifest;
let defective: DefectManifest;

async function generate(name: string, opts: { seed?: number; defectRate?: number; orders?: number; blockOrders?: number }): Promise<DefectManifest> {
  return withEngine((e) =>
    generateData(e, { orders: opts.orders ?? N, seed: opts.seed ?? 42, defectRate: opts.defectRate ?? 0, asOf: AS_OF, optional: true, blockOrders: opts.blockOrders }, dir(name)),
  );
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Every column VARCHAR, dialect set by hand, malformed lines kept in reject_errors (as bronze reads). */
function bronzeCsv(file: string, header: string) {
  const columns = `{${header.split(',').map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  return trusted(`read_csv('${file}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    columns = ${columns}, store_rejects = true)`);
}

async function one(e: Engine, q: ReturnType<typeof sql>): Promise<Row> {
  const rows = await e.rows(q);
  return rows[0] ?? {};
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'etl-generate-'));
  clean = await generate('a', {});
  await generate('b', {});
  await generate('c', { seed: 43 });
  defective = await generate('d', { defectRate: 0.05 });
  // The same in blocks of 997 orders (and web sessions, customers): 11 blocks of orders.csv instead of one.
  await generate('e', { defectRate: 0.05, blockOrders: 997 });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('determinism', () => {
  it('writes byte-identical files for the same options', async () => {
    expect((await readdir(dir('a'))).sort()).toEqual(ALL_FILES);
    for (const f of ALL_FILES) expect(await sha256(join(dir('b'), f)), f).toBe(await sha256(join(dir('a'), f)));
  });

  it('writes the same bytes whatever the block size (bounded memory at any --orders)', async () => {
    for (const f of ALL_FILES) expect(await sha256(join(dir('e'), f)), f).toBe(await sha256(join(dir('d'), f)));
  });

  it('writes different data for a different seed', async () => {
    for (const f of ['orders.csv', 'customers.json', 'products.parquet', 'web_events.csv']) {
      expect(await sha256(join(dir('c'), f)), f).not.toBe(await sha256(join(dir('a'), f)));
    }
  });
});

describe('a clean generation', () => {
  it('has the schemas of the sources table', async () => {
    for (const [f, header] of Object.entries(HEADERS)) {
      const text = await readFile(join(dir('a'), f), 'utf8');
      expect(text.slice(0, text.indexOf('\n')), f).toBe(header);
      expect(text.endsWith('\n') && !text.includes('\r')).toBe(true);
    }
    const firstCustomer = (await readFile(join(dir('a'), 'customers.json'), 'utf8')).split('\n')[0] ?? '';
    expect(Object.keys(JSON.parse(firstCustomer))).toEqual(['customer_id', 'name', 'email', 'city', 'country', 'registration_date', 'loyalty_tier']);
    await withEngine(async (e) => {
      const cols = await e.describe(trusted(`SELECT * FROM read_parquet('${join(dir('a'), 'products.parquet')}')`));
      expect(cols).toMatchObject([
        { name: 'product_id', type: 'VARCHAR' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'category', type: 'VARCHAR' },
        { name: 'brand', type: 'VARCHAR' },
        { name: 'price', type: 'DOUBLE' },
        { name: 'cost', type: 'DOUBLE' },
      ]);
    });
  });

  it('has exactly --orders order lines and the record counts of its manifest, without defects', async () => {
    const lines = (await readFile(join(dir('a'), 'orders.csv'), 'utf8')).split('\n').length - 2;
    expect(lines).toBe(N);
    expect(clean.datasets.orders?.expected).toEqual({ records_in: N, rows_out: N, rows_quarantined: 0, duplicates_dropped: 0, rows_flagged: 0 });
    for (const [name, m] of Object.entries(clean.datasets)) {
      expect(Object.values(m.kinds).every((n) => n === 0), name).toBe(true);
      const text = await readFile(join(dir('a'), m.file)).catch(() => Buffer.alloc(0));
      if (m.file.endsWith('.parquet')) continue;
      const records = text.toString('utf8').split('\n').length - 1 - (m.file.endsWith('.csv') ? 1 : 0);
      expect(records, name).toBe(m.expected.records_in);
    }
    const manifest = JSON.parse(await readFile(join(dir('a'), '_defects.json'), 'utf8')) as DefectManifest;
    expect(manifest).toEqual(clean);
    expect(Object.keys(manifest)).toEqual(['anomalies', 'anomaly_days', 'as_of', 'datasets', 'defect_rate', 'orders', 'period_start', 'seed']);
    // The planted anomalies include the two spike days and are listed by day.
    expect(manifest.anomalies.filter((a) => manifest.anomaly_days.includes(a.day)).map((a) => a.kind)).toEqual(['spike', 'spike']);
    expect(manifest.anomalies.map((a) => a.day)).toEqual([...manifest.anomalies.map((a) => a.day)].sort());
  });

  it('is referentially intact: customers and products exist, sign-up before the first order, 1–4 distinct products per order', async () => {
    await withEngine(async (e) => {
      const d = dir('a');
      await e.exec(trusted(`
        CREATE TABLE o AS SELECT * FROM read_csv('${d}/orders.csv', header = true, auto_detect = false,
          columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'order_date': 'TIMESTAMP', 'shipping_address': 'VARCHAR'});
        CREATE TABLE c AS SELECT * FROM read_json('${d}/customers.json', format = 'newline_delimited',
          columns = {customer_id: 'VARCHAR', name: 'VARCHAR', email: 'VARCHAR', city: 'VARCHAR', country: 'VARCHAR', registration_date: 'DATE', loyalty_tier: 'VARCHAR'});
        CREATE TABLE p AS SELECT * FROM read_parquet('${d}/products.parquet');`));
      const r = await one(e, sql`
        SELECT
          (SELECT count(*) FROM o WHERE customer_id NOT IN (SELECT customer_id FROM c)) AS orphan_customers,
          (SELECT count(*) FROM o WHERE product_id NOT IN (SELECT product_id FROM p)) AS orphan_products,
          (SELECT count(*) FROM (SELECT customer_id, min(order_date)::DATE AS first FROM o GROUP BY 1) f
             JOIN c USING (customer_id) WHERE c.registration_date > f.first) AS signed_up_late,
          (SELECT count(*) FROM (SELECT order_id, count(*) n, count(DISTINCT product_id) np, count(DISTINCT customer_id) nc,
             count(DISTINCT order_date) nd FROM o GROUP BY 1) WHERE n NOT BETWEEN 1 AND 4 OR np <> n OR nc <> 1 OR nd <> 1) AS bad_orders,
          (SELECT max(n) FROM (SELECT count(*) n FROM o GROUP BY order_id)) AS max_lines,
          (SELECT count(*) FROM o WHERE quantity < 1 OR order_date::DATE > DATE ${AS_OF} OR order_date::DATE < DATE ${clean.period_start}) AS bad_lines,
          (SELECT count(*) - count(DISTINCT customer_id) FROM c) AS dup_customers,
          (SELECT count(*) - count(DISTINCT product_id) FROM p) AS dup_products,
          (SELECT count(*) FROM p WHERE NOT (price > cost AND cost > 0)) AS bad_prices,
          (SELECT count(DISTINCT category) FROM p) AS categories,
          (SELECT count(*) FROM c WHERE NOT regexp_matches(email, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')) AS bad_emails,
          (SELECT count(*) FROM o JOIN c USING (customer_id) WHERE shipping_address NOT LIKE '%, ' || c.city || ', ' || c.country) AS foreign_addresses,
          (SELECT count(*) FROM (SELECT order_id FROM o GROUP BY 1 HAVING count(DISTINCT shipping_address) <> 1)) AS orders_with_several_addresses,
          (SELECT list(DISTINCT loyalty_tier ORDER BY loyalty_tier) FILTER (loyalty_tier IS NOT NULL) FROM c) AS tiers,
          (SELECT count(*) FILTER (loyalty_tier IS NULL) > 0 AND count(*) FILTER (city IS NULL) = 0 FROM c) AS some_without_tier,
          (SELECT count(DISTINCT brand) FROM p WHERE brand IS NOT NULL) AS brands`);
      expect(r).toEqual({
        orphan_customers: 0, orphan_products: 0, signed_up_late: 0, bad_orders: 0, max_lines: 4, bad_lines: 0,
        dup_customers: 0, dup_products: 0, bad_prices: 0, categories: 12, bad_emails: 0,
        foreign_addresses: 0, orders_with_several_addresses: 0, tiers: ['bronze', 'gold', 'platinum', 'silver'], some_without_tier: true, brands: 12,
      });
    });
  });

  it('has the shape the KPIs need: weekends, growth, Pareto products, repeat buyers, spikes, stock-outs', async () => {
    await withEngine(async (e) => {
      const d = dir('a');
      await e.exec(trusted(`
        CREATE TABLE o AS SELECT * FROM read_csv('${d}/orders.csv', header = true, auto_detect = false,
          columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'order_date': 'TIMESTAMP', 'shipping_address': 'VARCHAR'});
        CREATE TABLE daily AS SELECT order_date::DATE AS day, count(*) AS n FROM o GROUP BY 1;
        CREATE TABLE inv AS SELECT * FROM read_csv('${d}/inventory.csv', header = true, auto_detect = false,
          columns = {'product_id': 'VARCHAR', 'warehouse_id': 'VARCHAR', 'stock_quantity': 'BIGINT', 'last_updated': 'TIMESTAMP'});
        CREATE TABLE latest AS SELECT product_id, warehouse_id, arg_max(stock_quantity, last_updated) AS stock_quantity FROM inv
          WHERE last_updated::DATE <= DATE '${AS_OF}' GROUP BY ALL;
        CREATE TABLE now AS SELECT product_id, sum(stock_quantity) AS stock, count(*) AS warehouses,
          bool_or(stock_quantity = 0) AS some_zero FROM latest GROUP BY ALL;`));
      const r = await one(e, sql`
        SELECT
          (SELECT avg(n) FILTER (isodow(day) >= 6) / avg(n) FILTER (isodow(day) < 6) FROM daily) AS weekend_ratio,
          (SELECT sum(n) FILTER (day > DATE ${AS_OF} - 180) / sum(n) FILTER (day < DATE ${clean.period_start} + 180) FROM daily) AS growth,
          (SELECT sum(n) FILTER (r <= 0.2 * total) / sum(n) FROM (SELECT count(*) n, row_number() OVER (ORDER BY count(*) DESC) r,
             count(*) OVER () total FROM o GROUP BY product_id)) AS top20_share,
          (SELECT avg(CAST(n >= 2 AS INTEGER)) FROM (SELECT customer_id, count(DISTINCT order_id) n FROM o GROUP BY 1)) AS repeat_share,
          (SELECT list(strftime(day, '%Y-%m-%d') ORDER BY n DESC)[1:2] FROM daily WHERE day > DATE ${AS_OF} - 90) AS top_days,
          (SELECT max(n) / median(n) FROM daily WHERE day > DATE ${AS_OF} - 90) AS spike_ratio,
          (SELECT count(*) FILTER (stock = 0) FROM now) AS stock_outs,
          (SELECT count(*) FROM now) AS products_counted,
          (SELECT count(*) FROM now WHERE warehouses > 1) AS in_several_warehouses,
          (SELECT count(*) FROM now WHERE some_zero AND stock > 0) AS partly_at_zero,
          (SELECT list(DISTINCT warehouse_id ORDER BY warehouse_id) FROM inv) AS warehouses,
          (SELECT count(DISTINCT last_updated) FROM inv) AS count_times,
          (SELECT count(*) FROM inv WHERE last_updated::DATE > DATE ${AS_OF}) AS future_counts`);
      expect(r['weekend_ratio']).toBeGreaterThan(1.15);
      expect(r['growth']).toBeGreaterThan(1.1);
      expect(r['top20_share']).toBeGreaterThan(0.5);
      expect(r['repeat_share']).toBeGreaterThan(0.5);
      expect([...(r['top_days'] as string[])].sort()).toEqual(clean.anomaly_days);
      expect(r['spike_ratio']).toBeGreaterThan(2);
      // Current stock = Σ over warehouses of each one's latest count: some products at 0 everywhere, others
      // at 0 in one warehouse only (still in stock); weekly counts, each warehouse on its own weekday.
      expect(r['stock_outs']).toBeGreaterThanOrEqual(1);
      expect(r['products_counted']).toBe(clean.datasets.products!.expected.rows_out);
      expect(r['in_several_warehouses']).toBeGreaterThan(0);
      expect(r['partly_at_zero']).toBeGreaterThan(0);
      expect(r['warehouses']).toEqual(['W1', 'W2', 'W3']);
      expect(r['count_times']).toBe(105 * 3);
      expect(r['future_counts']).toBe(0);
    });
  });

  it('has returns of real order lines (3–8 %), promotions that lift sales, web sessions converting a few %', async () => {
    await withEngine(async (e) => {
      const d = dir('a');
      await e.exec(trusted(`
        CREATE TABLE o AS SELECT * FROM read_csv('${d}/orders.csv', header = true, auto_detect = false,
          columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'order_date': 'TIMESTAMP', 'shipping_address': 'VARCHAR'});
        CREATE TABLE r AS SELECT * FROM read_csv('${d}/returns.csv', header = true, auto_detect = false, quote = '"', escape = '"',
          columns = {'return_id': 'VARCHAR', 'order_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'return_date': 'DATE', 'reason': 'VARCHAR'});
        CREATE TABLE pr AS SELECT * FROM read_csv('${d}/promotions.csv', header = true, auto_detect = false,
          columns = {'promotion_id': 'VARCHAR', 'product_id': 'VARCHAR', 'category': 'VARCHAR', 'discount_pct': 'DOUBLE', 'start_date': 'DATE', 'end_date': 'DATE'});
        CREATE TABLE w AS SELECT * FROM read_csv('${d}/web_events.csv', header = true, auto_detect = false,
          columns = {'event_id': 'VARCHAR', 'session_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'event_type': 'VARCHAR', 'event_timestamp': 'TIMESTAMP', 'product_id': 'VARCHAR'});`));
      const r = await one(e, sql`
        SELECT
          (SELECT count(*) FROM r) / (SELECT count(*) FROM o) AS return_share,
          (SELECT count(*) FROM r LEFT JOIN o USING (order_id, product_id)
             WHERE o.order_id IS NULL OR r.quantity NOT BETWEEN 1 AND o.quantity OR r.return_date <= o.order_date::DATE
               OR r.return_date > DATE ${AS_OF}) AS bad_returns,
          (SELECT count(DISTINCT reason) FROM r WHERE reason LIKE '%,%' OR reason LIKE '%"%') AS quoted_reasons,
          (SELECT count(*) FROM pr WHERE (product_id IS NULL) = (category IS NULL) OR end_date < start_date OR end_date > DATE ${AS_OF}) AS bad_promotions,
          (SELECT avg(inside / outside) FROM (
             SELECT pr.promotion_id,
               count(*) FILTER (o.order_date::DATE BETWEEN pr.start_date AND pr.end_date) / (pr.end_date - pr.start_date + 1) AS inside,
               (count(*) FILTER (o.order_date::DATE NOT BETWEEN pr.start_date AND pr.end_date) + 1) / (730 - (pr.end_date - pr.start_date + 1)) AS outside
             FROM pr JOIN o ON o.product_id = pr.product_id GROUP BY pr.promotion_id, pr.start_date, pr.end_date)) AS promo_lift,
          (SELECT count(DISTINCT session_id) FILTER (event_type = 'purchase') / count(DISTINCT session_id) FROM w) AS conversion,
          (SELECT list(DISTINCT event_type ORDER BY event_type) FROM w) AS event_types,
          (SELECT count(*) FROM w WHERE event_timestamp::DATE > DATE ${AS_OF}) AS future_events`);
      expect(r['return_share']).toBeGreaterThan(0.03);
      expect(r['return_share']).toBeLessThan(0.08);
      expect(r['bad_returns']).toBe(0);
      expect(r['quoted_reasons']).toBe(2);
      expect(r['bad_promotions']).toBe(0);
      expect(r['promo_lift']).toBeGreaterThan(1.5);
      expect(r['conversion']).toBeGreaterThan(0.01);
      expect(r['conversion']).toBeLessThan(0.1);
      expect(r['event_types']).toEqual(['add_to_cart', 'purchase', 'view']);
      expect(r['future_events']).toBe(0);
    });
  });
});

describe('a defective generation', () => {
  it('injects every kind, at least once, the clean lines being those of the clean run', async () => {
    for (const [name, m] of Object.entries(defective.datasets)) {
      if (m.expected.records_in - m.expected.rows_flagged < 100) continue;
      for (const [kind, n] of Object.entries(m.kinds)) expect(n, `${name}.${kind}`).toBeGreaterThanOrEqual(1);
    }
    expect(defective.datasets.orders?.kinds['future_date']).toBe(Math.round((0.05 * N) / 11));
    const cleanLines = new Set((await readFile(join(dir('a'), 'orders.csv'), 'utf8')).split('\n'));
    const defectLines = (await readFile(join(dir('d'), 'orders.csv'), 'utf8')).split('\n').filter((l) => !cleanLines.has(l));
    const o = defective.datasets.orders!;
    expect(defectLines).toHaveLength(o.expected.records_in - o.expected.duplicates_dropped - N);
  });

  it('has the injected counts of each kind where they can be seen directly', async () => {
    await withEngine(async (e) => {
      const d = dir('d');
      await e.exec(trusted(`CREATE TABLE o AS SELECT * FROM ${bronzeCsv(`${d}/orders.csv`, HEADERS['orders.csv']!).text}`));
      const k = defective.datasets.orders!.kinds;
      const r = await one(e, sql`
        SELECT
          (SELECT count(*) FROM o) + (SELECT count(DISTINCT line) FROM reject_errors) AS records,
          (SELECT count(DISTINCT line) FROM reject_errors) AS malformed,
          (SELECT count(*) FROM o WHERE TRY_CAST(order_date AS TIMESTAMP)::DATE > DATE ${AS_OF}) AS future_date,
          (SELECT count(*) FROM o WHERE order_date IS NOT NULL AND TRY_CAST(order_date AS TIMESTAMP) IS NULL) AS unparsable_date,
          (SELECT count(*) FROM o WHERE order_id IS NULL OR customer_id IS NULL OR product_id IS NULL) AS missing_key,
          (SELECT count(*) FROM o WHERE NOT regexp_matches(quantity, '^-?[0-9]+$')) AS non_integer_quantity,
          (SELECT count(*) FROM o WHERE TRY_CAST(quantity AS BIGINT) <= 0 AND regexp_matches(quantity, '^-?[0-9]+$')) AS non_positive_quantity,
          (SELECT count(*) FROM (SELECT count(*) FROM o GROUP BY order_id, customer_id, product_id, quantity, order_date, shipping_address HAVING count(*) > 1)) AS exact_duplicate`);
      expect(r).toEqual({
        records: defective.datasets.orders!.expected.records_in,
        malformed: k['malformed_record'], future_date: k['future_date'], unparsable_date: k['unparsable_date'],
        missing_key: k['missing_key'], non_integer_quantity: k['non_integer_quantity'],
        non_positive_quantity: k['non_positive_quantity'], exact_duplicate: k['exact_duplicate'],
      });
      const lines = (await readFile(join(d, 'customers.json'), 'utf8')).split('\n').slice(0, -1);
      const invalid = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
      expect(invalid).toHaveLength(defective.datasets.customers!.kinds['invalid_json']!);
    });
  });

  it('gives exactly the expected outcome under an independent reference classification', async () => {
    await withEngine(async (e) => {
      const outcome = await classifyAll(e, dir('d'));
      for (const [name, m] of Object.entries(defective.datasets)) expect(outcome[name], name).toEqual(m.expected);
    });
  });

  it('gives the clean outcome for the clean data under the same classification', async () => {
    await withEngine(async (e) => {
      const outcome = await classifyAll(e, dir('a'));
      for (const [name, m] of Object.entries(clean.datasets)) expect(outcome[name], name).toEqual(m.expected);
    });
  });
});

/**
 * The default contract rules of DESIGN.md, written directly in SQL: row rules → quarantine, then exact
 * duplicates dropped, then records sharing a key but differing quarantined; malformed e-mails flagged.
 */
async function classifyAll(e: Engine, d: string): Promise<Record<string, Row>> {
  const script = `
    CREATE TABLE cj AS SELECT unnest(string_split(rtrim(content, chr(10)), chr(10))) AS line FROM read_text('${d}/customers.json');
    CREATE TABLE cr AS SELECT line, json_valid(line) AS ok,
      CASE WHEN json_valid(line) THEN line->>'customer_id' END AS id,
      CASE WHEN json_valid(line) THEN TRY_CAST(line->>'registration_date' AS DATE) END AS reg,
      CASE WHEN json_valid(line) THEN line->>'email' END AS email FROM cj;
    CREATE TABLE c_pass AS SELECT * FROM cr WHERE ok AND id IS NOT NULL AND reg IS NOT NULL;
    CREATE TABLE c_dist AS SELECT DISTINCT * FROM c_pass;
    CREATE TABLE c_silver AS SELECT * FROM c_dist WHERE id IN (SELECT id FROM c_dist GROUP BY id HAVING count(*) = 1);

    CREATE TABLE pr0 AS SELECT * FROM read_parquet('${d}/products.parquet');
    CREATE TABLE p_pass AS SELECT * FROM pr0 WHERE product_id IS NOT NULL AND price >= 0 AND cost >= 0;
    CREATE TABLE p_dist AS SELECT DISTINCT * FROM p_pass;
    CREATE TABLE p_silver AS SELECT * FROM p_dist WHERE product_id IN (SELECT product_id FROM p_dist GROUP BY 1 HAVING count(*) = 1);

    CREATE TABLE o0 AS SELECT * FROM ${bronzeCsv(`${d}/orders.csv`, HEADERS['orders.csv']!).text};
    CREATE TABLE o_bad AS SELECT count(DISTINCT line) AS n FROM reject_errors;
    CREATE TABLE o_pass AS SELECT o0.* FROM o0 JOIN c_silver c ON c.id = o0.customer_id JOIN p_silver p USING (product_id)
      WHERE order_id IS NOT NULL AND regexp_matches(quantity, '^[0-9]+$') AND CAST(quantity AS BIGINT) > 0
        AND TRY_CAST(order_date AS TIMESTAMP)::DATE <= DATE '${AS_OF}' AND TRY_CAST(order_date AS TIMESTAMP)::DATE >= c.reg;
    CREATE TABLE o_dist AS SELECT DISTINCT * FROM o_pass;
    CREATE TABLE o_silver AS SELECT * FROM o_dist WHERE (order_id, product_id) IN (SELECT (order_id, product_id) FROM o_dist GROUP BY ALL HAVING count(*) = 1);`;
  await e.exec(trusted(script));
  const out: Record<string, Row> = {};
  const count = async (q: string) => Number(await e.scalar(trusted(q)));
  const outcome = async (recordsIn: number, pass: string, dist: string, silver: string, flagged = 0): Promise<Row> => {
    const [p, dd, s] = [await count(`SELECT count(*) FROM ${pass}`), await count(`SELECT count(*) FROM ${dist}`), await count(`SELECT count(*) FROM ${silver}`)];
    return { records_in: recordsIn, rows_out: s, rows_quarantined: recordsIn - p + (dd - s), duplicates_dropped: p - dd, rows_flagged: flagged };
  };
  const malformed = await count('SELECT n FROM o_bad');
  out['orders'] = await outcome((await count('SELECT count(*) FROM o0')) + malformed, 'o_pass', 'o_dist', 'o_silver');
  out['customers'] = await outcome(await count('SELECT count(*) FROM cj'), 'c_pass', 'c_dist', 'c_silver',
    await count(`SELECT count(*) FROM c_silver WHERE NOT regexp_matches(email, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')`));
  out['products'] = await outcome(await count('SELECT count(*) FROM pr0'), 'p_pass', 'p_dist', 'p_silver');

  const simple = async (name: string, header: string, rule: string, key: string): Promise<Row> => {
    await e.exec(trusted(`
      CREATE TABLE ${name}0 AS SELECT * FROM ${bronzeCsv(`${d}/${name}.csv`, header).text};
      CREATE TABLE ${name}_pass AS SELECT * FROM ${name}0 WHERE ${rule};
      CREATE TABLE ${name}_dist AS SELECT DISTINCT * FROM ${name}_pass;
      CREATE TABLE ${name}_silver AS SELECT * FROM ${name}_dist WHERE (${key}) IN (SELECT (${key}) FROM ${name}_dist GROUP BY ALL HAVING count(*) = 1);`));
    return outcome(await count(`SELECT count(*) FROM ${name}0`), `${name}_pass`, `${name}_dist`, `${name}_silver`);
  };
  out['inventory'] = await simple('inventory', HEADERS['inventory.csv']!,
    `product_id IN (SELECT product_id FROM p_silver) AND warehouse_id IS NOT NULL AND TRY_CAST(last_updated AS TIMESTAMP) IS NOT NULL
     AND regexp_matches(stock_quantity, '^[0-9]+$')`, 'product_id, warehouse_id, last_updated');
  out['promotions'] = await simple('promotions', HEADERS['promotions.csv']!,
    `promotion_id IS NOT NULL AND (product_id IS NULL OR product_id IN (SELECT product_id FROM p_silver))
     AND TRY_CAST(end_date AS DATE) >= TRY_CAST(start_date AS DATE)`, 'promotion_id');
  out['returns'] = await simple('returns', HEADERS['returns.csv']!,
    `return_id IS NOT NULL AND order_id IN (SELECT order_id FROM o_silver) AND regexp_matches(quantity, '^[0-9]+$')
     AND CAST(quantity AS BIGINT) > 0 AND TRY_CAST(return_date AS DATE) <= DATE '${AS_OF}'`, 'return_id');
  out['web_events'] = await simple('web_events', HEADERS['web_events.csv']!,
    `event_id IS NOT NULL AND event_type IN ('view', 'add_to_cart', 'purchase') AND TRY_CAST(event_timestamp AS TIMESTAMP) IS NOT NULL
     AND customer_id IN (SELECT id FROM c_silver) AND product_id IN (SELECT product_id FROM p_silver)`, 'event_id');
  return out;
}
