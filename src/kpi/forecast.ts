// Seasonal naive forecast with a weekly season: the value forecast for a future day is the value of
// the same day of the season in the last observed season. Explainable, and exact on a purely
// periodic series. Runs on the small daily revenue series (one number per day).

export interface ForecastPoint {
  /** 1 = the day after the last observed day. */
  step: number;
  value: number;
}

export interface Backtest {
  /** Mean absolute percentage error in percent over the held-out days with a non-zero actual; null when none. */
  mape: number | null;
  /** Held-out days (the last `days` of the series). */
  days: number;
  /** Held-out days used by MAPE (actual ≠ 0). */
  daysUsed: number;
}

/** Forecast `horizon` steps after the end of `series` (needs at least one full season). */
export function forecastSeasonalNaive(series: readonly number[], horizon: number, season: number): ForecastPoint[] {
  if (season < 1 || series.length < season) return [];
  const lastSeason = series.slice(series.length - season);
  return Array.from({ length: horizon }, (_, i) => ({ step: i + 1, value: lastSeason[i % season]! }));
}

/**
 * Backtest: hold out the last `days` values, forecast them from the values before, and score with
 * MAPE = mean(|actual − forecast| / |actual|) × 100 over the held-out days whose actual is not 0.
 * Null when the series is shorter than days + season.
 */
export function backtestSeasonalNaive(series: readonly number[], days: number, season: number): Backtest | null {
  if (series.length < days + season) return null;
  const train = series.slice(0, series.length - days);
  const actual = series.slice(series.length - days);
  const predicted = forecastSeasonalNaive(train, days, season);
  let sum = 0;
  let used = 0;
  actual.forEach((a, i) => {
    if (a === 0) return;
    sum += Math.abs(a - predicted[i]!.value) / Math.abs(a);
    used += 1;
  });
  return { mape: used === 0 ? null : (sum / used) * 100, days, daysUsed: used };
}
