// Every KPI of the tiny fixture (tests/fixtures/kpi) against values computed by hand.
//
// Products: P1 price 10 cost 6 (A) · P2 20/15 (A) · P3 5/2 (B) · P4 50/unknown (B) · P5 100/70 (C, never sold)
// Orders (as-of 2024-03-10), amount = quantity × price:
//   O1  C1 01-05  P1×2=20  P3×4=20   → 40   margin 2×4 + 4×3 = 20
//   O2  C2 01-12  P2×1=20  P1×1=10   → 30   margin 5 + 4 = 9
//   O3  C1 01-20  P4×1=50            → 50   margin unknown
//   O4  C3 01-25  P1×3=30  P3×2=10   → 40   margin 12 + 6 = 18
//   O5  C2 02-03  P2×2=40            → 40   margin 10
//   O6  C4 02-10  P1 10  P2 20  P3 5 → 35   margin 4 + 5 + 3 = 12
//   O7  C1 02-14  P3×2=10  P1×1=10   → 20   margin 6 + 4 = 10
//   O8  C3 03-01  P2×1=20            → 20   margin 5
//   O9  C1 03-05  P4×2=100           → 100  margin unknown
//   O10 C4 03-08  P1×2=20  P3×1=5    → 25   margin 8 + 3 = 11
// Revenue 400 over 10 orders (17 lines, 28 units); margin 95 over the 250 of revenue with a known cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineConfig, modelVars, type PipelineConfig } from '../../../src/config.ts';
import { Engine, type Row } from '../../../src/engine/engine.ts';
import { collectKpis, type Kpis } from '../../../src/kpi/collect-kpis.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { buildGold } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture } from '../../fixtures/kpi/load-fixture.ts';
import { readFileSync } from 'node:fs';

const PIPELINE_DIR = new URL('../../../pipeline/', import.meta.url).pathname;

let engine: Engine;
let config: PipelineConfig;
let kpis: Kpis;
const rows = (q: string): Promise<Row[]> => engine.rows(trusted(q));

beforeAll(async () => {
  engine = await Engine.open();
  const available = await loadKpiFixture(engine);
  config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');
  await buildGold(engine, { pipelineDir: PIPELINE_DIR, vars: modelVars(config, AS_OF), available, config });
  kpis = await collectKpis(engine, { asOf: AS_OF, config, available });
});
afterAll(() => engine.close());

