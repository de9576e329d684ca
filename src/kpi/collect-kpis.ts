// Reads every KPI from the gold tables into one plain, rounded, sorted object: the single result
// model that kpis.json, sales_report.txt, kpis_dashboard.txt and alerts.json are renderings of.
// KPIs whose source is absent (every source but orders is optional) carry `not_available: "no <source>"`
// and null values, never zeros; `not_available` at the top lists them all.
import type { PipelineConfig } from '../config.ts';
import type { Engine, Row } from '../engine/engine.ts';
import { trusted } from '../sql/sql.ts';
import { collectExtensions, type ExtensionKpis } from './collect-extensions.ts';
import { clvFormula, collectPredictiveClv, collectRfmSegments, collectTopCustomers, RFM_RULES, type CustomerValue, type PredictiveClv, type RfmSegment } from './collect-customer-kpis.ts';
import { collectAnomalies, collectForecast, type AnomalyKpis, type ForecastKpis } from './collect-series-kpis.ts';
import { comparePeriods, withCoverage, type PeriodRow } from './periods.ts';
import { int, money, num, pct, ratio, str } from './round.ts';

export const KPIS_SCHEMA_VERSION = 1;

export interface ProductRank {
  rank: number;
  product_id: string;
  product_name: string | null;
  category: string | null;
  revenue: number | null;
  units: number;
  margin: number | null;
}

export interface NotAvailable {
  not_available: string;
}

export interface InventoryKpis {
  /** Products whose current stock (Σ over warehouses of each one's latest count at or before as-of) is 0. */
  out_of_stock_products: number;
  products_tracked: number;
  warehouses: number;
  units_in_stock: number;
  low_stock_products: number;
  last_count_at: string | null;
  period: { start: string | null; end: string | null };
  product_days: number;
  product_days_out_of_stock: number;
  stock_out_rate: number | null;
  low_stock_threshold: number;
  cover_window_days: number;
  out_of_stock: Record<string, number | string | null>[];
  low_stock_alerts: Record<string, number | string | null>[];
  stock_rotation: Record<string, number | string | null>[];
  days_of_cover: Record<string, number | string | null>[];
  by_warehouse: Record<string, number | string | null>[];
}

export interface Kpis extends ExtensionKpis {
  schemaVersion: number;
  as_of: string;
  /** Every KPI that could not be computed, with the reason ("no inventory"); its value is null. */
  not_available: Record<string, string>;
  period: { first_order_date: string | null; last_order_date: string | null; days: number };
  total_revenue: number | null;
  total_margin: number | null;
  margin_rate: number | null;
  order_count: number;
  order_lines: number;
  units_sold: number;
  customers_with_orders: number;
  average_order_value: number | null;
  lines_with_unknown_cost: number;
  /** Where each line's unit price came from: the order line (unit_price), the catalogue less an active promotion's discount, the catalogue, or unknown (left out of revenue). */
  price_sources: { order_line: number; promotion: number; catalogue: number; unknown: number };
  /** Guest orders (no customer_id): in revenue and order KPIs, left out of CLV, RFM and cohorts. */
  guests: { orders: number; order_lines: number; revenue: number | null; left_out_of: string[] };
  premium: { rule: string | null; tiers: string[]; min_lifetime_revenue: number; premium_customers: number | null };
  top_products: { product_id: string; revenue: number | null }[];
  top_products_by_revenue: ProductRank[];
  top_products_by_units: ProductRank[];
  most_profitable_products: ProductRank[];
  revenue_by_category: Record<string, number | string | null>[] | null;
  sales_daily: Record<string, number | string | null>[];
  /** Each with days (observed), period_days and partial (periods.ts). */
  sales_weekly: PeriodRow[];
  sales_monthly: PeriodRow[];
  period_comparison: ReturnType<typeof comparePeriods>;
  clv: {
    formula: string;
    lifespan_months: number;
    min_tenure_months: number;
    customers: number;
    quantiles: Record<string, number | null>;
    buckets: Record<string, number | null>[];
    /** Ranked by predictive CLV (by the seed's CLV when the predictive models are not available). */
    top_customers: CustomerValue[];
    predictive: PredictiveClv;
  };
  rfm: { rules: string[]; segments: RfmSegment[] };
  cohorts: { cohort_month: string; cohort_size: number; retention: (number | null)[] }[];
  inventory: InventoryKpis | (NotAvailable & { out_of_stock_products: null; stock_out_rate: null; out_of_stock: null; low_stock_alerts: null; stock_rotation: null; days_of_cover: null; by_warehouse: null });
  returns:
    | (NotAvailable & { return_rate: null; by_product: null; by_category: null })
    | { sold_units: number; returned_units: number; return_rate: number | null; by_product: Record<string, number | string | null>[]; by_category: Record<string, number | string | null>[] };
  conversion:
    | (NotAvailable & { conversion_rate: null; daily: null })
    | { sessions: number; purchase_sessions: number; conversion_rate: number | null; daily: Record<string, number | string | null>[] };
  promotions: (NotAvailable & { impact: null }) | { impact: Record<string, number | string | null>[] };
  forecast: ForecastKpis;
  anomalies: AnomalyKpis;
  market_basket: { min_pair_orders: number; pairs: Record<string, number | string | null>[] };
}

