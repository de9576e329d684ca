-- Revenue and orders per ISO week (an order is counted once per week, not once per day).
-- order_count = distinct orders of the week (COUNT(*) of order_summary rows when gold.order_totals says
-- each order is one row, the same number).
WITH weekly AS (
  SELECT
    d.iso_year,
    d.iso_week,
    d.week_start,
    SUM(o.revenue) AS revenue,
    SUM(o.margin) AS margin,
    SUM(o.revenue_with_cost) AS revenue_with_cost,
    CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN COUNT(*)
      ELSE COUNT(DISTINCT o.order_id) FILTER (WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)) END AS order_count,
    SUM(o.units) AS units
  FROM gold.order_summary AS o
  JOIN gold.dim_date AS d ON d.date_key = o.order_date
  GROUP BY d.iso_year, d.iso_week, d.week_start
)
SELECT
  iso_year,
  iso_week,
  week_start,
  revenue,
  margin,
  margin / NULLIF(revenue_with_cost, 0) AS margin_rate,
  order_count,
  units,
  revenue / order_count AS aov
FROM weekly
