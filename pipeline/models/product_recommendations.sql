-- "Bought together": for each product A, the products B bought in the same orders, with
--   support = orders with A and B / all orders, confidence(A→B) = orders with A and B / orders with A,
--   lift = support / (support(A) × support(B)).
-- Kept when pair orders >= recommendations.min_pair_orders, confidence >= recommendations.min_confidence
-- and lift >= recommendations.min_lift; the top recommendations.top_n per product by confidence, then
-- lift, pair orders and B's id (rank 1 = best). Guest orders count like any other order.
WITH total AS (
  SELECT orders FROM gold.order_totals
),
items AS (
  SELECT product_id, order_count AS orders FROM gold.product_sales
),
pairs AS (  -- both directions of gold.product_pairs (a < b)
  SELECT product_a AS product_id, product_b AS recommended_product_id, pair_orders FROM gold.product_pairs WHERE pair_orders >= {{ reco_min_pair_orders }}
  UNION ALL
  SELECT product_b, product_a, pair_orders FROM gold.product_pairs WHERE pair_orders >= {{ reco_min_pair_orders }}
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
