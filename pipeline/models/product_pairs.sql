-- @incremental: product_a, product_b from gold.order_pairs
-- Product pairs bought together, which the market basket (basket_pairs) and "bought together"
-- (product_recommendations) both read: one row per pair of distinct products (product_a < product_b)
-- found in at least one common order, with the number of such orders (gold.order_pairs: one row per
-- order and pair).
SELECT product_a, product_b, COUNT(*) AS pair_orders
FROM gold.order_pairs
GROUP BY product_a, product_b
