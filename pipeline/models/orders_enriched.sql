-- One row per valid order line (conformed.orders holds only lines that passed the silver contract).
-- amount = quantity × price; margin = quantity × (price − cost), NULL when the cost is unknown.
-- is_premium_customer: the customer's lifetime revenue (every valid line up to --as-of) >= premium_min_revenue.
-- low_stock: the product's latest snapshot stock <= low_stock_threshold (NULL: no snapshot).
-- year/month: calendar of order_date, the lake's year=YYYY/month=MM partitions (month zero-padded text).
-- Money is DECIMAL(18,4): sums of decimals are exact, so aggregates do not depend on the order in which
-- parallel threads add them up (DOUBLE sums do, in the last bits) and two runs publish the same bytes.
WITH customer_revenue AS (
  SELECT o.customer_id, SUM(CAST(o.quantity * p.price AS DECIMAL(18, 4))) AS lifetime_revenue
  FROM conformed.orders AS o
  JOIN conformed.products AS p ON p.product_id = o.product_id
  GROUP BY o.customer_id
)
SELECT
  o.order_id,
  o.product_id,
  o.customer_id,
  c.country,
  p.product_name,
  p.category,
  o.quantity,
  p.price AS unit_price,
  p.cost AS unit_cost,
  CAST(o.quantity * p.price AS DECIMAL(18, 4)) AS amount,
  CAST(o.quantity * p.price AS DECIMAL(18, 4)) - CAST(o.quantity * p.cost AS DECIMAL(18, 4)) AS margin,
  o.order_date AS order_ts,
  CAST(o.order_date AS DATE) AS order_date,
  CAST(EXTRACT(YEAR FROM o.order_date) AS INTEGER) AS year,
  LPAD(CAST(EXTRACT(MONTH FROM o.order_date) AS VARCHAR), 2, '0') AS month,
  COALESCE(cr.lifetime_revenue >= {{ premium_min_revenue }}, FALSE) AS is_premium_customer,
  p.low_stock
FROM conformed.orders AS o
LEFT JOIN gold.dim_products AS p ON p.product_id = o.product_id
LEFT JOIN conformed.customers AS c ON c.customer_id = o.customer_id
LEFT JOIN customer_revenue AS cr ON cr.customer_id = o.customer_id
