-- @optional: products, promotions
-- The best active promotion per product × day: the one rule orders_enriched and customer_premium price
-- lines with (a small table: promotion days × targeted products, so that order lines find theirs by an
-- equality join instead of testing every promotion). A promotion targets its product_id or, without one,
-- every product of its category, from start_date to end_date; among several active ones the largest
-- discount_pct wins, then the smallest promotion_id. Empty without promotions.
WITH promo_days AS (
  SELECT pr.product_id, CAST(d.day AS DATE) AS day, pr.promotion_id, pr.discount_pct
  FROM conformed.promotions AS pr, generate_series(CAST(pr.start_date AS TIMESTAMP), CAST(pr.end_date AS TIMESTAMP), INTERVAL 1 DAY) AS d(day)
  WHERE pr.product_id IS NOT NULL
  UNION ALL
  SELECT p.product_id, CAST(d.day AS DATE) AS day, pr.promotion_id, pr.discount_pct
  FROM conformed.promotions AS pr
  JOIN conformed.products AS p ON p.category = pr.category
  CROSS JOIN generate_series(CAST(pr.start_date AS TIMESTAMP), CAST(pr.end_date AS TIMESTAMP), INTERVAL 1 DAY) AS d(day)
  WHERE pr.product_id IS NULL
)
SELECT product_id, day, promotion_id, discount_pct
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY product_id, day ORDER BY discount_pct DESC, promotion_id) AS pick
  FROM promo_days
) AS ranked
WHERE pick = 1
