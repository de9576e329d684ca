// Anomalies of a daily series with a weekly season, on a log scale (effects are multiplicative:
// a 99 % collapse is as unusual on a busy Saturday as on a quiet Monday):
//   x_t       = ln(y_t + 1)
//   base_t    = median of x on the same weekday of the previous season_weeks weeks
//   r_t       = x_t − base_t                     (raw residual: the day against its weekday's history)
//   drift_t   = median of r over the 7 previous days (the recent level: trend, yearly wave; robust to a
//               single unusual day)
//   e_t       = r_t − drift_t                    (the day against its seasonal, level-adjusted expectation)
//   scale_t   = 1.4826 × MAD of e over the previous window_days days (robust σ; at least MIN_SCALE and,
//               the log step of one event (one order), ln(1 + event size / (expected + 1)))
//   z_t       = e_t / scale_t                    point anomaly when |z_t| > z_threshold
//   expected  = exp(base_t + drift_t) − 1
// Level shift: the median raw residual of the last level_shift_days days, divided by its standard error
// (1.2533 × scale / √days), beyond level_shift_z; reported once, on the day it first passes (see seasonalAlerts).

export interface SeasonalAnomalySettings {
  seasonWeeks: number;
  windowDays: number;
  zThreshold: number;
  minHistoryDays: number;
  levelShiftDays: number;
  levelShiftZ: number;
  /**
   * The value one event adds (1 for orders, the average order value for revenue): the log-scale σ is at
   * least the step of one event, ln(1 + eventSize / (expected + 1)), so that in a shop with 3 orders a
   * day, or one order a week, one order more or less is not an alert.
   */
  eventSize?: number;
}

export interface ScoredDay {
  index: number;
  value: number;
  expected: number;
  /** The seasonal baseline alone, exp(base_t) − 1 (no level adjustment): what a level shift is measured against. */
  baseline: number;
  /** Robust z of the day (log scale). */
  z: number;
  isAnomaly: boolean;
  /** Level-shift score of the window ending this day (null when not enough history). */
  levelShiftZ: number | null;
}

export interface AnomalyAlert {
  index: number;
  kind: 'spike' | 'drop' | 'level_shift_up' | 'level_shift_down';
  /** The day's value, or the mean daily value over the level-shift window. */
  value: number;
  /** The expected value (for a level shift: the mean expected value over its window). */
  expected: number;
  /** Robust z (for a level shift: the median residual in standard errors). */
  z: number;
  /** value / expected − 1 (null when expected is 0). */
  change: number | null;
  /** Days covered by the alert: 1, or level_shift_days. */
  days: number;
}

const SEASON = 7;
const MAD_SCALE = 1.4826;
const MEDIAN_SE = 1.2533;
/** A 2 % floor on the log-scale σ, so that a near-constant history does not make every small wobble an alert. */
export const MIN_SCALE = 0.02;

export function median(values: readonly number[]): number {
  // A typed array sorts numerically without a comparator call per comparison (the anomaly scoring takes
  // thousands of window medians); same order as (a, b) => a - b for the finite values it is given.
  const s = Float64Array.from(values).sort();
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function scoreSeasonalAnomalies(series: readonly number[], s: SeasonalAnomalySettings): ScoredDay[] {
  const n = series.length;
  const x = series.map((y) => Math.log(Math.max(0, y) + 1));
  const base: (number | null)[] = x.map((_, t) => {
    const same: number[] = [];
    for (let k = 1; k <= s.seasonWeeks && t - SEASON * k >= 0; k++) same.push(x[t - SEASON * k]!);
    return same.length === 0 ? null : median(same);
  });
  const r = x.map((xt, t) => (base[t] === null ? null : xt - base[t]!));
  const drift = r.map((_, t) => {
    const prev = r.slice(Math.max(0, t - SEASON), t).filter((v): v is number => v !== null);
    return prev.length < 4 ? 0 : median(prev);
  });
  const e = r.map((rt, t) => (rt === null ? null : rt - drift[t]!));
  const out: ScoredDay[] = [];
  for (let t = 0; t < n; t++) {
    if (t < s.minHistoryDays || e[t] === null) continue;
    const hist = e.slice(Math.max(0, t - s.windowDays), t).filter((v): v is number => v !== null);
    if (hist.length < SEASON) continue;
    const centre = median(hist);
    const mad = median(hist.map((v) => Math.abs(v - centre)));
    // One event more or less is the smallest change the series can show: its log-scale step is the floor of σ.
    const step = s.eventSize ? Math.log1p(s.eventSize / Math.exp(base[t]! + drift[t]!)) : 0;
    const scale = Math.max(MIN_SCALE, step, MAD_SCALE * mad);
    const z = e[t]! / scale;
    const window = r.slice(t - s.levelShiftDays + 1, t + 1);
    const levelShiftZ = t - s.levelShiftDays + 1 >= s.minHistoryDays && window.every((v) => v !== null)
      ? median(window as number[]) / ((MEDIAN_SE * scale) / Math.sqrt(s.levelShiftDays))
      : null;
    out.push({ index: t, value: series[t]!, expected: Math.exp(base[t]! + drift[t]!) - 1, baseline: Math.exp(base[t]!) - 1, z, isAnomaly: Math.abs(z) > s.zThreshold, levelShiftZ });
  }
  return out;
}

/** The alerts of a scored series: every point anomaly, and each level shift once (the first day of its run). */
export function seasonalAlerts(series: readonly number[], scored: readonly ScoredDay[], s: SeasonalAnomalySettings): AnomalyAlert[] {
  const alerts: AnomalyAlert[] = [];
  const change = (v: number, ex: number) => (ex === 0 ? null : v / ex - 1);
  // A level shift is reported when its score first passes level_shift_z; the run lasts until the score
  // falls under half the threshold or changes sign (hysteresis: one shift, one alert).
  let run = 0;
  for (const d of scored) {
    if (d.isAnomaly) alerts.push({ index: d.index, kind: d.z > 0 ? 'spike' : 'drop', value: d.value, expected: d.expected, z: d.z, change: change(d.value, d.expected), days: 1 });
    const ls = d.levelShiftZ ?? 0;
    if (run !== 0 && (Math.sign(ls) !== run || Math.abs(ls) < s.levelShiftZ / 2)) run = 0;
    if (run === 0 && Math.abs(ls) > s.levelShiftZ) {
      run = Math.sign(ls);
      const days = scored.filter((o) => o.index > d.index - s.levelShiftDays && o.index <= d.index);
      const value = days.reduce((a, o) => a + series[o.index]!, 0) / days.length;
      const expected = days.reduce((a, o) => a + o.baseline, 0) / days.length;
      alerts.push({ index: d.index, kind: run > 0 ? 'level_shift_up' : 'level_shift_down', value, expected, z: ls, change: change(value, expected), days: s.levelShiftDays });
    }
  }
  return alerts;
}
