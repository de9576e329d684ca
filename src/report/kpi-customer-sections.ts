// Customer sections of the KPI text reports: both CLVs (the seed's formula and the predictive
// BG/NBD + Gamma-Gamma CLV) with their definitions and a ranking by predictive CLV, and RFM.
import type { Kpis } from '../kpi/collect-kpis.ts';
import { cell, fmtInt, fmtMoney, fmtNum, fmtRatio, renderTable, section } from './kpi-format.ts';

export function renderClv(k: Kpis, detail: boolean): string {
  const quantiles = ['mean', 'min', 'p10', 'p25', 'median', 'p75', 'p90', 'max'];
  const pred = k.clv.predictive;
  const body = [
    '  Seed CLV (historical):',
    ...k.clv.formula.split('; ').map((part) => `    ${part}`),
    '  Predictive CLV:',
    ...pred.definition.split('; ').map((part) => `    ${part}`),
  ];
  if ('not_available' in pred) {
    body.push(`    not fitted: ${pred.not_available}; customers below are ranked by the seed CLV`);
  } else {
    const b = pred.bg_nbd;
    const g = pred.gamma_gamma;
    body.push(`    BG/NBD fit on ${fmtInt(pred.customers)} customers (times in ${b.unit}): r = ${b.r}, alpha = ${b.alpha}, a = ${b.a}, b = ${b.b}; log-likelihood ${fmtNum(b.log_likelihood)}`);
    body.push(`    Gamma-Gamma fit on ${fmtInt(pred.repeat_customers)} customers with a repeat purchase: p = ${g.p}, q = ${g.q}, v = ${g.v}`);
    // q → ∞ with v / q fixed: the spend rates hardly differ between customers, so the expected value is
    // the population mean p v / (q − 1) for everyone; worth saying, since it looks odd in a table.
    if (g.q > 1000) body.push(`    (q very large: purchase values hardly differ between customers, so every expected purchase value is close to the population mean ${fmtMoney((g.p * g.v) / (g.q - 1))})`);
    body.push(`    Σ predictive CLV over ${pred.horizon_days} days: ${fmtMoney(pred.total_predictive_clv)}; mean P(alive): ${fmtRatio(pred.mean_p_alive)}`);
  }
  body.push(
    '',
    `  Seed CLV distribution (${fmtInt(k.clv.customers)} customers with orders)${guestNote(k)}`,
    renderTable(quantiles.map((q) => ({ title: q, align: 'right' as const })), [quantiles.map((q) => fmtMoney(k.clv.quantiles[q]))]),
    '',
    renderTable([{ title: 'CLV bucket' }, { title: 'customers', align: 'right' }, { title: 'share', align: 'right' }],
      k.clv.buckets.map((b) => [b['upper_bound'] === null ? `>= ${fmtMoney(b['lower_bound'])}` : `${fmtMoney(b['lower_bound'])} – < ${fmtMoney(b['upper_bound'])}`, fmtInt(b['customers']), fmtRatio(b['customer_share'])])),
  );
  const ranked = 'not_available' in pred ? 'seed CLV' : 'predictive CLV';
  const top = k.clv.top_customers.slice(0, detail ? 10 : 5);
  body.push('', `  Top ${top.length} customers by ${ranked} (every customer in the customer_predictive_clv table)`,
    renderTable([{ title: '#', align: 'right' }, { title: 'customer' }, { title: 'orders', align: 'right' }, { title: 'revenue', align: 'right' }, { title: 'seed CLV', align: 'right' },
      { title: 'predictive CLV', align: 'right' }, { title: 'P(alive)', align: 'right' }, { title: 'exp. purchases', align: 'right' }, { title: 'exp. value', align: 'right' }],
    top.map((c) => [String(c.rank), cell(c.customer_id), fmtInt(c.order_count), fmtMoney(c.revenue), fmtMoney(c.clv), fmtMoney(c.predictive_clv), fmtRatio(c.p_alive),
      fmtNum(c.expected_purchases), fmtMoney(c.expected_purchase_value)])));
  return section('Customer lifetime value (CLV)', body.join('\n'));
}

/** What the customer KPIs leave out: guest orders have no customer. */
function guestNote(k: Kpis): string {
  return k.guests.orders === 0 ? '' : ` Guest orders left out: ${fmtInt(k.guests.orders)} (${fmtMoney(k.guests.revenue)} revenue).`;
}

export function renderRfm(k: Kpis): string {
  return section('RFM segments', [
    ...k.rfm.rules.map((r) => `  ${r}`),
    ...(k.guests.orders === 0 ? [] : [`  ${guestNote(k).trim()}`]),
    '',
    renderTable([{ title: 'segment' }, { title: 'customers', align: 'right' }, { title: 'share', align: 'right' }, { title: 'revenue', align: 'right' }, { title: 'avg recency (days)', align: 'right' }, { title: 'avg orders', align: 'right' }],
      k.rfm.segments.map((s) => [s.segment, fmtInt(s.customers), fmtRatio(s.customer_share), fmtMoney(s.revenue), fmtNum(s.avg_recency_days), fmtNum(s.avg_frequency)])),
  ].join('\n'));
}