export interface CollectOptions {
  asOf: string;
  config: PipelineConfig;
  /** Datasets present in this run. */
  available: string[];
  /** Gold models skipped in this run and why ("no inventory"); when omitted, a missing table's reason is read from `available`. */
  skipped?: Record<string, string>;
}

type Shape = Record<string, (v: unknown) => number | string | null>;

async function select(engine: Engine, query: string, shape: Shape): Promise<Record<string, number | string | null>[]> {
  const rows: Row[] = await engine.rows(trusted(query));
  return rows.map((r) => Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f(r[k])])));
}

async function goldTables(engine: Engine): Promise<Set<string>> {
  const rows = await engine.rows(trusted("SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold'"));
  return new Set(rows.map((r) => String(r['table_name'])));
}

const productShape: Shape = { rank: int, product_id: str, product_name: str, category: str, revenue: money, units: int, margin: money };

async function productRanking(engine: Engine, rankColumn: 'revenue_rank' | 'units_rank' | 'margin_rank'): Promise<ProductRank[]> {
  // rankColumn is one of three fixed names written in this file, never user input.
  const rows = await select(engine, `SELECT ${rankColumn} AS rank, product_id, product_name, category, revenue, units, margin FROM gold.product_sales WHERE ${rankColumn} <= 10 ORDER BY ${rankColumn}`, productShape);
  return rows as unknown as ProductRank[];
}


