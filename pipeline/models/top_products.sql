-- The 10 products with the highest revenue (ties broken by product_id).
SELECT
  revenue_rank AS rank,
  product_id,
  product_name,
  category,
  revenue,
  units,
  margin
FROM gold.product_sales
WHERE revenue_rank <= 10
