// The seasonal anomaly detector: a hand-computed score on a purely weekly series, then recall and
// false alerts on a synthetic year of noisy weekly data with planted spikes, drops and a level shift.
import { describe, expect, it } from 'vitest';
import { MIN_SCALE, scoreSeasonalAnomalies, seasonalAlerts, type SeasonalAnomalySettings } from '../../../src/kpi/seasonal-anomalies.ts';

const SETTINGS: SeasonalAnomalySettings = { seasonWeeks: 8, windowDays: 56, zThreshold: 4.5, minHistoryDays: 28, levelShiftDays: 7, levelShiftZ: 6 };
const WEEK = [100, 90, 95, 105, 120, 180, 160];
/** Deterministic noise in [-1, 1). */
const noise = (i: number) => ((Math.sin(i * 12.9898 + 78.233) * 43758.5453) % 1 + 1) % 1 * 2 - 1;

describe('scoreSeasonalAnomalies', () => {
  it('scores a day against the same weekday of the previous weeks (hand-computed on a purely weekly series)', () => {
    const series = Array.from({ length: 10 * 7 }, (_, t) => WEEK[t % 7]!);
    series[63] = 200; // a Monday (100) doubled
    const scored = scoreSeasonalAnomalies(series, SETTINGS);
    expect(scored[0]!.index).toBe(28); // min_history_days
    const day = scored.find((d) => d.index === 63)!;
    // base = ln(101), drift = 0 (the previous residuals are 0), MAD = 0 → scale = MIN_SCALE.
    expect(day.expected).toBeCloseTo(100, 9);
    expect(day.z).toBeCloseTo(Math.log(201 / 101) / MIN_SCALE, 9);
    expect(day.isAnomaly).toBe(true);
    // Weekends are 1.6–1.8 × Mondays and are not anomalies: every other day scores 0.
    expect(scored.filter((d) => d.index !== 63).every((d) => d.z === 0 && !d.isAnomaly)).toBe(true);
    // A week later, the doubled Monday is one of 8 same weekdays: the median ignores it.
    const next = scoreSeasonalAnomalies([...series, 100], SETTINGS).at(-1)!;
    expect(next.index).toBe(70);
    expect(next.expected).toBeCloseTo(100, 9);
    expect(next.z).toBeCloseTo(0, 9);
  });

  it('a count series is never scored finer than one event', () => {
    // 3 orders every day but one with 4: one order more is not an alert (log step ln(1 + 1/4) ≈ 0.22 is the floor of σ).
    const series = Array.from({ length: 60 }, (_, t) => (t === 50 ? 4 : 3));
    const asCounts = scoreSeasonalAnomalies(series, { ...SETTINGS, eventSize: 1 }).find((d) => d.index === 50)!;
    expect(asCounts.z).toBeCloseTo(Math.log(5 / 4) / Math.log1p(1 / 4), 9);
    expect(asCounts.isAnomaly).toBe(false);
    // Revenue of one order of 40 a week, against weeks without sales: the step of one order (ln 41) is the floor.
    const weekly = Array.from({ length: 70 }, (_, t) => (t % 7 === 3 && t !== 52 ? 0 : t === 52 ? 40 : 0));
    const sale = scoreSeasonalAnomalies(weekly, { ...SETTINGS, eventSize: 40 }).find((d) => d.index === 52)!;
    expect(sale.z).toBeCloseTo(1, 9);
    expect(sale.isAnomaly).toBe(false);
  });
});

describe('seasonalAlerts on a synthetic year', () => {
  // 52 weeks of weekly pattern × growth × ±15 % noise; planted: spikes ×2.5, drops ×0.3, a 99 % collapse,
  // and a 21-day level shift ×0.6.
  const n = 52 * 7;
  const base = Array.from({ length: n }, (_, t) => WEEK[t % 7]! * (1 + 0.3 * t / n) * (1 + 0.15 * noise(t)));
  const points: Record<number, number> = { 60: 2.5, 95: 0.3, 130: 2.5, 165: 0.3, 250: 2.5, 290: 0.3, 330: 0.01 };
  const shift = { start: 190, days: 21, factor: 0.6 };
  const series = base.map((v, t) => v * (points[t] ?? 1) * (t >= shift.start && t < shift.start + shift.days ? shift.factor : 1));
  const alerts = seasonalAlerts(series, scoreSeasonalAnomalies(series, SETTINGS), SETTINGS);

  it('finds every planted spike and drop with its kind, value, expected value and z', () => {
    for (const [t, f] of Object.entries(points)) {
      const a = alerts.find((x) => x.index === Number(t) && (x.kind === 'spike' || x.kind === 'drop'));
      expect(a, `day ${t}`).toBeDefined();
      expect(a!.kind).toBe(f > 1 ? 'spike' : 'drop');
      expect(a!.value).toBe(series[Number(t)]);
      // The expected value is the day without its anomaly, within the noise.
      expect(Math.abs(a!.expected / base[Number(t)]! - 1)).toBeLessThan(0.3);
    }
    // The 99 % collapse is far beyond the threshold, with a change of about −99 %.
    const collapse = alerts.find((x) => x.index === 330)!;
    expect(collapse.z).toBeLessThan(-10);
    expect(collapse.change!).toBeLessThan(-0.98);
  });

  it('reports the level shift once, while it lasts (it needs most of a 7-day window), and raises no other alert', () => {
    const shifts = alerts.filter((a) => a.kind.startsWith('level_shift'));
    expect(shifts).toHaveLength(1);
    expect(shifts[0]!.kind).toBe('level_shift_down');
    expect(shifts[0]!.index).toBeGreaterThanOrEqual(shift.start + 3);
    expect(shifts[0]!.index).toBeLessThan(shift.start + shift.days);
    expect(shifts[0]!.change!).toBeLessThan(-0.25);
    // Every alert is a planted point, or inside the shift (its start and its end, up to a week after).
    const explained = (i: number) => points[i] !== undefined || (i >= shift.start && i < shift.start + shift.days + 7);
    expect(alerts.filter((a) => !explained(a.index)).map((a) => [a.index, a.kind, a.z])).toEqual([]);
  });
});
