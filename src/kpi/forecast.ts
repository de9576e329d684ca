// The revenue forecast: Holt-Winters (additive trend and weekly season) beside seasonal naive, the
// model chosen by a rolling backtest (lower MAE wins; a tie goes to the simpler seasonal naive), then
// refitted on the whole series to forecast every day up to the largest horizon and the total of each
// horizon, with normal 80 % and 95 % intervals. Revenue cannot be negative: forecasts and bounds are
// clipped at 0. Runs on the small daily series (one number per day).
import { rollingBacktest, type BacktestScore } from './backtest.ts';
import { seasonalNaiveModel, stepVariances, sumVariance, Z80, Z95, type ForecastModel } from './forecast-model.ts';
import { fitHoltWinters, type HoltWintersParams } from './holt-winters.ts';

export type ForecastMethod = 'auto' | 'holt_winters' | 'seasonal_naive';

export interface ForecastSettings {
  method: ForecastMethod;
  season: number;
  horizons: readonly number[];
  backtestDays: number;
  backtestOrigins: number;
  backtestStep: number;
}

export interface Interval {
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface RevenueForecast {
  chosen: ForecastModel['name'];
  /** Why this model: the backtest (auto) or forecast.method. */
  selection: 'backtest' | 'configured' | 'only_model';
  scores: BacktestScore[];
  params: HoltWintersParams | null;
  daily: (Interval & { step: number })[];
  horizons: (Interval & { days: number })[];
}

/** Seasons of history Holt-Winters needs before it is fitted (at an origin of the backtest too). */
export const HW_MIN_SEASONS = 4;

const clip = (v: number) => Math.max(0, v);

function interval(value: number, variance: number): Interval {
  const sd = Math.sqrt(Math.max(0, variance));
  return { value: clip(value), lower80: clip(value - Z80 * sd), upper80: clip(value + Z80 * sd), lower95: clip(value - Z95 * sd), upper95: clip(value + Z95 * sd) };
}

/** Null when the series is shorter than one season. */
export function forecastRevenue(series: readonly number[], s: ForecastSettings): RevenueForecast | null {
  const m = s.season;
  if (series.length < m) return null;
  const fits: Record<ForecastModel['name'], (y: number[]) => ForecastModel> = {
    seasonal_naive: (y) => seasonalNaiveModel(y, m),
    holt_winters: (y) => fitHoltWinters(y, m),
  };
  const hwPossible = series.length >= HW_MIN_SEASONS * m;
  const candidates: ForecastModel['name'][] = hwPossible ? ['holt_winters', 'seasonal_naive'] : ['seasonal_naive'];
  // Both models are scored on the same origins (those with enough history for every candidate).
  const minTrain = hwPossible ? HW_MIN_SEASONS * m : m;
  const scores = candidates.map((name) => rollingBacktest(series, fits[name], name, {
    horizon: s.backtestDays, origins: s.backtestOrigins, step: s.backtestStep, minTrain,
  }));
  let chosen: ForecastModel['name'];
  let selection: RevenueForecast['selection'];
  if (s.method !== 'auto' && candidates.includes(s.method)) {
    chosen = s.method;
    selection = 'configured';
  } else if (candidates.length === 1) {
    chosen = 'seasonal_naive';
    selection = 'only_model';
  } else {
    const [hw, sn] = scores;
    const better = hw!.mae !== null && (sn!.mae === null || hw!.mae < sn!.mae);
    chosen = better ? 'holt_winters' : 'seasonal_naive';
    selection = hw!.mae === null && sn!.mae === null ? 'only_model' : 'backtest';
  }
  const model = fits[chosen]([...series]);
  const maxHorizon = Math.max(...s.horizons);
  const points = model.forecast(maxHorizon);
  const variances = stepVariances(model, maxHorizon);
  return {
    chosen,
    selection,
    scores,
    params: 'params' in model ? (model as ForecastModel & { params: HoltWintersParams }).params : null,
    daily: points.map((v, i) => ({ step: i + 1, ...interval(v, variances[i]!) })),
    horizons: [...s.horizons].sort((a, b) => a - b).map((days) => ({
      days,
      ...interval(points.slice(0, days).reduce((a, b) => a + b, 0), sumVariance(model, days)),
    })),
  };
}
