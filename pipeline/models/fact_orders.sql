-- Warehouse fact: one row per order line (grain: order_id × line_number), keyed to the dimensions by
-- customer_id (NULL for a guest order), product_id and date_key. year/month: the calendar of date_key, the
-- warehouse file's partition (data_warehouse/fact_orders/year=YYYY/month=MM/, as the lake's): a run that
-- adds a day rewrites that day's month only.
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
  margin,
  year,
  month
FROM gold.orders_enriched
