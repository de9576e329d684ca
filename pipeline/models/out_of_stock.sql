-- Products whose latest snapshot (on or before --as-of) shows a stock of 0.
SELECT product_id, product_name, category, latest_snapshot_date, latest_stock
FROM gold.dim_products
WHERE latest_stock = 0
