-- Abnormal returns: products and customers whose return rate (returned units / sold units, returns dated
-- on or before --as-of) is unusually high, among those with at least return_outliers.min_sold_units sold units.
-- Returns are counts, so an entity is compared with the overall rate p of its kind (Σ returned / Σ sold
-- over every product, or every customer) as a binomial: expected = sold × p, and
--   z = (returned − sold × p) / sqrt(sold × p × (1 − p)),
-- flagged when z > return_outliers.z_threshold (a few returns of few units do not stand out; a rate far above
-- the shop's does). NULL (never flagged) when p is 0 or 1. A customer's returns are those of their orders
-- (returns.order_id); guests have no customer and are left out of the customer side.
WITH product_rates AS (
  SELECT 'product' AS entity_type, product_id AS entity_id, sold_units, returned_units, return_rate
  FROM gold.returns_by_product
  WHERE sold_units > 0
),
order_customer AS (
  SELECT DISTINCT order_id, customer_id FROM gold.orders_enriched WHERE customer_id IS NOT NULL
),
customer_sold AS (
  SELECT customer_id, SUM(quantity) AS sold_units FROM gold.orders_enriched WHERE customer_id IS NOT NULL GROUP BY customer_id
),
customer_returned AS (
  SELECT oc.customer_id, SUM(r.quantity) AS returned_units
  FROM conformed.returns AS r
  JOIN order_customer AS oc ON oc.order_id = r.order_id
  WHERE r.return_date <= CAST({{ as_of }} AS DATE)
  GROUP BY oc.customer_id
),
customer_rates AS (
  SELECT 'customer' AS entity_type, s.customer_id AS entity_id, s.sold_units, COALESCE(r.returned_units, 0) AS returned_units,
    COALESCE(r.returned_units, 0) * 1.0 / s.sold_units AS return_rate
  FROM customer_sold AS s
  LEFT JOIN customer_returned AS r ON r.customer_id = s.customer_id
  WHERE s.sold_units > 0
),
rates AS (
  SELECT * FROM product_rates
  UNION ALL
  SELECT * FROM customer_rates
),
overall AS (
  SELECT entity_type, SUM(returned_units) * 1.0 / SUM(sold_units) AS expected_rate
  FROM rates GROUP BY entity_type
),
scored AS (
  SELECT
    r.*,
    o.expected_rate,
    (r.returned_units - r.sold_units * o.expected_rate)
      / NULLIF(SQRT(r.sold_units * o.expected_rate * (1 - o.expected_rate)), 0) AS z
  FROM rates AS r
  JOIN overall AS o ON o.entity_type = r.entity_type
  WHERE r.sold_units >= {{ return_outlier_min_sold_units }}
)
SELECT
  entity_type,
  entity_id,
  CAST(sold_units AS BIGINT) AS sold_units,
  CAST(returned_units AS BIGINT) AS returned_units,
  return_rate,
  expected_rate,
  z,
  'returned ' || CAST(returned_units AS VARCHAR) || ' of ' || CAST(sold_units AS VARCHAR) || ' units ('
    || CAST(ROUND(return_rate * 100, 1) AS VARCHAR) || ' %) vs ' || CAST(ROUND(sold_units * expected_rate, 1) AS VARCHAR)
    || ' expected at the overall ' || CAST(ROUND(expected_rate * 100, 1) AS VARCHAR) || ' %' AS reason
FROM scored
WHERE z > {{ return_outlier_z_threshold }}
