// The seed's extensions on the tiny KPI fixture (tests/fixtures/kpi; base arithmetic in kpis.test.ts), as-of 2024-03-10.
// Orders: amount O1 40 · O2 30 · O3 50 · O4 40 · O5 40 · O6 35 · O7 20 · O8 20 · O9 100 · O10 25
//         units  O1 6  · O2 2  · O3 1  · O4 5  · O5 2  · O6 3  · O7 3  · O8 1  · O9 2   · O10 3
// Scored on the log scale: ln(amount) median ln(37.417) = 3.6221 (between ln 35 and ln 40), |x − m| sorted
// 0.0668 ×4, 0.2209, 0.2899, 0.4032, 0.6264 ×2, 0.9831 → MAD 0.2554, scale 0.3787. ln(units) median ln(√6) = 0.8959,
// |x − m| 0.2027 ×6, 0.7136, 0.8959 ×3 → MAD 0.2027, scale 0.3005.
// O9 amount z = (ln 100 − 3.6221) / 0.3787 = 2.60; O1 units z = (ln 6 − 0.8959) / 0.3005 = 2.98; O4 (ln 5) 2.37.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import { loadContractsOrThrow } from '../../../src/contracts/index.ts';
import { modelVars, parsePipelineConfig, type PipelineConfig } from '../../../src/config.ts';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { collectKpis, type Kpis } from '../../../src/kpi/collect-kpis.ts';
import { renderKpiDashboard } from '../../../src/report/kpi-dashboard.ts';
import { ident, sql, trusted, type Sql } from '../../../src/sql/sql.ts';
import { buildGold, type GoldModelResult } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture, OPTIONAL } from '../../fixtures/kpi/load-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BASE = readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8');
const EXTENSIONS = ['suspicious_orders', 'return_outliers', 'product_recommendations', 'products_to_promote', 'stockout_forecast'];

interface Built { engine: Engine; kpis: Kpis; models: GoldModelResult[]; config: PipelineConfig }

async function build(extraConfig: string, absent: string[], check: (b: Built) => Promise<void>): Promise<void> {
  const config = parsePipelineConfig(`${BASE}\n${extraConfig}`, 'config.yaml');
  await withEngine(async (engine) => {
    const loaded = await loadKpiFixture(engine, OPTIONAL);
    for (const d of absent) await engine.exec(sql`DROP TABLE conformed.${ident(d)}`);
    const available = loaded.filter((d) => !absent.includes(d));
    const { models } = await buildGold(engine, { pipelineDir: `${ROOT}pipeline`, vars: modelVars(config, AS_OF), available, config });
    const skipped = Object.fromEntries(models.filter((m) => m.skipped).map((m) => [m.name, m.skipped!]));
    const kpis = await collectKpis(engine, { asOf: AS_OF, config, available, skipped });
    await check({ engine, kpis, models, config });
  });
}

async function failedGoldChecks(b: Built): Promise<string[]> {
  const contracts = (await loadContractsOrThrow([`${ROOT}contracts`])).filter((c) => c.layer === 'gold' && EXTENSIONS.includes(c.dataset));
  const refs: Record<string, Sql> = {};
  for (const m of b.models.filter((x) => !x.skipped)) refs[m.name] = sql`gold.${ident(m.name)}`;
  const failed: string[] = [];
  for (const c of contracts) {
    if (!refs[c.dataset]) continue;
    const results = await evaluateDatasetRules(b.engine, { dataset: c.dataset, layer: 'gold', relation: sql`gold.${ident(c.dataset)}`, contracts: [c], refs, asOf: AS_OF, withPropertyRules: true });
    failed.push(...results.filter((r) => r.status === 'failed').map((r) => r.id));
  }
  return failed;
}

describe('suspicious orders', () => {
  it('flags nothing in the fixture at the shipped threshold (z 3.5 on the log scale)', async () => {
    await build('', [], async (b) => {
      expect(b.kpis.suspicious_orders).toEqual({ z_threshold: 3.5, new_account_days: 7, first_basket_factor: 3, count: 0, orders: [] });
    });
  });

  it('flags amount and quantity outliers and a new account with a large first basket, with the reasons', async () => {
    // z 2.5: O9 amount (2.60), O1 units (2.98); O4 (2.37) is not; O3 and O8 (1 unit) are small, never flagged.
    // New account within 10 days: C4's first order O6 (02-10, registered 02-01: 9 days), 35 >= 0.9 × 37.5 = 33.75.
    // C2's first order O2 is 11 days after registration: not new.
    await build('fraud: { z_threshold: 2.5, new_account_days: 10, first_basket_factor: 0.9 }', [], async (b) => {
      expect(b.kpis.suspicious_orders).toEqual({ z_threshold: 2.5, new_account_days: 10, first_basket_factor: 0.9, count: 3, orders: [
        { order_id: 'O1', customer_id: 'C1', order_date: '2024-01-05', amount: 40, units: 6, amount_z: 0.18, units_z: 2.98, days_since_registration: 35, reasons: 'quantity_outlier' },
        { order_id: 'O6', customer_id: 'C4', order_date: '2024-02-10', amount: 35, units: 3, amount_z: -0.18, units_z: 0.67, days_since_registration: 9, reasons: 'new_account_large_first_basket' },
        { order_id: 'O9', customer_id: 'C1', order_date: '2024-03-05', amount: 100, units: 2, amount_z: 2.6, units_z: -0.67, days_since_registration: 95, reasons: 'amount_outlier' },
      ] });
      expect(await failedGoldChecks(b)).toEqual([]);
    });
  });

  it('without customers (no registration date) the new-account rule does not apply', async () => {
    await build('fraud: { z_threshold: 2.5, new_account_days: 10, first_basket_factor: 0.9 }', ['customers'], async (b) => {
      if ('not_available' in b.kpis.suspicious_orders) throw new Error('built without customers');
      expect(b.kpis.suspicious_orders.orders.map((o) => [o['order_id'], o['days_since_registration']])).toEqual([['O1', null], ['O9', null]]);
    });
  });
});

