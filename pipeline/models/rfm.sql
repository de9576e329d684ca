-- RFM per customer with at least one valid order (DESIGN.md, Definitions):
--   recency_days = as_of − last order date; frequency = distinct orders; monetary = revenue.
--   Scores 1–5 by quintile, ties always sharing a score (cume_dist counts every tied row):
--     F = ceil(5 × cume_dist() over frequency ascending), M likewise over monetary,
--     R = 6 − ceil(5 × cume_dist() over recency_days ascending)   (5 = most recent).
--   5 × cume_dist is rounded to 9 decimals before ceil: cume_dist = k / n in binary floating point can
--   land a hair above an exact quintile boundary (5 × 0.2000…01), which must not add a point.
-- Segments (first matching rule):
--   Champions        R = 5 and F = 5 and M = 5
--   At Risk          R <= 2 and F >= 4
--   Loyal Customers  F >= 4
--   Lost             R = 1 and F = 1
--   Others           everyone else
WITH base AS (
  SELECT
    customer_id,
    CAST({{ as_of }} AS DATE) - last_order_date AS recency_days,
    order_count AS frequency,
    revenue AS monetary
  FROM gold.customer_orders  -- guest orders belong to no customer
),
scored AS (
  SELECT
    *,
    CAST(6 - CEIL(ROUND(5 * CUME_DIST() OVER (ORDER BY recency_days), 9)) AS INTEGER) AS r_score,
    CAST(CEIL(ROUND(5 * CUME_DIST() OVER (ORDER BY frequency), 9)) AS INTEGER) AS f_score,
    CAST(CEIL(ROUND(5 * CUME_DIST() OVER (ORDER BY monetary), 9)) AS INTEGER) AS m_score
  FROM base
)
SELECT
  customer_id,
  recency_days,
  frequency,
  monetary,
  r_score,
  f_score,
  m_score,
  CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_code,
  CASE
    WHEN r_score = 5 AND f_score = 5 AND m_score = 5 THEN 'Champions'
    WHEN r_score <= 2 AND f_score >= 4 THEN 'At Risk'
    WHEN f_score >= 4 THEN 'Loyal Customers'
    WHEN r_score = 1 AND f_score = 1 THEN 'Lost'
    ELSE 'Others'
  END AS segment
FROM scored
