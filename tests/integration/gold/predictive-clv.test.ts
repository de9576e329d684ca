// Predictive CLV on a real shop: the CDNOW sample (tests/fixtures/cdnow, 2,357 customers, calibration
// period to 1997-09-30). gold.customer_summary (pipeline/models/customer_summary.sql) must reproduce
// lifetimes' own summary of the sample (printed with 2 decimals, hence the 0.005 tolerance; values
// such as 22.345 print as 22.35), and the maximum likelihood fits the published parameters
// (Fader, Hardie & Lee 2005; lifetimes' documentation) within 1 %.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelVars, parsePipelineConfig, type PipelineConfig } from '../../../src/config.ts';
import { Engine, type Row } from '../../../src/engine/engine.ts';
import { bgnbdExpectedPurchases, bgnbdProbabilityAlive } from '../../../src/kpi/bgnbd.ts';
import { buildPredictiveClv, MAX_FIT_CUSTOMERS } from '../../../src/kpi/build-predictive-clv.ts';
import { path, sql, trusted } from '../../../src/sql/sql.ts';
import { readModels, renderModel } from '../../../src/stages/gold-models.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CDNOW = `${ROOT}tests/fixtures/cdnow/`;
const CALIBRATION_END = '1997-09-30';

let engine: Engine;
let config: PipelineConfig;
const rows = (q: string): Promise<Row[]> => engine.rows(trusted(q));

beforeAll(async () => {
  engine = await Engine.open();
  config = parsePipelineConfig(readFileSync(`${ROOT}pipeline/config.yaml`, 'utf8'), 'config.yaml');
  await engine.exec(trusted('CREATE SCHEMA gold'));
  // One "order" per transaction line: customer (sample id), day, dollar value; calibration period only.
  await engine.exec(sql`
    CREATE TABLE gold.order_summary AS
    WITH raw AS (
      SELECT row_number() OVER () AS n, regexp_split_to_array(trim(line), '[ ]+') AS f
      FROM read_csv(${path(`${CDNOW}CDNOW_sample.txt`)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\t', auto_detect = false)
    )
    SELECT 'T' || n AS order_id, CAST(CAST(f[2] AS INTEGER) AS VARCHAR) AS customer_id, strptime(f[3], '%Y%m%d')::DATE AS order_date,
      CAST(f[5] AS DECIMAL(18, 4)) AS revenue
    FROM raw WHERE strptime(f[3], '%Y%m%d')::DATE <= DATE ${CALIBRATION_END}`);
  const models = await readModels(`${ROOT}pipeline`);
  const vars = modelVars(config, CALIBRATION_END);
  for (const name of ['order_totals', 'customer_orders', 'customer_summary', 'customer_clv']) {
    const m = models.find((x) => x.name === name)!;
    await engine.exec(sql`CREATE TABLE gold.${trusted(name)} AS ${renderModel(m, vars)}`);
  }
  await buildPredictiveClv(engine, config);
}, 120_000);
afterAll(() => engine.close());

describe('customer_summary on CDNOW', () => {
  it('reproduces lifetimes summary (x, t_x, T in weeks, mean repeat value) for all 2,357 customers', async () => {
    const mismatches = await rows(`
      WITH ref AS (
        SELECT * FROM read_csv('${CDNOW}cdnow_customers_summary_with_transactions.csv', header = true,
          columns = {'ID': 'VARCHAR', 'x': 'BIGINT', 't_x': 'DOUBLE', 'T': 'DOUBLE', 'zbar': 'DOUBLE'})
      )
      SELECT ref.ID, s.customer_id FROM ref FULL JOIN gold.customer_summary AS s ON s.customer_id = ref.ID
      WHERE s.customer_id IS NULL OR ref.ID IS NULL OR s.x <> ref.x OR abs(s.t_x - ref.t_x) > 0.00501
        OR abs(s.t_observed - ref."T") > 0.00501 OR abs(s.monetary_value - ref.zbar) > 0.00501`);
    expect(mismatches).toEqual([]);
    expect(await rows('SELECT COUNT(*) AS n, SUM(CASE WHEN x > 0 THEN 1 ELSE 0 END) AS repeaters FROM gold.customer_summary')).toEqual([{ n: 2357, repeaters: 946 }]);
  });
});

