// The series KPIs of kpis.json: the revenue forecast (chosen model, both models' backtest errors side
// by side, 80 % and 95 % intervals) and the anomaly alerts (metric, day, value, expected value, z).
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { trusted } from '../sql/sql.ts';
import { int, money, num, pct, ratio, str } from './round.ts';

export interface ForecastInterval {
  revenue: number | null;
  lower_80: number | null;
  upper_80: number | null;
  lower_95: number | null;
  upper_95: number | null;
}

export interface ModelBacktest {
  model: string;
  chosen: boolean;
  origins: number;
  points: number;
  mae: number | null;
  rmse: number | null;
  mape_pct: number | null;
  coverage_80: number | null;
  coverage_95: number | null;
}

export type ForecastKpis =
  | {
      method: string;
      selection: string;
      season_days: number;
      definition: string;
      parameters: { alpha: number; beta: number; gamma: number } | null;
      backtest: { horizon_days: number; origins_requested: number; step_days: number; models: ModelBacktest[] };
      horizons: ({ days: number } & ForecastInterval)[];
      daily: ({ date: string } & ForecastInterval)[];
    }
  | { not_available: string; horizons: null };

export interface AnomalyAlertKpi {
  day: string;
  metric: string;
  kind: string;
  value: number | null;
  expected_value: number | null;
  z: number | null;
  change_pct: number | null;
  days: number;
}

export interface AnomalyKpis {
  method: string;
  window_days: number;
  season_weeks: number;
  z_threshold: number;
  min_history_days: number;
  level_shift_days: number;
  level_shift_z: number;
  days_scored: number;
  alerts: AnomalyAlertKpi[];
}

export const FORECAST_DEFINITION =
  'holt_winters: additive level, trend and weekly season, smoothing weights fitted by least squares of the one-step errors; ' +
  'seasonal_naive: each day = the same weekday of the last observed week; ' +
  'the model with the lower mean absolute error over the rolling backtest is used (forecast.method: auto); ' +
  'intervals are normal with the model\'s h-step error variance, clipped at 0';

export const ANOMALY_METHOD =
  'values on a log scale, so that changes are relative; expected = median of the same weekday over the previous season_weeks weeks × the recent level (median residual of the previous 7 days); ' +
  'z = residual / (1.4826 × MAD of the residuals of the previous window_days days); level shift = median residual of the last level_shift_days days in standard errors';

const backtestModels = async (engine: Engine): Promise<ModelBacktest[]> =>
  (await engine.rows(trusted('SELECT * FROM gold.forecast_backtest ORDER BY chosen DESC, model'))).map((r) => ({
    model: String(r['model']), chosen: r['chosen'] === true, origins: int(r['origins']), points: int(r['points']),
    mae: money(r['mae']), rmse: money(r['rmse']), mape_pct: pct(r['mape']), coverage_80: ratio(r['coverage_80']), coverage_95: ratio(r['coverage_95']),
  }));

export async function collectForecast(engine: Engine, config: PipelineConfig, has: (t: string) => boolean): Promise<ForecastKpis> {
  if (!has('revenue_forecast') || !has('forecast_backtest')) return { not_available: 'no daily sales', horizons: null };
  const rows = await engine.rows(trusted('SELECT CAST(forecast_date AS VARCHAR) AS date, step, forecast_revenue, lower_80, upper_80, lower_95, upper_95 FROM gold.revenue_forecast ORDER BY step'));
  if (rows.length === 0) return { not_available: `fewer than ${config.forecast.season_days} days of sales`, horizons: null };
  const [chosen] = await engine.rows(trusted('SELECT model, selection, alpha, beta, gamma FROM gold.forecast_backtest WHERE chosen'));
  const f = config.forecast;
  // Horizon totals are stored apart (gold.forecast_horizons): the interval of a sum is not the sum of the daily bounds.
  const horizons = has('forecast_horizons')
    ? (await engine.rows(trusted('SELECT days, forecast_revenue, lower_80, upper_80, lower_95, upper_95 FROM gold.forecast_horizons ORDER BY days'))).map((r) => ({
        days: int(r['days']), revenue: money(r['forecast_revenue']), lower_80: money(r['lower_80']), upper_80: money(r['upper_80']), lower_95: money(r['lower_95']), upper_95: money(r['upper_95']),
      }))
    : [];
  return {
    method: String(chosen?.['model'] ?? 'seasonal_naive'),
    selection: String(chosen?.['selection'] ?? 'only_model'),
    season_days: f.season_days,
    definition: FORECAST_DEFINITION,
    parameters: chosen && chosen['alpha'] !== null ? { alpha: Number(num(chosen['alpha'])), beta: Number(ratio(chosen['beta'])), gamma: Number(ratio(chosen['gamma'])) } : null,
    backtest: { horizon_days: f.backtest_days, origins_requested: f.backtest_origins, step_days: f.backtest_step_days, models: await backtestModels(engine) },
    horizons,
    daily: rows.map((r) => ({
      date: String(r['date']), revenue: money(r['forecast_revenue']), lower_80: money(r['lower_80']), upper_80: money(r['upper_80']), lower_95: money(r['lower_95']), upper_95: money(r['upper_95']),
    })),
  };
}

export async function collectAnomalies(engine: Engine, config: PipelineConfig, has: (t: string) => boolean): Promise<AnomalyKpis> {
  const a = config.anomalies;
  const alerts = has('anomaly_alerts')
    ? (await engine.rows(trusted('SELECT CAST(day AS VARCHAR) AS day, metric, kind, value, expected_value, z, change_pct, days FROM gold.anomaly_alerts ORDER BY day, metric, kind'))).map((r) => {
        const money2 = r['metric'] === 'revenue' ? money : num;
        return { day: String(str(r['day'])), metric: String(r['metric']), kind: String(r['kind']), value: money2(r['value']), expected_value: money2(r['expected_value']), z: num(r['z']), change_pct: pct(r['change_pct']), days: int(r['days']) };
      })
    : [];
  return {
    method: ANOMALY_METHOD,
    window_days: a.window_days,
    season_weeks: a.season_weeks,
    z_threshold: a.z_threshold,
    min_history_days: a.min_history_days,
    level_shift_days: a.level_shift_days,
    level_shift_z: a.level_shift_z,
    days_scored: has('daily_anomalies') ? int(await engine.scalar(trusted("SELECT COUNT(*) FROM gold.daily_anomalies WHERE metric = 'revenue'"))) : 0,
    alerts,
  };
}
