-- CLV distribution summary: one row with count, mean and quantiles (continuous percentiles).
SELECT
  COUNT(*) AS customers,
  AVG(CAST(clv AS DECIMAL(18, 4))) AS mean,
  MIN(clv) AS min,
  PERCENTILE_CONT(0.10) WITHIN GROUP (ORDER BY clv) AS p10,
  PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY clv) AS p25,
  PERCENTILE_CONT(0.50) WITHIN GROUP (ORDER BY clv) AS median,
  PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY clv) AS p75,
  PERCENTILE_CONT(0.90) WITHIN GROUP (ORDER BY clv) AS p90,
  MAX(clv) AS max
FROM gold.customer_clv
