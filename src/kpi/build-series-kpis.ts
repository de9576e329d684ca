// The KPIs computed in JavaScript on the small daily series of gold.agg_daily_sales: the revenue
// forecast (Holt-Winters beside seasonal naive, chosen by a rolling backtest; forecast.ts) and the
// anomalies of daily revenue and orders (build-anomalies.ts). Their results are written back as gold
// tables so that reports, checks and publish treat them like any model.
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { trusted } from '../sql/sql.ts';
import { buildAnomalies } from './build-anomalies.ts';
import { forecastRevenue } from './forecast.ts';
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

/** Build gold.revenue_forecast, gold.forecast_horizons, gold.forecast_backtest, gold.daily_anomalies and gold.anomaly_alerts; returns their row counts. */
export async function buildSeriesKpis(engine: Engine, config: PipelineConfig): Promise<{ name: string; rows: number }[]> {
  const series = await readDailySeries(engine);
  const f = config.forecast;
  const forecast = forecastRevenue(series.map((p) => p.revenue), {
    method: f.method, season: f.season_days, horizons: f.horizons, backtestDays: f.backtest_days, backtestOrigins: f.backtest_origins, backtestStep: f.backtest_step_days,
  });
  const last = series.at(-1)?.date;
  const built: { name: string; rows: number }[] = [];
  built.push({
    name: 'revenue_forecast',
    rows: await writeSmallTable(engine, 'gold', 'revenue_forecast', [
      { name: 'forecast_date', type: 'DATE' },
      { name: 'step', type: 'BIGINT' },
      { name: 'forecast_revenue', type: 'DOUBLE' },
      { name: 'lower_80', type: 'DOUBLE' },
      { name: 'upper_80', type: 'DOUBLE' },
      { name: 'lower_95', type: 'DOUBLE' },
      { name: 'upper_95', type: 'DOUBLE' },
      { name: 'method', type: 'VARCHAR' },
    ], forecast && last ? forecast.daily.map((d) => [addDays(last, d.step), d.step, d.value, d.lower80, d.upper80, d.lower95, d.upper95, forecast.chosen]) : []),
  });
  built.push({
    name: 'forecast_horizons',
    rows: await writeSmallTable(engine, 'gold', 'forecast_horizons', [
      { name: 'days', type: 'BIGINT' },
      { name: 'forecast_revenue', type: 'DOUBLE' },
      { name: 'lower_80', type: 'DOUBLE' },
      { name: 'upper_80', type: 'DOUBLE' },
      { name: 'lower_95', type: 'DOUBLE' },
      { name: 'upper_95', type: 'DOUBLE' },
      { name: 'method', type: 'VARCHAR' },
    ], forecast ? forecast.horizons.map((h) => [h.days, h.value, h.lower80, h.upper80, h.lower95, h.upper95, forecast.chosen]) : []),
  });
  built.push({
    name: 'forecast_backtest',
    rows: await writeSmallTable(engine, 'gold', 'forecast_backtest', [
      { name: 'model', type: 'VARCHAR' },
      { name: 'chosen', type: 'BOOLEAN' },
      { name: 'selection', type: 'VARCHAR' },
      { name: 'season_days', type: 'BIGINT' },
      { name: 'horizon_days', type: 'BIGINT' },
      { name: 'origins', type: 'BIGINT' },
      { name: 'points', type: 'BIGINT' },
      { name: 'mae', type: 'DOUBLE' },
      { name: 'rmse', type: 'DOUBLE' },
      { name: 'mape', type: 'DOUBLE' },
      { name: 'coverage_80', type: 'DOUBLE' },
      { name: 'coverage_95', type: 'DOUBLE' },
      { name: 'alpha', type: 'DOUBLE' },
      { name: 'beta', type: 'DOUBLE' },
      { name: 'gamma', type: 'DOUBLE' },
      { name: 'history_days', type: 'BIGINT' },
    ], (forecast?.scores ?? []).map((s) => {
      const chosen = s.model === forecast!.chosen;
      const p = chosen ? forecast!.params : null;
      return [s.model, chosen, forecast!.selection, f.season_days, f.backtest_days, s.origins, s.points, s.mae, s.rmse, s.mape, s.coverage80, s.coverage95,
        p?.alpha ?? null, p?.beta ?? null, p?.gamma ?? null, series.length];
    })),
  });
  built.push(...(await buildAnomalies(engine, config, series)));
  return built;
}