describe('sales KPIs', () => {
  it('revenue, orders, AOV, margin and margin rate', () => {
    expect(kpis.total_revenue).toBe(400);
    expect(kpis.order_count).toBe(10);
    expect(kpis.order_lines).toBe(17);
    expect(kpis.units_sold).toBe(28);
    expect(kpis.average_order_value).toBe(40); // 400 / 10
    expect(kpis.total_margin).toBe(95); // 20+9+18+10+12+10+5+11
    expect(kpis.margin_rate).toBe(0.38); // 95 / (400 − 150 of P4, whose cost is unknown)
    expect(kpis.lines_with_unknown_cost).toBe(2); // O3 and O9
    expect(kpis.customers_with_orders).toBe(4);
    expect(kpis.period).toEqual({ first_order_date: '2024-01-05', last_order_date: '2024-03-08', days: 64 }); // 27 + 29 + 8
    expect(kpis.price_sources).toEqual({ order_line: 0, promotion: 0, catalogue: 17, unknown: 0 });
    expect(kpis.guests).toEqual({ orders: 0, order_lines: 0, revenue: 0, left_out_of: ['clv', 'rfm', 'cohorts'] });
    expect(kpis.not_available).toEqual({});
  });

  it('revenue and orders per month and ISO week', () => {
    // Jan: O1..O4 = 40+30+50+40 = 160; Feb: O5..O7 = 40+35+20 = 95; Mar: O8..O10 = 20+100+25 = 145.
    expect(kpis.sales_monthly.map((m) => [m['month'], m['revenue'], m['order_count'], m['aov']])).toEqual([
      [1, 160, 4, 40],
      [2, 95, 3, 31.67],
      [3, 145, 3, 48.33],
    ]);
    // Jan margin 20 + 9 + 18 = 47 over 160 − 50 = 110 of known-cost revenue → 0.4273
    expect(kpis.sales_monthly[0]!['margin_rate']).toBe(0.4273);
    // ISO week 2024-W10 (Mar 4–10): O9 100 + O10 25 = 125, 2 orders; W08 has no order (absent).
    expect(kpis.sales_weekly.map((w) => w['iso_week'])).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    expect(kpis.sales_weekly.at(-1)).toMatchObject({ iso_year: 2024, iso_week: 10, week_start: '2024-03-04', revenue: 125, order_count: 2, aov: 62.5 });
    // Observed days 01-05 … 03-10 (as-of, a Sunday): the first week (01-01..01-07: 3 days) and the first and
    // last months (27 of 31 days, 10 of 31) are partial; the last week 03-04..03-10 is complete.
    expect(kpis.sales_weekly[0]).toMatchObject({ iso_week: 1, days: 3, period_days: 7, partial: true });
    expect(kpis.sales_weekly.at(-1)).toMatchObject({ days: 7, partial: false });
    expect(kpis.sales_monthly.map((m) => [m['month'], m['days'], m['period_days'], m['partial']])).toEqual([[1, 27, 31, true], [2, 29, 29, false], [3, 10, 31, true]]);
    // Week over week: W10 (125, 2 orders) vs W09 (20, 1 order); month over month needs two complete months (January is partial).
    expect(kpis.period_comparison.week).toEqual({
      current: { start: '2024-03-04', end: '2024-03-10', revenue: 125, order_count: 2 },
      previous: { start: '2024-02-26', end: '2024-03-03', revenue: 20, order_count: 1 },
      revenue_change_pct: 525,
      orders_change_pct: 100,
    });
    expect(kpis.period_comparison.month).toBeNull();
  });

  it('revenue and orders per day, with 0 on days without orders', () => {
    expect(kpis.sales_daily).toHaveLength(64);
    expect(kpis.sales_daily[0]).toMatchObject({ date: '2024-01-05', revenue: 40, order_count: 1, aov: 40 });
    expect(kpis.sales_daily[1]).toMatchObject({ date: '2024-01-06', revenue: 0, order_count: 0, aov: null });
    expect(kpis.sales_daily.reduce((s, d) => s + Number(d['revenue']), 0)).toBe(400);
  });

  it('revenue by category', () => {
    // A = P1 100 + P2 100 = 200 (margin 40 + 25 = 65, rate 65/200); B = P3 50 + P4 150 = 200 (margin 30 over 50).
    // Orders with an A line: O1 O2 O4 O5 O6 O7 O8 O10 = 8; with a B line: O1 O3 O4 O6 O7 O9 O10 = 7.
    expect(kpis.revenue_by_category).toEqual([
      { category: 'A', revenue: 200, margin: 65, margin_rate: 0.325, units: 15, order_count: 8, revenue_share: 0.5 },
      { category: 'B', revenue: 200, margin: 30, margin_rate: 0.6, units: 13, order_count: 7, revenue_share: 0.5 },
    ]);
  });

  it('top products by revenue, by units and by margin', () => {
    // P1: 10 units → 100, margin 40 · P2: 5 → 100, 25 · P3: 10 → 50, 30 · P4: 3 → 150, unknown.
    expect(kpis.top_products).toEqual([
      { product_id: 'P4', revenue: 150 },
      { product_id: 'P1', revenue: 100 }, // tie with P2, broken by product_id
      { product_id: 'P2', revenue: 100 },
      { product_id: 'P3', revenue: 50 },
    ]);
    expect(kpis.top_products_by_units.map((p) => [p.product_id, p.units])).toEqual([['P1', 10], ['P3', 10], ['P2', 5], ['P4', 3]]);
    expect(kpis.most_profitable_products.map((p) => [p.product_id, p.margin])).toEqual([['P1', 40], ['P3', 30], ['P2', 25], ['P4', null]]);
  });

  it('flags premium customers (no loyalty tiers: lifetime revenue >= 150) and low stock on the order lines', async () => {
    // C1: 40 + 50 + 20 + 100 = 210 ≥ 150; C2 70, C3 60, C4 60.
    expect(kpis.premium).toEqual({ rule: 'lifetime_revenue', tiers: ['gold', 'platinum'], min_lifetime_revenue: 150, premium_customers: 1 });
    const premium = await rows('SELECT DISTINCT customer_id FROM gold.orders_enriched WHERE is_premium_customer ORDER BY 1');
    expect(premium.map((r) => r['customer_id'])).toEqual(['C1']);
    // Current stock ≤ 10: P1 (8), P2 (0); P3 30, P4 12.
    const low = await rows('SELECT DISTINCT product_id FROM gold.orders_enriched WHERE low_stock ORDER BY 1');
    expect(low.map((r) => r['product_id'])).toEqual(['P1', 'P2']);
    const parts = await rows('SELECT year, month, COUNT(*) AS n FROM gold.orders_enriched GROUP BY ALL ORDER BY ALL');
    expect(parts).toEqual([{ year: 2024, month: '01', n: 7 }, { year: 2024, month: '02', n: 6 }, { year: 2024, month: '03', n: 4 }]);
  });
});

