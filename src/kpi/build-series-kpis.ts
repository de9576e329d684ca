// The KPIs computed in JavaScript on the small daily series of gold.agg_daily_sales: the revenue
// forecast (+ its backtest) and the anomalies of daily revenue and orders. Their results are
// written back as gold tables so that reports, checks and publish treat them like any model.
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { trusted } from '../sql/sql.ts';
import { detectAnomalies } from './anomalies.ts';
import { backtestSeasonalNaive, forecastSeasonalNaive } from './forecast.ts';
import { writeSmallTable } from './write-table.ts';

export interface DailyPoint {
  date: string;
  revenue: number;
  orders: number;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function readDailySeries(engine: Engine): Promise<DailyPoint[]> {
  const rows = await engine.rows(trusted('SELECT CAST(order_date AS VARCHAR) AS d, revenue, order_count FROM gold.agg_daily_sales ORDER BY order_date'));
  return rows.map((r) => ({ date: String(r['d']), revenue: Number(r['revenue']), orders: Number(r['order_count']) }));
}

/** Build gold.revenue_forecast, gold.forecast_backtest and gold.daily_anomalies; returns their row counts. */
export async function buildSeriesKpis(engine: Engine, config: PipelineConfig): Promise<{ name: string; rows: number }[]> {
  const series = await readDailySeries(engine);
  const revenue = series.map((p) => p.revenue);
  const { season_days: season, horizons, backtest_days: backtestDays, method } = config.forecast;
  const maxHorizon = Math.max(...horizons);
  const last = series.at(-1)?.date;
  const forecast = last ? forecastSeasonalNaive(revenue, maxHorizon, season) : [];
  const forecastRows = forecast.map((f) => [addDays(last!, f.step), f.step, f.value, method]);
  const built: { name: string; rows: number }[] = [];
  built.push({
    name: 'revenue_forecast',
    rows: await writeSmallTable(engine, 'gold', 'revenue_forecast', [
      { name: 'forecast_date', type: 'DATE' },
      { name: 'step', type: 'BIGINT' },
      { name: 'forecast_revenue', type: 'DOUBLE' },
      { name: 'method', type: 'VARCHAR' },
    ], forecastRows),
  });

  const backtest = backtestSeasonalNaive(revenue, backtestDays, season);
  built.push({
    name: 'forecast_backtest',
    rows: await writeSmallTable(engine, 'gold', 'forecast_backtest', [
      { name: 'method', type: 'VARCHAR' },
      { name: 'season_days', type: 'BIGINT' },
      { name: 'backtest_days', type: 'BIGINT' },
      { name: 'days_used', type: 'BIGINT' },
      { name: 'mape', type: 'DOUBLE' },
      { name: 'history_days', type: 'BIGINT' },
    ], [[method, season, backtestDays, backtest?.daysUsed ?? 0, backtest?.mape ?? null, series.length]]),
  });

  const a = config.anomalies;
  const settings = { windowDays: a.window_days, zThreshold: a.z_threshold, minHistoryDays: a.min_history_days };
  const anomalyRows = (['revenue', 'orders'] as const).flatMap((metric) =>
    detectAnomalies(series.map((p) => p[metric]), settings).map((x) => [
      series[x.index]!.date, metric, x.value, x.median, x.mad, x.z, x.isAnomaly, x.direction,
    ]),
  );
  built.push({
    name: 'daily_anomalies',
    rows: await writeSmallTable(engine, 'gold', 'daily_anomalies', [
      { name: 'day', type: 'DATE' },
      { name: 'metric', type: 'VARCHAR' },
      { name: 'value', type: 'DOUBLE' },
      { name: 'baseline_median', type: 'DOUBLE' },
      { name: 'baseline_mad', type: 'DOUBLE' },
      { name: 'robust_z', type: 'DOUBLE' },
      { name: 'is_anomaly', type: 'BOOLEAN' },
      { name: 'direction', type: 'VARCHAR' },
    ], anomalyRows),
  });
  return built;
}