describe('abnormal returns', () => {
  it('flags products and customers that return far more lines than the shop (binomial z)', async () => {
    // Lines: P1 6, P2 4, P3 5, P4 2 = 17; return records R1 (O1 P3), R2 (O9 P4) → p = 2/17 = 0.1176 for both kinds.
    // P3 (10 units): (1 − 5 × 0.1176) / sqrt(5 × 0.1176 × 0.8824) = 0.4118 / 0.7204 = 0.57; P1, P2: no return; P4 (3 units < 5): left out.
    // C1 (12 units, 6 lines, R1 and R2): (2 − 6 × 0.1176) / sqrt(6 × 0.1176 × 0.8824) = 1.2941 / 0.7892 = 1.64; C2 (4 units) left out.
    await build('return_outliers: { z_threshold: 0.5, min_sold_units: 5 }', [], async (b) => {
      expect(b.kpis.return_outliers).toEqual({ z_threshold: 0.5, min_sold_units: 5,
        products: [{ product_id: 'P3', sold_units: 10, returned_units: 2, return_rate: 0.2, sold_lines: 5, returned_lines: 1, expected_line_rate: 0.1176, z: 0.57,
          reason: 'returned 2 of 10 units (20.0 %); 1 of 5 lines vs 0.6 expected at the overall 11.8 %' }],
        customers: [{ customer_id: 'C1', sold_units: 12, returned_units: 3, return_rate: 0.25, sold_lines: 6, returned_lines: 2, expected_line_rate: 0.1176, z: 1.64,
          reason: 'returned 3 of 12 units (25.0 %); 2 of 6 lines vs 0.7 expected at the overall 11.8 %' }] });
      expect(await failedGoldChecks(b)).toEqual([]);
    });
    // z 1: C1 only.
    await build('return_outliers: { z_threshold: 1, min_sold_units: 5 }', [], async (b) => {
      expect(b.kpis.return_outliers).toMatchObject({ products: [], customers: [{ customer_id: 'C1' }] });
    });
  });

  it('nothing is abnormal at the shipped threshold, and it is not available without returns', async () => {
    await build('', [], async (b) => expect(b.kpis.return_outliers).toMatchObject({ products: [], customers: [] }));
    await build('', ['returns'], async (b) => {
      expect(b.kpis.return_outliers).toEqual({ not_available: 'no returns', products: null, customers: null });
      expect(b.kpis.not_available['return_outliers']).toBe('no returns');
    });
  });
});

describe('bought together', () => {
  it('recommends per product with support, confidence and lift, top N', async () => {
    // Orders with P1 6, P2 4, P3 5 of 10. {P1,P3} 5 orders: P1→P3 conf 5/6, P3→P1 5/5, lift 0.5/(0.6 × 0.5) = 1.6667.
    // {P1,P2} 2 orders: lift 0.2/(0.6 × 0.4) = 0.8333 < 1 (dropped at min_lift 1). {P2,P3} 1 order < 2.
    await build('', [], async (b) => {
      if ('not_available' in b.kpis.recommendations) throw new Error('built');
      expect(b.kpis.recommendations.items).toEqual([
        { product_id: 'P1', rank: 1, recommended_product_id: 'P3', pair_orders: 5, support: 0.5, confidence: 0.8333, lift: 1.6667 },
        { product_id: 'P3', rank: 1, recommended_product_id: 'P1', pair_orders: 5, support: 0.5, confidence: 1, lift: 1.6667 },
      ]);
      expect(b.kpis.recommendations.products).toBe(2);
      expect(await failedGoldChecks(b)).toEqual([]);
    });
    // min_lift 0, top 1: P1 keeps P3 (0.8333 beats P2's 0.3333); P2 gets P1 (2/4).
    await build('recommendations: { min_pair_orders: 2, min_confidence: 0.1, min_lift: 0, top_n: 1 }', [], async (b) => {
      if ('not_available' in b.kpis.recommendations) throw new Error('built');
      expect(b.kpis.recommendations.items.map((i) => [i['product_id'], i['recommended_product_id'], i['confidence']])).toEqual([['P1', 'P3', 0.8333], ['P2', 'P1', 0.5], ['P3', 'P1', 1]]);
    });
  });
});

