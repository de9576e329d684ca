// Staging model parsing: one SELECT over raw.<source> views, nothing else.
import { describe, expect, it } from 'vitest';
import { thrownEtlError as refusal } from '../../helpers/etl-error.ts';
import { checkStagingModels, parseStagingModel } from '../../../src/stages/staging.ts';

describe('parseStagingModel', () => {
  it('collects the raw sources a model reads, ignoring comments and strings', () => {
    const m = parseStagingModel('orders', 'orders.sql', `-- reads raw.not_this\nSELECT i.order_id, 'raw.nor_this' AS x, i._source_file, i._record_number\nFROM raw.items i JOIN "raw"."headers" h USING (order_id)`);
    expect(m.reads).toEqual(['headers', 'items']);
  });

  it.each([
    ['a second statement', 'SELECT 1 FROM raw.a; SELECT 2 FROM raw.b', /more than one statement/],
    ['a file read', "SELECT * FROM read_csv('/etc/passwd')", /uses read_csv/],
    ['another schema', 'SELECT * FROM silver.customers', /reads silver.customers: staging models read raw/],
    ['no raw source', 'SELECT 1 AS x', /reads no raw source/],
    ['not a query', 'DELETE FROM raw.a', /must be one SELECT/],
    ['a COPY in a CTE', "WITH x AS (SELECT * FROM raw.a) COPY x TO 'f'", /uses COPY/i],
  ])('refuses %s', (_what, text, message) => {
    const e = refusal(() => parseStagingModel('orders', 'orders.sql', text));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(message);
  });

  it('checks the model against the contract set', () => {
    const m = parseStagingModel('orders', 'orders.sql', 'SELECT * FROM raw.items');
    expect(() => checkStagingModels([m], new Set(['items']), new Set(['orders']))).not.toThrow();
    expect(refusal(() => checkStagingModels([m], new Set(['items']), new Set())).message).toMatch(/no silver contract/);
    expect(refusal(() => checkStagingModels([m], new Set(['items', 'orders']), new Set(['orders']))).message).toMatch(/both a source contract and a staging model/);
    expect(refusal(() => checkStagingModels([m], new Set(), new Set(['orders']))).message).toMatch(/no source contract declares the dataset items/);
  });
});
