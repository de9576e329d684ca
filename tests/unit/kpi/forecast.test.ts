import { describe, expect, it } from 'vitest';
import { backtestSeasonalNaive, forecastSeasonalNaive } from '../../../src/kpi/forecast.ts';

// A purely weekly series: Mon..Sun = 100, 110, 90, 105, 95, 120, 80, repeated 6 weeks (42 days).
const WEEK = [100, 110, 90, 105, 95, 120, 80];
const weekly = (weeks: number): number[] => Array.from({ length: weeks * 7 }, (_, i) => WEEK[i % 7]!);

describe('forecastSeasonalNaive', () => {
  it('reproduces a weekly series exactly', () => {
    const series = weekly(6);
    const f = forecastSeasonalNaive(series, 10, 7);
    // The series ends on a Sunday (day 42), so step 1 is Monday = 100, … step 8 is Monday again.
    expect(f.map((p) => p.value)).toEqual([100, 110, 90, 105, 95, 120, 80, 100, 110, 90]);
    expect(f.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('repeats the last observed season, not an earlier one', () => {
    // Last 7 values are 1..7; the first week (zeros) must not matter.
    const series = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7];
    expect(forecastSeasonalNaive(series, 9, 7).map((p) => p.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2]);
  });

  it('returns nothing without one full season of history', () => {
    expect(forecastSeasonalNaive([1, 2, 3], 7, 7)).toEqual([]);
  });
});

describe('backtestSeasonalNaive', () => {
  it('has a MAPE of 0 on a purely weekly series', () => {
    const b = backtestSeasonalNaive(weekly(6), 28, 7);
    expect(b).toEqual({ mape: 0, days: 28, daysUsed: 28 });
  });

  it('computes MAPE over the held-out days with a non-zero actual', () => {
    // 5 weeks of history + a held-out week where every actual is 10 % above the pattern,
    // except Wednesday which is 0 (excluded from MAPE).
    const held = WEEK.map((v, i) => (i === 2 ? 0 : v * 1.1));
    const series = [...weekly(5), ...held];
    const b = backtestSeasonalNaive(series, 7, 7)!;
    // Forecast of the held-out week = the pattern; |1.1v − v| / 1.1v = 0.1 / 1.1 = 9.0909… % on 6 days.
    expect(b.daysUsed).toBe(6);
    expect(b.days).toBe(7);
    expect(b.mape).toBeCloseTo((0.1 / 1.1) * 100, 10);
  });

  it('is null when the history is shorter than the held-out days plus one season', () => {
    expect(backtestSeasonalNaive(weekly(4), 28, 7)).toBeNull(); // 28 < 28 + 7
    expect(backtestSeasonalNaive(weekly(5), 28, 7)).not.toBeNull(); // 35 = 28 + 7
  });

  it('has a null MAPE when no held-out day has sales', () => {
    const series = [...weekly(1), 0, 0, 0, 0, 0, 0, 0];
    expect(backtestSeasonalNaive(series, 7, 7)).toEqual({ mape: null, days: 7, daysUsed: 0 });
  });
});
