-- @optional: customers, products, promotions
-- @incremental: customer_id from conformed.orders
-- @lookup: conformed.products, gold.best_promotion by product_id
-- Premium customers (is_premium_customer), one rule for the whole run:
--   where the shop has loyalty tiers (conformed.customers.loyalty_tier present and not all NULL):
--     premium = the customer's tier is one of premium.tiers (case-insensitive); no tier → not premium;
--   otherwise: premium = lifetime revenue (every valid line up to --as-of) >= premium.min_lifetime_revenue.
-- premium_rule says which rule applied. One row per customer with an order or in customers; guest orders
-- (customer_id NULL) have no customer and are never premium.
-- Lifetime revenue prices the lines as orders_enriched does (which reads this model, so it cannot be read
-- here): the price paid, else the catalogue price less gold.best_promotion's discount (the one table both
-- read), rounded to cents, so that the RFM/dim_customers reconciliations hold.
WITH revenue AS (
  SELECT o.customer_id,
    SUM(CAST(o.quantity * COALESCE(o.unit_price, CASE WHEN bp.discount_pct IS NOT NULL THEN ROUND(p.price * (100 - bp.discount_pct) / 100, 2) ELSE p.price END) AS DECIMAL(18, 4))) AS lifetime_revenue
  FROM conformed.orders AS o
  LEFT JOIN conformed.products AS p ON p.product_id = o.product_id
  LEFT JOIN gold.best_promotion AS bp ON bp.product_id = o.product_id AND bp.day = CAST(o.order_date AS DATE)
  WHERE o.customer_id IS NOT NULL
  GROUP BY o.customer_id
),
rule AS (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM conformed.customers WHERE loyalty_tier IS NOT NULL)
    THEN 'loyalty_tier' ELSE 'lifetime_revenue' END AS premium_rule
),
people AS (
  SELECT COALESCE(r.customer_id, c.customer_id) AS customer_id, c.loyalty_tier, r.lifetime_revenue
  FROM revenue AS r
  FULL OUTER JOIN conformed.customers AS c ON c.customer_id = r.customer_id
)
SELECT
  x.customer_id,
  x.loyalty_tier,
  COALESCE(x.lifetime_revenue, 0) AS lifetime_revenue,
  y.premium_rule,
  CASE
    WHEN y.premium_rule = 'loyalty_tier' THEN COALESCE(LOWER(TRIM(x.loyalty_tier)) IN {{ premium_tiers }}, FALSE)
    ELSE COALESCE(x.lifetime_revenue, 0) >= {{ premium_min_revenue }}
  END AS is_premium_customer
FROM people AS x
CROSS JOIN rule AS y
WHERE x.customer_id IS NOT NULL
