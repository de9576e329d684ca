-- Customers and revenue per RFM segment.
SELECT
  segment,
  COUNT(*) AS customers,
  COUNT(*) * 1.0 / SUM(COUNT(*)) OVER () AS customer_share,
  SUM(monetary) AS revenue,
  AVG(recency_days) AS avg_recency_days,
  AVG(frequency) AS avg_frequency
FROM gold.rfm
GROUP BY segment