describe('maximum likelihood fit on CDNOW', () => {
  const published: [string, string, number][] = [
    ['bg_nbd', 'r', 0.243], ['bg_nbd', 'alpha', 4.414], ['bg_nbd', 'a', 0.793], ['bg_nbd', 'b', 2.426],
    ['gamma_gamma', 'p', 6.25], ['gamma_gamma', 'q', 3.74], ['gamma_gamma', 'v', 15.45],
  ];
  it('matches the published parameters within 1 %', async () => {
    const fit = await rows('SELECT model, parameter, value, log_likelihood, customers, converged FROM gold.clv_model_fit ORDER BY model, parameter');
    for (const [model, parameter, value] of published) {
      const row = fit.find((f) => f['model'] === model && f['parameter'] === parameter)!;
      expect(Math.abs(Number(row['value']) / value - 1), `${model}.${parameter} = ${row['value']}`).toBeLessThan(0.01);
    }
    // The paper's maximised log-likelihood is −9582.4 on the 2,357 customers.
    const bg = fit.find((f) => f['model'] === 'bg_nbd')!;
    expect(Number(bg['log_likelihood'])).toBeCloseTo(-9582.4, 1);
    expect(bg['customers']).toBe(2357);
    expect(fit.every((f) => f['converged'] === true)).toBe(true);
    expect(fit.find((f) => f['model'] === 'gamma_gamma')!['customers']).toBe(946);
  });

  it('gives every customer a predictive CLV = expected purchases × expected value, ranked', async () => {
    const fit = await rows("SELECT parameter, value FROM gold.clv_model_fit WHERE model = 'bg_nbd'");
    const p = Object.fromEntries(fit.map((f) => [f['parameter'], Number(f['value'])])) as { r: number; alpha: number; a: number; b: number };
    const [c1] = await rows("SELECT * FROM gold.customer_predictive_clv WHERE customer_id = '1'");
    // Customer 1: x = 2, t_x = 213 days, T = 272 days; repeat purchases 29.73 and 14.96 (mean 22.345).
    const s = { x: 2, tx: 213 / 7, T: 272 / 7 };
    expect(Number(c1!['p_alive'])).toBeCloseTo(bgnbdProbabilityAlive(p, s), 12);
    expect(Number(c1!['expected_purchases'])).toBeCloseTo(bgnbdExpectedPurchases(p, s, 365 / 7), 12);
    expect(Number(c1!['predictive_clv'])).toBeCloseTo(Number(c1!['expected_purchases']) * Number(c1!['expected_purchase_value']), 9);
    const [agg] = await rows(`SELECT COUNT(*) AS n, COUNT(predictive_clv) AS with_value, MIN(predictive_rank) AS first, MAX(predictive_rank) AS last,
      bool_and(p_alive BETWEEN 0 AND 1) AS p_ok FROM gold.customer_predictive_clv`);
    expect(agg).toEqual({ n: 2357, with_value: 2357, first: 1, last: 2357, p_ok: true });
    const top = await rows('SELECT predictive_clv FROM gold.customer_predictive_clv ORDER BY predictive_rank LIMIT 3');
    expect(Number(top[0]!['predictive_clv'])).toBeGreaterThanOrEqual(Number(top[1]!['predictive_clv']));
  });
});

describe('a shop larger than MAX_FIT_CUSTOMERS', () => {
  it('fits on a deterministic sample and still predicts every customer', async () => {
    // CDNOW five times over (11,785 customers): the fit uses every 3rd customer by hash of the id.
    await engine.exec(trusted(`
      CREATE OR REPLACE TABLE gold.customer_summary AS SELECT * REPLACE (customer_id || '-' || k AS customer_id) FROM gold.customer_summary, range(5) r(k);
      CREATE OR REPLACE TABLE gold.customer_clv AS SELECT * REPLACE (customer_id || '-' || k AS customer_id) FROM gold.customer_clv, range(5) r(k)`));
    expect(MAX_FIT_CUSTOMERS).toBeLessThan(11_785);
    await buildPredictiveClv(engine, config);
    const fit = await rows("SELECT parameter, value, customers FROM gold.clv_model_fit WHERE model = 'bg_nbd' ORDER BY parameter");
    const n = Number(fit[0]!['customers']);
    const every = Math.ceil(11_785 / MAX_FIT_CUSTOMERS);
    expect(n).toBeGreaterThan((11_785 / every) * 0.9);
    expect(n).toBeLessThan((11_785 / every) * 1.1);
    // The same population: the sample's estimates stay near the published ones.
    const r = Number(fit.find((f) => f['parameter'] === 'r')!['value']);
    expect(Math.abs(r / 0.243 - 1)).toBeLessThan(0.1);
    expect(await rows('SELECT COUNT(*) AS n, COUNT(predictive_clv) AS with_value FROM gold.customer_predictive_clv')).toEqual([{ n: 11_785, with_value: 11_785 }]);
  });
});
