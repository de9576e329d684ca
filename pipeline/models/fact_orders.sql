-- Warehouse fact: one row per order line (grain: order_id × line_number), keyed to the dimensions by
-- customer_id (NULL for a guest order), product_id and date_key.
-- @view
-- A projection of orders_enriched, kept as a view: its readers (its gold checks, the KPI totals, the
-- warehouse file) scan it once each, which costs less than writing its 1M rows out as a table.
SELECT
  order_id,
  line_number,
  order_line_id,
  product_id,
  customer_id,
  order_date AS date_key,
  order_ts,
  quantity,
  unit_price,
  price_source,
  unit_cost,
  amount,
  margin
FROM gold.orders_enriched
