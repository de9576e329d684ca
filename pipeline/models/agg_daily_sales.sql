-- Revenue and orders per calendar day of the order period; days without orders are 0, not missing.
-- margin sums the lines with a known cost; margin_rate = margin / revenue of those lines.
WITH daily AS (
  SELECT
    order_date,
    SUM(revenue) AS revenue,
    SUM(margin) AS margin,
    SUM(revenue_with_cost) AS revenue_with_cost,
    CASE WHEN (SELECT one_row_per_order FROM gold.order_totals) THEN COUNT(*)
      ELSE COUNT(DISTINCT order_id) FILTER (WHERE NOT (SELECT one_row_per_order FROM gold.order_totals)) END AS order_count,  -- distinct orders (gold.order_totals)
    SUM(order_lines) AS order_lines,
    SUM(units) AS units,
    COUNT(DISTINCT customer_id) AS customers
  FROM gold.order_summary
  GROUP BY order_date
)
SELECT
  d.date_key AS order_date,
  d.iso_year,
  d.iso_week,
  d.year,
  d.month,
  COALESCE(s.revenue, 0.0) AS revenue,
  COALESCE(s.margin, 0.0) AS margin,
  s.margin / NULLIF(s.revenue_with_cost, 0) AS margin_rate,
  COALESCE(s.order_count, 0) AS order_count,
  COALESCE(s.order_lines, 0) AS order_lines,
  COALESCE(s.units, 0) AS units,
  COALESCE(s.customers, 0) AS customers,
  s.revenue / NULLIF(s.order_count, 0) AS aov
FROM gold.dim_date AS d
LEFT JOIN daily AS s ON s.order_date = d.date_key
