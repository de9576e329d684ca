// The sections of the KPI text reports, each a rendering of one part of the KPI model. The sales
// report and the dashboard compose them (the dashboard with shorter tables).
import type { Kpis, ProductRank } from '../kpi/collect-kpis.ts';
import { cell, fmtInt, fmtMoney, fmtNum, fmtPct, fmtRatio, notAvailable, renderPairs, renderTable, section } from './kpi-format.ts';
import { partialMark, renderPartialNote, renderWeekSummary } from './kpi-period-sections.ts';


export function renderHeader(title: string, k: Kpis): string {
  const p = k.period;
  const period = p.first_order_date ? `${p.first_order_date} to ${p.last_order_date} (${p.days} days)` : 'no orders';
  return [
    title,
    '='.repeat(title.length),
    renderPairs([
      ['As of', k.as_of],
      ['Period covered', period],
      ['Units', 'money in the currency of the product prices, rounded to cents; rates in percent'],
    ], ''),
    '',
  ].join('\n');
}

export function productTable(rows: ProductRank[]): string {
  return renderTable(
    [{ title: '#', align: 'right' }, { title: 'product' }, { title: 'name' }, { title: 'category' }, { title: 'revenue', align: 'right' }, { title: 'units', align: 'right' }, { title: 'margin', align: 'right' }],
    rows.map((p) => [String(p.rank), p.product_id, cell(p.product_name), cell(p.category), fmtMoney(p.revenue), fmtInt(p.units), fmtMoney(p.margin)]),
  );
}

export function renderSummary(k: Kpis): string {
  const revenueNa = k.not_available['total_revenue'];
  const p = k.price_sources;
  const g = k.guests;
  const premium = k.premium.rule === 'loyalty_tier'
    ? `loyalty tier in ${k.premium.tiers.join(', ')} (premium.tiers)`
    : k.premium.rule === 'lifetime_revenue' ? `lifetime revenue >= ${fmtMoney(k.premium.min_lifetime_revenue)} (no loyalty tiers; premium.min_lifetime_revenue)` : 'n/a';
  return section('Summary', renderPairs([
    ['Revenue', revenueNa ? notAvailable(revenueNa).trim() : fmtMoney(k.total_revenue)],
    ['Unit prices used', `${fmtInt(p.order_line)} lines the price paid (unit_price), ${fmtInt(p.promotion)} the catalogue price less an active promotion's discount, ${fmtInt(p.catalogue)} the catalogue price, ${fmtInt(p.unknown)} unknown (left out of revenue)`],
    ['Orders (distinct order ids)', fmtInt(k.order_count)],
    ['Order lines', fmtInt(k.order_lines)],
    ['Units sold', fmtInt(k.units_sold)],
    ['Average order value (AOV)', fmtMoney(k.average_order_value)],
    ['Margin', fmtMoney(k.total_margin)],
    ['Margin rate', fmtRatio(k.margin_rate)],
    ['Lines with unknown cost', `${fmtInt(k.lines_with_unknown_cost)} (excluded from margin and margin rate)`],
    ['Customers with orders', fmtInt(k.customers_with_orders)],
    ['Guest orders (no customer)', g.orders === 0 ? '0' : `${fmtInt(g.orders)} orders, ${fmtInt(g.order_lines)} lines, ${fmtMoney(g.revenue)} revenue: in revenue and orders, left out of CLV, RFM and cohorts`],
    ['Premium customers', `${fmtInt(k.premium.premium_customers)}, by ${premium}`],
  ]));
}

export function renderReturns(k: Kpis, withDetail: boolean): string {
  const r = k.returns;
  if ('not_available' in r) return section('Returns', notAvailable(r.not_available));
  const body = [renderPairs([
    ['Return rate (returned units / sold units)', `${fmtRatio(r.return_rate)} (${fmtInt(r.returned_units)} / ${fmtInt(r.sold_units)})`],
  ])];
  body.push('', '  By category', renderTable([{ title: 'category' }, { title: 'sold', align: 'right' }, { title: 'returned', align: 'right' }, { title: 'return rate', align: 'right' }],
    r.by_category.map((c) => [cell(c['category']), fmtInt(c['sold_units'] as number), fmtInt(c['returned_units'] as number), fmtRatio(c['return_rate'] as number | null)])));
  if (withDetail) {
    body.push('', '  By product', renderTable([{ title: 'product' }, { title: 'category' }, { title: 'sold', align: 'right' }, { title: 'returned', align: 'right' }, { title: 'return rate', align: 'right' }],
      r.by_product.map((p) => [cell(p['product_id']), cell(p['category']), fmtInt(p['sold_units'] as number), fmtInt(p['returned_units'] as number), fmtRatio(p['return_rate'] as number | null)])));
  }
  return section('Returns', body.join('\n'));
}

