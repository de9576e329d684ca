// The anomalies `etl generate` plants: known days, spread over the period, clear of each other.
import { describe, expect, it } from 'vitest';
import { addDays, planGeneration } from '../../../src/generate/plan.ts';
import { plantedAnomalies, plantedFactorSql } from '../../../src/generate/planted-anomalies.ts';
import { sql } from '../../../src/sql/sql.ts';

const base = { orders: 20_000, seed: 42, defectRate: 0, asOf: '2026-11-20', optional: true };
const days = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

describe('plantedAnomalies', () => {
  const plan = planGeneration(base);
  const planted = plantedAnomalies(plan);

  it('plants 8+ spikes, 8+ drops and one 21-day level shift, plus the plan\'s two spike days', () => {
    expect(planted.filter((p) => p.kind === 'level_shift')).toEqual([expect.objectContaining({ factor: 0.6, days: 21 })]);
    expect(planted.filter((p) => p.kind === 'spike' && p.factor === 2.5).length).toBeGreaterThanOrEqual(8);
    expect(planted.filter((p) => p.kind === 'drop' && p.factor === 0.3).length).toBeGreaterThanOrEqual(8);
    for (const d of plan.spikeDays) expect(planted.find((p) => p.day === d)).toMatchObject({ kind: 'spike', days: 1 });
  });

  it('keeps the detector\'s history (first 10 weeks) and the last 90 days free, and points a week apart', () => {
    const own = planted.filter((p) => !plan.spikeDays.includes(p.day));
    for (const p of own) {
      expect(days(plan.periodStart, p.day)).toBeGreaterThanOrEqual(70);
      expect(days(p.day, plan.asOf)).toBeGreaterThan(90);
    }
    const shift = planted.find((p) => p.kind === 'level_shift')!;
    const points = own.filter((p) => p.kind !== 'level_shift');
    for (let i = 1; i < points.length; i++) expect(days(points[i - 1]!.day, points[i]!.day)).toBeGreaterThanOrEqual(7);
    for (const p of points) expect(p.day < addDays(shift.day, -14) || p.day >= addDays(shift.day, shift.days + 14)).toBe(true);
  });

  it('is deterministic in the seed', () => {
    expect(plantedAnomalies(planGeneration(base))).toEqual(planted);
    expect(plantedAnomalies(planGeneration({ ...base, seed: 7 }))).not.toEqual(planted);
  });

  it('multiplies the calendar intensity on the planted days only (the plan\'s spike days are already in the calendar)', () => {
    const text = plantedFactorSql(plan, sql`day`).text;
    const shift = planted.find((p) => p.kind === 'level_shift')!;
    expect(text).toContain(`day >= DATE '${shift.day}' AND day < DATE '${shift.day}' + 21 THEN 0.6::DOUBLE`);
    for (const d of plan.spikeDays) expect(text).not.toContain(d);
    expect(text.match(/CASE WHEN/g)).toHaveLength(planted.length - plan.spikeDays.length);
  });
});