export async function collectKpis(engine: Engine, opts: CollectOptions): Promise<Kpis> {
  const tables = await goldTables(engine);
  const has = (t: string): boolean => tables.has(t);
  const available = new Set(opts.available);
  const { config } = opts;
  const notAvailableMap: Record<string, string> = {};
  /** Why a gold table is missing: the gold stage's reason, else the first absent source among `sources`. */
  const reasonFor = (table: string, sources: string[]): string =>
    opts.skipped?.[table] ?? `no ${sources.find((d) => !available.has(d)) ?? table}`;

  // The distinct orders and customers are counted once already, by the order-level models (order_totals,
  // customer_orders: the same numbers as COUNT(DISTINCT …) over the lines, without a hash table of ids).
  const counted = has('order_totals') && has('customer_orders') && has('order_summary');
  const distinctOrders = counted ? '(SELECT orders FROM gold.order_totals)' : 'COUNT(DISTINCT order_id)';
  const distinctCustomers = counted ? '(SELECT COUNT(*) FROM gold.customer_orders)' : 'COUNT(DISTINCT customer_id)';
  const guestOrders = counted
    ? '(SELECT COUNT(DISTINCT order_id) FROM gold.order_summary WHERE customer_id IS NULL)'
    : 'COUNT(DISTINCT CASE WHEN customer_id IS NULL THEN order_id END)';
  const [totals] = await engine.rows(trusted(`
    SELECT COALESCE(SUM(amount), 0) AS revenue, CASE WHEN COUNT(*) = 0 THEN 0 ELSE SUM(margin) END AS margin,
      SUM(margin) / NULLIF(SUM(CASE WHEN margin IS NOT NULL THEN amount END), 0) AS margin_rate,
      ${distinctOrders} AS orders, COUNT(*) AS lines, COALESCE(SUM(quantity), 0) AS units,
      ${distinctCustomers} AS customers, SUM(CASE WHEN margin IS NULL THEN 1 ELSE 0 END) AS unknown_cost,
      SUM(CASE WHEN price_source = 'order_line' THEN 1 ELSE 0 END) AS from_line, SUM(CASE WHEN price_source = 'catalogue' THEN 1 ELSE 0 END) AS from_catalogue,
      SUM(CASE WHEN price_source = 'promotion' THEN 1 ELSE 0 END) AS from_promotion,
      SUM(CASE WHEN amount IS NULL THEN 1 ELSE 0 END) AS unknown_price,
      ${guestOrders} AS guest_orders, SUM(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END) AS guest_lines,
      SUM(CASE WHEN customer_id IS NULL THEN amount END) AS guest_revenue,
      CAST(MIN(date_key) AS VARCHAR) AS first_day, CAST(MAX(date_key) AS VARCHAR) AS last_day,
      COALESCE(MAX(date_key) - MIN(date_key) + 1, 0) AS days
    FROM gold.fact_orders`));
  const t = totals ?? {};
  const orders = int(t['orders']);
  const lines = int(t['lines']);
  // No price at all (no unit_price on the lines and no products): revenue is unknown, not 0.
  const priceless = lines > 0 && int(t['unknown_price']) === lines;
  if (priceless) notAvailableMap['total_revenue'] = available.has('products') ? 'no price: the order lines carry no unit_price and the products no price' : 'no unit_price on the order lines and no products';
  const revenue = priceless || t['revenue'] === null || t['revenue'] === undefined ? null : Number(t['revenue']);
  const [premium] = has('customer_premium')
    ? await engine.rows(trusted('SELECT MAX(premium_rule) AS rule, COUNT(*) FILTER (WHERE is_premium_customer) AS premium FROM gold.customer_premium'))
    : [];

  const topByRevenue = await productRanking(engine, 'revenue_rank');
  const daily = await select(engine, 'SELECT CAST(order_date AS VARCHAR) AS date, revenue, margin, order_count, units, aov FROM gold.agg_daily_sales ORDER BY order_date',
    { date: str, revenue: money, margin: money, order_count: int, units: int, aov: money });

  const cohortRows = await engine.rows(trusted('SELECT CAST(cohort_month AS VARCHAR) AS cohort_month, cohort_size, months_since_first, retention_rate FROM gold.cohort_retention ORDER BY cohort_month, months_since_first'));
  const cohorts = new Map<string, { cohort_month: string; cohort_size: number; retention: (number | null)[] }>();
  for (const r of cohortRows) {
    const key = String(r['cohort_month']);
    const c = cohorts.get(key) ?? { cohort_month: key, cohort_size: int(r['cohort_size']), retention: [] };
    c.retention[int(r['months_since_first'])] = ratio(r['retention_rate']);
    cohorts.set(key, c);
  }

  const inventory = has('inventory_summary') ? await collectInventory(engine, config) : undefined;
  if (!inventory) notAvailableMap['inventory'] = reasonFor('inventory_summary', ['inventory']);
  const byCategory = has('category_sales')
    ? await select(engine, 'SELECT category, revenue, margin, margin_rate, units, order_count, revenue_share FROM gold.category_sales ORDER BY revenue DESC, category',
      { category: str, revenue: money, margin: money, margin_rate: ratio, units: int, order_count: int, revenue_share: ratio })
    : null;
  if (!byCategory) notAvailableMap['revenue_by_category'] = reasonFor('category_sales', ['products']);

  const [clvQ] = await engine.rows(trusted('SELECT * FROM gold.clv_quantiles'));

  // Partial first and last weeks and months are marked (periods.ts): the observed days are first order date … as-of.
  const weekly = withCoverage('week', await select(engine, 'SELECT iso_year, iso_week, CAST(week_start AS VARCHAR) AS week_start, revenue, margin, order_count, aov FROM gold.agg_weekly_sales ORDER BY week_start',
      { iso_year: int, iso_week: int, week_start: str, revenue: money, margin: money, order_count: int, aov: money }), 'week_start', str(t['first_day']), opts.asOf);
  const monthly = withCoverage('month', await select(engine, 'SELECT year, month, CAST(month_start AS VARCHAR) AS month_start, revenue, margin, margin_rate, order_count, customers, aov FROM gold.agg_monthly_sales ORDER BY year, month',
      { year: int, month: int, month_start: str, revenue: money, margin: money, margin_rate: ratio, order_count: int, customers: int, aov: money }), 'month_start', str(t['first_day']), opts.asOf);

  // The seed's extensions (suspicious orders, abnormal returns, recommendations, products to promote, stock-out forecast).
  const extensionSources: Record<string, string[]> = {
    suspicious_orders: ['orders'], return_outliers: ['returns'], product_recommendations: ['orders'], products_to_promote: ['products', 'inventory'], stockout_forecast: ['inventory'],
  };
  const extensions = await collectExtensions(engine, config, has, (table) => reasonFor(table, extensionSources[table] ?? []));
  const result: Kpis = {
    schemaVersion: KPIS_SCHEMA_VERSION,
    as_of: opts.asOf,
    not_available: notAvailableMap,
    period: { first_order_date: str(t['first_day']), last_order_date: str(t['last_day']), days: int(t['days']) },
    total_revenue: money(revenue),
    total_margin: money(t['margin']),
    margin_rate: ratio(t['margin_rate']),
    order_count: orders,
    order_lines: int(t['lines']),
    units_sold: int(t['units']),
    customers_with_orders: int(t['customers']),
    average_order_value: revenue === null || orders === 0 ? null : money(revenue / orders),
    lines_with_unknown_cost: int(t['unknown_cost']),
    price_sources: { order_line: int(t['from_line']), promotion: int(t['from_promotion']), catalogue: int(t['from_catalogue']), unknown: int(t['unknown_price']) },
    guests: { orders: int(t['guest_orders']), order_lines: int(t['guest_lines']), revenue: int(t['guest_lines']) === 0 ? 0 : money(t['guest_revenue']), left_out_of: ['clv', 'rfm', 'cohorts'] },
    premium: {
      rule: premium ? str(premium['rule']) : null,
      tiers: [...config.premium.tiers],
      min_lifetime_revenue: config.premium.min_lifetime_revenue,
      premium_customers: premium ? int(premium['premium']) : null,
    },
    top_products: topByRevenue.map((p) => ({ product_id: p.product_id, revenue: p.revenue })),
    top_products_by_revenue: topByRevenue,
    top_products_by_units: await productRanking(engine, 'units_rank'),
    most_profitable_products: await productRanking(engine, 'margin_rank'),
    revenue_by_category: byCategory,
    sales_daily: daily,
    sales_weekly: weekly,
    sales_monthly: monthly,
    period_comparison: comparePeriods(weekly, monthly, str(t['first_day']), opts.asOf),
    clv: {
      formula: clvFormula(config),
      lifespan_months: config.clv.lifespan_months,
      min_tenure_months: config.clv.min_tenure_months,
      customers: int(clvQ?.['customers']),
      quantiles: Object.fromEntries(['mean', 'min', 'p10', 'p25', 'median', 'p75', 'p90', 'max'].map((k) => [k, money(clvQ?.[k])])),
      buckets: (await select(engine, 'SELECT bucket_order, lower_bound, upper_bound, customers, customer_share FROM gold.clv_distribution ORDER BY bucket_order',
        { bucket_order: int, lower_bound: money, upper_bound: money, customers: int, customer_share: ratio })) as Record<string, number | null>[],
      top_customers: await collectTopCustomers(engine, has),
      predictive: await collectPredictiveClv(engine, config, has),
    },
    rfm: {
      rules: RFM_RULES,
      segments: await collectRfmSegments(engine),
    },
    cohorts: [...cohorts.values()],
    inventory: inventory ?? {
      not_available: notAvailableMap['inventory']!, out_of_stock_products: null, stock_out_rate: null,
      out_of_stock: null, low_stock_alerts: null, stock_rotation: null, days_of_cover: null, by_warehouse: null,
    },
    returns: has('returns_summary')
      ? await collectReturns(engine)
      : { not_available: reasonFor('returns_summary', ['returns']), return_rate: null, by_product: null, by_category: null },
    conversion: has('conversion_daily')
      ? await collectConversion(engine)
      : { not_available: reasonFor('conversion_daily', ['web_events']), conversion_rate: null, daily: null },
    promotions: has('promotion_impact')
      ? {
          impact: await select(engine, `SELECT promotion_id, product_id, category, discount_pct, CAST(start_date AS VARCHAR) AS start_date, CAST(end_date AS VARCHAR) AS end_date,
              during_days, CAST(baseline_start AS VARCHAR) AS baseline_start, baseline_days, revenue_during, revenue_baseline, revenue_lift_pct,
              units_during, units_baseline, units_lift_pct, margin_during, margin_baseline, margin_lift_pct, promo_priced_lines
            FROM gold.promotion_impact ORDER BY start_date, promotion_id`,
            { promotion_id: str, product_id: str, category: str, discount_pct: num, start_date: str, end_date: str, during_days: int, baseline_start: str, baseline_days: int,
              revenue_during: money, revenue_baseline: money, revenue_lift_pct: pct, units_during: int, units_baseline: int, units_lift_pct: pct,
              margin_during: money, margin_baseline: money, margin_lift_pct: pct, promo_priced_lines: int }),
        }
      : { not_available: reasonFor('promotion_impact', ['promotions']), impact: null },
    forecast: await collectForecast(engine, config, has),
    anomalies: await collectAnomalies(engine, config, has),
    market_basket: {
      min_pair_orders: config.basket.min_pair_orders,
      pairs: await select(engine, 'SELECT rank, product_a, product_b, pair_orders, support, confidence_a_to_b, confidence_b_to_a, lift FROM gold.basket_pairs ORDER BY rank',
        { rank: int, product_a: str, product_b: str, pair_orders: int, support: ratio, confidence_a_to_b: ratio, confidence_b_to_a: ratio, lift: ratio }),
    },
    ...extensions,
  };
  for (const key of ['returns', 'conversion', 'promotions', 'forecast', 'suspicious_orders', 'return_outliers', 'recommendations', 'products_to_promote', 'stockout_forecast'] as const) {
    const v = result[key];
    if ('not_available' in v) notAvailableMap[key] = v.not_available;
  }
  result.not_available = Object.fromEntries(Object.entries(notAvailableMap).sort(([a], [b]) => a.localeCompare(b)));
  return result;
}

