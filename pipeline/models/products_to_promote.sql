-- @requires: inventory
-- Products to promote: a high catalogue margin, in stock, and slow recent sales.
--   margin_rate   = (price − cost) / price (catalogue), >= promote.min_margin_rate (unknown cost or price 0: not eligible)
--   in stock      = current stock (gold.product_stock) >= promote.min_stock
--   slow          = units sold in the promote.recent_days days ending at --as-of <= the promote.slow_quantile
--                   quantile (continuous) of those units over every catalogue product (0 for unsold ones)
-- Ranked by margin rate, then stock (most first), then product_id.
WITH recent AS (
  SELECT product_id, SUM(quantity) AS units
  FROM gold.orders_enriched
  WHERE order_date > CAST({{ as_of }} AS DATE) - {{ promote_recent_days }}
    AND order_date <= CAST({{ as_of }} AS DATE)
  GROUP BY product_id
),
catalogue AS (
  SELECT p.product_id, p.name, COALESCE(p.category, 'unknown') AS category, p.price, p.cost, COALESCE(r.units, 0) AS recent_units
  FROM conformed.products AS p
  LEFT JOIN recent AS r ON r.product_id = p.product_id
),
slow AS (
  SELECT PERCENTILE_CONT({{ promote_slow_quantile }}) WITHIN GROUP (ORDER BY recent_units) AS slow_max_units FROM catalogue
),
eligible AS (
  SELECT
    c.product_id,
    c.name AS product_name,
    c.category,
    c.price,
    c.cost,
    (c.price - c.cost) / NULLIF(c.price, 0) AS margin_rate,
    s.current_stock,
    c.recent_units,
    sl.slow_max_units
  FROM catalogue AS c
  JOIN gold.product_stock AS s ON s.product_id = c.product_id
  CROSS JOIN slow AS sl
  WHERE (c.price - c.cost) / NULLIF(c.price, 0) >= {{ promote_min_margin_rate }}
    AND s.current_stock >= {{ promote_min_stock }}
    AND c.recent_units <= sl.slow_max_units
)
SELECT
  ROW_NUMBER() OVER (ORDER BY margin_rate DESC, current_stock DESC, product_id) AS rank,
  product_id,
  product_name,
  category,
  price,
  cost,
  margin_rate,
  CAST(current_stock AS BIGINT) AS current_stock,
  CAST(recent_units AS BIGINT) AS recent_units,
  {{ promote_recent_days }} AS recent_days,
  slow_max_units
FROM eligible
