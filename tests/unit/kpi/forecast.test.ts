// Forecast models: Holt-Winters recursions and seasonal naive against hand/python values, the
// prediction variances, the rolling backtest and the model choice on synthetic seasonal series.
import { describe, expect, it } from 'vitest';
import { rollingBacktest } from '../../../src/kpi/backtest.ts';
import { seasonalNaiveModel, stepVariances, sumVariance, type ForecastModel } from '../../../src/kpi/forecast-model.ts';
import { forecastRevenue } from '../../../src/kpi/forecast.ts';
import { fitHoltWinters, holtWintersModel, runHoltWinters } from '../../../src/kpi/holt-winters.ts';

const WEEK = [100, 110, 90, 105, 95, 120, 80];
/** A deterministic pseudo-random noise in [-1, 1) (no Math.random: the tests are reproducible). */
const noise = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1 * 2 - 1;

describe('Holt-Winters recursions', () => {
  // python3 (same recursions): y = [10, 20, 15, 12, 23, 17, 14, 25, 20], m = 3, α 0.5, β 0.1, γ 0.2;
  // start ℓ = 15, b = (17.333… − 15) / 3, s = [−5, 5, 0].
  const y = [10, 20, 15, 12, 23, 17, 14, 25, 20];
  const p = { alpha: 0.5, beta: 0.1, gamma: 0.2 };
  it('ends in the state computed by hand', () => {
    const s = runHoltWinters(y, 3, p);
    expect(s.level).toBeCloseTo(20.406479884444444, 12);
    expect(s.trend).toBeCloseTo(0.7125976586666671, 12);
    expect(s.season[0]).toBeCloseTo(-4.823941155555555, 12);
    expect(s.season[1]).toBeCloseTo(5.132568604444445, 12);
    expect(s.season[2]).toBeCloseTo(-0.4389876871111106, 12);
    expect(s.sse).toBeCloseTo(4.4891292101133535, 12);
  });
  it('forecasts ℓ + h b + s and estimates σ² = SSE / (n − m − 3)', () => {
    const model = holtWintersModel(y, 3, p);
    const f = model.forecast(4);
    [16.295136387555555, 26.96424380622222, 22.105285173333332, 18.432929363555555].forEach((v, i) => expect(f[i]).toBeCloseTo(v, 12));
    expect(model.sigma2).toBeCloseTo(1.4963764033711178, 12);
  });
  it('has the h-step and sum variances of ETS(A,A,A): c_j = α + β j + γ [j mod m = 0]', () => {
    const unit: ForecastModel = { ...holtWintersModel(y, 3, p), sigma2: 1 };
    // c1 = 0.6, c2 = 0.7, c3 = 0.5 + 0.3 + 0.2 = 1.0
    const v = stepVariances(unit, 4);
    [1, 1.36, 1.85, 2.85].forEach((x, i) => expect(v[i]).toBeCloseTo(x, 12));
    // Σ over 3 days: (1 + c1 + c2)² + (1 + c1)² + 1 = 5.29 + 2.56 + 1
    expect(sumVariance(unit, 3)).toBeCloseTo(8.85, 12);
  });
  it('fits a seasonal series with trend and forecasts it within 1 %', () => {
    const series = Array.from({ length: 26 * 7 }, (_, t) => 500 + 2 * t + WEEK[t % 7]! + 3 * noise(t));
    const model = fitHoltWinters(series, 7);
    const truth = Array.from({ length: 14 }, (_, k) => 500 + 2 * (series.length + k) + WEEK[(series.length + k) % 7]!);
    model.forecast(14).forEach((v, k) => expect(Math.abs(v / truth[k]! - 1)).toBeLessThan(0.01));
    expect(model.params.beta).toBeLessThan(model.params.alpha);
    expect(model.params.gamma).toBeLessThan(1 - model.params.alpha);
  });
});

describe('seasonal naive', () => {
  // Week 2 = week 1 + 2 → σ² = 4; the h-step variance is σ² ⌈h / 7⌉.
  const y = [...WEEK, ...WEEK.map((v) => v + 2)];
  const model = seasonalNaiveModel(y, 7);
  it('repeats the last week', () => {
    expect(model.forecast(9)).toEqual([102, 112, 92, 107, 97, 122, 82, 102, 112]);
    expect(model.sigma2).toBe(4);
  });
  it('variances: σ² per started week; a 7-day sum 7σ², an 8-day sum (1 + 1)² σ² + 7σ²', () => {
    expect(stepVariances(model, 15)).toEqual([4, 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 12]);
    expect(sumVariance(model, 7)).toBe(28);
    expect(sumVariance(model, 8)).toBe(44);
  });
});

