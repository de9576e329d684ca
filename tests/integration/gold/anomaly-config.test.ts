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

// 35 days from Monday 2024-01-01 of the weekly pattern 100, 110, 90, 105, 95, 120, 80 (revenue) and
// 10 orders a day; day 30 (2024-01-31, pattern 90) has revenue 160 and day 33 (2024-02-03, pattern 120) 150.
// Both days: median of the previous 28 days 100, MAD 10 → z = 60 / 14.826 = 4.05 and 50 / 14.826 = 3.37.
async function synthetic(engine: Engine): Promise<void> {
  await engine.exec(trusted(`CREATE SCHEMA gold;
    CREATE TABLE gold.agg_daily_sales AS
    SELECT CAST(DATE '2024-01-01' + CAST(i AS INTEGER) AS DATE) AS order_date,
      CASE i WHEN 30 THEN 160.0 WHEN 33 THEN 150.0 ELSE [100.0, 110.0, 90.0, 105.0, 95.0, 120.0, 80.0][i % 7 + 1] END AS revenue,
      10 AS order_count
    FROM range(35) r(i)`));
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

async function alerts(z: number): Promise<unknown[]> {
  return withEngine(async (engine) => {
    await synthetic(engine);
    await buildSeriesKpis(engine, await configWithThreshold(z));
    return engine.rows(trusted("SELECT CAST(day AS VARCHAR) AS day, metric, round(robust_z, 4) AS z, direction FROM gold.daily_anomalies WHERE is_anomaly ORDER BY day, metric"));
  });
}

describe('anomalies with thresholds from the config file', () => {
  it('z_threshold 3.5 (fixture config) flags only 2024-01-31', async () => {
    expect(await alerts(3.5)).toEqual([{ day: '2024-01-31', metric: 'revenue', z: 4.0469, direction: 'high' }]);
  });

  it('z_threshold 3 also flags 2024-02-03; 5 flags nothing', async () => {
    expect(await alerts(3)).toEqual([
      { day: '2024-01-31', metric: 'revenue', z: 4.0469, direction: 'high' },
      { day: '2024-02-03', metric: 'revenue', z: 3.3725, direction: 'high' },
    ]);
    expect(await alerts(5)).toEqual([]);
  });

  it('scores days from min_history_days on, for revenue and orders', async () => {
    await withEngine(async (engine) => {
      await synthetic(engine);
      await buildSeriesKpis(engine, await configWithThreshold(3.5));
      // Days 14..34 are scored (21 per metric); orders are constant → z 0, never an anomaly.
      expect(await engine.rows(trusted('SELECT metric, COUNT(*) AS n, MIN(day) AS first, COUNT(*) FILTER (WHERE is_anomaly) AS flagged FROM gold.daily_anomalies GROUP BY metric ORDER BY metric'))).toEqual([
        { metric: 'orders', n: 21, first: '2024-01-15', flagged: 0 },
        { metric: 'revenue', n: 21, first: '2024-01-15', flagged: 1 },
      ]);
      // Forecast: the last week (days 28..34) = [100, 110, 160, 105, 95, 150, 80] repeated.
      const f = await engine.rows(trusted('SELECT CAST(forecast_date AS VARCHAR) AS d, forecast_revenue AS v FROM gold.revenue_forecast WHERE step <= 8 ORDER BY step'));
      expect(f.map((r) => r['v'])).toEqual([100, 110, 160, 105, 95, 150, 80, 100]);
      expect(f[0]!['d']).toBe('2024-02-05');
    });
  });
});
