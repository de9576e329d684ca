-- @requires: products
-- Revenue per day × category (days and categories with sales), from gold.category_daily.
SELECT order_date, category, revenue, margin, units, order_count, order_lines
FROM gold.category_daily