export function renderConversion(k: Kpis, withDaily: boolean): string {
  const c = k.conversion;
  if ('not_available' in c) return section('Conversion (sessions with a purchase / sessions)', notAvailable(c.not_available));
  const body = [renderPairs([['Conversion rate', `${fmtRatio(c.conversion_rate)} (${fmtInt(c.purchase_sessions)} / ${fmtInt(c.sessions)} sessions)`]])];
  if (withDaily) {
    body.push('', renderTable([{ title: 'day' }, { title: 'sessions', align: 'right' }, { title: 'with purchase', align: 'right' }, { title: 'conversion', align: 'right' }],
      c.daily.map((d) => [cell(d['date']), fmtInt(d['sessions'] as number), fmtInt(d['purchase_sessions'] as number), fmtRatio(d['conversion_rate'] as number | null)])));
  }
  return section('Conversion (sessions with a purchase / sessions)', body.join('\n'));
}

// The series sections (forecast, anomalies) live in kpi-series-sections.ts.
export { renderAnomalies, renderForecast } from './kpi-series-sections.ts';

export function renderPromotions(k: Kpis): string {
  const p = k.promotions;
  const title = 'Promotion impact (promoted scope during the promotion vs the same number of days before it)';
  if ('not_available' in p) return section(title, notAvailable(p.not_available));
  const lift = (v: unknown) => fmtPct(v as number | null, true);
  return section(title, [
    '  Lines without a paid price are priced at the catalogue price less the largest active discount; lifts compare averages per day.',
    renderTable(
      [{ title: 'promotion' }, { title: 'scope' }, { title: 'discount', align: 'right' }, { title: 'dates' }, { title: 'days', align: 'right' },
        { title: 'revenue', align: 'right' }, { title: 'baseline', align: 'right' }, { title: 'lift', align: 'right' },
        { title: 'units', align: 'right' }, { title: 'baseline', align: 'right' }, { title: 'lift', align: 'right' },
        { title: 'margin', align: 'right' }, { title: 'baseline', align: 'right' }, { title: 'lift', align: 'right' }, { title: 'lines priced', align: 'right' }],
      p.impact.map((x) => [cell(x['promotion_id']), x['product_id'] ? `product ${cell(x['product_id'])}` : `category ${cell(x['category'])}`, fmtPct(x['discount_pct'] as number | null),
        `${cell(x['start_date'])}..${cell(x['end_date'])}`, `${fmtInt(x['during_days'] as number)}/${fmtInt(x['baseline_days'] as number)}`,
        money(x['revenue_during']), money(x['revenue_baseline']), lift(x['revenue_lift_pct']),
        fmtInt(x['units_during'] as number), fmtInt(x['units_baseline'] as number), lift(x['units_lift_pct']),
        money(x['margin_during']), money(x['margin_baseline']), lift(x['margin_lift_pct']), fmtInt(x['promo_priced_lines'] as number)]),
    ),
  ].join('\n'));
}

export function renderCohorts(k: Kpis, maxCohorts = Number.POSITIVE_INFINITY, maxMonths = Number.POSITIVE_INFINITY): string {
  const cohorts = k.cohorts.slice(Math.max(0, k.cohorts.length - maxCohorts));
  const width = Math.min(maxMonths + 1, Math.max(0, ...cohorts.map((c) => c.retention.length)));
  // Percent with one decimal and no space keeps a wide matrix readable.
  const share = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const columns = [{ title: 'cohort' }, { title: 'size', align: 'right' as const }, ...Array.from({ length: width }, (_, i) => ({ title: `M+${i}`, align: 'right' as const }))];
  const limited = cohorts.length < k.cohorts.length || width < Math.max(0, ...k.cohorts.map((c) => c.retention.length));
  const title = 'Monthly acquisition cohorts (share of the cohort active in month +k)';
  return section(title, [
    ...(limited ? [`  the latest ${cohorts.length} cohorts, months +0..+${width - 1}; the full matrix is in kpis.json and the cohort_retention table`] : []),
    renderTable(columns, cohorts.map((c) => [c.cohort_month.slice(0, 7), fmtInt(c.cohort_size), ...Array.from({ length: width }, (_, i) => (i < c.retention.length ? share(c.retention[i]) : ''))])),
  ].join('\n'));
}

