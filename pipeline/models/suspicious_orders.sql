-- @optional: customers
-- Orders that look fraudulent, with the reasons (one row per flagged order; guests included).
-- An order's amount = Σ line amounts, units = Σ quantities. Order sizes are skewed (a long tail of large
-- baskets is normal), so they are scored on the log scale: with x = ln(amount) (ln(units)), over every
-- order, median m and MAD = median(|x − m|); robust z = (x − m) / (1.4826 × MAD); when MAD is 0 the scale
-- is 1.2533 × mean |x − m|, and when that is 0 too (every order alike) nothing is an outlier.
-- An order with a zero or unknown amount has no amount z.
--   amount_outlier        amount z > fraud.z_threshold (unusually large orders only)
--   quantity_outlier      units z  > fraud.z_threshold
--   new_account_large_first_basket  the customer's first order (by date, then order_id), placed at most
--                         fraud.new_account_days after registration, with an amount >= fraud.first_basket_factor × m
-- Without customers (no registration date) the new-account rule cannot apply.
-- (Read from order_summary, the lines already summed per order: the same sums as over the order lines;
-- its rows are the orders themselves when gold.order_totals says each order is one row. NOT MATERIALIZED:
-- each reader scans order_summary again, which costs less than copying 5M orders' ids aside.)
WITH orders AS NOT MATERIALIZED (
  SELECT
    order_id, customer_id, order_date, revenue AS amount, units,
    CASE WHEN revenue > 0 THEN LN(CAST(revenue AS DOUBLE)) END AS log_amount,
    LN(CAST(units AS DOUBLE)) AS log_units
  FROM gold.order_summary
  WHERE (SELECT one_row_per_order FROM gold.order_totals)
  UNION ALL
  SELECT
    order_id, MIN(customer_id) AS customer_id, MIN(order_date) AS order_date, SUM(revenue) AS amount, SUM(units) AS units,
    CASE WHEN SUM(revenue) > 0 THEN LN(CAST(SUM(revenue) AS DOUBLE)) END AS log_amount,
    LN(CAST(SUM(units) AS DOUBLE)) AS log_units
  FROM gold.order_summary
  WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)
  GROUP BY order_id
),
-- The medians are PERCENTILE_CONT(0.5)'s, exactly: of the n non-NULL values in order, those of ranks
-- floor(r) and ceil(r), r = (n − 1) × 0.5, interpolated halfway by the same function over those two
-- values (quantile_cont of [lo, hi]: the same type, the same arithmetic). Ranks come from running counts
-- over the distinct amounts and units (5M orders share some 100k amounts and a few dozen units): the
-- orders are grouped once, never sorted. A value v holds the ranks upto − n … upto − 1.
amounts AS (SELECT amount, log_amount, COUNT(*) AS n FROM orders GROUP BY amount, log_amount),
unit_counts AS (SELECT units, log_units, COUNT(*) AS n FROM orders GROUP BY units, log_units),
amount_ranks AS (
  SELECT amount AS v, SUM(n) OVER (ORDER BY amount ROWS UNBOUNDED PRECEDING) AS upto, CAST(SUM(n) OVER () - 1 AS DOUBLE) * 0.5 AS r
  FROM amounts WHERE amount IS NOT NULL
),
unit_ranks AS (
  SELECT units AS v, SUM(n) OVER (ORDER BY units ROWS UNBOUNDED PRECEDING) AS upto, CAST(SUM(n) OVER () - 1 AS DOUBLE) * 0.5 AS r
  FROM unit_counts WHERE units IS NOT NULL
),
log_ranks AS (
  SELECT measure, v,
    SUM(n) OVER (PARTITION BY measure ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto,
    CAST(SUM(n) OVER (PARTITION BY measure) - 1 AS DOUBLE) * 0.5 AS r
  FROM (SELECT 'amount' AS measure, log_amount AS v, n FROM amounts UNION ALL SELECT 'units', log_units, n FROM unit_counts)
  WHERE v IS NOT NULL
),
centre AS (
  SELECT
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM amount_ranks) AS amount_median,
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM unit_ranks) AS units_median,
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM log_ranks WHERE measure = 'amount') AS log_amount_median,
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM log_ranks WHERE measure = 'units') AS log_units_median
),
spread_ranks AS (
  SELECT measure, v,
    SUM(n) OVER (PARTITION BY measure ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto,
    CAST(SUM(n) OVER (PARTITION BY measure) - 1 AS DOUBLE) * 0.5 AS r
  FROM (
    SELECT 'amount' AS measure, ABS(a.log_amount - c.log_amount_median) AS v, a.n FROM amounts AS a CROSS JOIN centre AS c
    UNION ALL SELECT 'units', ABS(u.log_units - c.log_units_median), u.n FROM unit_counts AS u CROSS JOIN centre AS c
  )
  WHERE v IS NOT NULL
),
spread AS (
  SELECT
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM spread_ranks WHERE measure = 'amount') AS amount_mad,
    AVG(ABS(o.log_amount - c.log_amount_median)) AS amount_mean_dev,
    (SELECT list_aggregate([MIN(v) FILTER (WHERE upto > FLOOR(r)), MIN(v) FILTER (WHERE upto > CEIL(r))], 'quantile_cont', 0.5) FROM spread_ranks WHERE measure = 'units') AS units_mad,
    AVG(ABS(o.log_units - c.log_units_median)) AS units_mean_dev
  FROM orders AS o
  CROSS JOIN centre AS c
),
scale AS (
  SELECT
    c.amount_median,
    c.units_median,
    c.log_amount_median,
    c.log_units_median,
    CASE WHEN s.amount_mad > 0 THEN 1.4826 * s.amount_mad WHEN s.amount_mean_dev > 0 THEN 1.2533 * s.amount_mean_dev END AS amount_scale,
    CASE WHEN s.units_mad > 0 THEN 1.4826 * s.units_mad WHEN s.units_mean_dev > 0 THEN 1.2533 * s.units_mean_dev END AS units_scale
  FROM centre AS c
  CROSS JOIN spread AS s
),
-- A customer's first order: the smallest order_id of their first order date.
first_days AS (
  SELECT customer_id, MIN(order_date) AS first_date FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id
),
firsts AS (
  SELECT o.customer_id, MIN(o.order_id) AS first_order_id
  FROM orders AS o
  JOIN first_days AS d ON d.customer_id = o.customer_id AND d.first_date = o.order_date
  GROUP BY o.customer_id
),
scored AS (
  SELECT
    o.order_id,
    o.customer_id,
    o.order_date,
    o.amount,
    o.units,
    x.amount_median,
    x.units_median,
    (o.log_amount - x.log_amount_median) / x.amount_scale AS amount_z,
    (o.log_units - x.log_units_median) / x.units_scale AS units_z,
    o.order_id = f.first_order_id AS is_first_order,
    CAST(o.order_date - cu.registration_date AS INTEGER) AS days_since_registration
  FROM orders AS o
  CROSS JOIN scale AS x
  LEFT JOIN firsts AS f ON f.customer_id = o.customer_id
  LEFT JOIN conformed.customers AS cu ON cu.customer_id = o.customer_id
),
flagged AS (
  SELECT
    *,
    COALESCE(amount_z > {{ fraud_z_threshold }}, FALSE) AS amount_outlier,
    COALESCE(units_z > {{ fraud_z_threshold }}, FALSE) AS quantity_outlier,
    COALESCE(is_first_order AND days_since_registration <= {{ fraud_new_account_days }}
      AND amount >= {{ fraud_first_basket_factor }} * amount_median, FALSE) AS new_account_large_first_basket
  FROM scored
)
SELECT
  order_id,
  customer_id,
  order_date,
  CAST(amount AS DECIMAL(18, 4)) AS amount,
  CAST(units AS BIGINT) AS units,
  amount_median,
  units_median,
  amount_z,
  units_z,
  COALESCE(is_first_order, FALSE) AS is_first_order,
  days_since_registration,
  amount_outlier,
  quantity_outlier,
  new_account_large_first_basket,
  CONCAT_WS(', ',
    CASE WHEN amount_outlier THEN 'amount_outlier' END,
    CASE WHEN quantity_outlier THEN 'quantity_outlier' END,
    CASE WHEN new_account_large_first_basket THEN 'new_account_large_first_basket' END) AS reasons
FROM flagged
WHERE amount_outlier OR quantity_outlier OR new_account_large_first_basket
