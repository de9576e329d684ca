// Promotion pricing and promotion impact on a dedicated fixture (the KPI fixture's promotions cover no sold
// line, so that its catalogue-priced arithmetic stays as kpis.test.ts computes it).
//
// Products: P1 A 10/6 · P2 A 20/15 · P3 B 7.99/5. As-of 2024-01-20.
// Promotions: X1 category A 10 % 01-10..01-14 · X2 product P1 25 % 01-12..01-13 · X3 product P2 10 % 01-10..01-14
//             X4 product P3 15 % 01-11
// Lines (no unit_price unless stated):
//   O1 01-07 P1×2 catalogue 20 · O2 01-09 P2×1 catalogue 20
//   O3 01-10 P1×1 X1 → 9 · O4 01-12 P1×2 X1 10 % vs X2 25 % → X2, 7.50 → 15 · O4 01-12 P2×1 paid 19 (never discounted)
//   O5 01-11 P3×1 X4 → 7.99 × 0.85 = 6.7915 → 6.79 (cents) · O6 01-14 P2×2 X1 10 % = X3 10 % → X1 (smaller id), 18 → 36
//   O7 01-15 P1×1 catalogue 10
// Revenue 20 + 20 + 9 + 15 + 19 + 6.79 + 36 + 10 = 135.79.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import { loadContractsOrThrow } from '../../../src/contracts/index.ts';
import { modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { collectKpis, type Kpis } from '../../../src/kpi/collect-kpis.ts';
import { ident, sql, trusted, type Sql } from '../../../src/sql/sql.ts';
import { buildGold, type GoldModelResult } from '../../../src/stages/gold.ts';
import { FIXTURE_DIR } from '../../fixtures/kpi/load-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const AS_OF = '2024-01-20';
const config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');

const FIXTURE = `
CREATE SCHEMA conformed;
CREATE TABLE conformed.products AS SELECT product_id, name, category, brand, CAST(price AS DOUBLE) AS price, CAST(cost AS DOUBLE) AS cost FROM (VALUES
  ('P1', 'Widget', 'A', 'Acme', 10.0, 6.0), ('P2', 'Gadget', 'A', 'Acme', 20.0, 15.0), ('P3', 'Book', 'B', 'Globex', 7.99, 5.0)
) AS t(product_id, name, category, brand, price, cost);
CREATE TABLE conformed.promotions AS SELECT promotion_id, product_id, category, CAST(discount_pct AS DOUBLE) AS discount_pct, CAST(start_date AS DATE) AS start_date, CAST(end_date AS DATE) AS end_date FROM (VALUES
  ('X1', NULL, 'A', 10.0, '2024-01-10', '2024-01-14'), ('X2', 'P1', NULL, 25.0, '2024-01-12', '2024-01-13'),
  ('X3', 'P2', NULL, 10.0, '2024-01-10', '2024-01-14'), ('X4', 'P3', NULL, 15.0, '2024-01-11', '2024-01-11')
) AS t(promotion_id, product_id, category, discount_pct, start_date, end_date);
CREATE TABLE conformed.orders AS SELECT order_id, customer_id, product_id, CAST(quantity AS BIGINT) AS quantity, CAST(order_date AS TIMESTAMP) AS order_date,
  CAST(unit_price AS DOUBLE) AS unit_price, CAST(NULL AS VARCHAR) AS order_line_id, 'FR' AS shipping_country FROM (VALUES
  ('O1', 'C1', 'P1', 2, '2024-01-07 10:00:00', NULL), ('O2', 'C2', 'P2', 1, '2024-01-09 10:00:00', NULL),
  ('O3', 'C1', 'P1', 1, '2024-01-10 23:59:00', NULL), ('O4', 'C2', 'P1', 2, '2024-01-12 08:00:00', NULL),
  ('O4', 'C2', 'P2', 1, '2024-01-12 08:00:00', 19.0), ('O5', 'C1', 'P3', 1, '2024-01-11 12:00:00', NULL),
  ('O6', 'C3', 'P2', 2, '2024-01-14 18:00:00', NULL), ('O7', 'C3', 'P1', 1, '2024-01-15 09:00:00', NULL)
) AS t(order_id, customer_id, product_id, quantity, order_date, unit_price);
`;

interface Built { engine: Engine; kpis: Kpis; models: GoldModelResult[] }

async function build(available: string[], check: (b: Built) => Promise<void>): Promise<void> {
  await withEngine(async (engine) => {
    await engine.exec(trusted(FIXTURE));
    for (const d of ['products', 'promotions'].filter((x) => !available.includes(x))) await engine.exec(sql`DROP TABLE conformed.${ident(d)}`);
    const { models } = await buildGold(engine, { pipelineDir: `${ROOT}pipeline`, vars: modelVars(config, AS_OF), available, config });
    const skipped = Object.fromEntries(models.filter((m) => m.skipped).map((m) => [m.name, m.skipped!]));
    const kpis = await collectKpis(engine, { asOf: AS_OF, config, available, skipped });
    await check({ engine, kpis, models });
  });
}

describe('promotion pricing', () => {
  it('prices a line without a paid price at the catalogue price less the largest active discount', async () => {
    await build(['orders', 'products', 'promotions'], async ({ engine, kpis }) => {
      const lines = await engine.rows(trusted(`SELECT order_id, product_id, unit_price, price_source, promotion_id, CAST(amount AS DOUBLE) AS amount
        FROM gold.orders_enriched ORDER BY order_id, line_number`));
      expect(lines.map((l) => [l['order_id'], l['product_id'], l['unit_price'], l['price_source'], l['promotion_id'], l['amount']])).toEqual([
        ['O1', 'P1', 10, 'catalogue', null, 20],
        ['O2', 'P2', 20, 'catalogue', null, 20],
        ['O3', 'P1', 9, 'promotion', 'X1', 9],
        ['O4', 'P1', 7.5, 'promotion', 'X2', 15],
        ['O4', 'P2', 19, 'order_line', null, 19],
        ['O5', 'P3', 6.79, 'promotion', 'X4', 6.79],
        ['O6', 'P2', 18, 'promotion', 'X1', 36],
        ['O7', 'P1', 10, 'catalogue', null, 10],
      ]);
      expect(kpis.total_revenue).toBe(135.79);
      // customer_premium prices the lines by the same rule (RFM and dim_customers reconcile against it):
      // C1 20 + 9 + 6.79, C2 20 + 15 + 19, C3 36 + 10.
      const lifetime = await engine.rows(trusted('SELECT customer_id, CAST(lifetime_revenue AS DOUBLE) AS revenue FROM gold.customer_premium ORDER BY customer_id'));
      expect(lifetime.map((r) => [r['customer_id'], r['revenue']])).toEqual([['C1', 35.79], ['C2', 54], ['C3', 46]]);
      expect(kpis.price_sources).toEqual({ order_line: 1, promotion: 4, catalogue: 3, unknown: 0 });
    });
  });

  it('without promotions every unpaid line takes the catalogue price', async () => {
    await build(['orders', 'products'], async ({ kpis }) => {
      expect(kpis.price_sources).toEqual({ order_line: 1, promotion: 0, catalogue: 7, unknown: 0 });
      expect(kpis.total_revenue).toBe(20 + 20 + 10 + 20 + 19 + 7.99 + 40 + 10);
      expect(kpis.promotions).toEqual({ not_available: 'no promotions', impact: null });
    });
  });
});

describe('promotion impact', () => {
  it('compares revenue, units and margin during each promotion with the same number of days before it', async () => {
    await build(['orders', 'products', 'promotions'], async ({ engine, kpis, models }) => {
      if ('not_available' in kpis.promotions) throw new Error('promotions are present');
      const byId = Object.fromEntries(kpis.promotions.impact.map((x) => [x['promotion_id'], x]));
      // X1 category A, D = 5; baseline 01-05..01-09 clipped at the first order day 01-07 → 3 days.
      // During: O3 9 + O4 P1 15 + O4 P2 19 + O6 36 = 79, 6 units, margin 3 + 3 + 4 + 6 = 16.
      // Baseline: O1 20 + O2 20 = 40, 3 units, margin 8 + 5 = 13. Per day: 15.8 vs 13.33 → +18.5 %;
      // units 1.2 vs 1 → +20 %; margin 3.2 vs 4.33 → −26.15 %. X1 priced O3 and O6.
      expect(byId['X1']).toEqual({ promotion_id: 'X1', product_id: null, category: 'A', discount_pct: 10, start_date: '2024-01-10', end_date: '2024-01-14',
        during_days: 5, baseline_start: '2024-01-07', baseline_days: 3, revenue_during: 79, revenue_baseline: 40, revenue_lift_pct: 18.5,
        units_during: 6, units_baseline: 3, units_lift_pct: 20, margin_during: 16, margin_baseline: 13, margin_lift_pct: -26.15, promo_priced_lines: 2 });
      // X2 P1, D = 2; baseline 01-10..01-11: O3 9, 1 unit, margin 3. During O4 15, 2 units, margin 3 → +66.67 %, +100 %, 0 %.
      expect(byId['X2']).toMatchObject({ during_days: 2, baseline_start: '2024-01-10', baseline_days: 2, revenue_during: 15, revenue_baseline: 9, revenue_lift_pct: 66.67,
        units_lift_pct: 100, margin_during: 3, margin_baseline: 3, margin_lift_pct: 0, promo_priced_lines: 1 });
      // X3 P2, D = 5, baseline clipped to 3 days: O2 20 (1 unit, margin 5). During O4 19 + O6 36 = 55, 3 units, margin 10.
      // 11 vs 6.67/day → +65 %; units 0.6 vs 0.33 → +80 %; margin 2 vs 1.67 → +20 %. It priced no line (X1 won the tie).
      expect(byId['X3']).toMatchObject({ revenue_during: 55, revenue_baseline: 20, revenue_lift_pct: 65, units_lift_pct: 80, margin_lift_pct: 20, promo_priced_lines: 0 });
      // X4 P3 on 01-11 only; nothing sold the day before → lift null.
      expect(byId['X4']).toMatchObject({ during_days: 1, baseline_days: 1, revenue_during: 6.79, revenue_baseline: 0, revenue_lift_pct: null, margin_during: 1.79, promo_priced_lines: 1 });

      const contracts = (await loadContractsOrThrow([`${ROOT}contracts`])).filter((c) => c.layer === 'gold' && ['promotion_impact', 'orders_enriched'].includes(c.dataset));
      const refs: Record<string, Sql> = {};
      for (const m of models.filter((x) => !x.skipped)) refs[m.name] = sql`gold.${ident(m.name)}`;
      for (const c of contracts) {
        const results = await evaluateDatasetRules(engine, { dataset: c.dataset, layer: 'gold', relation: sql`gold.${ident(c.dataset)}`, contracts: [c], refs, asOf: AS_OF, withPropertyRules: true });
        expect(results.filter((r) => r.status === 'failed').map((r) => r.id), c.dataset).toEqual([]);
      }
    });
  });
});
