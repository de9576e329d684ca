-- @optional: customers, products, promotions
-- @incremental: order_id from conformed.orders
-- @lookup: gold.customer_premium, conformed.customers by customer_id
-- @lookup: conformed.products, gold.product_stock, gold.best_promotion by product_id
-- One row per valid order line (conformed.orders holds only lines that passed the silver contract).
-- Grain: the order line, keyed (order_id, line_number): line_number numbers the lines of an order
-- deterministically (by order_line_id where the shop has a line key, then product_id, …), so the key
-- holds whether or not an order may hold several lines of one product.
-- unit_price = the price paid on the line (orders.unit_price) where the line carries it, else the
-- catalogue price (products.price), discounted by the promotion active on the order date if any:
--   a promotion applies to a line without a paid price as gold.best_promotion says (the best active one
--   for the line's product on the order date, the rule customer_premium prices with too). The discounted
--   unit price = ROUND(price × (100 − discount_pct) / 100, 2) (cents). A paid price is never discounted.
-- price_source says which ('order_line' | 'promotion' | 'catalogue', NULL: unknown); promotion_id names
-- the promotion that priced the line.
-- amount = quantity × unit_price (NULL when no price is known); margin = quantity × (unit_price − cost),
-- NULL when the cost is unknown.
-- is_guest: the line has no customer_id (a guest order, allowed when the orders contract makes it optional).
-- is_premium_customer: gold.customer_premium (loyalty tier or lifetime revenue, see that model).
-- low_stock: the product's current stock <= low_stock_threshold (NULL: no count, or no inventory).
-- shipping_country: derived from shipping_address by the conformed view (the address itself is never published).
-- year/month: calendar of order_date, the lake's year=YYYY/month=MM partitions (month zero-padded text).
-- Money is DECIMAL(18,4): sums of decimals are exact, so aggregates do not depend on the order in which
-- parallel threads add them up (DOUBLE sums do, in the last bits) and two runs publish the same bytes.
WITH lines AS (
  SELECT
    o.*,
    ROW_NUMBER() OVER (
      PARTITION BY o.order_id
      ORDER BY o.order_line_id NULLS LAST, o.product_id, o.order_date, o.quantity, o.unit_price NULLS LAST
    ) AS line_number
  FROM conformed.orders AS o
),
-- The product and customer attributes joined once each (small tables: a product's catalogue row and stock,
-- a customer's row and premium flag), so that the 1M lines probe two hash tables instead of four.
product AS (
  SELECT COALESCE(p.product_id, s.product_id) AS product_id, p.name, p.category, p.brand, p.price, p.cost, s.current_stock <= {{ low_stock_threshold }} AS low_stock
  FROM conformed.products AS p
  FULL OUTER JOIN gold.product_stock AS s ON s.product_id = p.product_id
),
customer AS (
  SELECT COALESCE(c.customer_id, cp.customer_id) AS customer_id, c.city, c.country, cp.is_premium_customer
  FROM conformed.customers AS c
  FULL OUTER JOIN gold.customer_premium AS cp ON cp.customer_id = c.customer_id
),
priced AS (
  SELECT
    l.*,
    p.name AS product_name, p.category AS p_category, p.brand, p.cost, p.low_stock,
    CASE WHEN l.unit_price IS NULL AND p.price IS NOT NULL THEN bp.promotion_id END AS promotion_id,
    COALESCE(l.unit_price, CASE WHEN bp.promotion_id IS NOT NULL THEN ROUND(p.price * (100 - bp.discount_pct) / 100, 2) ELSE p.price END) AS line_price,
    CASE WHEN l.unit_price IS NOT NULL THEN 'order_line' WHEN p.price IS NULL THEN NULL WHEN bp.promotion_id IS NOT NULL THEN 'promotion' ELSE 'catalogue' END AS line_price_source
  FROM lines AS l
  LEFT JOIN product AS p ON p.product_id = l.product_id
  LEFT JOIN gold.best_promotion AS bp ON bp.product_id = l.product_id AND bp.day = CAST(l.order_date AS DATE)
)
SELECT
  o.order_id,
  o.line_number,
  o.order_line_id,
  o.product_id,
  o.customer_id,
  o.customer_id IS NULL AS is_guest,
  c.city,
  c.country,
  o.shipping_country,
  o.product_name,
  COALESCE(o.p_category, 'unknown') AS category,
  o.brand,
  o.quantity,
  o.line_price AS unit_price,
  o.line_price_source AS price_source,
  o.promotion_id,
  o.cost AS unit_cost,
  CAST(o.quantity * o.line_price AS DECIMAL(18, 4)) AS amount,
  CAST(o.quantity * o.line_price AS DECIMAL(18, 4)) - CAST(o.quantity * o.cost AS DECIMAL(18, 4)) AS margin,
  o.order_date AS order_ts,
  CAST(o.order_date AS DATE) AS order_date,
  CAST(EXTRACT(YEAR FROM o.order_date) AS INTEGER) AS year,
  LPAD(CAST(EXTRACT(MONTH FROM o.order_date) AS VARCHAR), 2, '0') AS month,
  COALESCE(c.is_premium_customer, FALSE) AS is_premium_customer,
  o.low_stock
FROM priced AS o
LEFT JOIN customer AS c ON c.customer_id = o.customer_id