async function collectInventory(engine: Engine, config: PipelineConfig): Promise<InventoryKpis> {
  const [s] = await engine.rows(trusted(`SELECT CAST(period_start AS VARCHAR) AS period_start, CAST(period_end AS VARCHAR) AS period_end, product_days, product_days_out_of_stock,
    stock_out_rate, products_tracked, warehouses, out_of_stock_products, low_stock_products, units_in_stock, strftime(last_count_at, '%Y-%m-%dT%H:%M:%S') AS last_count_at FROM gold.inventory_summary`));
  const stamp = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S')`;
  return {
    out_of_stock_products: int(s?.['out_of_stock_products']),
    products_tracked: int(s?.['products_tracked']),
    warehouses: int(s?.['warehouses']),
    units_in_stock: int(s?.['units_in_stock']),
    low_stock_products: int(s?.['low_stock_products']),
    last_count_at: str(s?.['last_count_at']),
    period: { start: str(s?.['period_start']), end: str(s?.['period_end']) },
    product_days: int(s?.['product_days']),
    product_days_out_of_stock: int(s?.['product_days_out_of_stock']),
    stock_out_rate: ratio(s?.['stock_out_rate']),
    low_stock_threshold: config.low_stock.threshold,
    cover_window_days: config.inventory.cover_window_days,
    out_of_stock: await select(engine, `SELECT product_id, product_name, category, warehouses, ${stamp('last_count_at')} AS last_count_at FROM gold.out_of_stock ORDER BY product_id`,
      { product_id: str, product_name: str, category: str, warehouses: int, last_count_at: str }),
    low_stock_alerts: await select(engine, 'SELECT product_id, product_name, current_stock, level, days_of_cover FROM gold.low_stock_alerts ORDER BY current_stock, product_id',
      { product_id: str, product_name: str, current_stock: int, level: str, days_of_cover: num }),
    stock_rotation: await select(engine, 'SELECT product_id, product_name, units_sold, avg_stock, count_days, rotation FROM gold.stock_rotation ORDER BY rotation DESC NULLS LAST, product_id',
      { product_id: str, product_name: str, units_sold: int, avg_stock: num, count_days: int, rotation: num }),
    days_of_cover: await select(engine, 'SELECT product_id, product_name, current_stock, units_in_window, avg_daily_units, days_of_cover FROM gold.days_of_cover ORDER BY days_of_cover NULLS LAST, product_id',
      { product_id: str, product_name: str, current_stock: int, units_in_window: int, avg_daily_units: num, days_of_cover: num }),
    by_warehouse: await select(engine, `SELECT warehouse_id, products, units_in_stock, products_at_zero, ${stamp('last_count_at')} AS last_count_at, counts_in_period, zero_counts_in_period, stock_out_rate
        FROM gold.warehouse_summary ORDER BY warehouse_id`,
      { warehouse_id: str, products: int, units_in_stock: int, products_at_zero: int, last_count_at: str, counts_in_period: int, zero_counts_in_period: int, stock_out_rate: ratio }),
  };
}

