-- Product pairs bought together, the one self-join of the order lines that the market basket
-- (basket_pairs) and "bought together" (product_recommendations) both read: one row per pair of distinct
-- products (product_a < product_b) found in at least one common order, with the number of such orders.
-- An order counts once per pair however many lines it holds of either product: the lines are reduced to
-- distinct (order, product) pairs, unless they are distinct already (Σ gold.product_sales.order_count,
-- the distinct pairs, equals the number of lines: no order holds two lines of one product).
WITH unique_pairs AS (
  SELECT (SELECT SUM(order_count) FROM gold.product_sales) = (SELECT COUNT(*) FROM gold.orders_enriched) AS yes
),
lines AS (
  SELECT order_id, product_id FROM gold.orders_enriched WHERE (SELECT yes FROM unique_pairs)
  UNION ALL
  SELECT DISTINCT order_id, product_id FROM gold.orders_enriched WHERE NOT (SELECT yes FROM unique_pairs)
)
SELECT a.product_id AS product_a, b.product_id AS product_b, COUNT(*) AS pair_orders
FROM lines AS a
JOIN lines AS b ON b.order_id = a.order_id AND a.product_id < b.product_id
GROUP BY a.product_id, b.product_id
