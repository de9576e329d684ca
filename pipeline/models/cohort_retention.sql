-- Retention matrix: for each cohort and each month k = 0, 1, … up to the last month of the order period,
-- the share of the cohort with at least one valid order in month cohort_month + k (k = 0 is 100 %).
WITH firsts AS (
  SELECT customer_id, CAST(DATE_TRUNC('month', first_order_date) AS DATE) AS cohort_month
  FROM gold.customer_orders  -- guest orders belong to no customer
),
activity AS (
  SELECT DISTINCT customer_id, CAST(DATE_TRUNC('month', order_date) AS DATE) AS activity_month
  FROM gold.order_summary
  WHERE customer_id IS NOT NULL
),
active AS (
  SELECT f.cohort_month, a.activity_month, COUNT(*) AS active_customers
  FROM firsts AS f
  JOIN activity AS a ON a.customer_id = f.customer_id
  GROUP BY f.cohort_month, a.activity_month
),
months AS (
  SELECT DISTINCT month_start FROM gold.dim_date
)
SELECT
  c.cohort_month,
  CAST((EXTRACT(YEAR FROM m.month_start) - EXTRACT(YEAR FROM c.cohort_month)) * 12
    + EXTRACT(MONTH FROM m.month_start) - EXTRACT(MONTH FROM c.cohort_month) AS INTEGER) AS months_since_first,
  m.month_start AS activity_month,
  c.cohort_size,
  COALESCE(a.active_customers, 0) AS active_customers,
  COALESCE(a.active_customers, 0) * 1.0 / c.cohort_size AS retention_rate
FROM gold.cohorts AS c
JOIN months AS m ON m.month_start >= c.cohort_month
LEFT JOIN active AS a ON a.cohort_month = c.cohort_month AND a.activity_month = m.month_start
