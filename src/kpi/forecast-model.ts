// What the forecast needs from a model: point forecasts, the one-step error variance σ², and the
// coefficients c_j of the linear innovations form (y_{t+h} depends on the error of t+h−j through c_j),
// from which the h-step variance σ²(1 + Σ_{j<h} c_j²) and the variance of a sum over the next H days,
// σ² Σ_{i=1..H} (1 + Σ_{j=1..H−i} c_j)², follow (Hyndman et al. 2008, ch. 6). Intervals are normal.
export interface ForecastModel {
  name: 'holt_winters' | 'seasonal_naive';
  sigma2: number;
  forecast(h: number): number[];
  coefficient(j: number): number;
}

/** z quantiles of the central 80 % and 95 % normal intervals. */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;

/** Variance of the h-step forecast error, h = 1..H. */
export function stepVariances(model: ForecastModel, horizon: number): number[] {
  const out: number[] = [];
  let acc = 1;
  for (let h = 1; h <= horizon; h++) {
    if (h > 1) acc += model.coefficient(h - 1) ** 2;
    out.push(model.sigma2 * acc);
  }
  return out;
}

/** Variance of the error of Σ_{h=1..H} ŷ_{t+h}. */
export function sumVariance(model: ForecastModel, horizon: number): number {
  const cumulative = [0];
  for (let j = 1; j < horizon; j++) cumulative.push(cumulative[j - 1]! + model.coefficient(j));
  let v = 0;
  for (let i = 1; i <= horizon; i++) v += (1 + cumulative[horizon - i]!) ** 2;
  return model.sigma2 * v;
}

/** Seasonal naive: ŷ_{n+h} = y_{n+h−m⌈h/m⌉}; σ² = mean squared seasonal difference; c_j = 1 when j is a multiple of m. */
export function seasonalNaiveModel(y: readonly number[], m: number): ForecastModel {
  if (y.length < m) throw new RangeError(`seasonal naive needs one season (${m} values), got ${y.length}`);
  let sse = 0;
  for (let t = m; t < y.length; t++) sse += (y[t]! - y[t - m]!) ** 2;
  const used = y.length - m;
  const last = y.slice(y.length - m);
  return {
    name: 'seasonal_naive',
    sigma2: used > 0 ? sse / used : 0,
    forecast: (h) => Array.from({ length: h }, (_, k) => last[k % m]!),
    coefficient: (j) => (j % m === 0 ? 1 : 0),
  };
}
