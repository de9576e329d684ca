-- Revenue and orders per ISO week (an order is counted once per week, not once per day).
SELECT
  d.iso_year,
  d.iso_week,
  d.week_start,
  SUM(o.revenue) AS revenue,
  SUM(o.margin) AS margin,
  SUM(o.margin) / NULLIF(SUM(o.revenue_with_cost), 0) AS margin_rate,
  COUNT(DISTINCT o.order_id) AS order_count,
  SUM(o.units) AS units,
  SUM(o.revenue) / COUNT(DISTINCT o.order_id) AS aov
FROM gold.order_summary AS o
JOIN gold.dim_date AS d ON d.date_key = o.order_date
GROUP BY d.iso_year, d.iso_week, d.week_start
