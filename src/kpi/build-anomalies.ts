// Anomalies of daily revenue and orders (seasonal-anomalies.ts) written back as gold tables:
//   gold.daily_anomalies  one row per scored day × metric: value, expected value, z, level-shift score
//   gold.anomaly_alerts   one row per alert: day, metric, kind (spike, drop, level_shift_up/down),
//                         value, expected value, z, change in percent, days covered
import type { PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { scoreSeasonalAnomalies, seasonalAlerts, type SeasonalAnomalySettings } from './seasonal-anomalies.ts';
import type { DailyPoint } from './build-series-kpis.ts';
import { writeSmallTable } from './write-table.ts';

export const ANOMALY_METRICS = ['revenue', 'orders'] as const;

export function anomalySettings(config: PipelineConfig): SeasonalAnomalySettings {
  const a = config.anomalies;
  return {
    seasonWeeks: a.season_weeks, windowDays: a.window_days, zThreshold: a.z_threshold, minHistoryDays: a.min_history_days,
    levelShiftDays: a.level_shift_days, levelShiftZ: a.level_shift_z,
  };
}

export async function buildAnomalies(engine: Engine, config: PipelineConfig, series: readonly DailyPoint[]): Promise<{ name: string; rows: number }[]> {
  const settings = anomalySettings(config);
  const scores: (string | number | boolean | null)[][] = [];
  const alerts: (string | number | null)[][] = [];
  // One event is one order: of size 1 in orders, of the average order value in revenue.
  const orders = series.reduce((a, p) => a + p.orders, 0);
  const aov = orders === 0 ? 0 : series.reduce((a, p) => a + p.revenue, 0) / orders;
  for (const metric of ANOMALY_METRICS) {
    const values = series.map((p) => p[metric]);
    const scored = scoreSeasonalAnomalies(values, { ...settings, eventSize: metric === 'orders' ? 1 : aov });
    for (const d of scored) scores.push([series[d.index]!.date, metric, d.value, d.expected, d.z, d.levelShiftZ, d.isAnomaly]);
    for (const a of seasonalAlerts(values, scored, settings)) {
      alerts.push([series[a.index]!.date, metric, a.kind, a.value, a.expected, a.z, a.change === null ? null : a.change * 100, a.days]);
    }
  }
  alerts.sort((x, y) => String(x[0]).localeCompare(String(y[0])) || String(x[1]).localeCompare(String(y[1])) || String(x[2]).localeCompare(String(y[2])));
  return [
    {
      name: 'daily_anomalies',
      rows: await writeSmallTable(engine, 'gold', 'daily_anomalies', [
        { name: 'day', type: 'DATE' },
        { name: 'metric', type: 'VARCHAR' },
        { name: 'value', type: 'DOUBLE' },
        { name: 'expected_value', type: 'DOUBLE' },
        { name: 'robust_z', type: 'DOUBLE' },
        { name: 'level_shift_z', type: 'DOUBLE' },
        { name: 'is_anomaly', type: 'BOOLEAN' },
      ], scores),
    },
    {
      name: 'anomaly_alerts',
      rows: await writeSmallTable(engine, 'gold', 'anomaly_alerts', [
        { name: 'day', type: 'DATE' },
        { name: 'metric', type: 'VARCHAR' },
        { name: 'kind', type: 'VARCHAR' },
        { name: 'value', type: 'DOUBLE' },
        { name: 'expected_value', type: 'DOUBLE' },
        { name: 'z', type: 'DOUBLE' },
        { name: 'change_pct', type: 'DOUBLE' },
        { name: 'days', type: 'BIGINT' },
      ], alerts),
    },
  ];
}
