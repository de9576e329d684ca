-- "Bought together": for each product A, the products B bought in the same orders, with
--   support = orders with A and B / all orders, confidence(A→B) = orders with A and B / orders with A,
--   lift = support / (support(A) × support(B)).
-- Kept when pair orders >= recommendations.min_pair_orders, confidence >= recommendations.min_confidence
-- and lift >= recommendations.min_lift; the top recommendations.top_n per product by confidence, then
-- lift, pair orders and B's id (rank 1 = best). Guest orders count like any other order.
WITH lines AS (
  SELECT DISTINCT order_id, product_id FROM gold.orders_enriched
),
total AS (
  SELECT COUNT(DISTINCT order_id) AS orders FROM lines
),
items AS (
  SELECT product_id, COUNT(*) AS orders FROM lines GROUP BY product_id
),
multi AS (
  SELECT order_id FROM lines GROUP BY order_id HAVING COUNT(*) >= 2
),
basket AS (
  SELECT l.order_id, l.product_id FROM lines AS l JOIN multi AS m ON m.order_id = l.order_id
),
pairs AS (
  SELECT a.product_id, b.product_id AS recommended_product_id, COUNT(*) AS pair_orders
  FROM basket AS a
  JOIN basket AS b ON b.order_id = a.order_id AND b.product_id <> a.product_id
  GROUP BY a.product_id, b.product_id
  HAVING COUNT(*) >= {{ reco_min_pair_orders }}
),
measured AS (
  SELECT
    p.product_id,
    p.recommended_product_id,
    p.pair_orders,
    p.pair_orders * 1.0 / t.orders AS support,
    p.pair_orders * 1.0 / ia.orders AS confidence,
    (p.pair_orders * 1.0 * t.orders) / (ia.orders * ib.orders) AS lift
  FROM pairs AS p
  JOIN items AS ia ON ia.product_id = p.product_id
  JOIN items AS ib ON ib.product_id = p.recommended_product_id
  CROSS JOIN total AS t
),
ranked AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY confidence DESC, lift DESC, pair_orders DESC, recommended_product_id) AS rank
  FROM measured
  WHERE confidence >= {{ reco_min_confidence }} AND lift >= {{ reco_min_lift }}
)
SELECT product_id, rank, recommended_product_id, pair_orders, support, confidence, lift
FROM ranked
WHERE rank <= {{ reco_top_n }}
