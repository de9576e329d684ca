-- Promotion impact: revenue per day of the promoted scope (its product_id, else its category) in three
-- windows of the promotion's length L = end − start + 1 days: before [start − L, start − 1], during
-- [start, end], after [end + 1, end + L]. Each window is clipped to the observed days (first order
-- date … --as-of); revenue per day = revenue / observed days (NULL when no day is observed).
-- Deltas compare during and after with before, in value and in percent of before.
WITH promo AS (
  SELECT
    promotion_id, product_id, category, discount_pct, start_date, end_date,
    CAST(end_date - start_date + 1 AS INTEGER) AS length_days
  FROM conformed.promotions
  WHERE end_date >= start_date
),
bounds AS (
  SELECT MIN(date_key) AS first_day, CAST({{ as_of }} AS DATE) AS last_day FROM gold.dim_date
),
windows AS (
  SELECT promotion_id, 'before' AS period, CAST(start_date - length_days AS DATE) AS window_start, CAST(start_date - 1 AS DATE) AS window_end FROM promo
  UNION ALL
  SELECT promotion_id, 'during', start_date, end_date FROM promo
  UNION ALL
  SELECT promotion_id, 'after', CAST(end_date + 1 AS DATE), CAST(end_date + length_days AS DATE) FROM promo
),
clipped AS (
  SELECT
    w.promotion_id,
    w.period,
    GREATEST(w.window_start, b.first_day) AS obs_start,
    LEAST(w.window_end, b.last_day) AS obs_end
  FROM windows AS w
  CROSS JOIN bounds AS b
),
-- Revenue per day × product and per day × category first (small), so that the windows join on
-- equality instead of scanning every order line once per promotion window.
product_daily AS (
  SELECT order_date, product_id, SUM(amount) AS revenue FROM gold.orders_enriched GROUP BY order_date, product_id
),
category_daily AS (
  SELECT order_date, category, SUM(amount) AS revenue FROM gold.orders_enriched GROUP BY order_date, category
),
scoped AS (
  SELECT c.promotion_id, c.period, d.revenue
  FROM clipped AS c
  JOIN promo AS p ON p.promotion_id = c.promotion_id
  JOIN product_daily AS d ON d.product_id = p.product_id AND d.order_date BETWEEN c.obs_start AND c.obs_end
  WHERE p.product_id IS NOT NULL
  UNION ALL
  SELECT c.promotion_id, c.period, d.revenue
  FROM clipped AS c
  JOIN promo AS p ON p.promotion_id = c.promotion_id
  JOIN category_daily AS d ON d.category = p.category AND d.order_date BETWEEN c.obs_start AND c.obs_end
  WHERE p.product_id IS NULL
),
measured AS (
  SELECT
    c.promotion_id,
    c.period,
    GREATEST(CAST(c.obs_end - c.obs_start + 1 AS INTEGER), 0) AS observed_days,
    COALESCE((SELECT SUM(s.revenue) FROM scoped AS s WHERE s.promotion_id = c.promotion_id AND s.period = c.period), 0.0) AS revenue
  FROM clipped AS c
),
per_day AS (
  SELECT
    promotion_id,
    MAX(CASE WHEN period = 'before' THEN revenue / NULLIF(observed_days, 0) END) AS before_revenue_per_day,
    MAX(CASE WHEN period = 'during' THEN revenue / NULLIF(observed_days, 0) END) AS during_revenue_per_day,
    MAX(CASE WHEN period = 'after' THEN revenue / NULLIF(observed_days, 0) END) AS after_revenue_per_day,
    MAX(CASE WHEN period = 'before' THEN observed_days END) AS before_days,
    MAX(CASE WHEN period = 'during' THEN observed_days END) AS during_days,
    MAX(CASE WHEN period = 'after' THEN observed_days END) AS after_days
  FROM measured
  GROUP BY promotion_id
)
SELECT
  p.promotion_id,
  p.product_id,
  p.category,
  p.discount_pct,
  p.start_date,
  p.end_date,
  p.length_days,
  d.before_days,
  d.during_days,
  d.after_days,
  d.before_revenue_per_day,
  d.during_revenue_per_day,
  d.after_revenue_per_day,
  d.during_revenue_per_day - d.before_revenue_per_day AS during_delta,
  (d.during_revenue_per_day - d.before_revenue_per_day) * 100.0 / NULLIF(d.before_revenue_per_day, 0) AS during_delta_pct,
  d.after_revenue_per_day - d.before_revenue_per_day AS after_delta,
  (d.after_revenue_per_day - d.before_revenue_per_day) * 100.0 / NULLIF(d.before_revenue_per_day, 0) AS after_delta_pct
FROM promo AS p
JOIN per_day AS d ON d.promotion_id = p.promotion_id
