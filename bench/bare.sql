-- The reference point of the benchmark: the sources read straight into typed tables, with no contracts,
-- no quarantine, no checks — then bench/run-one.ts runs the same gold models and the same publish on them.
-- The ratio full / bare is therefore the cost of the contracts (bronze, casts, rules, de-duplication,
-- foreign keys, quarantine, dataset rules, gold checks). {{data}} and {{as_of}} are replaced by the data directory and the business date.
SET preserve_insertion_order = false;
CREATE SCHEMA conformed;
CREATE TABLE conformed.orders AS SELECT order_id, customer_id, product_id, quantity, order_date, CAST(NULL AS DOUBLE) AS unit_price, CAST(NULL AS VARCHAR) AS order_line_id,
    CASE WHEN shipping_address LIKE '%, __' THEN RIGHT(shipping_address, 2) END AS shipping_country
  FROM read_csv('{{data}}/orders.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'order_date': 'TIMESTAMP', 'shipping_address': 'VARCHAR'}, ignore_errors = true);
CREATE TABLE conformed.customers AS SELECT customer_id, name, email, city, country, registration_date, loyalty_tier
  FROM read_json('{{data}}/customers.json', format = 'newline_delimited', ignore_errors = true,
  columns = {'customer_id': 'VARCHAR', 'name': 'VARCHAR', 'email': 'VARCHAR', 'city': 'VARCHAR', 'country': 'VARCHAR', 'registration_date': 'DATE', 'loyalty_tier': 'VARCHAR'});
CREATE TABLE conformed.products AS SELECT * FROM read_parquet('{{data}}/products.parquet');
CREATE TABLE conformed.inventory AS SELECT * FROM read_csv('{{data}}/inventory.csv', header = true, auto_detect = false,
  columns = {'product_id': 'VARCHAR', 'warehouse_id': 'VARCHAR', 'stock_quantity': 'BIGINT', 'last_updated': 'TIMESTAMP'}, ignore_errors = true);
CREATE TABLE conformed.promotions AS SELECT * FROM read_csv('{{data}}/promotions.csv', header = true, auto_detect = false,
  columns = {'promotion_id': 'VARCHAR', 'product_id': 'VARCHAR', 'category': 'VARCHAR', 'discount_pct': 'DOUBLE', 'start_date': 'DATE', 'end_date': 'DATE'}, ignore_errors = true);
CREATE TABLE conformed.returns AS SELECT * FROM read_csv('{{data}}/returns.csv', header = true, auto_detect = false,
  columns = {'return_id': 'VARCHAR', 'order_id': 'VARCHAR', 'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'return_date': 'DATE', 'reason': 'VARCHAR'}, ignore_errors = true);
CREATE TABLE conformed.web_events AS SELECT * FROM read_csv('{{data}}/web_events.csv', header = true, auto_detect = false,
  columns = {'event_id': 'VARCHAR', 'session_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'event_type': 'VARCHAR', 'event_timestamp': 'TIMESTAMP', 'product_id': 'VARCHAR'}, ignore_errors = true);
-- the minimum of cleaning the models need to run: de-duplicated order lines with a known customer and product
CREATE OR REPLACE TABLE conformed.orders AS
  SELECT DISTINCT o.* FROM conformed.orders o
  WHERE o.quantity > 0 AND CAST(o.order_date AS DATE) <= DATE '{{as_of}}'
    AND o.customer_id IN (SELECT customer_id FROM conformed.customers) AND o.product_id IN (SELECT product_id FROM conformed.products);
