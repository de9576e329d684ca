// Predictive CLV: BG/NBD (expected purchases over the horizon, probability of being alive) and
// Gamma-Gamma (expected value of a purchase), fitted by maximum likelihood on gold.customer_summary.
// Only small results cross into JS: the summaries grouped by (x, t_x, T) and the repeat customers'
// (x, mean value) with their counts. The per-customer table is built back in DuckDB by a join.
//   gold.clv_model_fit             one row per model parameter (+ log-likelihood, customers, status)
//   gold.clv_bgnbd_predictions     per distinct (x, t_x_days, t_observed_days): p_alive, expected_purchases
//   gold.customer_predictive_clv   one row per customer: both CLVs, ranked by predictive CLV
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { sql, trusted, type Sql } from '../sql/sql.ts';
import { bgnbdExpectedPurchases, bgnbdProbabilityAlive, fitBgNbd, type BgNbdParams, type PurchaseSummary } from './bgnbd.ts';
import { fitGammaGamma, type GammaGammaParams, type SpendSummary } from './gamma-gamma.ts';
import { writeSmallTable } from './write-table.ts';

export interface PredictiveClvFit {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

/** Why the models cannot be fitted on these summaries, or null when they can. */
export function unavailableReason(customers: number, repeatCustomers: number, minRepeat: number): string | null {
  if (customers === 0) return 'no customers with orders';
  if (repeatCustomers < minRepeat) return `${repeatCustomers} customers with a repeat purchase, fewer than clv.min_repeat_customers (${minRepeat})`;
  return null;
}

/**
 * The models are fitted on at most this many customers: beyond, on a deterministic sample (a hash of
 * customer_id), whose maximum likelihood estimates are as good for ranking (standard errors of a few
 * percent) while the fit stays a few seconds whatever the shop's size. Predictions cover every customer.
 */
export const MAX_FIT_CUSTOMERS = 5_000;

export async function buildPredictiveClv(engine: Engine, config: PipelineConfig): Promise<{ name: string; rows: number }[]> {
  const total = Number(await engine.scalar(trusted('SELECT COUNT(*) FROM gold.customer_summary')));
  const every = Math.max(1, Math.ceil(total / MAX_FIT_CUSTOMERS));
  const inSample = every === 1 ? sql`TRUE` : sql`hash(customer_id) % ${every} = 0`;
  const groupQuery = (where: Sql) => sql`
    SELECT x, t_x_days, t_observed_days, COUNT(*) AS n FROM gold.customer_summary WHERE ${where}
    GROUP BY x, t_x_days, t_observed_days ORDER BY x, t_x_days, t_observed_days`;
  const summaries: (PurchaseSummary & { txDays: number; tDays: number })[] = (await engine.rows(groupQuery(sql`TRUE`))).map((g) => ({
    x: Number(g['x']), tx: Number(g['t_x_days']) / 7, T: Number(g['t_observed_days']) / 7, count: Number(g['n']),
    txDays: Number(g['t_x_days']), tDays: Number(g['t_observed_days']),
  }));
  const fitGroups = every === 1 ? summaries : (await engine.rows(groupQuery(inSample))).map((g) => ({
    x: Number(g['x']), tx: Number(g['t_x_days']) / 7, T: Number(g['t_observed_days']) / 7, count: Number(g['n']),
  }));
  const spendRows = await engine.rows(sql`
    SELECT x, monetary_value AS m, COUNT(*) AS n FROM gold.customer_summary
    WHERE x > 0 AND monetary_value > 0 AND ${inSample}
    GROUP BY x, monetary_value ORDER BY x, monetary_value`);
  const spend: SpendSummary[] = spendRows.flatMap((r) => Array.from({ length: Number(r['n']) }, () => ({ x: Number(r['x']), m: Number(r['m']) })));
  const customers = fitGroups.reduce((s, g) => s + (g.count ?? 1), 0);
  const { predictive_horizon_days: horizonDays, min_repeat_customers: minRepeat } = config.clv;

  let reason = unavailableReason(customers, spend.length, minRepeat);
  const fitRows: (string | number | boolean | null)[][] = [];
  let predictions: (number | null)[][] = [];
  let gg: GammaGammaParams | null = null;
  if (reason === null) {
    const b = fitBgNbd(fitGroups);
    const g = fitGammaGamma(spend);
    for (const [k, v] of Object.entries(b.params)) fitRows.push(['bg_nbd', k, v, b.logLikelihood, b.customers, b.converged, 'weeks']);
    for (const [k, v] of Object.entries(g.params)) fitRows.push(['gamma_gamma', k, v, g.logLikelihood, g.customers, g.converged, 'currency']);
    if (!(g.params.q > 1)) reason = `Gamma-Gamma q = ${g.params.q.toFixed(3)} ≤ 1: the expected purchase value is undefined`;
    else {
      gg = g.params;
      const horizonWeeks = horizonDays / 7;
      predictions = summaries.map((s) => [s.x, s.txDays, s.tDays, bgnbdProbabilityAlive(b.params, s), bgnbdExpectedPurchases(b.params, s, horizonWeeks)]);
    }
  }
  const built: { name: string; rows: number }[] = [];
  built.push({
    name: 'clv_model_fit',
    rows: await writeSmallTable(engine, 'gold', 'clv_model_fit', [
      { name: 'model', type: 'VARCHAR' },
      { name: 'parameter', type: 'VARCHAR' },
      { name: 'value', type: 'DOUBLE' },
      { name: 'log_likelihood', type: 'DOUBLE' },
      { name: 'customers', type: 'BIGINT' },
      { name: 'converged', type: 'BOOLEAN' },
      { name: 'unit', type: 'VARCHAR' },
    ], fitRows),
  });
  built.push({
    name: 'clv_bgnbd_predictions',
    rows: await writeSmallTable(engine, 'gold', 'clv_bgnbd_predictions', [
      { name: 'x', type: 'BIGINT' },
      { name: 't_x_days', type: 'BIGINT' },
      { name: 't_observed_days', type: 'BIGINT' },
      { name: 'p_alive', type: 'DOUBLE' },
      { name: 'expected_purchases', type: 'DOUBLE' },
    ], predictions),
  });
  // Predictive CLV = E[purchases over the horizon] × E[value of a purchase]; undiscounted, in currency.
  const p = gg?.p ?? null;
  const q = gg?.q ?? null;
  const v = gg?.v ?? null;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gold.customer_predictive_clv AS
    WITH j AS (
      SELECT s.customer_id, s.x, s.t_x, s.t_observed, s.monetary_value, c.order_count, c.revenue, c.aov, c.purchase_frequency, c.clv,
        pr.p_alive, pr.expected_purchases,
        CAST(${p} AS DOUBLE) * (CAST(${v} AS DOUBLE) + s.x * s.monetary_value) / (CAST(${p} AS DOUBLE) * s.x + CAST(${q} AS DOUBLE) - 1) AS expected_purchase_value
      FROM gold.customer_summary AS s
      JOIN gold.customer_clv AS c ON c.customer_id = s.customer_id
      LEFT JOIN gold.clv_bgnbd_predictions AS pr
        ON pr.x = s.x AND pr.t_x_days = s.t_x_days AND pr.t_observed_days = s.t_observed_days
    )
    SELECT
      CAST(ROW_NUMBER() OVER (ORDER BY expected_purchases * expected_purchase_value DESC NULLS LAST, clv DESC, customer_id) AS BIGINT) AS predictive_rank,
      customer_id, order_count, revenue, aov, purchase_frequency, clv, x, t_x, t_observed, monetary_value,
      p_alive, expected_purchases, expected_purchase_value,
      expected_purchases * expected_purchase_value AS predictive_clv,
      CAST(${horizonDays} AS BIGINT) AS horizon_days,
      CAST(${reason} AS VARCHAR) AS not_available
    FROM j`);
  built.push({ name: 'customer_predictive_clv', rows: Number(await engine.scalar(trusted('SELECT COUNT(*) FROM gold.customer_predictive_clv'))) });
  return built;
}
