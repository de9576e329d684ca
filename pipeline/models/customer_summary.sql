-- @incremental: customer_id from gold.order_summary
-- Per-customer purchase summary for the predictive CLV models (BG/NBD, Gamma-Gamma), in the usual
-- convention (Fader, Hardie & Lee; the lifetimes package): a purchase is a customer's day with orders
-- (several orders on one day count once, their revenue summed); times are in weeks (days / 7) from
-- the customer's first purchase.
--   x              = purchase days − 1                 (repeat purchases)
--   t_x_days, t_observed_days: the same times in whole days (the models' predictions join on them)
--   t_x            = (last purchase day − first) / 7   (recency, weeks)
--   t_observed     = (as_of − first purchase day) / 7  (T, weeks observed)
--   monetary_value = mean revenue of the repeat purchase days (0 when x = 0; the first purchase is left
--                    out, as in the Gamma-Gamma model)
-- Guest orders (no customer_id) are left out, as in every customer KPI.
WITH days AS (
  SELECT customer_id, order_date AS purchase_day, SUM(revenue) AS day_revenue
  FROM gold.order_summary
  WHERE order_date <= CAST({{ as_of }} AS DATE)
    AND customer_id IS NOT NULL  -- guest orders belong to no customer
  GROUP BY customer_id, order_date
),
-- Per customer in one aggregate: the repeat days' revenue is the total less the first day's (exact
-- decimals), so no window is needed to find the first day before summing.
customers AS (
  SELECT
    customer_id,
    MIN(purchase_day) AS first_day,
    MAX(purchase_day) AS last_day,
    COUNT(*) AS purchase_days,
    SUM(day_revenue) AS revenue,
    SUM(day_revenue) - arg_min(day_revenue, purchase_day) AS repeat_revenue
  FROM days
  GROUP BY customer_id
)
SELECT
  customer_id,
  first_day AS first_purchase_date,
  last_day AS last_purchase_date,
  purchase_days,
  CAST(purchase_days - 1 AS BIGINT) AS x,
  CAST(last_day - first_day AS BIGINT) AS t_x_days,
  CAST(CAST({{ as_of }} AS DATE) - first_day AS BIGINT) AS t_observed_days,
  (last_day - first_day) / 7.0 AS t_x,
  (CAST({{ as_of }} AS DATE) - first_day) / 7.0 AS t_observed,
  COALESCE(CAST(repeat_revenue AS DOUBLE) / NULLIF(purchase_days - 1, 0), 0.0) AS monetary_value,
  revenue
FROM customers
