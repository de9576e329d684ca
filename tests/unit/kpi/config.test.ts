import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig, modelVars, parsePipelineConfig } from '../../../src/config.ts';
import { EtlError } from '../../../src/errors.ts';

const PIPELINE_DIR = new URL('../../../pipeline/', import.meta.url).pathname;

function configError(text: string): EtlError {
  try {
    parsePipelineConfig(text, 'config.yaml');
  } catch (e) {
    if (e instanceof EtlError) return e;
    throw e;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('pipeline config', () => {
  it('loads the shipped pipeline/config.yaml', async () => {
    const c = await loadPipelineConfig(PIPELINE_DIR);
    expect(c.anomalies).toEqual({ window_days: 56, z_threshold: 4.5, min_history_days: 28, season_weeks: 8, level_shift_days: 7, level_shift_z: 6 });
    expect(c.clv).toEqual({ lifespan_months: 12, min_tenure_months: 6, predictive_horizon_days: 365, min_repeat_customers: 20 });
    expect(c.forecast).toEqual({ method: 'auto', season_days: 7, horizons: [7, 30, 90], backtest_days: 28, backtest_origins: 6, backtest_step_days: 14 });
    expect(c.forecast.horizons).toEqual([7, 30, 90]);
    expect(c.publish.lake['orders_enriched']?.partition_by).toEqual(['year', 'month']);
    expect(c.publish.warehouse).toEqual([{ table: 'fact_orders', partition_by: ['year', 'month'] }, 'dim_customers', 'dim_products', 'dim_date', 'agg_daily_sales', 'agg_monthly_sales']);
    expect(modelVars(c, '2024-03-10')).toEqual({
      as_of: '2024-03-10', premium_min_revenue: 1000, premium_tiers: ['gold', 'platinum'], low_stock_threshold: 10, cover_window_days: 28,
      clv_lifespan_months: 12, clv_min_tenure_months: 6, basket_min_pair_orders: 2, basket_top_pairs: 20,
      fraud_z_threshold: 3.5, fraud_new_account_days: 7, fraud_first_basket_factor: 3, return_outlier_z_threshold: 3.5, return_outlier_min_sold_units: 5,
      reco_min_pair_orders: 2, reco_min_confidence: 0.05, reco_min_lift: 1, reco_top_n: 5,
      promote_min_margin_rate: 0.3, promote_min_stock: 1, promote_recent_days: 28, promote_slow_quantile: 0.25,
      stockout_window_days: 28, stockout_lead_time_days: 7, stockout_target_cover_days: 28,
    });
  });

  it('reports a wrong type as CONFIG_INVALID at the line of the value', async () => {
    const text = (await readFile(`${PIPELINE_DIR}config.yaml`, 'utf8')).replace('z_threshold: 4.5', 'z_threshold: high');
    const line = text.split('\n').findIndex((l) => l.includes('z_threshold: high')) + 1;
    const e = configError(text);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^anomalies\.z_threshold: /);
    expect(e.location).toEqual({ file: 'config.yaml', line, col: 16 });
  });

  it('reads export entries as a table name or {table, order_by} and refuses a bad order', async () => {
    const c = await loadPipelineConfig(PIPELINE_DIR);
    expect(c.publish.exports).toContain('top_products');
    expect(c.publish.exports).toContainEqual({ table: 'category_sales', order_by: ['revenue desc', 'category'] });
    const e = configError((await readFile(`${PIPELINE_DIR}config.yaml`, 'utf8')).replace('order_by: [revenue desc, category]', 'order_by: [revenue sideways]'));
    expect(e.message).toMatch(/^publish\.exports\.\d+/);
  });

  it('reports a missing section at its parent and an unknown key', () => {
    expect(configError('premium: { min_lifetime_revenue: 1 }\n').message).toMatch(/^low_stock: /);
    const e = configError('premium: { min_lifetime_revenue: 1, typo: 2 }\n');
    expect(e.message).toContain('typo');
    expect(e.location?.line).toBe(1);
  });

  it('reads premium tiers (default gold, platinum) and refuses an empty tier name at its line', async () => {
    const text = await readFile(`${PIPELINE_DIR}config.yaml`, 'utf8');
    expect(modelVars(parsePipelineConfig(text.replace('tiers: [gold, platinum]', 'tiers: [Gold, VIP]'), 'config.yaml'), '2024-03-10')['premium_tiers']).toEqual(['gold', 'vip']);
    const bad = text.replace('tiers: [gold, platinum]', "tiers: [gold, '']");
    const e = configError(bad);
    expect(e.message).toMatch(/^premium\.tiers\.1: /);
    expect(e.location?.line).toBe(bad.split('\n').findIndex((l) => l.includes("tiers: [gold, '']")) + 1);
  });

  it('reports invalid YAML with its line', () => {
    const e = configError('premium:\n  min_lifetime_revenue: [1\n');
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^invalid YAML/);
    expect(e.location?.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses min_history_days above window_days', async () => {
    const text = (await readFile(`${PIPELINE_DIR}config.yaml`, 'utf8')).replace('min_history_days: 28', 'min_history_days: 80');
    expect(configError(text).message).toMatch(/^anomalies\.min_history_days: min_history_days must be ≤ window_days/);
  });
});
