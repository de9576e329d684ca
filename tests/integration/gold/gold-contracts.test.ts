// The gold contracts (contracts/gold/*.yaml) evaluated by the checks engine on the fixture's gold
// tables: every rule holds; a broken reconciliation fails.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import { loadContractsOrThrow, type Contract } from '../../../src/contracts/index.ts';
import { modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { Engine } from '../../../src/engine/engine.ts';
import { ident, sql, trusted, type Sql } from '../../../src/sql/sql.ts';
import { buildGold } from '../../../src/stages/gold.ts';
import { AS_OF, FIXTURE_DIR, loadKpiFixture } from '../../fixtures/kpi/load-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
let engine: Engine;
let contracts: Contract[];
const refs: Record<string, Sql> = {};

beforeAll(async () => {
  engine = await Engine.open();
  const available = await loadKpiFixture(engine);
  const config = parsePipelineConfig(readFileSync(`${FIXTURE_DIR}config.yaml`, 'utf8'), 'config.yaml');
  const { models } = await buildGold(engine, { pipelineDir: `${ROOT}pipeline`, vars: modelVars(config, AS_OF), available, config });
  // Reconciliations against silver datasets resolve to the fixture's conformed tables here.
  for (const d of available) refs[d] = sql`conformed.${ident(d)}`;
  for (const m of models) refs[m.name] = sql`gold.${ident(m.name)}`;
  contracts = (await loadContractsOrThrow([`${ROOT}contracts`])).filter((c) => c.layer === 'gold');
});
afterAll(() => engine.close());

async function evaluate(c: Contract) {
  return evaluateDatasetRules(engine, { dataset: c.dataset, layer: 'gold', relation: sql`gold.${ident(c.dataset)}`, contracts: [c], refs, asOf: AS_OF });
}

describe('gold contracts', () => {
  it('exist for the warehouse and the core aggregates, as layer gold', () => {
    const datasets = contracts.map((c) => c.dataset).sort();
    for (const d of ['fact_orders', 'dim_customers', 'dim_products', 'dim_date', 'agg_daily_sales', 'agg_monthly_sales', 'orders_enriched', 'top_products', 'customer_clv', 'rfm', 'cohorts']) {
      expect(datasets).toContain(d);
    }
    expect(contracts.every((c) => c.layer === 'gold')).toBe(true);
  });

  it('all hold on the fixture', async () => {
    const results = [];
    for (const c of contracts) results.push(...(await evaluate(c)));
    const notPassed = results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.message ?? ''} value=${r.value}`);
    expect(notPassed).toEqual([]);
    // Keys, non-empty and reconciliations are all among them (result ids are <dataset>.<rule id>).
    const ids = results.map((r) => r.id);
    expect(ids).toContain('agg_daily_sales.agg_daily_sales_revenue_matches_fact');
    expect(ids).toContain('agg_daily_sales.agg_daily_sales_revenue_matches_monthly');
    expect(ids).toContain('cohorts.cohort_sizes_sum_to_customers_with_orders');
    expect(ids).toContain('rfm.rfm_covers_customers_with_orders');
    expect(ids).toContain('fact_orders.fact_orders_key_unique');
  });

  it('a broken reconciliation or a duplicate key fails', async () => {
    await engine.exec(trusted("UPDATE gold.agg_daily_sales SET revenue = revenue + 0.02 WHERE order_date = DATE '2024-01-05'"));
    await engine.exec(trusted("INSERT INTO gold.rfm SELECT * FROM gold.rfm WHERE customer_id = 'C1'"));
    const daily = await evaluate(contracts.find((c) => c.dataset === 'agg_daily_sales')!);
    expect(daily.find((r) => r.id === 'agg_daily_sales.agg_daily_sales_revenue_matches_fact')).toMatchObject({ status: 'failed', value: expect.closeTo(0.02, 9) });
    const rfm = await evaluate(contracts.find((c) => c.dataset === 'rfm')!);
    expect(rfm.filter((r) => r.status === 'failed').map((r) => r.id).sort()).toEqual(['rfm.rfm_covers_customers_with_orders', 'rfm.rfm_key_unique', 'rfm.rfm_monetary_matches_fact']);
  });
});