describe('rolling backtest and model choice', () => {
  it('scores seasonal naive with MAE 0 on a purely weekly series, with its origins and points', () => {
    const series = Array.from({ length: 10 * 7 }, (_, t) => WEEK[t % 7]!);
    const s = rollingBacktest(series, (y) => seasonalNaiveModel(y, 7), 'seasonal_naive', { horizon: 14, origins: 3, step: 7, minTrain: 7 });
    expect(s).toMatchObject({ origins: 3, points: 42, mae: 0, rmse: 0, mape: 0, coverage80: 1, coverage95: 1 });
  });

  it('skips origins without enough history', () => {
    const series = Array.from({ length: 30 }, (_, t) => WEEK[t % 7]!);
    const s = rollingBacktest(series, (y) => seasonalNaiveModel(y, 7), 'seasonal_naive', { horizon: 14, origins: 3, step: 7, minTrain: 14 });
    // origins at 16, 9, 2: only 16 has 14 days before it.
    expect(s.origins).toBe(1);
    expect(s.points).toBe(14);
  });

  it('chooses Holt-Winters on a trending seasonal series, with intervals around the forecast', () => {
    const series = Array.from({ length: 40 * 7 }, (_, t) => 1000 + 5 * t + 2 * WEEK[t % 7]! + 20 * noise(t));
    const f = forecastRevenue(series, { method: 'auto', season: 7, horizons: [30, 7, 90], backtestDays: 28, backtestOrigins: 6, backtestStep: 14 })!;
    expect(f.chosen).toBe('holt_winters');
    expect(f.selection).toBe('backtest');
    const [hw, sn] = f.scores;
    expect(hw!.model).toBe('holt_winters');
    expect(hw!.origins).toBe(6);
    expect(hw!.mae!).toBeLessThan(sn!.mae!);
    expect(f.horizons.map((h) => h.days)).toEqual([7, 30, 90]);
    expect(f.daily).toHaveLength(90);
    for (const h of [...f.horizons, ...f.daily]) {
      expect(h.lower95).toBeLessThanOrEqual(h.lower80);
      expect(h.lower80).toBeLessThanOrEqual(h.value);
      expect(h.value).toBeLessThanOrEqual(h.upper80);
      expect(h.upper80).toBeLessThanOrEqual(h.upper95);
    }
    // The 7-day total is the sum of the 7 daily forecasts; the truth lies inside its 95 % interval.
    expect(f.horizons[0]!.value).toBeCloseTo(f.daily.slice(0, 7).reduce((a, d) => a + d.value, 0), 6);
    const truth7 = Array.from({ length: 7 }, (_, k) => 1000 + 5 * (series.length + k) + 2 * WEEK[(series.length + k) % 7]!).reduce((a, b) => a + b, 0);
    expect(truth7).toBeGreaterThan(f.horizons[0]!.lower95);
    expect(truth7).toBeLessThan(f.horizons[0]!.upper95);
  });

  it('keeps seasonal naive on a purely weekly series (a tie or better goes to the simpler model)', () => {
    const series = Array.from({ length: 20 * 7 }, (_, t) => WEEK[t % 7]!);
    const f = forecastRevenue(series, { method: 'auto', season: 7, horizons: [7], backtestDays: 28, backtestOrigins: 3, backtestStep: 14 })!;
    expect(f.chosen).toBe('seasonal_naive');
    expect(f.horizons[0]).toEqual({ days: 7, value: 700, lower80: 700, upper80: 700, lower95: 700, upper95: 700 });
  });

  it('uses seasonal naive alone under 4 weeks of history, nothing under one week', () => {
    expect(forecastRevenue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { method: 'auto', season: 7, horizons: [7], backtestDays: 28, backtestOrigins: 6, backtestStep: 14 })).toMatchObject({ chosen: 'seasonal_naive', selection: 'only_model' });
    expect(forecastRevenue([1, 2, 3], { method: 'auto', season: 7, horizons: [7], backtestDays: 28, backtestOrigins: 6, backtestStep: 14 })).toBeNull();
  });
});
