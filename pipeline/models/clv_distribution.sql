-- CLV distribution in fixed currency buckets (lower bound inclusive, upper exclusive).
WITH bucketed AS (
  SELECT
    clv,
    CASE
      WHEN clv < 100 THEN 1
      WHEN clv < 250 THEN 2
      WHEN clv < 500 THEN 3
      WHEN clv < 1000 THEN 4
      WHEN clv < 2500 THEN 5
      WHEN clv < 5000 THEN 6
      WHEN clv < 10000 THEN 7
      ELSE 8
    END AS bucket_order
  FROM gold.customer_clv
),
buckets AS (
  SELECT 1 AS bucket_order, 0.0 AS lower_bound, 100.0 AS upper_bound
  UNION ALL SELECT 2, 100.0, 250.0
  UNION ALL SELECT 3, 250.0, 500.0
  UNION ALL SELECT 4, 500.0, 1000.0
  UNION ALL SELECT 5, 1000.0, 2500.0
  UNION ALL SELECT 6, 2500.0, 5000.0
  UNION ALL SELECT 7, 5000.0, 10000.0
  UNION ALL SELECT 8, 10000.0, NULL
)
SELECT
  b.bucket_order,
  b.lower_bound,
  b.upper_bound,
  COUNT(x.clv) AS customers,
  COUNT(x.clv) * 1.0 / NULLIF((SELECT COUNT(*) FROM gold.customer_clv), 0) AS customer_share,
  COALESCE(SUM(CAST(x.clv AS DECIMAL(18, 4))), 0) AS clv_sum  -- decimal: an exact, order-independent sum
FROM buckets AS b
LEFT JOIN bucketed AS x ON x.bucket_order = b.bucket_order
GROUP BY b.bucket_order, b.lower_bound, b.upper_bound
