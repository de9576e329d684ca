// Period honesty in the text reports: partial weeks and months are marked, and the week summary
// compares the last complete week with the complete week before it (kpis.json period_comparison).
import type { Kpis } from '../kpi/collect-kpis.ts';
import type { PeriodRow } from '../kpi/periods.ts';
import { fmtInt, fmtMoney, fmtPct, renderPairs } from './kpi-format.ts';

/** " *" after the label of a partial period. */
export function partialMark(row: PeriodRow): string {
  return row['partial'] === true ? ' *' : '';
}

/** A note line before a period table that has partial periods ('' when none). */
export function renderPartialNote(k: Kpis): string {
  const partial = [...k.sales_monthly, ...k.sales_weekly].filter((r) => r['partial'] === true);
  if (partial.length === 0) return '';
  const from = k.period_comparison.observed.from ?? '';
  return `  * partial period: the observed days (${from} to ${k.as_of}) cover only part of it (days covered / days in kpis.json); compare complete periods\n`;
}

const weekLabel = (r: PeriodRow | undefined) => (r ? `${r['iso_year']}-W${String(r['iso_week']).padStart(2, '0')}` : '');

export function renderWeekSummary(k: Kpis): string {
  if (k.sales_weekly.length === 0) return '  (none)';
  const c = k.period_comparison.week;
  const last = k.sales_weekly.at(-1)!;
  const pairs: [string, string][] = [];
  if (c) {
    const cur = k.sales_weekly.find((w) => w['week_start'] === c.current.start);
    pairs.push([`Last complete week ${weekLabel(cur)} (${c.current.start} to ${c.current.end})`,
      `${fmtMoney(c.current.revenue)} revenue, ${fmtInt(c.current.order_count)} orders; vs the week before: revenue ${fmtPct(c.revenue_change_pct, true)}, orders ${fmtPct(c.orders_change_pct, true)}`]);
  } else {
    pairs.push(['Last complete week', 'n/a (fewer than two consecutive complete weeks)']);
  }
  if (last['partial'] === true) {
    pairs.push([`Current week ${weekLabel(last)} (partial: ${last['days']} of ${last['period_days']} days)`, `${fmtMoney(last['revenue'] as number | null)} revenue, ${fmtInt(last['order_count'] as number)} orders (not comparable with a full week)`]);
  }
  pairs.push(['Weeks in the period', fmtInt(k.sales_weekly.length)]);
  return renderPairs(pairs);
}
