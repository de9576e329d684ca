// Dashboard sections of the seed's extensions: suspicious orders, abnormal returns, "bought together",
// products to promote and the stock-out forecast. Each states its rule and thresholds, then the rows.
import type { Kpis } from '../kpi/collect-kpis.ts';
import { cell, fmtInt, fmtMoney, fmtNum, fmtRatio, notAvailable, renderTable, section } from './kpi-format.ts';

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function renderSuspiciousOrders(k: Kpis, rows: number): string {
  const s = k.suspicious_orders;
  const title = 'Suspicious orders (possible fraud)';
  if ('not_available' in s) return section(title, notAvailable(s.not_available));
  return section(title, [
    `  Robust z = (x − median) / (1.4826 × MAD) of ln(amount) and ln(units) over every order, flagged above ${s.z_threshold};`,
    `  a new account (first order within ${s.new_account_days} days of registration) with a first basket >= ${s.first_basket_factor} × the median order amount.`,
    `  ${fmtInt(s.count)} orders flagged${s.count > rows ? ` (the first ${rows} by date below; all in kpis.json and the suspicious_orders table)` : ''}`,
    renderTable([{ title: 'order' }, { title: 'customer' }, { title: 'date' }, { title: 'amount', align: 'right' }, { title: 'units', align: 'right' }, { title: 'amount z', align: 'right' }, { title: 'units z', align: 'right' }, { title: 'reasons' }],
      s.orders.slice(0, rows).map((o) => [cell(o['order_id']), o['customer_id'] === null ? '(guest)' : cell(o['customer_id']), cell(o['order_date']), fmtMoney(n(o['amount'])), fmtInt(n(o['units'])),
        fmtNum(n(o['amount_z'])), fmtNum(n(o['units_z'])), cell(o['reasons'])])),
  ].join('\n'));
}

export function renderReturnOutliers(k: Kpis, rows: number): string {
  const r = k.return_outliers;
  const title = 'Abnormal returns (return rate outliers)';
  if ('not_available' in r) return section(title, notAvailable(r.not_available));
  const table = (key: string, list: Record<string, unknown>[]) => renderTable(
    [{ title: key }, { title: 'sold', align: 'right' }, { title: 'returned', align: 'right' }, { title: 'return rate', align: 'right' }, { title: 'lines returned', align: 'right' }, { title: 'overall', align: 'right' }, { title: 'z', align: 'right' }],
    list.slice(0, rows).map((x) => [cell(x[`${key}_id`]), fmtInt(n(x['sold_units'])), fmtInt(n(x['returned_units'])), fmtRatio(n(x['return_rate'])), `${fmtInt(n(x['returned_lines']))} / ${fmtInt(n(x['sold_lines']))}`, fmtRatio(n(x['expected_line_rate'])), fmtNum(n(x['z']))]));
  return section(title, [
    `  Products and customers with >= ${r.min_sold_units} sold units that return far more lines than the shop's overall share p:\n  z = (returned lines − lines × p) / sqrt(lines × p × (1 − p)) > ${r.z_threshold}.`,
    '  Products', table('product', r.products), '', '  Customers', table('customer', r.customers),
  ].join('\n'));
}

export function renderRecommendations(k: Kpis, rows: number): string {
  const r = k.recommendations;
  const title = 'Bought together (recommendations per product)';
  if ('not_available' in r) return section(title, notAvailable(r.not_available));
  return section(title, [
    `  confidence(A→B) = orders with A and B / orders with A; lift = support(A,B) / (support(A) × support(B)); kept when in >= ${r.min_pair_orders} orders,`,
    `  confidence >= ${fmtRatio(r.min_confidence)}, lift >= ${r.min_lift}; top ${r.top_n} per product. ${fmtInt(r.products)} products have recommendations${r.items.length > rows ? ` (first ${rows} rows below)` : ''}.`,
    renderTable([{ title: 'product' }, { title: '#', align: 'right' }, { title: 'bought with' }, { title: 'orders', align: 'right' }, { title: 'support', align: 'right' }, { title: 'confidence', align: 'right' }, { title: 'lift', align: 'right' }],
      r.items.slice(0, rows).map((i) => [cell(i['product_id']), cell(i['rank']), cell(i['recommended_product_id']), fmtInt(n(i['pair_orders'])), fmtRatio(n(i['support'])), fmtRatio(n(i['confidence'])), fmtNum(n(i['lift']), 4)])),
  ].join('\n'));
}

export function renderProductsToPromote(k: Kpis, rows: number): string {
  const p = k.products_to_promote;
  const title = 'Products to promote (high margin, in stock, slow recent sales)';
  if ('not_available' in p) return section(title, notAvailable(p.not_available));
  return section(title, [
    `  Catalogue margin rate >= ${fmtRatio(p.min_margin_rate)}, current stock >= ${p.min_stock}, units sold in the last ${p.recent_days} days <= the ${p.slow_quantile} quantile of the catalogue.`,
    renderTable([{ title: '#', align: 'right' }, { title: 'product' }, { title: 'name' }, { title: 'category' }, { title: 'margin rate', align: 'right' }, { title: 'stock', align: 'right' }, { title: 'recent units', align: 'right' }],
      p.products.slice(0, rows).map((x) => [cell(x['rank']), cell(x['product_id']), cell(x['product_name']), cell(x['category']), fmtRatio(n(x['margin_rate'])), fmtInt(n(x['current_stock'])), fmtInt(n(x['recent_units']))])),
  ].join('\n'));
}

export function renderStockoutForecast(k: Kpis, rows: number): string {
  const s = k.stockout_forecast;
  const title = 'Stock-out forecast (per product and warehouse)';
  if ('not_available' in s) return section(title, notAvailable(s.not_available));
  return section(title, [
    `  Days until stock-out = stock / daily units (last ${s.window_days} days, split evenly over the product's warehouses); reorder when it runs out`,
    `  within ${s.lead_time_days} days, enough for ${s.lead_time_days} + ${s.target_cover_days} days. ${fmtInt(s.reorder_count)} reorders suggested; soonest first.`,
    renderTable([{ title: 'product' }, { title: 'warehouse' }, { title: 'stock', align: 'right' }, { title: 'units/day', align: 'right' }, { title: 'days left', align: 'right' }, { title: 'stock-out on' }, { title: 'reorder', align: 'right' }],
      s.items.slice(0, rows).map((i) => [cell(i['product_id']), cell(i['warehouse_id']), fmtInt(n(i['stock'])), fmtNum(n(i['daily_rate']), 4), fmtNum(n(i['days_until_stockout'])), cell(i['stockout_date']),
        i['reorder'] === true ? fmtInt(n(i['reorder_quantity'])) : '-'])),
  ].join('\n'));
}
