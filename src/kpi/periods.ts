// Honest periods: a week or month that the observed period (first order date … --as-of) covers only in
// part is marked partial (with the days it covers), and period-over-period comparisons use the last two
// complete periods, never a partial one against a full one.
import { pct } from './round.ts';

export interface Coverage {
  /** Days of the period inside the observed period. */
  days: number;
  /** Days of the whole period (7 for an ISO week, 28–31 for a month). */
  period_days: number;
  partial: boolean;
}

const DAY = 86_400_000;
const t = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last day of the week or month that starts on `start`. */
export function periodEnd(kind: 'week' | 'month', start: string): string {
  if (kind === 'week') return iso(t(start) + 6 * DAY);
  const d = new Date(t(start));
  return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
}

export function coverage(kind: 'week' | 'month', start: string, observedFrom: string, observedTo: string): Coverage {
  const end = periodEnd(kind, start);
  const periodDays = (t(end) - t(start)) / DAY + 1;
  const from = Math.max(t(start), t(observedFrom));
  const to = Math.min(t(end), t(observedTo));
  const days = to < from ? 0 : (to - from) / DAY + 1;
  return { days, period_days: periodDays, partial: days < periodDays };
}

export interface PeriodTotals {
  start: string;
  revenue: number | null;
  order_count: number;
  partial: boolean;
}

export interface PeriodComparison {
  current: { start: string; end: string; revenue: number | null; order_count: number };
  previous: { start: string; end: string; revenue: number | null; order_count: number };
  /** (current − previous) / previous in percent; null when previous is 0. */
  revenue_change_pct: number | null;
  orders_change_pct: number | null;
}

const change = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : pct(((a - b) / b) * 100));

/**
 * The last complete period against the period just before it, when that one is complete too (a period
 * without any order inside the observed period counts as 0); null otherwise.
 */
export function compareLastComplete(kind: 'week' | 'month', rows: readonly PeriodTotals[], observedFrom: string): PeriodComparison | null {
  const cur = rows.filter((r) => !r.partial).sort((a, b) => a.start.localeCompare(b.start)).at(-1);
  if (!cur) return null;
  const d = new Date(t(cur.start));
  const before = kind === 'week' ? iso(t(cur.start) - 7 * DAY) : iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  const found = rows.find((r) => r.start === before);
  if (found?.partial || (!found && before < observedFrom.slice(0, 10))) return null;
  const previous = found ?? { start: before, revenue: 0, order_count: 0, partial: false };
  const shape = (r: PeriodTotals) => ({ start: r.start, end: periodEnd(kind, r.start), revenue: r.revenue, order_count: r.order_count });
  return {
    current: shape(cur),
    previous: shape(previous),
    revenue_change_pct: change(cur.revenue, previous.revenue),
    orders_change_pct: change(cur.order_count, previous.order_count),
  };
}

export type PeriodRow = Record<string, number | string | boolean | null>;

/** The rows with `days` (covered), `period_days` and `partial` added; startKey names the period's first day. */
export function withCoverage(kind: 'week' | 'month', rows: readonly Record<string, number | string | null>[], startKey: string, observedFrom: string | null, observedTo: string): PeriodRow[] {
  return rows.map((r) => (observedFrom === null ? { ...r } : { ...r, ...coverage(kind, String(r[startKey]), observedFrom, observedTo) }));
}

/** Last complete week and month against the one before (kpis.json `period_comparison`). */
export function comparePeriods(weekly: readonly PeriodRow[], monthly: readonly PeriodRow[], observedFrom: string | null, observedTo: string) {
  const totals = (rows: readonly PeriodRow[], startKey: string): PeriodTotals[] =>
    rows.map((r) => ({ start: String(r[startKey]), revenue: r['revenue'] as number | null, order_count: Number(r['order_count']), partial: r['partial'] === true }));
  return {
    observed: { from: observedFrom, to: observedTo },
    rule: 'partial = the period is not wholly inside the observed days (first order date … as-of); comparisons use the last complete period and the complete period before it',
    week: observedFrom === null ? null : compareLastComplete('week', totals(weekly, 'week_start'), observedFrom),
    month: observedFrom === null ? null : compareLastComplete('month', totals(monthly, 'month_start'), observedFrom),
  };
}