describe('customer KPIs', () => {
  it('CLV = AOV × orders per month × 12 months, tenure floored at clv.min_tenure_months (6)', async () => {
    // tenure = days from first order to 2024-03-10 inclusive / 30.4375, at least 6 months: every fixture
    // customer is younger (C1, the oldest, has 66 days), so frequency = orders / 6 and CLV = AOV × orders / 6 × 12
    // = 2 × revenue: C1 420, C2 140, C3 120, C4 120. (Without the floor C4, 30 days old, was extrapolated.)
    const clv = await rows('SELECT customer_id, tenure_months, clv FROM gold.customer_clv ORDER BY customer_id');
    expect(clv.map((r) => [r['customer_id'], r['tenure_months'], Number(r['clv'])])).toEqual([['C1', 6, 420], ['C2', 6, 140], ['C3', 6, 120], ['C4', 6, 120]]);
    // 4 repeat customers: too few to fit the predictive models (clv.min_repeat_customers 20), so the ranking falls back to the seed CLV.
    expect(kpis.clv.predictive).toMatchObject({ not_available: '4 customers with a repeat purchase, fewer than clv.min_repeat_customers (20)', horizon_days: 365 });
    expect(kpis.clv.top_customers[0]).toEqual({
      rank: 1, customer_id: 'C1', order_count: 4, revenue: 210, aov: 52.5, purchase_frequency: 0.67, clv: 420,
      predictive_clv: null, p_alive: null, expected_purchases: null, expected_purchase_value: null,
    });
    expect(kpis.clv.top_customers.map((c) => c.customer_id)).toEqual(['C1', 'C2', 'C3', 'C4']);
  });

  it('CLV distribution: quantiles and buckets', () => {
    // Sorted: 120, 120, 140, 420 (mean 200). Continuous quantiles at position q × 3:
    // median = (120 + 140) / 2 = 130; p75 = 140 + 0.25 × 280 = 210; p90 = 140 + 0.7 × 280 = 336.
    expect(kpis.clv.quantiles).toEqual({ mean: 200, min: 120, p10: 120, p25: 120, median: 130, p75: 210, p90: 336, max: 420 });
    // Buckets: 100–250: C2, C3, C4; 250–500: C1.
    expect(kpis.clv.buckets.filter((b) => b['customers']! > 0).map((b) => [b['lower_bound'], b['customers'], b['customer_share']])).toEqual([
      [100, 3, 0.75],
      [250, 1, 0.25],
    ]);
  });

  it('RFM scores by cume_dist quintiles (ties share a score) and the DESIGN.md segments', async () => {
    // recency: C1 5 days (03-05), C2 36 (02-03), C3 9 (03-01), C4 2 (03-08); frequency 4, 2, 2, 2; monetary 210, 70, 60, 60.
    // R = 6 − ceil(5 × cume_dist(recency)): C4 2/4 → 6 − ceil(1.25) = 4; C1 → 6 − ceil(2.5) = 3; C3 → 6 − ceil(3.75) = 2; C2 → 1.
    // F: the three customers with 2 orders share cume_dist 3/4 → ceil(3.75) = 4; C1 → 5.
    // M: 60 (C3, C4) 2/4 → 3; 70 (C2) 3/4 → 4; 210 (C1) → 5.
    // C1 R3 F5 M5 → Loyal Customers (not Champions: R < 5); C2 R1 F4 → At Risk; C3 R2 F4 → At Risk; C4 R4 F4 → Loyal Customers.
    const rfm = await rows('SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment FROM gold.rfm ORDER BY customer_id');
    expect(rfm).toEqual([
      { customer_id: 'C1', recency_days: 5, frequency: 4, monetary: 210, r_score: 3, f_score: 5, m_score: 5, segment: 'Loyal Customers' },
      { customer_id: 'C2', recency_days: 36, frequency: 2, monetary: 70, r_score: 1, f_score: 4, m_score: 4, segment: 'At Risk' },
      { customer_id: 'C3', recency_days: 9, frequency: 2, monetary: 60, r_score: 2, f_score: 4, m_score: 3, segment: 'At Risk' },
      { customer_id: 'C4', recency_days: 2, frequency: 2, monetary: 60, r_score: 4, f_score: 4, m_score: 3, segment: 'Loyal Customers' },
    ]);
    expect(kpis.rfm.segments.map((s) => [s.segment, s.customers, s.revenue])).toEqual([
      ['Champions', 0, 0],
      ['Loyal Customers', 2, 270],
      ['At Risk', 2, 130],
      ['Lost', 0, 0],
      ['Others', 0, 0],
    ]);
  });

  it('monthly cohorts and the retention matrix', () => {
    // Cohorts: Jan = C1, C2, C3; Feb = C4. Active: Feb = C1, C2, C4; Mar = C1, C3, C4.
    // Jan cohort: M+0 3/3, M+1 {C1, C2} 2/3, M+2 {C1, C3} 2/3. Feb cohort: M+0 1/1, M+1 {C4} 1/1.
    expect(kpis.cohorts).toEqual([
      { cohort_month: '2024-01-01', cohort_size: 3, retention: [1, 0.6667, 0.6667] },
      { cohort_month: '2024-02-01', cohort_size: 1, retention: [1, 1] },
    ]);
  });
});

