// How an export rounds and orders each column (src/stages/export-plan.ts), on the columns the models produce.
import { describe, expect, it } from 'vitest';
import { exportDigits, exportOrder, exportOrderBy, exportSelect, exportType } from '../../../src/stages/export-plan.ts';

const c = (name: string, type: string) => ({ name, type });

describe('exportDigits', () => {
  it('rounds money to cents, percents to 2 decimals, other measures to 4, and leaves the rest', () => {
    expect(exportDigits(c('revenue', 'DECIMAL(38,4)'))).toBe(2);
    expect(exportDigits(c('aov', 'DOUBLE'))).toBe(2);
    expect(exportDigits(c('forecast_revenue', 'DOUBLE'))).toBe(2);
    expect(exportDigits(c('margin_rate', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('revenue_share', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('amount_z', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('revenue_lift_pct', 'DOUBLE'))).toBe(2);
    expect(exportDigits(c('lift', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('lower_80', 'DOUBLE'))).toBe(2);
    expect(exportDigits(c('p_alive', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('value', 'DOUBLE'))).toBe(4);
    expect(exportDigits(c('units', 'HUGEINT'))).toBeNull();
    expect(exportDigits(c('order_date', 'DATE'))).toBeNull();
  });
});

describe('exportType', () => {
  it('maps engine types to the portable types of index.json', () => {
    expect(['BIGINT', 'HUGEINT', 'DECIMAL(18,4)', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'VARCHAR'].map(exportType))
      .toEqual(['integer', 'integer', 'number', 'number', 'boolean', 'date', 'timestamp', 'string']);
  });
});

describe('exportOrder', () => {
  const cols = [c('rank', 'BIGINT'), c('product_id', 'VARCHAR'), c('revenue', 'DECIMAL(38,4)')];
  it('uses the config order, else rank, else a date column, else the key', () => {
    expect(exportOrder({ table: 't', order_by: ['revenue desc'] }, cols, ['product_id'])).toEqual(['revenue desc']);
    expect(exportOrder({ table: 't' }, cols, ['product_id'])).toEqual(['rank']);
    expect(exportOrder({ table: 't' }, [c('category', 'VARCHAR'), c('order_date', 'DATE')], ['order_date', 'category'])).toEqual(['order_date', 'category']);
    expect(exportOrder({ table: 't' }, [c('product_id', 'VARCHAR'), c('x', 'DOUBLE')], ['product_id'])).toEqual(['product_id']);
  });

  it('refuses an order_by column the table does not have (CONFIG_INVALID)', () => {
    expect(() => exportOrder({ table: 'top_products', order_by: ['clv desc'] }, cols, [])).toThrow(/top_products has no column clv/);
  });
});

describe('export SQL', () => {
  it('rounds in the SELECT list and sorts by the lead order, then every other column', () => {
    const cols = [c('rank', 'BIGINT'), c('revenue', 'DECIMAL(38,4)'), c('aov', 'DOUBLE'), c('units', 'HUGEINT')];
    expect(exportSelect(cols).text).toBe('"rank", CAST(ROUND("revenue", 2) AS DECIMAL(38, 2)) AS "revenue", ROUND("aov", 2) AS "aov", CAST("units" AS BIGINT) AS "units"');
    expect(exportOrderBy(['revenue desc'], cols).text).toBe('"revenue" DESC NULLS LAST, "rank", "aov", "units"');
  });
});
