// Series sections of the KPI text reports: the revenue forecast (chosen model, both models' backtest
// errors side by side, 80 % / 95 % intervals) and the anomaly alerts (metric, day, value, expected, z).
import type { Kpis } from '../kpi/collect-kpis.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct, fmtRatio, notAvailable, renderPairs, renderTable, section } from './kpi-format.ts';

const MODEL_NAMES: Record<string, string> = { holt_winters: 'Holt-Winters (additive trend and weekly season)', seasonal_naive: 'seasonal naive (same weekday of the last week)' };

export function renderForecast(k: Kpis): string {
  const f = k.forecast;
  const title = 'Revenue forecast';
  if ('not_available' in f) return section(title, notAvailable(f.not_available));
  const why = f.selection === 'backtest' ? 'lowest MAE in the rolling backtest' : f.selection === 'configured' ? 'forecast.method in pipeline/config.yaml' : 'the only model the history allows';
  const params = f.parameters ? ` (alpha ${f.parameters.alpha}, beta ${f.parameters.beta}, gamma ${f.parameters.gamma})` : '';
  const b = f.backtest;
  return section(title, [
    renderPairs([
      ['Model', `${MODEL_NAMES[f.method] ?? f.method}${params}; chosen by ${why}`],
      ['Backtest', `${b.models[0]?.origins ?? 0} rolling forecast(s) of ${b.horizon_days} days per model, origins ${b.step_days} days apart, the last one ending on the last day`],
    ]),
    ...f.definition.split('; ').map((d) => `  ${d}`),
    '',
    renderTable([{ title: 'model' }, { title: 'MAE/day', align: 'right' }, { title: 'RMSE/day', align: 'right' }, { title: 'MAPE', align: 'right' }, { title: 'in 80 %', align: 'right' }, { title: 'in 95 %', align: 'right' }, { title: '' }],
      b.models.map((m) => [m.model, fmtMoney(m.mae), fmtMoney(m.rmse), fmtPct(m.mape_pct), fmtRatio(m.coverage_80), fmtRatio(m.coverage_95), m.chosen ? 'chosen' : 'not chosen'])),
    '',
    renderTable([{ title: 'horizon' }, { title: 'forecast revenue', align: 'right' }, { title: '80 % interval', align: 'right' }, { title: '95 % interval', align: 'right' }],
      f.horizons.map((h) => [`next ${h.days} days`, fmtMoney(h.revenue), `${fmtMoney(h.lower_80)} – ${fmtMoney(h.upper_80)}`, `${fmtMoney(h.lower_95)} – ${fmtMoney(h.upper_95)}`])),
  ].join('\n'));
}

const KIND: Record<string, string> = { spike: 'spike', drop: 'drop', level_shift_up: 'level shift up', level_shift_down: 'level shift down' };

export function renderAnomalies(k: Kpis, maxRows = Number.POSITIVE_INFINITY): string {
  const a = k.anomalies;
  const shown = a.alerts.slice(Math.max(0, a.alerts.length - maxRows));
  const value = (metric: string, v: number | null) => (metric === 'revenue' ? fmtMoney(v) : fmtNum(v, v !== null && Number.isInteger(v) ? 0 : 1));
  return section(`Alerts: anomalies (same weekday of the previous ${a.season_weeks} weeks, |z| > ${a.z_threshold}; level shifts over ${a.level_shift_days} days, |z| > ${a.level_shift_z})`, [
    `  ${a.alerts.length} alerts (day × metric); ${fmtInt(a.days_scored)} days scored per metric (revenue, orders)${shown.length < a.alerts.length ? `; the latest ${shown.length} below, all in alerts.json` : ''}`,
    ...a.method.split('; ').map((m) => `  ${m}`),
    renderTable([{ title: 'day' }, { title: 'metric' }, { title: 'kind' }, { title: 'value', align: 'right' }, { title: 'expected', align: 'right' }, { title: 'change', align: 'right' }, { title: 'z', align: 'right' }],
      shown.map((x) => [x.day, x.days > 1 ? `${x.metric} (mean of ${x.days} days)` : x.metric, KIND[x.kind] ?? x.kind, value(x.metric, x.value), value(x.metric, x.expected_value), fmtPct(x.change_pct, true), fmtNum(x.z, 1)])),
  ].join('\n'));
}
