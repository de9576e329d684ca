-- Calendar: one row per day from the first to the last order date (the order period), ISO weeks.
WITH RECURSIVE bounds AS (
  SELECT MIN(order_date) AS first_day, MAX(order_date) AS last_day FROM gold.order_summary
),
days AS (
  SELECT first_day AS date_key, last_day FROM bounds WHERE first_day IS NOT NULL
  UNION ALL
  SELECT CAST(date_key + 1 AS DATE), last_day FROM days WHERE date_key < last_day
)
SELECT
  date_key,
  CAST(EXTRACT(YEAR FROM date_key) AS INTEGER) AS year,
  CAST(EXTRACT(QUARTER FROM date_key) AS INTEGER) AS quarter,
  CAST(EXTRACT(MONTH FROM date_key) AS INTEGER) AS month,
  CAST(EXTRACT(DAY FROM date_key) AS INTEGER) AS day_of_month,
  CAST(EXTRACT(ISOYEAR FROM date_key) AS INTEGER) AS iso_year,
  CAST(EXTRACT(WEEK FROM date_key) AS INTEGER) AS iso_week,
  CAST(EXTRACT(ISODOW FROM date_key) AS INTEGER) AS iso_day_of_week,
  EXTRACT(ISODOW FROM date_key) IN (6, 7) AS is_weekend,
  CAST(DATE_TRUNC('week', date_key) AS DATE) AS week_start,
  CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start
FROM days