describe('products to promote', () => {
  // Margin rate: P1 0.4, P2 0.25, P3 0.6, P4 unknown cost, P5 0.3. Stock: P1 8, P2 0, P3 30, P4 12, P5 4.
  // Units in the 28 days to 03-10 (02-12..03-10): P1 3, P2 1, P3 3, P4 2, P5 0.
  it('high margin, in stock, slow recent sales', async () => {
    // Quantile 0.25 of [0, 1, 2, 3, 3] = 1 → slow: P2 (margin 0.25, stock 0) and P5 (0.3, 4) → P5 only.
    await build('', [], async (b) => {
      expect(b.kpis.products_to_promote).toEqual({ min_margin_rate: 0.3, min_stock: 1, recent_days: 28, slow_quantile: 0.25, products: [
        { rank: 1, product_id: 'P5', product_name: 'Chair', category: 'C', price: 100, cost: 70, margin_rate: 0.3, current_stock: 4, recent_units: 0, slow_max_units: 1 },
      ] });
      expect(await failedGoldChecks(b)).toEqual([]);
    });
    // Quantile 1 → every product is "slow": P3 (0.6), P1 (0.4), P5 (0.3); P2 out of stock, P4 cost unknown.
    await build('promote: { min_margin_rate: 0.3, min_stock: 1, recent_days: 28, slow_quantile: 1 }', [], async (b) => {
      if ('not_available' in b.kpis.products_to_promote) throw new Error('built');
      expect(b.kpis.products_to_promote.products.map((p) => [p['rank'], p['product_id']])).toEqual([[1, 'P3'], [2, 'P1'], [3, 'P5']]);
    });
  });

  it('is not available without inventory', async () => {
    await build('', ['inventory'], async (b) => {
      expect(b.kpis.products_to_promote).toEqual({ not_available: 'no inventory', products: null });
      expect(b.kpis.stockout_forecast).toEqual({ not_available: 'no inventory', items: null });
    });
  });
});

describe('stock-out forecast', () => {
  it('days until stock-out per product and warehouse at the recent rate, with reorders', async () => {
    // Rate = units in 02-12..03-10 / 28, split over the product's warehouses:
    // P1 3/28/2 = 0.0536: W1 5 → 93.33 days, W2 3 → 56 days. P2 1/28/2: both at 0 → 0 days, reorder ceil(0.0179 × 35) = 1.
    // P3 3/28/2: W1 30 → 560 days, W2 0 → reorder ceil(0.0536 × 35 = 1.875) = 2. P4 2/28/2 = 0.0357: W1 0 → reorder ceil(1.25) = 2,
    // W2 12 → 336 days. P5 did not sell: days unknown, no reorder.
    await build('', [], async (b) => {
      if ('not_available' in b.kpis.stockout_forecast) throw new Error('built');
      expect(b.kpis.stockout_forecast.items.map((i) => [i['product_id'], i['warehouse_id'], i['stock'], i['days_until_stockout'], i['stockout_date'], i['reorder'], i['reorder_quantity']])).toEqual([
        ['P2', 'W1', 0, 0, '2024-03-10', true, 1],
        ['P2', 'W2', 0, 0, '2024-03-10', true, 1],
        ['P3', 'W2', 0, 0, '2024-03-10', true, 2],
        ['P4', 'W1', 0, 0, '2024-03-10', true, 2],
        ['P1', 'W2', 3, 56, '2024-05-05', false, 0],
        ['P1', 'W1', 5, 93.33, '2024-06-11', false, 0],
        ['P4', 'W2', 12, 336, '2025-02-09', false, 0],
        ['P3', 'W1', 30, 560, '2025-09-21', false, 0],
        ['P5', 'W1', 4, null, null, false, 0],
      ]);
      expect(b.kpis.stockout_forecast.reorder_count).toBe(4);
      expect(b.kpis.stockout_forecast.items[0]!['daily_rate']).toBe(0.0179);
      expect(await failedGoldChecks(b)).toEqual([]);
    });
  });
});

describe('dashboard', () => {
  it('has a section per extension, and says not available without the source', async () => {
    await build('', [], async (b) => {
      const text = renderKpiDashboard(b.kpis);
      for (const title of ['Suspicious orders', 'Abnormal returns', 'Bought together', 'Products to promote', 'Stock-out forecast']) expect(text).toContain(title);
      expect(text).toMatch(/P2 +W1 +0 .* 2024-03-10 +1\n/);
    });
    await build('', ['inventory', 'returns'], async (b) => {
      const text = renderKpiDashboard(b.kpis);
      expect(text).toMatch(/Stock-out forecast[^\n]*\n-+\n  not available \(no inventory\)/);
      expect(text).toMatch(/Abnormal returns[^\n]*\n-+\n  not available \(no returns\)/);
    });
  });
});
