// reports/kpis.json and reports/alerts.json: the KPI model as JSON (stable key order, 2-space indent).
import type { Kpis } from '../kpi/collect-kpis.ts';
import type { AnomalyAlertKpi } from '../kpi/collect-series-kpis.ts';

export const ALERTS_SCHEMA_VERSION = 1;

export function renderKpisJson(k: Kpis): string {
  return `${JSON.stringify(k, null, 2)}\n`;
}

export type Alert =
  | ({ type: 'anomaly'; severity: 'warning' } & AnomalyAlertKpi)
  | { type: 'low_stock' | 'out_of_stock'; severity: 'warning'; product_id: string; current_stock: number; days_of_cover: number | null };

/** Every alert of the run: anomalies (by day, metric), then stock alerts (by product; none without inventory). */
export function renderAlertsJson(k: Kpis): string {
  const alerts: Alert[] = [
    ...k.anomalies.alerts.map((a) => ({ type: 'anomaly' as const, severity: 'warning' as const, ...a })),
    ...[...(k.inventory.low_stock_alerts ?? [])]
      .sort((x, y) => String(x['product_id']).localeCompare(String(y['product_id'])))
      .map((s) => ({
        type: s['level'] === 'out_of_stock' ? ('out_of_stock' as const) : ('low_stock' as const),
        severity: 'warning' as const,
        product_id: String(s['product_id']),
        current_stock: Number(s['current_stock']),
        days_of_cover: (s['days_of_cover'] as number | null) ?? null,
      })),
  ];
  return `${JSON.stringify({ schemaVersion: ALERTS_SCHEMA_VERSION, as_of: k.as_of, count: alerts.length, alerts }, null, 2)}\n`;
}