async function collectReturns(engine: Engine): Promise<Kpis['returns']> {
  const [s] = await engine.rows(trusted('SELECT sold_units, returned_units, return_rate FROM gold.returns_summary'));
  return {
    sold_units: int(s?.['sold_units']),
    returned_units: int(s?.['returned_units']),
    return_rate: ratio(s?.['return_rate']),
    by_product: await select(engine, 'SELECT product_id, product_name, category, sold_units, returned_units, return_rate FROM gold.returns_by_product ORDER BY return_rate DESC NULLS LAST, product_id',
      { product_id: str, product_name: str, category: str, sold_units: int, returned_units: int, return_rate: ratio }),
    by_category: await select(engine, 'SELECT category, sold_units, returned_units, return_rate FROM gold.returns_by_category ORDER BY return_rate DESC NULLS LAST, category',
      { category: str, sold_units: int, returned_units: int, return_rate: ratio }),
  };
}

async function collectConversion(engine: Engine): Promise<Kpis['conversion']> {
  const daily = await select(engine, 'SELECT CAST(session_date AS VARCHAR) AS date, sessions, purchase_sessions, conversion_rate FROM gold.conversion_daily ORDER BY session_date',
    { date: str, sessions: int, purchase_sessions: int, conversion_rate: ratio });
  const sessions = daily.reduce((s, d) => s + Number(d['sessions']), 0);
  const purchases = daily.reduce((s, d) => s + Number(d['purchase_sessions']), 0);
  return { sessions, purchase_sessions: purchases, conversion_rate: sessions === 0 ? null : ratio(purchases / sessions), daily };
}
