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
-- its rows are the orders themselves when gold.order_totals says each order is one row.)
WITH orders AS (
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
centre AS (
  SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount) AS amount_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY units) AS units_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY log_amount) AS log_amount_median,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY log_units) AS log_units_median
  FROM orders
),
spread AS (
  SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(o.log_amount - c.log_amount_median)) AS amount_mad,
    AVG(ABS(o.log_amount - c.log_amount_median)) AS amount_mean_dev,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(o.log_units - c.log_units_median)) AS units_mad,
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
