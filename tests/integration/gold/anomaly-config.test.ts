// Anomalies and forecast on a synthetic daily series, with thresholds read from a config file:
// changing z_threshold in the file changes the alerts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../../src/config.ts';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { buildSeriesKpis } from '../../../src/kpi/build-series-kpis.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { FIXTURE_DIR } from '../../fixtures/kpi/load-fixture.ts';

// 70 days from Monday 2024-01-01 of the weekly pattern 100, 110, 90, 105, 95, 120, 80 (revenue) with a
// deterministic ±3 % wobble, and 10 orders a day; day 60 (2024-03-01) ×1.8 and day 66 (2024-03-07) ×1.5.
async function synthetic(engine: Engine): Promise<void> {
  await engine.exec(trusted(`CREATE SCHEMA gold;
    CREATE TABLE gold.agg_daily_sales AS
    SELECT CAST(DATE '2024-01-01' + CAST(i AS INTEGER) AS DATE) AS order_date,
      [100.0, 110.0, 90.0, 105.0, 95.0, 120.0, 80.0][i % 7 + 1] * (1 + 0.03 * sin(i * 1.7)) * CASE i WHEN 60 THEN 1.8 WHEN 66 THEN 1.5 ELSE 1 END AS revenue,
      10 AS order_count
    FROM range(70) r(i)`));
}

/** The fixture's config.yaml with another z_threshold, written to a pipeline folder and loaded from there. */
async function configWithThreshold(z: number) {
  const text = (await readFile(`${FIXTURE_DIR}config.yaml`, 'utf8')).replace('z_threshold: 3.5', `z_threshold: ${z}`);
  const dir = await mkdtemp(join(tmpdir(), 'etl-config-'));
  try {
    await writeFile(join(dir, 'config.yaml'), text);
    return await loadPipelineConfig(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function alerts(z: number): Promise<{ flagged: string[]; z60: number; z66: number }> {
  return withEngine(async (engine) => {
    await synthetic(engine);
    await buildSeriesKpis(engine, await configWithThreshold(z));
    const flagged = await engine.rows(trusted("SELECT CAST(day AS VARCHAR) AS day FROM gold.daily_anomalies WHERE is_anomaly AND metric = 'revenue' ORDER BY day"));
    const zOf = async (d: string) => Number(await engine.scalar(trusted(`SELECT robust_z FROM gold.daily_anomalies WHERE metric = 'revenue' AND day = DATE '${d}'`)));
    return { flagged: flagged.map((r) => String(r['day'])), z60: await zOf('2024-03-01'), z66: await zOf('2024-03-07') };
  });
}

describe('anomalies with thresholds from the config file', () => {
  it('the z_threshold of the file decides which of the two planted days are alerts', async () => {
    const { z60, z66 } = await alerts(3.5);
    // Both are clearly high, the ×1.8 day more so; nothing else comes near.
    expect(z60).toBeGreaterThan(z66);
    expect(z66).toBeGreaterThan(3);
    expect((await alerts(z66 - 0.5)).flagged).toEqual(['2024-03-01', '2024-03-07']);
    expect((await alerts((z60 + z66) / 2)).flagged).toEqual(['2024-03-01']);
    expect((await alerts(z60 + 0.5)).flagged).toEqual([]);
  });

  it('scores days from min_history_days on, for revenue and orders, and writes the alerts table', async () => {
    await withEngine(async (engine) => {
      await synthetic(engine);
      await buildSeriesKpis(engine, await configWithThreshold(3.5));
      // Days 14..69 are scored (56 per metric); orders are constant → z 0, never an anomaly.
      expect(await engine.rows(trusted('SELECT metric, COUNT(*) AS n, MIN(day) AS first, COUNT(*) FILTER (WHERE is_anomaly) AS flagged FROM gold.daily_anomalies GROUP BY metric ORDER BY metric'))).toEqual([
        { metric: 'orders', n: 56, first: '2024-01-15', flagged: 0 },
        { metric: 'revenue', n: 56, first: '2024-01-15', flagged: 2 },
      ]);
      const a = await engine.rows(trusted("SELECT CAST(day AS VARCHAR) AS day, metric, kind, days, round(change_pct) AS change FROM gold.anomaly_alerts ORDER BY day"));
      expect(a.map((r) => [r['day'], r['metric'], r['kind'], r['days']])).toEqual([['2024-03-01', 'revenue', 'spike', 1], ['2024-03-07', 'revenue', 'spike', 1]]);
      // Forecast on 10 weeks: both models were backtested on the same origins, one of them chosen.
      const models = await engine.rows(trusted('SELECT model, chosen, origins FROM gold.forecast_backtest ORDER BY model'));
      expect(models.map((m) => m['model'])).toEqual(['holt_winters', 'seasonal_naive']);
      expect(models.filter((m) => m['chosen'] === true)).toHaveLength(1);
      expect(new Set(models.map((m) => m['origins'])).size).toBe(1);
      expect(Number(await engine.scalar(trusted('SELECT COUNT(*) FROM gold.revenue_forecast')))).toBe(90);
      expect(String(await engine.scalar(trusted('SELECT CAST(MIN(forecast_date) AS VARCHAR) FROM gold.revenue_forecast')))).toBe('2024-03-11');
    });
  });
});
