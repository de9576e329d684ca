-- RFM per customer with at least one valid order.
--   recency_days = as_of − last order date; frequency = distinct orders; monetary = revenue.
--   Scores 1–5 by quintile (NTILE(5)); 5 is best: most recent, most orders, most revenue.
--   Ties are split by customer_id so that the scores are deterministic.
-- Segments (first matching rule):
--   Champions           r >= 4 and f >= 4
--   Loyal Customers     r >= 3 and f >= 3
--   At Risk             r <= 2 and f >= 3
--   Potential Loyalists r >= 3 and f <= 2
--   Hibernating         r  = 2 and f <= 2
--   Lost                r  = 1 and f <= 2
WITH base AS (
  SELECT
    customer_id,
    CAST({{ as_of }} AS DATE) - MAX(order_date) AS recency_days,
    COUNT(DISTINCT order_id) AS frequency,
    SUM(revenue) AS monetary
  FROM gold.order_summary
  WHERE customer_id IS NOT NULL  -- guest orders belong to no customer
  GROUP BY customer_id
),
scored AS (
  SELECT
    *,
    NTILE(5) OVER (ORDER BY recency_days DESC, customer_id) AS r_score,
    NTILE(5) OVER (ORDER BY frequency, customer_id) AS f_score,
    NTILE(5) OVER (ORDER BY monetary, customer_id) AS m_score
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
    WHEN r_score >= 4 AND f_score >= 4 THEN 'Champions'
    WHEN r_score >= 3 AND f_score >= 3 THEN 'Loyal Customers'
    WHEN r_score <= 2 AND f_score >= 3 THEN 'At Risk'
    WHEN r_score >= 3 THEN 'Potential Loyalists'
    WHEN r_score = 2 THEN 'Hibernating'
    ELSE 'Lost'
  END AS segment
FROM scored