describe('inventory KPIs (counts per warehouse over time)', () => {
  // Latest count of each warehouse at or before as-of 2024-03-10, summed:
  //   P1 W1 5 (03-01) + W2 3 (03-02) = 8 · P2 W1 0 + W2 0 = 0 · P3 W1 30 + W2 0 (03-10 18:00, same day) = 30
  //   P4 W1 0 + W2 12 = 12 (at 0 in one warehouse, not out of stock) · P5 W1 4 (its 03-20 count is after as-of)
  it('current stock = Σ over warehouses of the latest count at or before as-of', async () => {
    const stock = await rows('SELECT product_id, current_stock, warehouses, warehouses_at_zero FROM gold.product_stock ORDER BY product_id');
    expect(stock.map((r) => [r['product_id'], r['current_stock'], r['warehouses'], r['warehouses_at_zero']])).toEqual([
      ['P1', 8, 2, 0], ['P2', 0, 2, 2], ['P3', 30, 2, 1], ['P4', 12, 2, 1], ['P5', 4, 1, 0],
    ]);
    const dims = await rows('SELECT product_id, brand, current_stock, low_stock FROM gold.dim_products ORDER BY product_id');
    expect(dims.map((r) => [r['product_id'], r['brand'], r['current_stock'], r['low_stock']])).toEqual([
      ['P1', 'Acme', 8, true], ['P2', 'Acme', 0, true], ['P3', 'Globex', 30, false], ['P4', 'Globex', 12, false], ['P5', 'Wonka', 4, true],
    ]);
  });

  it('out of stock, stock-out rate over the period, low-stock alerts', () => {
    if ('not_available' in kpis.inventory) throw new Error('inventory is present');
    expect(kpis.inventory.out_of_stock_products).toBe(1);
    expect(kpis.inventory.out_of_stock.map((p) => p['product_id'])).toEqual(['P2']);
    // Stock at the end of each day a product was counted, in the period 2024-01-05 … 2024-03-10:
    //   P1 02-01 20, 03-01 5, 03-02 8 (its 2023-12-20 count of 50 is before the period)
    //   P2 02-01 5, 02-15 5 + 2 = 7, 03-01 0 + 2 = 2, 03-05 0 · P3 02-01 0, 03-01 30, 03-10 30 · P4 03-01 12 · P5 03-01 4
    // 12 product-days, 2 at 0 (P2 03-05, P3 02-01) → 2 / 12
    expect(kpis.inventory.period).toEqual({ start: '2024-01-05', end: '2024-03-10' });
    expect([kpis.inventory.product_days, kpis.inventory.product_days_out_of_stock, kpis.inventory.stock_out_rate]).toEqual([12, 2, 0.1667]);
    expect([kpis.inventory.products_tracked, kpis.inventory.warehouses, kpis.inventory.units_in_stock]).toEqual([5, 2, 54]);
    expect(kpis.inventory.low_stock_alerts.map((a) => [a['product_id'], a['current_stock'], a['level']])).toEqual([
      ['P2', 0, 'out_of_stock'],
      ['P5', 4, 'low'],
      ['P1', 8, 'low'],
    ]);
  });

  it('per warehouse: latest counts now, stock-out rate over its counts in the period', () => {
    if ('not_available' in kpis.inventory) throw new Error('inventory is present');
    // W1 now: P1 5, P2 0, P3 30, P4 0, P5 4 → 5 products, 39 units, 2 at 0; counts in the period: P1 ×2, P2 ×2,
    //   P3 ×2, P4, P5 = 8, at 0: P2 03-01, P3 02-01, P4 03-01 → 3/8.
    // W2 now: P1 3, P2 0, P3 0, P4 12 → 4 products, 15 units, 2 at 0; counts: P1, P2 ×2, P3, P4 = 5, at 0: 2 → 2/5.
    expect(kpis.inventory.by_warehouse).toEqual([
      { warehouse_id: 'W1', products: 5, units_in_stock: 39, products_at_zero: 2, last_count_at: '2024-03-01T08:00:00', counts_in_period: 8, zero_counts_in_period: 3, stock_out_rate: 0.375 },
      { warehouse_id: 'W2', products: 4, units_in_stock: 15, products_at_zero: 2, last_count_at: '2024-03-10T18:00:00', counts_in_period: 5, zero_counts_in_period: 2, stock_out_rate: 0.4 },
    ]);
  });

  it('stock rotation = units sold in the period / average stock over the period\'s counts', () => {
    if ('not_available' in kpis.inventory) throw new Error('inventory is present');
    // P2 5 / avg(5, 7, 2, 0) = 5 / 3.5 = 1.43 · P1 10 / avg(20, 5, 8) = 10 / 11 = 0.91 · P3 10 / avg(0, 30, 30) = 0.5
    // P4 3 / 12 = 0.25 · P5 0 / 4 = 0
    expect(kpis.inventory.stock_rotation.map((r) => [r['product_id'], r['avg_stock'], r['count_days'], r['rotation']])).toEqual([
      ['P2', 3.5, 4, 1.43], ['P1', 11, 3, 0.91], ['P3', 20, 3, 0.5], ['P4', 12, 1, 0.25], ['P5', 4, 1, 0],
    ]);
  });

  it('days of cover = current stock / average daily units over the last 28 days', () => {
    if ('not_available' in kpis.inventory) throw new Error('inventory is present');
    // Window 02-12..03-10: P1 1 (O7) + 2 (O10) = 3 → 8 / (3/28) = 74.67; P2 1 (O8) → 0 / … = 0;
    // P3 2 (O7) + 1 (O10) = 3 → 30 × 28 / 3 = 280; P4 2 (O9) → 12 × 28 / 2 = 168; P5 nothing sold → null.
    expect(kpis.inventory.days_of_cover.map((r) => [r['product_id'], r['units_in_window'], r['days_of_cover']])).toEqual([
      ['P2', 1, 0],
      ['P1', 3, 74.67],
      ['P4', 2, 168],
      ['P3', 3, 280],
      ['P5', 0, null],
    ]);
  });
});

