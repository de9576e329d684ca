// Partial periods and period-over-period comparisons on complete periods only.
import { describe, expect, it } from 'vitest';
import { compareLastComplete, coverage, periodEnd } from '../../../src/kpi/periods.ts';

describe('coverage', () => {
  // Observed 2026-01-07 (a Wednesday) … 2026-11-20 (a Friday).
  const from = '2026-01-07';
  const to = '2026-11-20';
  it('marks the first and last ISO weeks partial with the days they cover', () => {
    expect(coverage('week', '2026-01-05', from, to)).toEqual({ days: 5, period_days: 7, partial: true });
    expect(coverage('week', '2026-01-12', from, to)).toEqual({ days: 7, period_days: 7, partial: false });
    expect(coverage('week', '2026-11-16', from, to)).toEqual({ days: 5, period_days: 7, partial: true });
  });
  it('marks the first and last months partial (month lengths, leap years)', () => {
    expect(coverage('month', '2026-01-01', from, to)).toEqual({ days: 25, period_days: 31, partial: true });
    expect(coverage('month', '2026-02-01', from, to)).toEqual({ days: 28, period_days: 28, partial: false });
    expect(coverage('month', '2026-11-01', from, to)).toEqual({ days: 20, period_days: 30, partial: true });
    expect(periodEnd('month', '2024-02-01')).toBe('2024-02-29');
    expect(periodEnd('week', '2026-11-16')).toBe('2026-11-22');
  });
});

describe('compareLastComplete', () => {
  const weeks = [
    { start: '2026-11-02', revenue: 1000, order_count: 10, partial: false },
    { start: '2026-11-09', revenue: 1200, order_count: 12, partial: false },
    { start: '2026-11-16', revenue: 500, order_count: 5, partial: true },
  ];
  it('compares the last complete week with the one before, never the partial last week', () => {
    expect(compareLastComplete('week', weeks, '2026-01-07')).toEqual({
      current: { start: '2026-11-09', end: '2026-11-15', revenue: 1200, order_count: 12 },
      previous: { start: '2026-11-02', end: '2026-11-08', revenue: 1000, order_count: 10 },
      revenue_change_pct: 20,
      orders_change_pct: 20,
    });
  });
  it('counts an observed week without orders as 0, and gives up when the week before is partial or unobserved', () => {
    const gap = [weeks[0]!, { start: '2026-11-16', revenue: 300, order_count: 3, partial: false }];
    expect(compareLastComplete('week', gap, '2026-01-07')).toMatchObject({ previous: { start: '2026-11-09', revenue: 0 }, revenue_change_pct: null });
    expect(compareLastComplete('week', [{ ...weeks[0]!, partial: true }, weeks[1]!], '2026-11-04')).toBeNull();
    expect(compareLastComplete('week', [weeks[1]!], '2026-11-09')).toBeNull();
  });
  it('works on months', () => {
    const months = [
      { start: '2026-09-01', revenue: 3000, order_count: 30, partial: false },
      { start: '2026-10-01', revenue: 2700, order_count: 33, partial: false },
      { start: '2026-11-01', revenue: 1500, order_count: 15, partial: true },
    ];
    expect(compareLastComplete('month', months, '2025-01-01')).toMatchObject({ current: { start: '2026-10-01', end: '2026-10-31' }, revenue_change_pct: -10, orders_change_pct: 10 });
  });
});
