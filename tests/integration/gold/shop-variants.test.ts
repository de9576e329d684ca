// What real shops vary, on the tiny KPI fixture (tests/fixtures/kpi; base arithmetic in kpis.test.ts):
// loyalty tiers, the price paid on the order line, guest orders, a line key, and absent sources.
// Each case changes the fixture's conformed tables, builds the real models and checks hand-computed values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import { loadContractsOrThrow } from '../../../src/contracts/index.ts';
import { modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { withEngine, type Engine, type Row } from '../../../src/engine/engine.ts';
import { collectKpis, type Kpis } from '../../../src/kpi/collect-kpis.ts';
import { renderSalesReport } from '../../../src/report/sales-report.ts';
import { ident, sql, trusted, type Sql } from '../../../src/sql/sql.ts';
import { buildGold, type GoldModelResult } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture } from '../../fixtures/kpi/load-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');

interface Built {
  engine: Engine;
  kpis: Kpis;
  models: GoldModelResult[];
  rows: (q: string) => Promise<Row[]>;
}

/** Load the fixture, apply `change` (SQL on the conformed tables), drop the `absent` sources, build gold and the KPIs. */
async function build(change: string, absent: string[], check: (b: Built) => Promise<void>): Promise<void> {
  await withEngine(async (engine) => {
    const loaded = await loadKpiFixture(engine, []);
    for (const d of absent) await engine.exec(sql`DROP TABLE conformed.${ident(d)}`);
    if (change) await engine.exec(trusted(change));
    const available = loaded.filter((d) => !absent.includes(d));
    const { models } = await buildGold(engine, { pipelineDir: `${ROOT}pipeline`, vars: modelVars(config, AS_OF), available, config });
    const skipped = Object.fromEntries(models.filter((m) => m.skipped).map((m) => [m.name, m.skipped!]));
    const kpis = await collectKpis(engine, { asOf: AS_OF, config, available, skipped });
    await check({ engine, kpis, models, rows: (q) => engine.rows(trusted(q)) });
  });
}

async function goldChecks(b: Built, datasets: string[]) {
  const contracts = (await loadContractsOrThrow([`${ROOT}contracts`])).filter((c) => c.layer === 'gold' && datasets.includes(c.dataset));
  const refs: Record<string, Sql> = {};
  for (const d of ['orders', 'customers', 'products', 'inventory']) refs[d] = sql`conformed.${ident(d)}`;
  for (const m of b.models.filter((x) => !x.skipped)) refs[m.name] = sql`gold.${ident(m.name)}`;
  const results = [];
  for (const c of contracts) {
    results.push(...(await evaluateDatasetRules(b.engine, { dataset: c.dataset, layer: 'gold', relation: sql`gold.${ident(c.dataset)}`, contracts: [c], refs, asOf: AS_OF, withPropertyRules: true })));
  }
  return results;
}

describe('is_premium_customer', () => {
  it('follows the loyalty tier where the shop has tiers (premium.tiers, case-insensitive), not revenue', async () => {
    // C1 bronze (lifetime revenue 210 ≥ 150, but its tier decides), C2 'Gold', C3 no tier, C4 platinum, C5 gold (no order).
    await build(`UPDATE conformed.customers SET loyalty_tier = CASE customer_id WHEN 'C1' THEN 'bronze' WHEN 'C2' THEN 'Gold' WHEN 'C4' THEN 'platinum' WHEN 'C5' THEN 'gold' END`, [], async (b) => {
      expect(b.kpis.premium).toEqual({ rule: 'loyalty_tier', tiers: ['gold', 'platinum'], min_lifetime_revenue: 150, premium_customers: 3 });
      const lines = await b.rows('SELECT DISTINCT customer_id FROM gold.orders_enriched WHERE is_premium_customer ORDER BY 1');
      expect(lines.map((r) => r['customer_id'])).toEqual(['C2', 'C4']);
      const dim = await b.rows('SELECT customer_id, loyalty_tier, city, is_premium_customer FROM gold.dim_customers ORDER BY 1');
      expect(dim.map((r) => [r['customer_id'], r['loyalty_tier'], r['city'], r['is_premium_customer']])).toEqual([
        ['C1', 'bronze', 'Lyon', false], ['C2', 'Gold', 'Berlin', true], ['C3', null, 'Paris', false], ['C4', 'platinum', 'Austin', true], ['C5', 'gold', 'Austin', true],
      ]);
      expect(renderSalesReport(b.kpis)).toMatch(/Premium customers +3, by loyalty tier in gold, platinum \(premium\.tiers\)/);
    });
  });

  it('follows lifetime revenue when the shop has no customers file at all', async () => {
    await build('', ['customers'], async (b) => {
      expect(b.kpis.premium).toMatchObject({ rule: 'lifetime_revenue', premium_customers: 1 });
      const lines = await b.rows('SELECT DISTINCT customer_id FROM gold.orders_enriched WHERE is_premium_customer');
      expect(lines).toEqual([{ customer_id: 'C1' }]);
    });
  });
});

