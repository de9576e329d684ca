// End to end through the real CLI: generate defective demo data, run the pipeline, and check every
// output against the quality report, the injected defects and an independent reader.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles, ROOT, runCli, tempDir, treeHashes } from '../helpers/cli.ts';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';
import { parquetRowCount, readParquetFile } from '../helpers/parquet.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-run-');
const data = join(work, 'data');
const out = join(work, 'output');
const reports = join(work, 'reports');
const runArgs = (extra: string[] = [], o = out, r = reports, d = data) => [
  'run', '--data', d, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
  '--out', o, '--reports', r, '--as-of', AS_OF, '--log-level', 'warn', ...extra,
];

interface Counts { records_in: number; rows_out: number; rows_quarantined: number; duplicates_dropped: number }
let quality: { status: string; schemaVersion: string; run_id: string; sources: Record<string, Counts>; checks: { id: string; kind: string; status: string; severity: string; failed_rows: number; layer: string; dataset: string }[] };
let defects: { datasets: Record<string, { kinds: Record<string, number>; expected: Counts }> };
let firstRun: { code: number; stdout: string; stderr: string };

beforeAll(() => {
  const gen = runCli(['generate', '--out', data, '--orders', '6000', '--seed', '7', '--defect-rate', '0.02', '--as-of', AS_OF]);
  expect(gen.code, gen.stderr).toBe(0);
  firstRun = runCli(runArgs());
  quality = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
  defects = JSON.parse(readFileSync(join(data, '_defects.json'), 'utf8'));
});

