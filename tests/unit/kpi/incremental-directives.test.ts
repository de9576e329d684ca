import { describe, expect, it } from 'vitest';
import { thrownEtlError as modelError } from '../../helpers/etl-error.ts';
import { parseModel } from '../../../src/stages/gold-models.ts';
import { redirect, starredRelations } from '../../../src/stages/gold-incremental.ts';

const model = (text: string) => parseModel('m', 'models/m.sql', text);

describe('@incremental and @lookup directives', () => {
  it('reads the key, the driver and the lookups', () => {
    const m = model(`-- @incremental: order_id, Line from conformed.orders
-- @lookup: gold.customer_premium, conformed.customers by customer_id
-- @lookup: gold.product_stock by product_id, warehouse_id
SELECT * FROM conformed.orders o JOIN gold.customer_premium USING (customer_id) JOIN conformed.customers USING (customer_id) JOIN gold.product_stock USING (product_id)`);
    expect(m.incremental).toEqual({
      key: ['order_id', 'line'],
      driver: 'conformed.orders',
      lookups: [
        { relation: 'gold.customer_premium', by: ['customer_id'] },
        { relation: 'conformed.customers', by: ['customer_id'] },
        { relation: 'gold.product_stock', by: ['product_id', 'warehouse_id'] },
      ],
    });
    expect(model('SELECT 1 FROM gold.a').incremental).toBeUndefined();
  });

  it.each([
    ['-- @incremental: order_id\nSELECT 1 FROM conformed.orders', '"<key columns> from <relation>"', 1],
    ['-- @incremental: order_id from conformed.returns\nSELECT 1 FROM conformed.orders', 'does not read conformed.returns', 1],
    ['-- @incremental: order_id from silver.orders\nSELECT 1 FROM conformed.orders', 'is not gold.<model> or conformed.<dataset>', 1],
    ['-- @incremental: order id from conformed.orders\nSELECT 1 FROM conformed.orders', '"order id" in @incremental is not a column name', 1],
    ['-- @incremental: a from conformed.orders\n-- @incremental: b from conformed.orders\nSELECT 1 FROM conformed.orders', 'more than one @incremental line', 2],
    ['-- @view\n-- @incremental: a from gold.x\nSELECT * FROM gold.x', 'a view (@view) cannot be @incremental', 2],
    ['SELECT 1 FROM gold.x\n-- @lookup: gold.x by a', '@lookup lines but no @incremental line', 2],
    ['-- @incremental: a from gold.x\n-- @lookup: gold.x by a\nSELECT 1 FROM gold.x', 'gold.x is named twice', 2],
    ['-- @incremental: a from gold.x\n-- @lookup: gold.y\nSELECT 1 FROM gold.x, gold.y', '"<relations> by <columns>"', 2],
  ])('refuses %j with a located MODEL_INVALID', (text, message, line) => {
    const e = modelError(() => model(text));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain(message);
    expect(e.location).toEqual({ file: 'models/m.sql', line });
  });
});

describe('redirect', () => {
  it('points every reference to the driver at another schema, outside comments and strings only', () => {
    const text = `-- reads gold.orders_enriched
SELECT 'gold.orders_enriched' AS s, e.a FROM gold.orders_enriched AS e JOIN "gold"."orders_enriched" x ON TRUE
JOIN gold.orders_enriched_more y ON TRUE JOIN GOLD . orders_enriched z ON TRUE`;
    expect(redirect(text, 'gold.orders_enriched', 'incr__m')).toBe(`-- reads gold.orders_enriched
SELECT 'gold.orders_enriched' AS s, e.a FROM "incr__m"."orders_enriched" AS e JOIN "incr__m"."orders_enriched" x ON TRUE
JOIN gold.orders_enriched_more y ON TRUE JOIN "incr__m"."orders_enriched" z ON TRUE`);
  });
});

describe('starredRelations', () => {
  it('names the relations a qualified star expands, and everything for an unqualified one', () => {
    expect(starredRelations('SELECT o.*, p.name FROM conformed.orders AS o JOIN conformed.products p ON p.id = o.id')).toEqual(new Set(['conformed.orders']));
    expect(starredRelations('SELECT orders_enriched.* FROM gold.orders_enriched')).toEqual(new Set(['gold.orders_enriched']));
    // A CTE's star expands columns named elsewhere; COUNT(*) and a star in a comment or string expand nothing.
    expect(starredRelations(`WITH l AS (SELECT a, b FROM gold.x) -- SELECT *
      SELECT l.*, COUNT(*), '*' AS s FROM l JOIN gold.y ON TRUE GROUP BY ALL`)).toEqual(new Set());
    expect(starredRelations('SELECT * FROM gold.x')).toBe('all');
    expect(starredRelations('SELECT DISTINCT * EXCLUDE (a) FROM gold.x')).toBe('all');
    expect(starredRelations('SELECT a, * FROM gold.x')).toBe('all');
    expect(starredRelations('SELECT COLUMNS(\'^a\') FROM gold.x')).toBe('all');
  });
});
