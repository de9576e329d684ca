-- Warehouse fact: one row per order line (grain: order_id × product_id), keyed to the dimensions.
SELECT
  order_id,
  product_id,
  customer_id,
  order_date AS date_key,
  order_ts,
  quantity,
  unit_price,
  unit_cost,
  amount,
  margin
FROM gold.orders_enriched
