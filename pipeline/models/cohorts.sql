-- Monthly acquisition cohorts: a customer's cohort is the month of their first valid order.
WITH firsts AS (
  SELECT customer_id, CAST(DATE_TRUNC('month', first_order_date) AS DATE) AS cohort_month
  FROM gold.customer_orders  -- guest orders belong to no customer
)
SELECT cohort_month, COUNT(*) AS cohort_size
FROM firsts
GROUP BY cohort_month