describe('returns, conversion, promotions, basket', () => {
  it('return rate overall, per product and per category', () => {
    // R1: 2 × P3, R2: 1 × P4 → 3 returned / 28 sold = 0.1071; P3 2/10, P4 1/3; B 3/13, A 0/15.
    expect(kpis.returns).toMatchObject({ sold_units: 28, returned_units: 3, return_rate: 0.1071 });
    if ('not_available' in kpis.returns) throw new Error('returns are present');
    expect(kpis.returns.by_product.map((p) => [p['product_id'], p['return_rate']])).toEqual([['P4', 0.3333], ['P3', 0.2], ['P1', 0], ['P2', 0]]);
    expect(kpis.returns.by_category.map((c) => [c['category'], c['return_rate']])).toEqual([['B', 0.2308], ['A', 0]]);
  });

  it('conversion = sessions with a purchase / sessions, per day', () => {
    // 03-01: S1 (purchase), S2 → 1/2; 03-05: S3 (purchase), S4, S5 → 1/3; overall 2/5.
    expect(kpis.conversion).toEqual({
      sessions: 5,
      purchase_sessions: 2,
      conversion_rate: 0.4,
      daily: [
        { date: '2024-03-01', sessions: 2, purchase_sessions: 1, conversion_rate: 0.5 },
        { date: '2024-03-05', sessions: 3, purchase_sessions: 1, conversion_rate: 0.3333 },
      ],
    });
  });

  it('promotion impact: revenue, units and margin during vs the same number of days before', () => {
    if ('not_available' in kpis.promotions) throw new Error('promotions are present');
    const [pr1, pr2] = kpis.promotions.impact;
    // PR1 category A, 01-26..02-02 (D = 8, no A line sold). Baseline 01-18..01-25: O4 P1×3 = 30, 3 units, margin 12.
    // Per day 0 vs 30/8 → −100 % for revenue, units and margin.
    expect(pr1).toEqual({ promotion_id: 'PR1', product_id: null, category: 'A', discount_pct: 10, start_date: '2024-01-26', end_date: '2024-02-02',
      during_days: 8, baseline_start: '2024-01-18', baseline_days: 8, revenue_during: 0, revenue_baseline: 30, revenue_lift_pct: -100,
      units_during: 0, units_baseline: 3, units_lift_pct: -100, margin_during: 0, margin_baseline: 12, margin_lift_pct: -100, promo_priced_lines: 0 });
    // PR2 product P4, 03-08..03-12, observed 03-08..03-10 (D = 3). Baseline 03-05..03-07: O9 P4×2 = 100, 2 units,
    // margin unknown (P4 has no cost) → margin baseline and its lift are null.
    expect(pr2).toMatchObject({ promotion_id: 'PR2', during_days: 3, baseline_start: '2024-03-05', baseline_days: 3, revenue_during: 0, revenue_baseline: 100,
      revenue_lift_pct: -100, units_during: 0, units_baseline: 2, margin_during: 0, margin_baseline: null, margin_lift_pct: null });
  });

  it('market basket: support, confidence, lift of pairs in >= 2 orders', () => {
    // Orders with P1: 6, P2: 4, P3: 5 of 10. {P1,P3}: O1 O4 O6 O7 O10 = 5; {P1,P2}: O2 O6 = 2; {P2,P3}: O6 = 1 (< 2, dropped).
    // {P1,P3}: support 5/10, conf P1→P3 5/6, P3→P1 5/5, lift 0.5 / (0.6 × 0.5) = 1.6667
    // {P1,P2}: support 2/10, conf 2/6 and 2/4, lift 0.2 / (0.6 × 0.4) = 0.8333
    expect(kpis.market_basket.pairs).toEqual([
      { rank: 1, product_a: 'P1', product_b: 'P3', pair_orders: 5, support: 0.5, confidence_a_to_b: 0.8333, confidence_b_to_a: 1, lift: 1.6667 },
      { rank: 2, product_a: 'P1', product_b: 'P2', pair_orders: 2, support: 0.2, confidence_a_to_b: 0.3333, confidence_b_to_a: 0.5, lift: 0.8333 },
    ]);
  });
});

