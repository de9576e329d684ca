-- @optional: products
-- Abnormal returns: products and customers whose return rate (returned units / sold units, returns dated
-- on or before --as-of) is an outlier among those with at least return_outliers.min_sold_units sold units.
-- Per entity type: median m and MAD of the rates, robust z = (rate − m) / (1.4826 × MAD) (MAD 0: scale
-- 1.2533 × mean |rate − m|; 0 too: nothing is an outlier); flagged when z > return_outliers.z_threshold
-- (unusually many returns only). A customer's returns are those of their orders (returns.order_id);
-- guests have no customer and are left out of the customer side.
WITH product_rates AS (
  SELECT 'product' AS entity_type, product_id AS entity_id, sold_units, returned_units, return_rate
  FROM gold.returns_by_product
  WHERE sold_units >= {{ return_outlier_min_sold_units }}
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
  WHERE s.sold_units >= {{ return_outlier_min_sold_units }}
),
rates AS (
  SELECT * FROM product_rates
  UNION ALL
  SELECT * FROM customer_rates
),
centre AS (
  SELECT entity_type, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY return_rate) AS median_rate
  FROM rates GROUP BY entity_type
),
spread AS (
  SELECT r.entity_type, c.median_rate,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(r.return_rate - c.median_rate)) AS mad,
    AVG(ABS(r.return_rate - c.median_rate)) AS mean_dev
  FROM rates AS r
  JOIN centre AS c ON c.entity_type = r.entity_type
  GROUP BY r.entity_type, c.median_rate
),
scored AS (
  SELECT
    r.*,
    s.median_rate,
    (r.return_rate - s.median_rate) / CASE WHEN s.mad > 0 THEN 1.4826 * s.mad WHEN s.mean_dev > 0 THEN 1.2533 * s.mean_dev END AS robust_z
  FROM rates AS r
  JOIN spread AS s ON s.entity_type = r.entity_type
)
SELECT
  entity_type,
  entity_id,
  CAST(sold_units AS BIGINT) AS sold_units,
  CAST(returned_units AS BIGINT) AS returned_units,
  return_rate,
  median_rate,
  robust_z,
  'return rate ' || CAST(ROUND(return_rate * 100, 1) AS VARCHAR) || ' % vs median ' || CAST(ROUND(median_rate * 100, 1) AS VARCHAR) || ' %' AS reason
FROM scored
WHERE robust_z > {{ return_outlier_z_threshold }}
