-- Promotion impact, one row per promotion: revenue, units and margin of the promoted scope (the
-- promotion's product_id, else every product of its category) during the promotion, against a baseline
-- of the same number of days just before it.
--   during   = [start_date, end_date] clipped to the observed days (first order date … --as-of); D = its days
--   baseline = [start_date − D, start_date − 1], clipped to the observed days the same way
-- Lifts compare averages per day, so that a baseline clipped at the first order date still compares:
--   lift_pct = (during / during_days − baseline / baseline_days) / (baseline / baseline_days) × 100,
-- NULL when the baseline has no observed day or its value is 0 (or unknown, for margin).
-- Margin sums the lines with a known cost (NULL when the window has lines but none with a known cost).
-- promo_priced_lines = order lines that this promotion priced (orders_enriched.promotion_id).
WITH promo AS (
  SELECT promotion_id, product_id, category, discount_pct, start_date, end_date
  FROM conformed.promotions
  WHERE end_date >= start_date
),
bounds AS (
  SELECT MIN(date_key) AS first_day, CAST({{ as_of }} AS DATE) AS last_day FROM gold.dim_date
),
during AS (
  SELECT p.promotion_id, GREATEST(p.start_date, b.first_day) AS obs_start, LEAST(p.end_date, b.last_day) AS obs_end
  FROM promo AS p CROSS JOIN bounds AS b
),
during_len AS (
  SELECT promotion_id, obs_start, obs_end, GREATEST(CAST(obs_end - obs_start + 1 AS INTEGER), 0) AS days FROM during
),
windows AS (
  SELECT promotion_id, 'during' AS period, obs_start, obs_end, days FROM during_len
  UNION ALL
  SELECT
    d.promotion_id, 'baseline',
    GREATEST(CAST(p.start_date - d.days AS DATE), b.first_day),
    LEAST(CAST(p.start_date - 1 AS DATE), b.last_day),
    CASE WHEN d.days = 0 THEN 0
      ELSE GREATEST(CAST(LEAST(CAST(p.start_date - 1 AS DATE), b.last_day) - GREATEST(CAST(p.start_date - d.days AS DATE), b.first_day) + 1 AS INTEGER), 0) END
  FROM during_len AS d
  JOIN promo AS p ON p.promotion_id = d.promotion_id
  CROSS JOIN bounds AS b
),
-- Per day × product and per day × category first (small), so that the windows join on equality
-- instead of scanning every order line once per promotion window.
product_daily AS (
  SELECT order_date, product_id, revenue, units, margin, order_lines AS lines, margin_lines FROM gold.product_daily
),
category_daily AS (
  SELECT order_date, category, revenue, units, margin, order_lines AS lines, margin_lines FROM gold.category_daily
),
scoped AS (
  SELECT w.promotion_id, w.period, d.revenue, d.units, d.margin, d.lines, d.margin_lines
  FROM windows AS w
  JOIN promo AS p ON p.promotion_id = w.promotion_id
  JOIN product_daily AS d ON d.product_id = p.product_id AND d.order_date BETWEEN w.obs_start AND w.obs_end
  WHERE p.product_id IS NOT NULL AND w.days > 0
  UNION ALL
  SELECT w.promotion_id, w.period, d.revenue, d.units, d.margin, d.lines, d.margin_lines
  FROM windows AS w
  JOIN promo AS p ON p.promotion_id = w.promotion_id
  JOIN category_daily AS d ON d.category = p.category AND d.order_date BETWEEN w.obs_start AND w.obs_end
  WHERE p.product_id IS NULL AND w.days > 0
),
measured AS (
  SELECT
    w.promotion_id,
    w.period,
    w.obs_start,
    w.obs_end,
    w.days,
    COALESCE(SUM(s.revenue), 0) AS revenue,
    COALESCE(SUM(s.units), 0) AS units,
    CASE WHEN COALESCE(SUM(s.lines), 0) > 0 AND COALESCE(SUM(s.margin_lines), 0) = 0 THEN NULL ELSE COALESCE(SUM(s.margin), 0) END AS margin
  FROM windows AS w
  LEFT JOIN scoped AS s ON s.promotion_id = w.promotion_id AND s.period = w.period
  GROUP BY w.promotion_id, w.period, w.obs_start, w.obs_end, w.days
),
paired AS (
  SELECT
    d.promotion_id,
    CASE WHEN d.days > 0 THEN d.obs_start END AS during_start,
    CASE WHEN d.days > 0 THEN d.obs_end END AS during_end,
    d.days AS during_days,
    CASE WHEN b.days > 0 THEN b.obs_start END AS baseline_start,
    CASE WHEN b.days > 0 THEN b.obs_end END AS baseline_end,
    b.days AS baseline_days,
    d.revenue AS revenue_during, b.revenue AS revenue_baseline,
    d.units AS units_during, b.units AS units_baseline,
    d.margin AS margin_during, b.margin AS margin_baseline
  FROM measured AS d
  JOIN measured AS b ON b.promotion_id = d.promotion_id AND b.period = 'baseline'
  WHERE d.period = 'during'
),
priced AS (
  SELECT promotion_id, COUNT(*) AS promo_priced_lines FROM gold.orders_enriched WHERE promotion_id IS NOT NULL GROUP BY promotion_id
)
SELECT
  p.promotion_id,
  p.product_id,
  p.category,
  p.discount_pct,
  p.start_date,
  p.end_date,
  x.during_start,
  x.during_end,
  x.during_days,
  x.baseline_start,
  x.baseline_end,
  x.baseline_days,
  CAST(x.revenue_during AS DECIMAL(18, 4)) AS revenue_during,
  CAST(x.revenue_baseline AS DECIMAL(18, 4)) AS revenue_baseline,
  (x.revenue_during * 1.0 / NULLIF(x.during_days, 0) - x.revenue_baseline * 1.0 / NULLIF(x.baseline_days, 0))
    * 100.0 / NULLIF(x.revenue_baseline * 1.0 / NULLIF(x.baseline_days, 0), 0) AS revenue_lift_pct,
  CAST(x.units_during AS BIGINT) AS units_during,
  CAST(x.units_baseline AS BIGINT) AS units_baseline,
  (x.units_during * 1.0 / NULLIF(x.during_days, 0) - x.units_baseline * 1.0 / NULLIF(x.baseline_days, 0))
    * 100.0 / NULLIF(x.units_baseline * 1.0 / NULLIF(x.baseline_days, 0), 0) AS units_lift_pct,
  CAST(x.margin_during AS DECIMAL(18, 4)) AS margin_during,
  CAST(x.margin_baseline AS DECIMAL(18, 4)) AS margin_baseline,
  (x.margin_during * 1.0 / NULLIF(x.during_days, 0) - x.margin_baseline * 1.0 / NULLIF(x.baseline_days, 0))
    * 100.0 / NULLIF(ABS(x.margin_baseline * 1.0 / NULLIF(x.baseline_days, 0)), 0) AS margin_lift_pct,
  COALESCE(c.promo_priced_lines, 0) AS promo_priced_lines
FROM promo AS p
JOIN paired AS x ON x.promotion_id = p.promotion_id
LEFT JOIN priced AS c ON c.promotion_id = p.promotion_id
