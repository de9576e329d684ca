import { describe, expect, it } from 'vitest';
import { detectAnomalies, median } from '../../../src/kpi/anomalies.ts';

const WEEK = [100, 110, 90, 105, 95, 120, 80];

/** 35 days of the weekly pattern; day 30 (pattern 90) set to 160, day 33 (pattern 120) set to 150. */
function spiky(): number[] {
  const s = Array.from({ length: 35 }, (_, i) => WEEK[i % 7]!);
  s[30] = 160;
  s[33] = 150;
  return s;
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('detectAnomalies', () => {
  // Day 30: the previous 28 days (2..29) hold each pattern value 4 times → median = 100
  // (14th and 15th of 28 sorted values are both 100); |x − 100| = 0×4, 5×8, 10×8, 20×8 → MAD = 10.
  // z(30) = (160 − 100) / (1.4826 × 10) = 4.0469…
  // Day 33: window 5..32 holds 160 instead of one 90 → median still 100, MAD still 10;
  // z(33) = (150 − 100) / 14.826 = 3.3725…
  const z30 = 60 / 14.826;
  const z33 = 50 / 14.826;

  it('scores the days with enough history against the median and MAD of the previous window', () => {
    const points = detectAnomalies(spiky(), { windowDays: 28, zThreshold: 3.5, minHistoryDays: 14 });
    // Days 0..13 have fewer than 14 previous days: not scored.
    expect(points[0]!.index).toBe(14);
    expect(points).toHaveLength(35 - 14);
    const p30 = points.find((p) => p.index === 30)!;
    expect(p30.median).toBe(100);
    expect(p30.mad).toBe(10);
    expect(p30.z).toBeCloseTo(z30, 10);
    const p33 = points.find((p) => p.index === 33)!;
    expect(p33.median).toBe(100);
    expect(p33.mad).toBe(10);
    expect(p33.z).toBeCloseTo(z33, 10);
  });

  it('flags |z| above the threshold: changing the threshold changes the alerts', () => {
    const flagged = (zThreshold: number) =>
      detectAnomalies(spiky(), { windowDays: 28, zThreshold, minHistoryDays: 14 }).filter((p) => p.isAnomaly).map((p) => p.index);
    expect(flagged(3.5)).toEqual([30]); // 4.05 > 3.5, 3.37 < 3.5
    expect(flagged(3.0)).toEqual([30, 33]); // both above 3
    expect(flagged(4.5)).toEqual([]); // neither
  });

  it('marks the direction of an anomaly', () => {
    const s = Array.from({ length: 35 }, (_, i) => WEEK[i % 7]!);
    s[30] = 20; // (20 − 100) / 14.826 = −5.40
    const p = detectAnomalies(s, { windowDays: 28, zThreshold: 3.5, minHistoryDays: 14 }).find((x) => x.index === 30)!;
    expect(p.isAnomaly).toBe(true);
    expect(p.direction).toBe('low');
    expect(p.z).toBeCloseTo(-80 / 14.826, 10);
  });

  it('falls back to 1.2533 × mean absolute deviation when MAD is 0 (sparse series)', () => {
    // History: 14 days, 12 zeros and two 10s → median 0, MAD 0, mean |x − 0| = 20/14.
    const s = [0, 0, 0, 10, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 30];
    const [p] = detectAnomalies(s, { windowDays: 28, zThreshold: 3.5, minHistoryDays: 14 });
    expect(p!.index).toBe(14);
    expect(p!.mad).toBe(0);
    // z = 30 / (1.2533 × 20 / 14) = 16.756…
    expect(p!.z).toBeCloseTo(30 / (1.2533 * (20 / 14)), 10);
    expect(p!.isAnomaly).toBe(true);
  });

  it('on a constant history, any departure is an anomaly (z null) and equality is not', () => {
    const s = [...Array(14).fill(5), 5, 6];
    const points = detectAnomalies(s, { windowDays: 28, zThreshold: 3.5, minHistoryDays: 14 });
    expect(points.map((p) => [p.index, p.z, p.isAnomaly])).toEqual([
      [14, 0, false],
      [15, null, true],
    ]);
  });
});
