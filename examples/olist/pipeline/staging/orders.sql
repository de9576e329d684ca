-- Canonical orders of the Olist shop: one line per order item.
-- The item's price is the price paid (unit_price); each item is one unit. The customer is the person
-- (customers.customer_unique_id), not Olist's per-order customer id, so that repeat purchases count.
-- LEFT JOINs: an item whose order or customer did not pass its source contract still reaches the
-- orders contract, which quarantines it (required order_date / customer_id) instead of losing it.
SELECT
  i.order_id,
  CAST(i.order_item_id AS VARCHAR) AS order_line_id,
  c.customer_unique_id AS customer_id,
  i.product_id,
  1 AS quantity,
  o.order_purchase_timestamp AS order_date,
  i.price AS unit_price,
  o.order_status,
  i._source_file,
  i._record_number
FROM raw.olist_order_items AS i
LEFT JOIN raw.olist_orders AS o ON o.order_id = i.order_id
LEFT JOIN raw.olist_customers AS c ON c.customer_id = o.customer_id
