-- One row per order (per order date and customer, should an order ever span several): the order-level
-- measures that the daily/weekly/monthly and customer models aggregate, so that they scan orders
-- instead of order lines. Guest orders (customer_id NULL) are orders like any other here; the customer
-- models leave them out.
SELECT
  order_id,
  customer_id,
  order_date,
  SUM(amount) AS revenue,
  SUM(margin) AS margin,
  SUM(CASE WHEN margin IS NOT NULL THEN amount END) AS revenue_with_cost,
  SUM(quantity) AS units,
  COUNT(*) AS order_lines
FROM gold.orders_enriched
GROUP BY order_id, customer_id, order_date
