-- Monthly acquisition cohorts: a customer's cohort is the month of their first valid order.
WITH firsts AS (
  SELECT customer_id, CAST(DATE_TRUNC('month', MIN(order_date)) AS DATE) AS cohort_month
  FROM gold.order_summary
  WHERE customer_id IS NOT NULL  -- guest orders belong to no customer
  GROUP BY customer_id
)
SELECT cohort_month, COUNT(*) AS cohort_size
FROM firsts
GROUP BY cohort_month
