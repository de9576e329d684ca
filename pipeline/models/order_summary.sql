-- @incremental: order_id from gold.orders_enriched
-- One row per order (per order date and customer, should an order ever span several): the order-level
-- measures that the daily/weekly/monthly and customer models aggregate, so that they scan orders
-- instead of order lines. Guest orders (customer_id NULL) are orders like any other here; the customer
-- models leave them out.
-- One order's sums fit the lines' own types (DECIMAL(18,4) money, BIGINT units: an order of 10^14 would
-- fail the cast, not wrap), so they are stored in them rather than in SUM's DECIMAL(38,4)/HUGEINT: DuckDB
-- keeps those in 16 bytes, and at 1M lines scanning one such column of this table cost ~0.16 s CPU, 100×
-- a BIGINT one. The models reading it re-aggregate with SUM, which gives back the wide type and the same values.
SELECT
  order_id,
  customer_id,
  order_date,
  CAST(SUM(amount) AS DECIMAL(18, 4)) AS revenue,
  CAST(SUM(margin) AS DECIMAL(18, 4)) AS margin,
  CAST(SUM(CASE WHEN margin IS NOT NULL THEN amount END) AS DECIMAL(18, 4)) AS revenue_with_cost,
  CAST(SUM(quantity) AS BIGINT) AS units,
  COUNT(*) AS order_lines
FROM gold.orders_enriched
GROUP BY order_id, customer_id, order_date
