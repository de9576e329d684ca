// Holt-Winters with additive trend and additive season (ETS(A,A,A) in the error-correction form of
// Hyndman et al., "Forecasting with Exponential Smoothing", 2008):
//   ŷ_t = ℓ + b + s_(t mod m);  e_t = y_t − ŷ_t
//   ℓ ← ℓ + b + α e_t;  b ← b + β e_t;  s_(t mod m) ← s_(t mod m) + γ e_t
// Classical start: ℓ = mean of the first season, b = (mean of the 2nd season − mean of the 1st) / m,
// s_i = y_i − ℓ. α, β, γ minimise the one-step squared errors (Nelder-Mead on logits, within the usual
// region 0 < β < α < 1, 0 < γ < 1 − α). Seasonal naive is the same model with α = β = 0, γ = 1, which
// gives both models one prediction-variance formula (forecast-model.ts).
import { minimizeNelderMead } from './optimize.ts';
import type { ForecastModel } from './forecast-model.ts';

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

interface State {
  level: number;
  trend: number;
  season: number[];
  sse: number;
  used: number;
}

/** Run the recursions over the whole series; SSE counts the errors after the first season. */
export function runHoltWinters(y: readonly number[], m: number, p: HoltWintersParams): State {
  const first = y.slice(0, m);
  const second = y.slice(m, 2 * m);
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  let level = mean(first);
  let trend = (mean(second) - level) / m;
  const season = first.map((v) => v - level);
  let sse = 0;
  let used = 0;
  for (let t = 0; t < y.length; t++) {
    const i = t % m;
    const e = y[t]! - (level + trend + season[i]!);
    if (t >= m) {
      sse += e * e;
      used++;
    }
    level = level + trend + p.alpha * e;
    trend = trend + p.beta * e;
    season[i] = season[i]! + p.gamma * e;
  }
  return { level, trend, season, sse, used };
}

const logistic = (u: number) => 1 / (1 + Math.exp(-u));

/** Fit α, β, γ by least squares (needs two full seasons) and return the fitted model. */
export function fitHoltWinters(y: readonly number[], m: number): ForecastModel & { params: HoltWintersParams } {
  if (y.length < 2 * m + 1) throw new RangeError(`Holt-Winters needs more than two seasons (${2 * m} values), got ${y.length}`);
  const toParams = (u: number[]): HoltWintersParams => {
    const alpha = logistic(u[0]!);
    return { alpha, beta: alpha * logistic(u[1]!), gamma: (1 - alpha) * logistic(u[2]!) };
  };
  const scale = Math.max(1e-12, y.reduce((a, v) => a + v * v, 0) / y.length);
  const res = minimizeNelderMead((u) => runHoltWinters(y, m, toParams(u)).sse / scale, [-1, -2, -2], { tolerance: 1e-10, maxIterations: 2000, step: 1 });
  const params = toParams(res.x);
  return holtWintersModel(y, m, params);
}

/** The model with given parameters (no fitting): forecasts and the variance coefficients. */
export function holtWintersModel(y: readonly number[], m: number, params: HoltWintersParams): ForecastModel & { params: HoltWintersParams } {
  const s = runHoltWinters(y, m, params);
  const n = y.length;
  return {
    name: 'holt_winters',
    params,
    sigma2: s.used > 3 ? s.sse / (s.used - 3) : 0,
    forecast: (h) => Array.from({ length: h }, (_, k) => s.level + (k + 1) * s.trend + s.season[(n + k) % m]!),
    // The effect of an error j steps back on today's forecast: through the level α, the trend β j, and
    // the season γ when j is a whole number of seasons.
    coefficient: (j) => params.alpha + params.beta * j + (j % m === 0 ? params.gamma : 0),
  };
}
