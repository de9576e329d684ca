-- @incremental: customer_id from gold.customer_orders
-- Customer lifetime value by the seed's formula, one row per customer with at least one valid order (guest orders left out):
--   aov                = revenue / orders                                              (currency per order)
--   tenure_months      = max(clv_min_tenure_months, (as_of − first_order_date + 1) / 30.4375)
--                        (months since acquisition, floored so that a new customer's frequency is not
--                        extrapolated from a few days: 5 orders in the first week count as 5 per floor)
--   purchase_frequency = orders / tenure_months                                        (orders per month)
--   clv                = aov × purchase_frequency × clv_lifespan_months                (currency over the expected lifespan)
-- The predictive CLV (BG/NBD + Gamma-Gamma) is in customer_predictive_clv.
WITH c AS (
  SELECT customer_id, first_order_date, last_order_date, order_count, revenue
  FROM gold.customer_orders  -- guest orders belong to no customer
),
t AS (
  SELECT
    *,
    revenue / order_count AS aov,
    GREATEST((CAST({{ as_of }} AS DATE) - first_order_date + 1) / 30.4375, CAST({{ clv_min_tenure_months }} AS DOUBLE)) AS tenure_months
  FROM c
)
SELECT
  customer_id,
  first_order_date,
  last_order_date,
  order_count,
  revenue,
  aov,
  tenure_months,
  order_count / tenure_months AS purchase_frequency,
  {{ clv_lifespan_months }} AS lifespan_months,
  aov * (order_count / tenure_months) * {{ clv_lifespan_months }} AS clv
FROM t
