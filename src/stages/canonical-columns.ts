// The columns the shipped gold models read from each conformed view, with their SQL types. A shop's
// contracts may leave an optional one out (no loyalty tiers, no price on the order line), and any
// source but orders may be absent: the conformed view then carries the column as a typed NULL (an
// absent source becomes an empty view), so the models bind and fall back to their documented rule
// instead of failing with a binder error. Columns the shop declares keep their own type.
import { literal, sql, type Sql } from '../sql/sql.ts';

export interface CanonicalColumn {
  name: string;
  type: string;
}

const col = (name: string, type: string): CanonicalColumn => ({ name, type });

export const CANONICAL_COLUMNS: Readonly<Record<string, readonly CanonicalColumn[]>> = {
  orders: [
    col('order_id', 'VARCHAR'), col('customer_id', 'VARCHAR'), col('product_id', 'VARCHAR'), col('quantity', 'BIGINT'),
    col('order_date', 'TIMESTAMP'), col('unit_price', 'DOUBLE'), col('order_line_id', 'VARCHAR'), col('shipping_country', 'VARCHAR'),
  ],
  customers: [
    col('customer_id', 'VARCHAR'), col('name', 'VARCHAR'), col('email', 'VARCHAR'), col('city', 'VARCHAR'), col('country', 'VARCHAR'),
    col('registration_date', 'DATE'), col('loyalty_tier', 'VARCHAR'),
  ],
  products: [
    col('product_id', 'VARCHAR'), col('name', 'VARCHAR'), col('category', 'VARCHAR'), col('brand', 'VARCHAR'), col('price', 'DOUBLE'),
    col('cost', 'DOUBLE'),
  ],
  inventory: [col('product_id', 'VARCHAR'), col('warehouse_id', 'VARCHAR'), col('stock_quantity', 'BIGINT'), col('last_updated', 'TIMESTAMP')],
  // Read optionally by orders_enriched (promotion pricing): without promotions, no line is discounted.
  promotions: [
    col('promotion_id', 'VARCHAR'), col('product_id', 'VARCHAR'), col('category', 'VARCHAR'), col('discount_pct', 'DOUBLE'),
    col('start_date', 'DATE'), col('end_date', 'DATE'),
  ],
};

/**
 * Columns derived from a PII column before it is masked: the derived value is what a reader needs,
 * the raw value never leaves silver. shipping_country = the trailing ISO 3166 alpha-2 code of
 * shipping_address ("12 Main Street, Austin, US" → US): two upper-case letters (\p{Lu}) after the last
 * ", ", trailing spaces (Unicode space separators, what TRIM strips) ignored; NULL when the address does
 * not end in one ("…, fr", "…, 12", "…, Germany"). One regular expression, evaluated once per row.
 */
export const DERIVED_COLUMNS: Readonly<Record<string, readonly { name: string; from: string; expression: (raw: Sql) => Sql }[]>> = {
  orders: [{
    name: 'shipping_country',
    from: 'shipping_address',
    expression: (raw) => sql`NULLIF(regexp_extract(${raw}, ${literal(String.raw`, (\p{Lu}\p{Lu})\p{Zs}*$`)}, 1), '')`,
  }],
};