describe('forecast and anomalies on the fixture', () => {
  it('forecasts 7, 30 and 90 days with seasonal naive (forecast.method in the fixture config), both models backtested', () => {
    if ('not_available' in kpis.forecast) throw new Error('forecast expected');
    expect(kpis.forecast).toMatchObject({ method: 'seasonal_naive', selection: 'configured', season_days: 7, parameters: null });
    // Last week 03-02..03-08 = [0, 0, 0, 100, 0, 0, 25] → 7 days 125; 30 days = 4 weeks (500) + [0, 0];
    // 90 days = 12 weeks (1500) + [0, 0, 0, 100, 0, 0] = 1600.
    expect(kpis.forecast.horizons.map((h) => [h.days, h.revenue])).toEqual([[7, 125], [30, 500], [90, 1600]]);
    expect(kpis.forecast.daily[3]).toMatchObject({ date: '2024-03-12', revenue: 100 });
    // 64 days of history: one backtest origin has the 28 days Holt-Winters needs (day 36 = 02-10), both models use it.
    // Seasonal naive held out 02-10..03-08, forecast from the week 02-03..02-09 = [40, 0, 0, 0, 0, 0, 0]:
    //   errors 02-10 |35 − 40| = 5, 02-14 20, 02-17 40, 02-24 40, 03-01 20, 03-02 40, 03-05 100, 03-08 25 → MAE 290 / 28 = 10.36;
    //   MAPE over the days with sales: (5/35 + 1 + 1 + 1 + 1) / 5 = 82.86 %.
    const sn = kpis.forecast.backtest.models.find((m) => m.model === 'seasonal_naive')!;
    expect(sn).toMatchObject({ chosen: true, origins: 1, points: 28, mae: 10.36, mape_pct: 82.86 });
    const hw = kpis.forecast.backtest.models.find((m) => m.model === 'holt_winters')!;
    expect(hw).toMatchObject({ chosen: false, origins: 1, points: 28 });
    // Seasonal naive σ² = mean squared weekly difference; intervals widen with every started week.
    const [d1, , , , , , , d8] = kpis.forecast.daily;
    expect(d8!.upper_80! - d8!.revenue!).toBeGreaterThan(d1!.upper_80! - d1!.revenue!);
    for (const h of kpis.forecast.horizons) {
      expect(h.lower_95!).toBeLessThanOrEqual(h.lower_80!);
      expect(h.upper_80!).toBeLessThanOrEqual(h.upper_95!);
    }
  });

  it('stores the forecast in gold.revenue_forecast', async () => {
    expect(await rows('SELECT COUNT(*) AS n, MIN(forecast_date) AS first, MAX(forecast_date) AS last FROM gold.revenue_forecast')).toEqual([{ n: 90, first: '2024-03-09', last: '2024-06-06' }]);
  });
});
