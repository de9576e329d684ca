-- Customers and revenue per RFM segment: always the five segments of DESIGN.md, in their order
-- (segment_order 1..5), with 0 customers when a segment is empty.
WITH segments AS (
  SELECT * FROM (VALUES
    (1, 'Champions'), (2, 'Loyal Customers'), (3, 'At Risk'), (4, 'Lost'), (5, 'Others')
  ) AS s(segment_order, segment)
),
counts AS (
  SELECT
    segment,
    COUNT(*) AS customers,
    SUM(monetary) AS revenue,
    AVG(recency_days) AS avg_recency_days,
    AVG(frequency) AS avg_frequency
  FROM gold.rfm
  GROUP BY segment
)
SELECT
  s.segment_order,
  s.segment,
  COALESCE(c.customers, 0) AS customers,
  COALESCE(c.customers, 0) * 1.0 / NULLIF(SUM(COALESCE(c.customers, 0)) OVER (), 0) AS customer_share,
  COALESCE(c.revenue, 0) AS revenue,
  c.avg_recency_days,
  c.avg_frequency
FROM segments AS s
LEFT JOIN counts AS c ON c.segment = s.segment