describe('etl run on generated data with injected defects', () => {
  it('exits 0, publishes, and prints a summary without a stack trace', () => {
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(firstRun.stdout).toMatch(/SUCCESS/);
    expect(firstRun.stderr).not.toMatch(/\n\s+at /);
    expect(quality.status).toBe('SUCCESS');
    expect(quality.schemaVersion).toBeTruthy();
  });

  it('quarantines exactly the injected defects, per source', () => {
    for (const [dataset, d] of Object.entries(defects.datasets)) {
      const got = quality.sources[dataset];
      expect(got, dataset).toBeDefined();
      expect({ dataset, ...pick(got!) }).toEqual({ dataset, ...pick(d.expected) });
    }
  });

  it('catches each injected defect with the rule meant for it, exactly as many times', () => {
    const failed = (id: string) => quality.checks.find((c) => c.id === id)?.failed_rows ?? 0;
    const k = (dataset: string, kind: string) => defects.datasets[dataset]!.kinds[kind] ?? 0;
    const expectations: [string, number, number][] = [
      ['orders missing keys', failed('orders.order_id.required') + failed('orders.customer_id.required') + failed('orders.product_id.required'), k('orders', 'missing_key')],
      ['orders.quantity.exclusive_minimum', failed('orders.quantity.exclusive_minimum'), k('orders', 'non_positive_quantity')],
      ['orders.quantity.type', failed('orders.quantity.type'), k('orders', 'non_integer_quantity')],
      ['orders.order_date.type', failed('orders.order_date.type'), k('orders', 'unparsable_date')],
      ['orders future dates', failed('orders.orders_order_date_not_in_future'), k('orders', 'future_date')],
      ['orders before registration', failed('orders.orders_order_date_after_registration'), k('orders', 'before_registration')],
      ['orders.duplicate_key (pairs)', failed('orders.duplicate_key'), 2 * k('orders', 'conflicting_key')],
      ['orders.customer_id.relationship', failed('orders.customer_id.relationship'), k('orders', 'orphan_customer')],
      ['orders.product_id.relationship', failed('orders.product_id.relationship'), k('orders', 'orphan_product')],
      ['orders.malformed_record', failed('orders.malformed_record'), k('orders', 'malformed_record')],
      ['orders duplicates dropped', quality.sources['orders']!.duplicates_dropped, k('orders', 'exact_duplicate')],
      ['customers.malformed_record', failed('customers.malformed_record'), k('customers', 'invalid_json')],
      ['customers.customer_id.required', failed('customers.customer_id.required'), k('customers', 'missing_key')],
      ['customers.registration_date.type', failed('customers.registration_date.type'), k('customers', 'unparsable_date')],
      ['customers.duplicate_key (pairs)', failed('customers.duplicate_key'), 2 * k('customers', 'conflicting_key')],
      ['customers.email.format (kept, flagged)', failed('customers.email.format'), k('customers', 'malformed_email')],
      ['inventory.stock_quantity.minimum', failed('inventory.stock_quantity.minimum'), k('inventory', 'negative_stock')],
      ['inventory.product_id.relationship', failed('inventory.product_id.relationship'), k('inventory', 'orphan_product')],
      ['inventory.last_updated.type', failed('inventory.last_updated.type'), k('inventory', 'unparsable_date')],
      ['returns.quantity.exclusive_minimum', failed('returns.quantity.exclusive_minimum'), k('returns', 'non_positive_quantity')],
      ['returns.order_line.relationship', failed('returns.order_line.relationship'), k('returns', 'unknown_order')],
      ['web_events.event_type.valid_values', failed('web_events.event_type.valid_values'), k('web_events', 'unknown_event_type')],
      ['web_events.event_timestamp.type', failed('web_events.event_timestamp.type'), k('web_events', 'unparsable_timestamp')],
    ];
    for (const [what, got, want] of expectations) expect({ what, got }).toEqual({ what, got: want });
    expect(k('orders', 'missing_key')).toBeGreaterThan(0);
  });

  it('conserves every record: records_in = rows_out + rows_quarantined + duplicates_dropped', () => {
    for (const [name, c] of Object.entries(quality.sources)) {
      expect(c.records_in, name).toBe(c.rows_out + c.rows_quarantined + c.duplicates_dropped);
    }
  });

  it('writes every output of the layout', () => {
    const files = listFiles(out);
    expect(files.some((f) => /^data_lake\/orders_enriched\/year=\d{4}\/month=\d{1,2}\/.+\.parquet$/.test(f))).toBe(true);
    // The warehouse fact in hive folders by year/month (pipeline/config.yaml), its columns without them.
    expect(files.filter((f) => f.startsWith('data_warehouse/fact_orders/')).every((f) => /^data_warehouse\/fact_orders\/year=\d{4}\/month=\d{2}\/data_0\.parquet$/.test(f))).toBe(true);
    for (const t of ['fact_orders', 'dim_customers', 'dim_products', 'dim_date', 'agg_daily_sales', 'agg_monthly_sales']) {
      expect(files.some((f) => f.startsWith(`data_warehouse/${t}/`) && f.endsWith('.parquet')), t).toBe(true);
    }
    for (const a of ['top_products', 'rfm', 'out_of_stock', 'stock_rotation']) {
      expect(files.some((f) => f.startsWith(`data_lake/aggregates/${a}/`)), a).toBe(true);
    }
    expect(files.filter((f) => f.startsWith('exports/csv/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('exports/json/')).length).toBe(files.filter((f) => f.startsWith('exports/csv/')).length);
    for (const ds of ['orders', 'customers', 'products', 'inventory']) {
      expect(existsSync(join(out, 'quarantine', ds, 'data.parquet')), ds).toBe(true);
    }
    for (const r of ['sales_report.txt', 'kpis_dashboard.txt', 'kpis.json', 'quality_report.txt', 'quality_report.json', 'junit.xml']) {
      expect(existsSync(join(reports, r)), r).toBe(true);
    }
    const runs = readdirSync(join(out, '_runs'));
    expect(runs).toContain(`${quality.run_id}.json`);
    const record = JSON.parse(readFileSync(join(out, '_runs', `${quality.run_id}.json`), 'utf8'));
    expect(record.status).toBe('SUCCESS');
    expect(Object.keys(record.stages).length).toBeGreaterThan(3);
    expect(record.inputs.every((i: { sha256: string }) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
  });

  it('every Parquet file reads back with an independent reader, with the counts the report states', () => {
    const parquet = listFiles(out).filter((f) => f.endsWith('.parquet'));
    expect(parquet.length).toBeGreaterThan(10);
    for (const f of parquet) expect(() => readParquetFile(join(out, f)), f).not.toThrow();
    const lakeRows = parquet.filter((f) => f.startsWith('data_lake/orders_enriched/')).reduce((n, f) => n + parquetRowCount(join(out, f)), 0);
    expect(lakeRows).toBe(quality.sources['orders']!.rows_out);
    const factRows = parquet.filter((f) => f.startsWith('data_warehouse/fact_orders/')).reduce((n, f) => n + parquetRowCount(join(out, f)), 0);
    expect(factRows).toBe(quality.sources['orders']!.rows_out);
    for (const ds of Object.keys(quality.sources)) {
      expect(parquetRowCount(join(out, 'quarantine', ds, 'data.parquet')), ds).toBe(quality.sources[ds]!.rows_quarantined);
    }
  });

  it('every CSV export parses (RFC 4180) with as many rows as its JSON twin', () => {
    for (const f of listFiles(join(out, 'exports', 'csv'))) {
      const rows = parse(readFileSync(join(out, 'exports', 'csv', f)), { columns: true }) as unknown[];
      const json = JSON.parse(readFileSync(join(out, 'exports', 'json', f.replace(/\.csv$/, '.json')), 'utf8')) as unknown[];
      expect(rows.length, f).toBe(json.length);
    }
  });

  it('kpis.json total revenue equals the sum of fact amounts read independently', () => {
    const kpis = JSON.parse(readFileSync(join(reports, 'kpis.json'), 'utf8'));
    let sum = 0;
    const orders = new Set<string>();
    for (const f of listFiles(join(out, 'data_warehouse', 'fact_orders'))) {
      const t = readParquetFile(join(out, 'data_warehouse', 'fact_orders', f));
      const amount = t.getChild('amount')!;
      const ids = t.getChild('order_id')!;
      // Money is DECIMAL: Arrow hands back the unscaled integer.
      const scale = (t.schema.fields.find((x) => x.name === 'amount')!.type as { scale?: number }).scale ?? 0;
      for (let i = 0; i < t.numRows; i++) {
        sum += Number(amount.get(i)) / 10 ** scale;
        orders.add(String(ids.get(i)));
      }
    }
    expect(kpis.total_revenue).toBeCloseTo(sum, 1);
    expect(kpis.order_count).toBe(orders.size);
    expect(kpis.top_products).toHaveLength(10);
  });

  it('publishes PII masked only: no raw e-mail or name from customers.json in any published file', () => {
    const raw = readFileSync(join(data, 'customers.json'), 'utf8').split('\n').slice(0, 200)
      .flatMap((l) => { try { const o = JSON.parse(l); return [o.email, o.name]; } catch { return []; } })
      .filter((v): v is string => typeof v === 'string' && v.length > 5);
    expect(raw.length).toBeGreaterThan(50);
    const published = [...listFiles(out).filter((f) => !f.startsWith('quarantine/')).map((f) => join(out, f)), ...listFiles(reports).map((f) => join(reports, f))];
    for (const f of published) {
      const text = readFileSync(f).toString('latin1');
      for (const v of raw) expect(text.includes(v), `${v} in ${f}`).toBe(false);
    }
  });

  it('counts out-of-stock products by the sum over warehouses, as an independent DuckDB query on inventory.csv does', async () => {
    const kpis = JSON.parse(readFileSync(join(reports, 'kpis.json'), 'utf8'));
    const expected = await withEngine((e) => e.scalar(sql`
      WITH inv AS (
        SELECT product_id, warehouse_id, TRY_CAST(stock_quantity AS BIGINT) AS stock, TRY_CAST(last_updated AS TIMESTAMP) AS ts
        FROM read_csv(${join(data, 'inventory.csv')}, header = true, auto_detect = false, all_varchar = true,
          columns = {'product_id': 'VARCHAR', 'warehouse_id': 'VARCHAR', 'stock_quantity': 'VARCHAR', 'last_updated': 'VARCHAR'})
      ), valid AS (
        SELECT * FROM inv WHERE stock >= 0 AND ts IS NOT NULL AND CAST(ts AS DATE) <= DATE ${AS_OF}
          AND product_id IN (SELECT product_id FROM read_parquet(${join(data, 'products.parquet')}))
      ), latest AS (SELECT product_id, warehouse_id, arg_max(stock, ts) AS stock FROM valid GROUP BY ALL)
      SELECT count(*) FROM (SELECT product_id FROM latest GROUP BY product_id HAVING sum(stock) = 0)`));
    expect(Number(expected)).toBeGreaterThan(0);
    expect(kpis.inventory.out_of_stock_products).toBe(Number(expected));
    expect(kpis.inventory.warehouses).toBe(3);
    expect(kpis.premium.rule).toBe('loyalty_tier');
  });

  it('carries the seed\'s columns to the warehouse: city, country and loyalty tier on customers, brand on products', () => {
    const columns = (table: string) => {
      const f = listFiles(join(out, 'data_warehouse', table)).find((x) => x.endsWith('.parquet'))!;
      return readParquetFile(join(out, 'data_warehouse', table, f)).schema.fields.map((x) => x.name);
    };
    expect(columns('dim_customers')).toEqual(expect.arrayContaining(['city', 'country', 'loyalty_tier', 'is_premium_customer']));
    expect(columns('dim_products')).toEqual(expect.arrayContaining(['brand', 'current_stock', 'warehouses']));
    expect(columns('fact_orders')).toEqual(expect.arrayContaining(['line_number', 'price_source']));
    expect(columns('fact_orders')).not.toContain('shipping_address');
    // year and month are the fact's hive folders, not columns of its files (as in the lake).
    expect(columns('fact_orders')).toEqual(['order_id', 'line_number', 'order_line_id', 'product_id', 'customer_id', 'date_key', 'order_ts', 'quantity', 'unit_price', 'price_source', 'unit_cost', 'amount', 'margin']);
  });

  it('never publishes a shipping address, only its country', () => {
    const addresses = readFileSync(join(data, 'orders.csv'), 'utf8').split('\n').slice(1, 300)
      .map((l) => /"([^"]+)"$/.exec(l)?.[1]).filter((v): v is string => v !== undefined);
    expect(addresses.length).toBeGreaterThan(100);
    const published = [...listFiles(out).filter((f) => !f.startsWith('quarantine/')).map((f) => join(out, f)), ...listFiles(reports).map((f) => join(reports, f))];
    for (const f of published) {
      const text = readFileSync(f).toString('utf8');
      for (const v of addresses.slice(0, 50)) expect(text.includes(v.split(',')[0]!), `${v} in ${f}`).toBe(false);
    }
    const lake = listFiles(join(out, 'data_lake', 'orders_enriched')).find((x) => x.endsWith('.parquet'))!;
    const t = readParquetFile(join(out, 'data_lake', 'orders_enriched', lake));
    expect(t.getChild('shipping_country')!.get(0)).toMatch(/^[A-Z]{2}$/);
  });

  it('is deterministic: a second run on the same input gives the same bytes', () => {
    const out2 = join(work, 'output2');
    const reports2 = join(work, 'reports2');
    const again = runCli(runArgs([], out2, reports2));
    expect(again.code, again.stderr).toBe(0);
    expect(treeHashes(out2, /^_runs\//)).toEqual(treeHashes(out, /^_runs\//));
    expect(treeHashes(reports2)).toEqual(treeHashes(reports));
  });
});

describe('etl run --strict', () => {
  it('publishes nothing, reports FAILED and exits 1 when a gate rule fails; the previous output stays intact', () => {
    const bad = join(work, 'bad-data');
    expect(runCli(['generate', '--out', bad, '--orders', '3000', '--seed', '9', '--defect-rate', '0.3', '--as-of', AS_OF]).code).toBe(0);
    const before = treeHashes(out, /^_runs\//);
    const r = runCli(runArgs(['--strict'], out, reports, bad));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAILED/);
    expect(treeHashes(out, /^_runs\//)).toEqual(before);
    const q = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
    expect(q.status).toBe('FAILED');
    expect(q.strict).toBe(true);
    expect(q.checks.some((c: { kind: string; severity: string; status: string }) => c.kind === 'dataset' && c.severity === 'error' && c.status === 'failed')).toBe(true);
    const record = JSON.parse(readFileSync(join(out, '_runs', `${q.run_id}.json`), 'utf8'));
    expect(record.status).toBe('FAILED');
  });

  it('the same defective data without --strict publishes and exits 0', () => {
    const o = join(work, 'lenient-out');
    const r = runCli(runArgs([], o, join(work, 'lenient-reports'), join(work, 'bad-data')));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(o, 'data_warehouse', 'fact_orders'))).toBe(true);
  });
});

describe('bad input ends in one clear line and exit code 2', () => {
  it('a missing data directory', () => {
    const r = runCli(runArgs([], join(work, 'o3'), join(work, 'r3'), join(work, 'nope')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^SOURCE_NOT_FOUND: the data directory .*nope does not exist/m);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing contracts folder: the default contracts/ run from a folder without one, or a typo in --contracts', () => {
    const elsewhere = join(work, 'no-contracts-here');
    mkdirSync(elsewhere, { recursive: true });
    for (const [args, cwd] of [[['run', '--data', join(work, 'nope'), '--out', join(work, 'o5'), '--reports', join(work, 'r5')], elsewhere], [['run', '--contracts', join(work, 'contrcts'), '--out', join(work, 'o5'), '--reports', join(work, 'r5')], ROOT]] as const) {
      const r = runCli([...args], { cwd });
      expect(r.code, r.stderr).toBe(2);
      // Not the gold contracts' complaints about datasets that nobody declares: the folder that is not there.
      expect(r.stderr).toMatch(/^CONTRACT_NOT_FOUND: no such file or directory .*\((contracts|.*contrcts)\)$/m);
      expect(r.stderr).toMatch(/hint: .*--contracts node_modules\/etl\/contracts/);
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
    }
  });

  it('a missing orders file (the one source a run cannot do without)', () => {
    const partial = join(work, 'partial');
    expect(runCli(['generate', '--out', partial, '--orders', '500', '--no-optional']).code).toBe(0);
    rmSync(join(partial, 'orders.csv'));
    const r = runCli(runArgs([], join(work, 'o4'), join(work, 'r4'), partial));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^SOURCE_NOT_FOUND: missing source file for orders: .*orders\.csv/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('an invalid --as-of', () => {
    const r = runCli(['run', '--as-of', '2024-13-45']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/as-of/);
  });
});

function pick(c: Counts): Counts {
  return { records_in: c.records_in, rows_out: c.rows_out, rows_quarantined: c.rows_quarantined, duplicates_dropped: c.duplicates_dropped };
}
