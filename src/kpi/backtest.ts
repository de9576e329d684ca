// Rolling-origin backtest of the forecast models on a daily series: `origins` forecasts of `horizon`
// days, their origins `step` days apart, the last one ending on the last observed day. Each model is
// refitted on the days before each origin. Scores pool every forecast day: MAE, RMSE, MAPE (over days
// with a non-zero actual) and the share of actuals inside the 80 % and 95 % intervals.
import { stepVariances, Z80, Z95, type ForecastModel } from './forecast-model.ts';

export interface BacktestScore {
  model: ForecastModel['name'];
  origins: number;
  points: number;
  mae: number | null;
  rmse: number | null;
  /** Percent, over the points whose actual is not 0. */
  mape: number | null;
  coverage80: number | null;
  coverage95: number | null;
}

export interface BacktestOptions {
  horizon: number;
  origins: number;
  step: number;
  /** The fewest training days a model needs at an origin (origins with fewer are skipped). */
  minTrain: number;
}

export function rollingBacktest(series: readonly number[], fit: (train: number[]) => ForecastModel, name: ForecastModel['name'], o: BacktestOptions): BacktestScore {
  let absSum = 0, sqSum = 0, apeSum = 0, apeN = 0, in80 = 0, in95 = 0, points = 0, origins = 0;
  for (let k = o.origins - 1; k >= 0; k--) {
    const origin = series.length - o.horizon - k * o.step;
    if (origin < o.minTrain) continue;
    const model = fit(series.slice(0, origin));
    const predicted = model.forecast(o.horizon);
    const variances = stepVariances(model, o.horizon);
    origins++;
    for (let h = 0; h < o.horizon; h++) {
      const actual = series[origin + h]!;
      const err = actual - predicted[h]!;
      const sd = Math.sqrt(variances[h]!);
      absSum += Math.abs(err);
      sqSum += err * err;
      if (actual !== 0) {
        apeSum += Math.abs(err) / Math.abs(actual);
        apeN++;
      }
      if (Math.abs(err) <= Z80 * sd) in80++;
      if (Math.abs(err) <= Z95 * sd) in95++;
      points++;
    }
  }
  const per = (v: number) => (points === 0 ? null : v / points);
  return {
    model: name, origins, points, mae: per(absSum), rmse: points === 0 ? null : Math.sqrt(sqSum / points),
    mape: apeN === 0 ? null : (apeSum / apeN) * 100, coverage80: per(in80), coverage95: per(in95),
  };
}