const money = (v: unknown): string => fmtMoney(v as number | null);

/** Monthly, weekly and (the last `dailyRows`) daily revenue, orders and AOV. */
export function renderSalesPeriods(k: Kpis, opts: { weekly: boolean; dailyRows: number }): string {
  const out = [
    section('Monthly sales', renderPartialNote(k) + renderTable(
      [{ title: 'month' }, { title: 'revenue', align: 'right' }, { title: 'orders', align: 'right' }, { title: 'AOV', align: 'right' }, { title: 'margin', align: 'right' }, { title: 'margin rate', align: 'right' }],
      k.sales_monthly.map((m) => [`${m['year']}-${String(m['month']).padStart(2, '0')}${partialMark(m)}`, money(m['revenue']), fmtInt(m['order_count'] as number), money(m['aov']), money(m['margin']), fmtRatio(m['margin_rate'] as number | null)]),
    )),
  ];
  if (opts.weekly) {
    out.push(section('Weekly sales (ISO weeks)', renderPartialNote(k) + renderTable(
      [{ title: 'week' }, { title: 'starts' }, { title: 'revenue', align: 'right' }, { title: 'orders', align: 'right' }, { title: 'AOV', align: 'right' }],
      k.sales_weekly.map((w) => [`${w['iso_year']}-W${String(w['iso_week']).padStart(2, '0')}${partialMark(w)}`, cell(w['week_start']), money(w['revenue']), fmtInt(w['order_count'] as number), money(w['aov'])]),
    )));
  } else {
    out.push(section('Weekly sales (ISO weeks)', renderWeekSummary(k)));
  }
  const rows = Math.min(opts.dailyRows, k.sales_daily.length);
  out.push(section(`Daily sales (last ${rows} days of the period; every day in kpis.json)`, renderTable(
    [{ title: 'day' }, { title: 'revenue', align: 'right' }, { title: 'orders', align: 'right' }, { title: 'AOV', align: 'right' }],
    k.sales_daily.slice(k.sales_daily.length - rows).map((d) => [cell(d['date']), money(d['revenue']), fmtInt(d['order_count'] as number), money(d['aov'])]),
  )));
  return out.join('\n');
}

export function renderCategories(k: Kpis): string {
  if (!k.revenue_by_category) return section('Revenue by category', notAvailable(k.not_available['revenue_by_category'] ?? 'no products'));
  return section('Revenue by category', renderTable(
    [{ title: 'category' }, { title: 'revenue', align: 'right' }, { title: 'share', align: 'right' }, { title: 'margin', align: 'right' }, { title: 'margin rate', align: 'right' }, { title: 'units', align: 'right' }],
    k.revenue_by_category.map((c) => [cell(c['category']), money(c['revenue']), fmtRatio(c['revenue_share'] as number | null), money(c['margin']), fmtRatio(c['margin_rate'] as number | null), fmtInt(c['units'] as number)]),
  ));
}

export function renderProducts(k: Kpis): string {
  return [
    section('Top 10 products by revenue', productTable(k.top_products_by_revenue)),
    section('Top 10 products by units', productTable(k.top_products_by_units)),
    section('Most profitable products (by margin)', productTable(k.most_profitable_products)),
  ].join('\n');
}

// The customer sections (both CLVs, RFM) live in kpi-customer-sections.ts.
export { renderClv, renderRfm } from './kpi-customer-sections.ts';

export function renderBasket(k: Kpis, rows: number): string {
  return section('Market basket (product pairs in the same order)', [
    `  support = pair orders / all orders; confidence(A→B) = pair orders / orders with A; lift = support / (support(A) × support(B)); pairs in >= ${k.market_basket.min_pair_orders} orders`,
    renderTable([{ title: '#', align: 'right' }, { title: 'A' }, { title: 'B' }, { title: 'orders', align: 'right' }, { title: 'support', align: 'right' }, { title: 'conf A→B', align: 'right' }, { title: 'conf B→A', align: 'right' }, { title: 'lift', align: 'right' }],
      k.market_basket.pairs.slice(0, rows).map((p) => [cell(p['rank']), cell(p['product_a']), cell(p['product_b']), fmtInt(p['pair_orders'] as number), fmtRatio(p['support'] as number | null), fmtRatio(p['confidence_a_to_b'] as number | null), fmtRatio(p['confidence_b_to_a'] as number | null), fmtNum(p['lift'] as number | null, 4)])),
  ].join('\n'));
}