describe('the price paid on the order line', () => {
  it('values a line at its unit_price where it has one, at the catalogue price elsewhere', async () => {
    // O1 P1 ×2 paid 8 (catalogue 10): 16 instead of 20, margin 2 × (8 − 6) = 4 instead of 8.
    // O9 P4 ×2 paid 45 (catalogue 50): 90 instead of 100 (cost unknown: margin unknown).
    // Revenue 400 − 4 − 10 = 386; margin 95 − 4 = 91 over 250 − 4 = 246 of known-cost revenue.
    await build(`UPDATE conformed.orders SET unit_price = CASE WHEN order_id = 'O1' AND product_id = 'P1' THEN 8 WHEN order_id = 'O9' THEN 45 END`, [], async (b) => {
      expect(b.kpis.total_revenue).toBe(386);
      expect(b.kpis.total_margin).toBe(91);
      expect(b.kpis.margin_rate).toBe(0.3699);
      expect(b.kpis.price_sources).toEqual({ order_line: 2, promotion: 0, catalogue: 15, unknown: 0 });
      expect(b.kpis.top_products[0]).toEqual({ product_id: 'P4', revenue: 140 }); // 50 + 90
      const o1 = await b.rows("SELECT product_id, unit_price, price_source, amount FROM gold.fact_orders WHERE order_id = 'O1' ORDER BY line_number");
      expect(o1).toEqual([
        { product_id: 'P1', unit_price: 8, price_source: 'order_line', amount: 16 },
        { product_id: 'P3', unit_price: 5, price_source: 'catalogue', amount: 20 },
      ]);
      // The premium rule sees the price paid too: C1 = 36 + 50 + 20 + 90 = 196.
      expect(await b.rows("SELECT lifetime_revenue FROM gold.customer_premium WHERE customer_id = 'C1'")).toEqual([{ lifetime_revenue: 196 }]);
    });
  });

  it('without products: revenue from unit_price alone, lines without one unknown (not 0), category KPIs not available', async () => {
    // Only O1's lines carry a price: P1 ×2 at 10 + P3 ×4 at 5 = 40; the 15 other lines are unknown.
    await build(`UPDATE conformed.orders SET unit_price = CASE WHEN order_id = 'O1' THEN CASE product_id WHEN 'P1' THEN 10 ELSE 5 END END`, ['products'], async (b) => {
      expect(b.kpis.total_revenue).toBe(40);
      expect(b.kpis.price_sources).toEqual({ order_line: 2, promotion: 0, catalogue: 0, unknown: 15 });
      expect(b.kpis.total_margin).toBeNull(); // no cost anywhere
      expect(b.kpis.order_count).toBe(10);
      expect(b.kpis.revenue_by_category).toBeNull();
      expect(b.kpis.not_available).toMatchObject({ revenue_by_category: 'no products' });
      expect(b.models.find((m) => m.name === 'dim_products')?.skipped).toBe('no products');
      expect(renderSalesReport(b.kpis)).toMatch(/Revenue by category\n-+\n  not available \(no products\)/);
    });
  });

  it('without products and without unit_price: revenue is not available, never 0', async () => {
    await build('', ['products'], async (b) => {
      expect(b.kpis.total_revenue).toBeNull();
      expect(b.kpis.average_order_value).toBeNull();
      expect(b.kpis.not_available['total_revenue']).toBe('no unit_price on the order lines and no products');
      expect(b.kpis.order_count).toBe(10);
      expect(renderSalesReport(b.kpis)).toMatch(/Revenue +not available \(no unit_price on the order lines and no products\)/);
    });
  });
});

