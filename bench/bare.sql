-- The reference point of the benchmark: the same transforms as the pipeline, hand-written in DuckDB SQL,
-- with no contracts, no quarantine, no checks. {{data}} and {{out}} are replaced by bench.ts (quoted literals).
SET preserve_insertion_order = false;
CREATE TABLE orders AS SELECT * FROM read_csv('{{data}}/orders.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'order_date': 'TIMESTAMP'}, ignore_errors = true);
CREATE TABLE customers AS SELECT * FROM read_json('{{data}}/customers.json', format = 'newline_delimited', ignore_errors = true,
  columns = {'customer_id': 'VARCHAR', 'name': 'VARCHAR', 'email': 'VARCHAR', 'country': 'VARCHAR', 'registration_date': 'DATE'});
CREATE TABLE products AS SELECT * FROM read_parquet('{{data}}/products.parquet');
CREATE TABLE inventory AS SELECT * FROM read_csv('{{data}}/inventory.csv', header = true, auto_detect = false,
  columns = {'product_id': 'VARCHAR', 'snapshot_date': 'DATE', 'stock_quantity': 'BIGINT'}, ignore_errors = true);
-- clean: drop bad rows, de-duplicate, keep orders whose customer and product exist
CREATE TABLE clean_orders AS
  SELECT DISTINCT o.* FROM orders o
  JOIN customers c USING (customer_id) JOIN products p USING (product_id)
  WHERE o.quantity > 0 AND o.order_date IS NOT NULL AND CAST(o.order_date AS DATE) <= DATE '2026-11-20'
    AND CAST(o.order_date AS DATE) >= c.registration_date;
CREATE TABLE latest_stock AS
  SELECT product_id, arg_max(stock_quantity, snapshot_date) AS stock FROM inventory GROUP BY product_id;
CREATE TABLE customer_revenue AS
  SELECT o.customer_id, sum(o.quantity * p.price) AS revenue FROM clean_orders o JOIN products p USING (product_id) GROUP BY 1;
CREATE TABLE orders_enriched AS
  SELECT o.order_id, o.customer_id, o.product_id, o.quantity, CAST(o.order_date AS DATE) AS order_date, p.category,
         p.price, p.cost, o.quantity * p.price AS amount, o.quantity * (p.price - p.cost) AS margin,
         coalesce(cr.revenue >= 1000, false) AS is_premium_customer, coalesce(s.stock <= 10, false) AS low_stock,
         year(o.order_date) AS year, lpad(month(o.order_date)::VARCHAR, 2, '0') AS month
  FROM clean_orders o JOIN products p USING (product_id)
  LEFT JOIN customer_revenue cr USING (customer_id) LEFT JOIN latest_stock s USING (product_id);
CREATE TABLE agg_daily_sales AS SELECT order_date, sum(amount) AS revenue, count(DISTINCT order_id) AS orders, sum(margin) AS margin FROM orders_enriched GROUP BY 1;
CREATE TABLE agg_monthly_sales AS SELECT year, month, sum(amount) AS revenue, count(DISTINCT order_id) AS orders FROM orders_enriched GROUP BY 1, 2;
CREATE TABLE daily_sales_by_category AS SELECT order_date, category, sum(amount) AS revenue FROM orders_enriched GROUP BY 1, 2;
CREATE TABLE top_products AS SELECT product_id, sum(amount) AS revenue FROM orders_enriched GROUP BY 1 ORDER BY revenue DESC LIMIT 10;
CREATE TABLE rfm AS
  WITH c AS (SELECT customer_id, DATE '2026-11-20' - max(order_date) AS recency, count(DISTINCT order_id) AS frequency, sum(amount) AS monetary FROM orders_enriched GROUP BY 1)
  SELECT *, ntile(5) OVER (ORDER BY recency DESC) AS r, ntile(5) OVER (ORDER BY frequency) AS f, ntile(5) OVER (ORDER BY monetary) AS m FROM c;
CREATE TABLE dim_customers AS SELECT customer_id, sha256(email) AS email, country, registration_date FROM customers;
CREATE TABLE dim_products AS SELECT * FROM products;
COPY (SELECT * FROM orders_enriched) TO '{{out}}/data_lake/orders_enriched' (FORMAT parquet, PARTITION_BY (year, month), OVERWRITE_OR_IGNORE true);
COPY (SELECT order_id, customer_id, product_id, order_date, quantity, amount, margin FROM orders_enriched) TO '{{out}}/fact_orders.parquet' (FORMAT parquet);
COPY dim_customers TO '{{out}}/dim_customers.parquet' (FORMAT parquet);
COPY dim_products TO '{{out}}/dim_products.parquet' (FORMAT parquet);
COPY agg_daily_sales TO '{{out}}/agg_daily_sales.parquet' (FORMAT parquet);
COPY agg_monthly_sales TO '{{out}}/agg_monthly_sales.parquet' (FORMAT parquet);
COPY daily_sales_by_category TO '{{out}}/daily_sales_by_category.csv' (FORMAT csv, HEADER true);
COPY top_products TO '{{out}}/top_products.json' (FORMAT json, ARRAY true);
COPY rfm TO '{{out}}/rfm.parquet' (FORMAT parquet);