export function renderStockAlerts(k: Kpis): string {
  const inv = k.inventory;
  if ('not_available' in inv) return section('Alerts: low stock', notAvailable(inv.not_available));
  return section(`Alerts: low stock (current stock <= ${inv.low_stock_threshold})`, renderTable(
    [{ title: 'product' }, { title: 'name' }, { title: 'stock', align: 'right' }, { title: 'level' }, { title: 'days of cover', align: 'right' }],
    inv.low_stock_alerts.map((x) => [cell(x['product_id']), cell(x['product_name']), fmtInt(x['current_stock'] as number), cell(x['level']), fmtNum(x['days_of_cover'] as number | null)]),
  ));
}

export function renderInventory(k: Kpis, rows: number): string {
  const inv = k.inventory;
  if ('not_available' in inv) return section('Inventory', notAvailable(inv.not_available));
  return section('Inventory', [
    '  Current stock of a product = the sum over its warehouses of each warehouse\'s latest count at or before as-of.',
    renderPairs([
      ['Out-of-stock products (current stock 0)', `${fmtInt(inv.out_of_stock_products)}${inv.out_of_stock.length > 0 ? `: ${inv.out_of_stock.slice(0, rows).map((p) => cell(p['product_id'])).join(', ')}${inv.out_of_stock.length > rows ? ', …' : ''}` : ''}`],
      ['Stock-out rate (product-days at 0 / counted)', `${fmtRatio(inv.stock_out_rate)} (${fmtInt(inv.product_days_out_of_stock)} / ${fmtInt(inv.product_days)}) over ${inv.period.start ?? 'n/a'}..${inv.period.end ?? 'n/a'}`],
      ['Low-stock products', fmtInt(inv.low_stock_products)],
      ['Products counted, warehouses, units in stock', `${fmtInt(inv.products_tracked)}, ${fmtInt(inv.warehouses)}, ${fmtInt(inv.units_in_stock)} (last count ${inv.last_count_at ?? 'n/a'})`],
    ]),
    '',
    '  By warehouse (latest counts; stock-out rate = its counts at 0 / its counts in the period)',
    renderTable([{ title: 'warehouse' }, { title: 'products', align: 'right' }, { title: 'units', align: 'right' }, { title: 'at 0', align: 'right' }, { title: 'stock-out rate', align: 'right' }, { title: 'last count' }],
      inv.by_warehouse.slice(0, rows).map((w) => [cell(w['warehouse_id']), fmtInt(w['products'] as number), fmtInt(w['units_in_stock'] as number), fmtInt(w['products_at_zero'] as number), fmtRatio(w['stock_out_rate'] as number | null), cell(w['last_count_at'])])),
    '',
    `  Days of cover (current stock / average daily units sold over the last ${inv.cover_window_days} days), lowest first`,
    renderTable([{ title: 'product' }, { title: 'stock', align: 'right' }, { title: 'units sold', align: 'right' }, { title: 'units/day', align: 'right' }, { title: 'days of cover', align: 'right' }],
      inv.days_of_cover.slice(0, rows).map((x) => [cell(x['product_id']), fmtInt(x['current_stock'] as number), fmtInt(x['units_in_window'] as number), fmtNum(x['avg_daily_units'] as number | null), fmtNum(x['days_of_cover'] as number | null)])),
    '',
    '  Stock rotation (units sold in the period / average stock over the period\'s counts), highest first',
    renderTable([{ title: 'product' }, { title: 'units sold', align: 'right' }, { title: 'avg stock', align: 'right' }, { title: 'rotation', align: 'right' }],
      inv.stock_rotation.slice(0, rows).map((x) => [cell(x['product_id']), fmtInt(x['units_sold'] as number), fmtNum(x['avg_stock'] as number | null), fmtNum(x['rotation'] as number | null)])),
  ].join('\n'));
}
