-- One row: the number of orders (distinct order_id) and of gold.order_summary rows. one_row_per_order
-- is true when no order spans several order_summary rows (several dates or customers), the usual case:
-- any set of order_summary rows then holds as many distinct orders as rows, and the models count orders
-- with COUNT(*) instead of COUNT(DISTINCT order_id) (the same number, without a hash table of order ids);
-- when it is false they count distinct ids. Also the "all orders" denominator of the basket models.
SELECT
  COUNT(DISTINCT order_id) AS orders,
  COUNT(*) AS order_rows,
  COUNT(DISTINCT order_id) = COUNT(*) AS one_row_per_order
FROM gold.order_summary