describe('guest orders (customer_id NULL, when the orders contract allows it)', () => {
  it('count in revenue and orders; CLV, RFM and cohorts leave them out and say how many', async () => {
    // O5 (C2, 40) and O8 (C3, 20) become guest orders: 2 orders, 2 lines, 60.
    await build(`UPDATE conformed.orders SET customer_id = NULL WHERE order_id IN ('O5', 'O8')`, [], async (b) => {
      expect(b.kpis.total_revenue).toBe(400);
      expect(b.kpis.order_count).toBe(10);
      expect(b.kpis.guests).toEqual({ orders: 2, order_lines: 2, revenue: 60, left_out_of: ['clv', 'rfm', 'cohorts'] });
      expect(b.kpis.customers_with_orders).toBe(4);
      // C2 keeps O2 (30), C3 keeps O4 (40): customer revenue 400 − 60 = 340.
      const rfm = await b.rows('SELECT customer_id, frequency, monetary FROM gold.rfm ORDER BY customer_id');
      expect(rfm).toEqual([
        { customer_id: 'C1', frequency: 4, monetary: 210 },
        { customer_id: 'C2', frequency: 1, monetary: 30 },
        { customer_id: 'C3', frequency: 1, monetary: 40 },
        { customer_id: 'C4', frequency: 2, monetary: 60 },
      ]);
      expect(b.kpis.clv.customers).toBe(4);
      expect(b.kpis.cohorts.reduce((n, c) => n + c.cohort_size, 0)).toBe(4);
      expect(await b.rows('SELECT COUNT(*) AS n FROM gold.orders_enriched WHERE is_guest AND NOT is_premium_customer')).toEqual([{ n: 2 }]);
      expect(renderSalesReport(b.kpis)).toContain('Guest orders left out: 2 (60.00 revenue).');
      // The gold contracts hold with guests: fact customer_id may be NULL, RFM and dim_customers reconcile with customer revenue.
      const failed = (await goldChecks(b, ['fact_orders', 'orders_enriched', 'rfm', 'dim_customers', 'customer_clv', 'cohorts', 'agg_daily_sales']))
        .filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.message ?? ''}`);
      expect(failed).toEqual([]);
    });
  });
});

describe('a line key (several lines of one product in one order)', () => {
  it('numbers the lines of an order deterministically, so the gold keys hold', async () => {
    // O1 gets a second P1 line (qty 1); the shop's line key tells the three lines apart.
    await build(`INSERT INTO conformed.orders SELECT order_id, customer_id, product_id, 1, order_date, unit_price, order_line_id, shipping_country FROM conformed.orders WHERE order_id = 'O1' AND product_id = 'P1';
      UPDATE conformed.orders SET order_line_id = CASE WHEN product_id = 'P3' THEN 'L1' WHEN quantity = 2 THEN 'L2' ELSE 'L3' END WHERE order_id = 'O1'`, [], async (b) => {
      const o1 = await b.rows("SELECT line_number, order_line_id, product_id, quantity FROM gold.fact_orders WHERE order_id = 'O1' ORDER BY line_number");
      expect(o1).toEqual([
        { line_number: 1, order_line_id: 'L1', product_id: 'P3', quantity: 4 },
        { line_number: 2, order_line_id: 'L2', product_id: 'P1', quantity: 2 },
        { line_number: 3, order_line_id: 'L3', product_id: 'P1', quantity: 1 },
      ]);
      expect(b.kpis.total_revenue).toBe(410);
      const keys = (await goldChecks(b, ['fact_orders', 'orders_enriched'])).filter((r) => r.id.endsWith('_key_unique'));
      expect(keys.map((r) => [r.id, r.status])).toEqual([['fact_orders.fact_orders_key_unique', 'passed'], ['orders_enriched.orders_enriched_key_unique', 'passed']]);
    });
  });
});

describe('absent sources: only orders', () => {
  it('skips the models that need customers, products or inventory; the KPIs say not available, never 0', async () => {
    await build(`UPDATE conformed.orders SET unit_price = 10`, ['customers', 'products', 'inventory'], async (b) => {
      const skipped = Object.fromEntries(b.models.filter((m) => m.skipped).map((m) => [m.name, m.skipped]));
      expect(skipped).toMatchObject({
        dim_customers: 'no customers', dim_products: 'no products', category_sales: 'no products',
        out_of_stock: 'no inventory', stock_rotation: 'no inventory', days_of_cover: 'no inventory', inventory_summary: 'no inventory', warehouse_summary: 'no inventory',
      });
      for (const built of ['orders_enriched', 'fact_orders', 'agg_daily_sales', 'rfm', 'customer_clv', 'product_stock']) expect(skipped[built], built).toBeUndefined();
      expect(b.kpis.total_revenue).toBe(280); // 28 units × 10
      expect(b.kpis.inventory).toEqual({
        not_available: 'no inventory', out_of_stock_products: null, stock_out_rate: null,
        out_of_stock: null, low_stock_alerts: null, stock_rotation: null, days_of_cover: null, by_warehouse: null,
      });
      expect(b.kpis.not_available).toEqual({
        conversion: 'no web_events', inventory: 'no inventory', promotions: 'no promotions', returns: 'no returns', revenue_by_category: 'no products',
        products_to_promote: 'no products', return_outliers: 'no returns', stockout_forecast: 'no inventory',
      });
      expect(await b.rows('SELECT COUNT(*) AS n, COUNT(low_stock) AS known FROM gold.orders_enriched')).toEqual([{ n: 17, known: 0 }]);
      const report = renderSalesReport(b.kpis);
      expect(report).toMatch(/Inventory\n-+\n  not available \(no inventory\)/);
      expect(report).not.toMatch(/Out-of-stock products/);
    });
  });
});
