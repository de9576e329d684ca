-- Canonical orders of the online retailer: each invoice line is an order line; the invoice is the order.
-- An invoice may list one stock code on several lines, so the line key is the line's place in the export.
-- Cancellations, non-product lines and adjustments are excluded by the filters of orders.silver.yaml.
SELECT
  invoice_no AS order_id,
  CAST(_record_number AS VARCHAR) AS order_line_id,
  customer_id,
  stock_code AS product_id,
  quantity,
  invoice_date AS order_date,
  unit_price,
  _source_file,
  _record_number
FROM raw.retail_lines
