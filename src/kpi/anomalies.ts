// Anomalies of a daily series against a rolling robust baseline: for each day, the median and the
// MAD (median absolute deviation) of the previous `windowDays` values; robust z = (x − median) /
// (1.4826 × MAD), 1.4826 making MAD consistent with a standard deviation for normal data.
// When MAD is 0 (more than half of the history equal, e.g. sparse sales), the scale falls back to
// 1.2533 × the mean absolute deviation (the usual modified z-score convention); when that is 0 too
// (a constant history), z is null and any departure from the median is an anomaly.

export interface AnomalySettings {
  windowDays: number;
  zThreshold: number;
  minHistoryDays: number;
}

export interface AnomalyPoint {
  index: number;
  value: number;
  median: number;
  mad: number;
  /** null when the history is constant and the value departs from it (then it is an anomaly). */
  z: number | null;
  isAnomaly: boolean;
  direction: 'high' | 'low' | null;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const MAD_SCALE = 1.4826;
const MEAN_AD_SCALE = 1.2533;

/** Score every day that has at least minHistoryDays previous days (days before are not scored). */
export function detectAnomalies(series: readonly number[], settings: AnomalySettings): AnomalyPoint[] {
  const out: AnomalyPoint[] = [];
  for (let i = 0; i < series.length; i++) {
    const history = series.slice(Math.max(0, i - settings.windowDays), i);
    if (history.length < settings.minHistoryDays) continue;
    const value = series[i]!;
    const m = median(history);
    const mad = median(history.map((x) => Math.abs(x - m)));
    const meanAd = history.reduce((acc, x) => acc + Math.abs(x - m), 0) / history.length;
    const scale = mad > 0 ? MAD_SCALE * mad : MEAN_AD_SCALE * meanAd;
    let z: number | null;
    let isAnomaly: boolean;
    if (scale > 0) {
      z = (value - m) / scale;
      isAnomaly = Math.abs(z) > settings.zThreshold;
    } else {
      z = value === m ? 0 : null;
      isAnomaly = value !== m;
    }
    out.push({ index: i, value, median: m, mad, z, isAnomaly, direction: isAnomaly ? (value > m ? 'high' : 'low') : null });
  }
  return out;
}
