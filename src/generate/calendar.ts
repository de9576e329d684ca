// The period's days with an integer sales intensity each (weekends busier, gentle growth, a yearly
// wave, noise, the spike days). Orders, customers' sign-ups and web sessions are spread over the
// period by inverting its cumulative intensity, so all of them share the same seasonality.
// Integer weights keep the cumulative sums exact, hence deterministic under parallelism.
import type { Engine } from '../engine/engine.ts';
import { sql, type Sql } from '../sql/sql.ts';
import type { GenerationPlan } from './plan.ts';
import { plantedFactorSql } from './planted-anomalies.ts';
import { uniform } from './random.ts';

/** Creates gen.days(day_index, day, weight, cum_start); returns the total weight. */
export async function buildCalendar(engine: Engine, plan: GenerationPlan): Promise<number> {
  const [spike1, spike2] = plan.spikeDays;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.days AS
    WITH d AS (
      SELECT i AS day_index, CAST(DATE ${plan.periodStart} + CAST(i AS INTEGER) AS DATE) AS day
      FROM range(${plan.days}) t(i)
    ), w AS (
      SELECT day_index, day, CAST(round(1000000
        * (1 + 0.5 * day_index / ${plan.days})
        * CASE isodow(day) WHEN 6 THEN 1.4 WHEN 7 THEN 1.3 WHEN 5 THEN 1.05 WHEN 1 THEN 0.9 ELSE 0.95 END
        * (1 + 0.15 * cos(2 * pi() * (dayofyear(day) - 350) / 365.25))
        * (0.92 + 0.16 * ${uniform(plan.seed, 'day', sql`day_index`)})
        * CASE day WHEN DATE ${spike1 ?? plan.asOf} THEN 4.0 WHEN DATE ${spike2 ?? plan.asOf} THEN 3.0 ELSE 1.0 END
        * ${plantedFactorSql(plan, sql`day`)}
      ) AS BIGINT) AS weight
      FROM d
    )
    SELECT day_index, day, weight,
           SUM(weight) OVER (ORDER BY day_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS cum_start
    FROM w`);
  await engine.exec(sql`UPDATE gen.days SET cum_start = 0 WHERE cum_start IS NULL`);
  return Number(await engine.scalar(sql`SELECT SUM(weight) FROM gen.days`));
}

/**
 * Items 0..n-1 spread over the period in order (item j falls on the day whose cumulative weight
 * interval holds ((2j + 1) × total) // 2n): a relation (j, day). Built by expanding each day's index
 * range, which is ~30× faster than an ASOF join of every item against the days. `from`/`to` keep the
 * items j in [from, to) only (a block of a large generation), expanding no other day's range.
 */
export function spreadOverCalendar(n: number, total: number, from = 0, to = n): Sql {
  const lo = sql`GREATEST(0, CAST((2 * CAST(${n} AS HUGEINT) * cum_start - ${total} + ${2 * total - 1}) // ${2 * total} AS BIGINT))`;
  return sql`(
    SELECT unnest(range(GREATEST(lo, ${from}), LEAST(hi, ${to}))) AS j, day FROM (
      SELECT day, lo, coalesce(lead(lo) OVER (ORDER BY day_index), ${n}) AS hi
      FROM (SELECT day_index, day, ${lo} AS lo FROM gen.days)
    ) WHERE hi > ${from} AND lo < ${to}
  )`;
}
