// Anomalies planted in the demo calendar's daily intensity, on known days, so that the anomaly
// detector can be measured (recall, false alerts): single-day spikes and drops spread over the period
// (one per slot of the period, outside its first 10 weeks, which the detector needs as history, and outside the last 90 days,
// which hold the plan's two spike days), and one level shift (a 21-day step down). Listed in
// _defects.json as `anomalies`. The plan's two spike days are listed too (kind spike).
import { sql, type Sql } from '../sql/sql.ts';
import { addDays, mixSeed, type GenerationPlan } from './plan.ts';

export interface PlantedAnomaly {
  /** First day (YYYY-MM-DD). */
  day: string;
  kind: 'spike' | 'drop' | 'level_shift';
  /** Multiplier of the day's intensity. */
  factor: number;
  /** Days affected (1, or the level shift's length). */
  days: number;
}

const SLOTS = 18;
const SHIFT_DAYS = 21;
const SPIKE = 2.5;
const DROP = 0.3;
const SHIFT = 0.6;

/** The planted anomalies of a plan (deterministic in seed, as-of and period); sorted by day. */
export function plantAnomalies(seed: number, asOf: string, periodDays: number, spikeDays: readonly string[], spikeFactors: readonly number[] = [4, 3]): PlantedAnomaly[] {
  const periodStart = addDays(asOf, -(periodDays - 1));
  const first = 70;
  const last = periodDays - 91 - 1;
  if (last - first < 200) return spikeDays.map((day, i) => ({ day, kind: 'spike', factor: spikeFactors[i] ?? 3, days: 1 }));
  // The level shift sits in a seeded slot; points are spread evenly over the rest, one per slot with a
  // seeded offset, at least a week from each other and from the shift.
  const span = last - first;
  const shiftStart = first + Math.floor(span * 0.4) + (mixSeed(seed, 11) % Math.floor(span * 0.2));
  const planted: PlantedAnomaly[] = [{ day: addDays(periodStart, shiftStart), kind: 'level_shift', factor: SHIFT, days: SHIFT_DAYS }];
  const slot = span / SLOTS;
  let k = 0;
  for (let i = 0; i < SLOTS; i++) {
    const offset = first + Math.floor(i * slot + 7 + (mixSeed(seed, 100 + i) % Math.max(1, Math.floor(slot - 14))));
    // Slots within two weeks of the level shift stay empty: the detector's baseline is moving there.
    if (offset >= shiftStart - 14 && offset < shiftStart + SHIFT_DAYS + 14) continue;
    planted.push({ day: addDays(periodStart, offset), kind: k % 2 === 0 ? 'spike' : 'drop', factor: k % 2 === 0 ? SPIKE : DROP, days: 1 });
    k++;
  }
  spikeDays.forEach((day, i) => planted.push({ day, kind: 'spike', factor: spikeFactors[i] ?? 3, days: 1 }));
  const unique = new Map(planted.map((p) => [p.day, p]));
  return [...unique.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The planted anomalies of a generation plan. */
export function plantedAnomalies(plan: GenerationPlan): PlantedAnomaly[] {
  return plantAnomalies(plan.seed, plan.asOf, plan.days, plan.spikeDays);
}

/** The multiplier of the calendar's intensity on `day` (an SQL DATE expression) for the planted anomalies except the plan's spike days (already in the calendar). */
export function plantedFactorSql(plan: GenerationPlan, day: Sql): Sql {
  const own = plantedAnomalies(plan).filter((p) => !(p.kind === 'spike' && plan.spikeDays.includes(p.day)));
  if (own.length === 0) return sql`1.0`;
  let expr = sql`1.0`;
  for (const p of [...own].reverse()) {
    expr = sql`CASE WHEN ${day} >= DATE ${p.day} AND ${day} < DATE ${p.day} + ${p.days} THEN ${p.factor} ELSE ${expr} END`;
  }
  return expr;
}
