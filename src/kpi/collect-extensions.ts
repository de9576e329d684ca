// The seed's extensions in the KPI model: suspicious orders, abnormal returns, "bought together"
// recommendations, products to promote and the stock-out forecast, each read from its gold table.
// A table that was not built (its source is absent) gives `{not_available: reason}` and null lists.
import type { PipelineConfig } from '../config.ts';
import type { Engine, Row } from '../engine/engine.ts';
import { trusted } from '../sql/sql.ts';
import { int, money, num, ratio, str } from './round.ts';

type Value = number | string | boolean | null;
type Record_ = Record<string, Value>;
type Shape = Record<string, (v: unknown) => Value>;

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(v));

async function select(engine: Engine, query: string, shape: Shape): Promise<Record_[]> {
  const rows: Row[] = await engine.rows(trusted(query));
  return rows.map((r) => Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f(r[k])])));
}

export interface ExtensionKpis {
  suspicious_orders: { z_threshold: number; new_account_days: number; first_basket_factor: number; count: number; orders: Record_[] } | NotBuilt<'orders'>;
  return_outliers: { z_threshold: number; min_sold_units: number; products: Record_[]; customers: Record_[] } | NotBuilt<'products' | 'customers'>;
  recommendations: { min_pair_orders: number; min_confidence: number; min_lift: number; top_n: number; products: number; items: Record_[] } | NotBuilt<'items'>;
  products_to_promote: { min_margin_rate: number; min_stock: number; recent_days: number; slow_quantile: number; products: Record_[] } | NotBuilt<'products'>;
  stockout_forecast: { window_days: number; lead_time_days: number; target_cover_days: number; reorder_count: number; items: Record_[] } | NotBuilt<'items'>;
}

type NotBuilt<K extends string> = { not_available: string } & { [key in K]: null };

/** `reasonFor(table)`: why a gold table was not built ("no inventory"). */
export async function collectExtensions(engine: Engine, config: PipelineConfig, has: (t: string) => boolean, reasonFor: (table: string) => string): Promise<ExtensionKpis> {
  const c = config;
  return {
    suspicious_orders: has('suspicious_orders')
      ? await (async () => {
          const orders = await select(engine, `SELECT order_id, customer_id, CAST(order_date AS VARCHAR) AS order_date, amount, units, amount_z, units_z, days_since_registration, reasons
              FROM gold.suspicious_orders ORDER BY order_date, order_id`,
            { order_id: str, customer_id: str, order_date: str, amount: money, units: int, amount_z: num, units_z: num, days_since_registration: (v) => (v === null || v === undefined ? null : int(v)), reasons: str });
          return { z_threshold: c.fraud.z_threshold, new_account_days: c.fraud.new_account_days, first_basket_factor: c.fraud.first_basket_factor, count: orders.length, orders };
        })()
      : { not_available: reasonFor('suspicious_orders'), orders: null },
    return_outliers: has('return_outliers')
      ? await (async () => {
          const shape: Shape = { id: str, sold_units: int, returned_units: int, return_rate: ratio, sold_lines: int, returned_lines: int, expected_line_rate: ratio, z: num, reason: str };
          const of = (type: string) => select(engine, `SELECT entity_id AS id, sold_units, returned_units, return_rate, sold_lines, returned_lines, expected_line_rate, z, reason FROM gold.return_outliers
              WHERE entity_type = '${type}' ORDER BY z DESC, entity_id`, shape);
          const rename = (key: string) => (rows: Record_[]) => rows.map(({ id, ...rest }) => ({ [key]: id ?? null, ...rest }));
          return {
            z_threshold: c.return_outliers.z_threshold, min_sold_units: c.return_outliers.min_sold_units,
            products: rename('product_id')(await of('product')), customers: rename('customer_id')(await of('customer')),
          };
        })()
      : { not_available: reasonFor('return_outliers'), products: null, customers: null },
    recommendations: has('product_recommendations')
      ? await (async () => {
          const items = await select(engine, 'SELECT product_id, rank, recommended_product_id, pair_orders, support, confidence, lift FROM gold.product_recommendations ORDER BY product_id, rank',
            { product_id: str, rank: int, recommended_product_id: str, pair_orders: int, support: ratio, confidence: ratio, lift: ratio });
          const r = c.recommendations;
          return { min_pair_orders: r.min_pair_orders, min_confidence: r.min_confidence, min_lift: r.min_lift, top_n: r.top_n, products: new Set(items.map((i) => i['product_id'])).size, items };
        })()
      : { not_available: reasonFor('product_recommendations'), items: null },
    products_to_promote: has('products_to_promote')
      ? {
          min_margin_rate: c.promote.min_margin_rate, min_stock: c.promote.min_stock, recent_days: c.promote.recent_days, slow_quantile: c.promote.slow_quantile,
          products: await select(engine, 'SELECT rank, product_id, product_name, category, price, cost, margin_rate, current_stock, recent_units, slow_max_units FROM gold.products_to_promote ORDER BY rank',
            { rank: int, product_id: str, product_name: str, category: str, price: money, cost: money, margin_rate: ratio, current_stock: int, recent_units: int, slow_max_units: num }),
        }
      : { not_available: reasonFor('products_to_promote'), products: null },
    stockout_forecast: has('stockout_forecast')
      ? await (async () => {
          const items = await select(engine, `SELECT product_id, warehouse_id, product_name, stock, daily_rate, days_until_stockout, CAST(stockout_date AS VARCHAR) AS stockout_date, reorder, reorder_quantity
              FROM gold.stockout_forecast ORDER BY days_until_stockout NULLS LAST, product_id, warehouse_id`,
            { product_id: str, warehouse_id: str, product_name: str, stock: int, daily_rate: ratio, days_until_stockout: num, stockout_date: str, reorder: bool, reorder_quantity: int });
          const s = c.stockout;
          return { window_days: s.window_days, lead_time_days: s.lead_time_days, target_cover_days: s.target_cover_days, reorder_count: items.filter((i) => i['reorder'] === true).length, items };
        })()
      : { not_available: reasonFor('stockout_forecast'), items: null },
  };
}
