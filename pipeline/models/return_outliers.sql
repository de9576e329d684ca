-- Abnormal returns: products and customers that return far more than the shop does, among those with at
-- least return_outliers.min_sold_units sold units (returns dated on or before --as-of).
-- return_rate = returned units / sold units, as everywhere. The test counts lines, because units come back
-- in lumps (one return of a 3-unit line is one event, not three): with p = the overall share of order lines
-- returned for the kind (Σ returned lines / Σ sold lines over every product, or every customer),
--   z = (returned_lines − sold_lines × p) / sqrt(sold_lines × p × (1 − p))   (binomial),
-- flagged when z > return_outliers.z_threshold; NULL (never flagged) when p is 0 or 1. A return record is
-- one returned line. A customer's returns are those of their orders (returns.order_id); guests have no
-- customer and are left out of the customer side.
WITH returned AS (
  SELECT order_id, product_id, quantity FROM conformed.returns WHERE return_date <= CAST({{ as_of }} AS DATE)
),
-- The customer side reads gold.order_summary (the lines summed per order × customer × date); its rows are
-- distinct (order, customer) pairs already when gold.order_totals says each order is one row.
order_customer AS (
  SELECT order_id, customer_id FROM gold.order_summary
  WHERE customer_id IS NOT NULL AND (SELECT one_row_per_order FROM gold.order_totals)
  UNION ALL
  SELECT DISTINCT order_id, customer_id FROM gold.order_summary
  WHERE customer_id IS NOT NULL AND NOT (SELECT one_row_per_order FROM gold.order_totals)
),
product_sold AS (
  SELECT product_id AS entity_id, SUM(units) AS sold_units, CAST(SUM(order_lines) AS BIGINT) AS sold_lines FROM gold.product_daily GROUP BY product_id
),
product_returned AS (
  SELECT product_id AS entity_id, SUM(quantity) AS returned_units, COUNT(*) AS returned_lines FROM returned GROUP BY product_id
),
customer_sold AS (
  SELECT customer_id AS entity_id, SUM(units) AS sold_units, CAST(SUM(order_lines) AS BIGINT) AS sold_lines FROM gold.order_summary WHERE customer_id IS NOT NULL GROUP BY customer_id
),
customer_returned AS (
  SELECT oc.customer_id AS entity_id, SUM(r.quantity) AS returned_units, COUNT(*) AS returned_lines
  FROM returned AS r
  JOIN order_customer AS oc ON oc.order_id = r.order_id
  GROUP BY oc.customer_id
),
counts AS (
  SELECT 'product' AS entity_type, s.entity_id, s.sold_units, s.sold_lines, COALESCE(r.returned_units, 0) AS returned_units, COALESCE(r.returned_lines, 0) AS returned_lines
  FROM product_sold AS s LEFT JOIN product_returned AS r ON r.entity_id = s.entity_id
  UNION ALL
  SELECT 'customer', s.entity_id, s.sold_units, s.sold_lines, COALESCE(r.returned_units, 0), COALESCE(r.returned_lines, 0)
  FROM customer_sold AS s LEFT JOIN customer_returned AS r ON r.entity_id = s.entity_id
),
overall AS (
  SELECT entity_type, SUM(returned_lines) * 1.0 / SUM(sold_lines) AS expected_line_rate FROM counts GROUP BY entity_type
),
scored AS (
  SELECT
    c.*,
    c.returned_units * 1.0 / c.sold_units AS return_rate,
    o.expected_line_rate,
    (c.returned_lines - c.sold_lines * o.expected_line_rate) / NULLIF(SQRT(c.sold_lines * o.expected_line_rate * (1 - o.expected_line_rate)), 0) AS z
  FROM counts AS c
  JOIN overall AS o ON o.entity_type = c.entity_type
  WHERE c.sold_units >= {{ return_outlier_min_sold_units }}
)
SELECT
  entity_type,
  entity_id,
  CAST(sold_units AS BIGINT) AS sold_units,
  CAST(returned_units AS BIGINT) AS returned_units,
  return_rate,
  CAST(sold_lines AS BIGINT) AS sold_lines,
  CAST(returned_lines AS BIGINT) AS returned_lines,
  expected_line_rate,
  z,
  'returned ' || CAST(returned_units AS VARCHAR) || ' of ' || CAST(sold_units AS VARCHAR) || ' units ('
    || CAST(ROUND(return_rate * 100, 1) AS VARCHAR) || ' %); ' || CAST(returned_lines AS VARCHAR) || ' of '
    || CAST(sold_lines AS VARCHAR) || ' lines vs ' || CAST(ROUND(sold_lines * expected_line_rate, 1) AS VARCHAR)
    || ' expected at the overall ' || CAST(ROUND(expected_line_rate * 100, 1) AS VARCHAR) || ' %' AS reason
FROM scored
WHERE z > {{ return_outlier_z_threshold }}
