// The customer KPIs of kpis.json: RFM (the definitions in pipeline/README.md) and both CLVs (the seed's formula with
// a tenure floor, and the predictive BG/NBD + Gamma-Gamma CLV), read from their gold tables.
import type { PipelineConfig } from '../config.ts';
import type { Engine, Row } from '../engine/engine.ts';
import { sql, trusted } from '../sql/sql.ts';
import { int, money, num, ratio, str } from './round.ts';

export const RFM_SEGMENTS = ['Champions', 'Loyal Customers', 'At Risk', 'Lost', 'Others'] as const;

export const RFM_RULES = [
  'recency = days from the last order to as-of, frequency = distinct orders, monetary = revenue',
  'scores 1–5 by quintile, ties sharing a score: F = ceil(5 × cume_dist over frequency), M likewise over monetary, R = 6 − ceil(5 × cume_dist over recency) (5 = most recent)',
  'segments, the first rule that matches:',
  'Champions: R = 5 and F = 5 and M = 5',
  'At Risk: R <= 2 and F >= 4',
  'Loyal Customers: F >= 4',
  'Lost: R = 1 and F = 1',
  'Others: everyone else',
];

export function clvFormula(config: PipelineConfig): string {
  return 'CLV = AOV × purchase frequency × lifespan; AOV = revenue / orders (currency per order); ' +
    `purchase frequency = orders / tenure months (orders per month, tenure = days from first order to as-of inclusive / 30.4375, at least clv.min_tenure_months = ${config.clv.min_tenure_months}); ` +
    `lifespan = clv.lifespan_months = ${config.clv.lifespan_months} (months). CLV is in currency units.`;
}

export function predictiveClvDefinition(config: PipelineConfig): string {
  return `predictive CLV = expected purchases over the next ${config.clv.predictive_horizon_days} days (BG/NBD, given the customer's repeat purchases, recency and age) ` +
    '× expected value of a purchase (Gamma-Gamma, the customer\'s mean repeat purchase shrunk towards the population mean), in currency, undiscounted; ' +
    'both models are fitted by maximum likelihood on every customer\'s summary (a purchase = a day with orders, times in weeks); ' +
    'P(alive) = the BG/NBD probability that the customer is still active at as-of';
}

export type RfmSegment = { segment: string; customers: number; customer_share: number | null; revenue: number | null; avg_recency_days: number | null; avg_frequency: number | null };

export async function collectRfmSegments(engine: Engine): Promise<RfmSegment[]> {
  const rows = await engine.rows(trusted('SELECT segment, customers, customer_share, revenue, avg_recency_days, avg_frequency FROM gold.rfm_segments ORDER BY segment_order'));
  return rows.map((r) => ({
    segment: String(r['segment']), customers: int(r['customers']), customer_share: ratio(r['customer_share']), revenue: money(r['revenue']),
    avg_recency_days: num(r['avg_recency_days']), avg_frequency: num(r['avg_frequency']),
  }));
}

export interface CustomerValue {
  rank: number;
  customer_id: string | null;
  order_count: number;
  revenue: number | null;
  aov: number | null;
  purchase_frequency: number | null;
  clv: number | null;
  predictive_clv: number | null;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_purchase_value: number | null;
}

export type PredictiveClv =
  | { not_available: string; definition: string; horizon_days: number }
  | {
      definition: string;
      horizon_days: number;
      customers: number;
      repeat_customers: number;
      bg_nbd: { r: number; alpha: number; a: number; b: number; log_likelihood: number | null; unit: string };
      gamma_gamma: { p: number; q: number; v: number; log_likelihood: number | null };
      total_predictive_clv: number | null;
      mean_p_alive: number | null;
    };

/** Rounds a fitted parameter to 4 significant decimals (they are estimates, not money). */
const param = (v: unknown): number => Number(Number(v).toPrecision(6));

export async function collectPredictiveClv(engine: Engine, config: PipelineConfig, hasTable: (t: string) => boolean): Promise<PredictiveClv> {
  const definition = predictiveClvDefinition(config);
  const horizon_days = config.clv.predictive_horizon_days;
  if (!hasTable('customer_predictive_clv')) return { not_available: 'no customer summary', definition, horizon_days };
  const [reason] = await engine.rows(trusted('SELECT MIN(not_available) AS r, COUNT(*) AS n FROM gold.customer_predictive_clv'));
  if (reason?.['r'] !== null && reason?.['r'] !== undefined) return { not_available: String(reason['r']), definition, horizon_days };
  if (int(reason?.['n']) === 0) return { not_available: 'no customers with orders', definition, horizon_days };
  const fit = await engine.rows(trusted('SELECT model, parameter, value, log_likelihood, customers, unit FROM gold.clv_model_fit ORDER BY model, parameter'));
  const p = (model: string, name: string): Row | undefined => fit.find((f) => f['model'] === model && f['parameter'] === name);
  const bg = (name: string) => param(p('bg_nbd', name)?.['value']);
  const gg = (name: string) => param(p('gamma_gamma', name)?.['value']);
  const [agg] = await engine.rows(trusted('SELECT SUM(predictive_clv) AS total, AVG(p_alive) AS alive FROM gold.customer_predictive_clv'));
  return {
    definition,
    horizon_days,
    customers: int(p('bg_nbd', 'r')?.['customers']),
    repeat_customers: int(p('gamma_gamma', 'p')?.['customers']),
    bg_nbd: { r: bg('r'), alpha: bg('alpha'), a: bg('a'), b: bg('b'), log_likelihood: num(p('bg_nbd', 'r')?.['log_likelihood']), unit: String(p('bg_nbd', 'r')?.['unit'] ?? 'weeks') },
    gamma_gamma: { p: gg('p'), q: gg('q'), v: gg('v'), log_likelihood: num(p('gamma_gamma', 'p')?.['log_likelihood']) },
    total_predictive_clv: money(agg?.['total']),
    mean_p_alive: ratio(agg?.['alive']),
  };
}

/** The top `limit` customers by predictive CLV (by the seed's CLV when the models are not available), both measures side by side. */
export async function collectTopCustomers(engine: Engine, hasTable: (t: string) => boolean, limit = 10): Promise<CustomerValue[]> {
  const query = hasTable('customer_predictive_clv')
    ? sql`SELECT predictive_rank AS rank, customer_id, order_count, revenue, aov, purchase_frequency, clv, predictive_clv, p_alive, expected_purchases, expected_purchase_value
       FROM gold.customer_predictive_clv WHERE predictive_rank <= ${limit} ORDER BY predictive_rank`
    : sql`SELECT ROW_NUMBER() OVER (ORDER BY clv DESC, customer_id) AS rank, customer_id, order_count, revenue, aov, purchase_frequency, clv, NULL AS predictive_clv, NULL AS p_alive,
         NULL AS expected_purchases, NULL AS expected_purchase_value FROM gold.customer_clv ORDER BY clv DESC, customer_id LIMIT ${limit}`;
  const rows = await engine.rows(query);
  return rows.map((r) => ({
    rank: int(r['rank']), customer_id: str(r['customer_id']), order_count: int(r['order_count']), revenue: money(r['revenue']),
    aov: money(r['aov']), purchase_frequency: num(r['purchase_frequency']), clv: money(r['clv']),
    predictive_clv: money(r['predictive_clv']), p_alive: ratio(r['p_alive']), expected_purchases: num(r['expected_purchases']), expected_purchase_value: money(r['expected_purchase_value']),
  }));
}
