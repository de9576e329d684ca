import { describe, expect, it } from 'vitest';
import { thrownEtlError as modelError } from '../../helpers/etl-error.ts';
import { orderModels, parseModel, renderModel, type GoldModel } from '../../../src/stages/gold-models.ts';

const model = (name: string, text: string): GoldModel => parseModel(name, `models/${name}.sql`, text);

describe('parseModel', () => {
  it('collects gold and conformed references, ignoring comments and string literals', () => {
    const m = model('b', `-- reads gold.zzz only in this comment
      /* and conformed.ignored here */
      SELECT 'gold.not_a_ref' AS s FROM gold.a JOIN conformed.orders o ON TRUE JOIN "gold"."c" ON TRUE, gold.a AS again`);
    expect(m.dependsOn).toEqual(['a', 'c']);
    expect(m.sources).toEqual(['orders']);
  });

  it.each(['silver', 'bronze', 'SILVER', '"silver"'])('refuses a model reading %s.* (gold reads conformed views only)', (schema) => {
    const e = modelError(() => model('x', `SELECT *\nFROM ${schema}.customers`));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('conformed.* views only');
    expect(e.location).toEqual({ file: 'models/x.sql', line: 2 });
  });

  it('refuses more than one statement and anything but a query', () => {
    expect(modelError(() => model('x', 'SELECT 1; DROP TABLE gold.y')).code).toBe('MODEL_INVALID');
    expect(modelError(() => model('x', 'DELETE FROM gold.y')).message).toContain('one SELECT');
    expect(model('x', 'WITH a AS (SELECT 1) SELECT * FROM a;').dependsOn).toEqual([]);
  });

  it('reads the @view directive on a line of its own only', () => {
    expect(model('x', '-- A projection.\n-- @view\nSELECT 1').view).toBe(true);
    expect(model('y', '-- not a @view in passing\nSELECT 1').view).toBe(false);
    expect(model('z', 'SELECT 1').view).toBe(false);
  });

  it('reads the @optional and @requires directives of a model', () => {
    const m = model('x', `-- @requires: inventory
-- @optional: products, customers
-- a comment that says @optional in passing is not a directive
SELECT * FROM gold.product_stock LEFT JOIN conformed.products ON TRUE LEFT JOIN conformed.customers ON TRUE`);
    expect([m.sources, m.optional, m.requires]).toEqual([['customers', 'products'], ['customers', 'products'], ['inventory']]);
    expect(model('y', 'SELECT 1').optional).toEqual([]);
    const e = modelError(() => model('z', '-- @optional: Products!\nSELECT 1'));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.location).toEqual({ file: 'models/z.sql', line: 1 });
  });

  it('refuses a model reading itself', () => {
    expect(modelError(() => model('x', 'SELECT * FROM gold.x')).message).toContain('references itself');
  });
});

describe('orderModels', () => {
  it('orders models so that every model comes after the models it reads (ties by name)', () => {
    const models = [
      model('top', 'SELECT * FROM gold.sales'),
      model('sales', 'SELECT * FROM gold.enriched'),
      model('enriched', 'SELECT * FROM conformed.orders'),
      model('dim', 'SELECT * FROM conformed.products'),
      model('report', 'SELECT * FROM gold.top JOIN gold.dim ON TRUE'),
    ];
    expect(orderModels(models).map((m) => m.name)).toEqual(['dim', 'enriched', 'sales', 'top', 'report']);
  });

  it('reports a cycle as MODEL_INVALID', () => {
    const e = modelError(() => orderModels([model('a', 'SELECT * FROM gold.b'), model('b', 'SELECT * FROM gold.a'), model('c', 'SELECT 1')]));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toBe('dependency cycle between models: a, b');
    expect(e.location?.file).toBe('models/a.sql');
  });

  it('reports a reference to an unknown model as MODEL_INVALID with the file', () => {
    const e = modelError(() => orderModels([model('a', 'SELECT * FROM gold.missing')]));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('gold.missing');
    expect(e.location?.file).toBe('models/a.sql');
  });
});

describe('renderModel', () => {
  it('replaces placeholders by escaped literals, never raw text', () => {
    const m = model('a', "SELECT CAST({{ as_of }} AS DATE) AS d, {{threshold}} AS t, {{ name }} AS n, {{ flag }} AS f, {{ ratio }} AS r");
    const q = renderModel(m, { as_of: '2024-03-10', threshold: 10, name: "O'Brien'; DROP TABLE x; --", flag: true, ratio: 0.5 });
    expect(q.text).toBe("SELECT CAST('2024-03-10' AS DATE) AS d, 10 AS t, 'O''Brien''; DROP TABLE x; --' AS n, TRUE AS f, 0.5::DOUBLE AS r");
  });

  it('renders a list as a parenthesised list of literals (for IN), an empty list as (NULL)', () => {
    const m = model('a', 'SELECT x IN {{ tiers }} AS p FROM t');
    expect(renderModel(m, { tiers: ['gold', "pl'at"] }).text).toBe("SELECT x IN ('gold', 'pl''at') AS p FROM t");
    expect(renderModel(m, { tiers: [] }).text).toBe('SELECT x IN (NULL) AS p FROM t');
  });

  it('refuses an unknown placeholder with its line', () => {
    const e = modelError(() => renderModel(model('a', 'SELECT 1\nWHERE x > {{ nope }}'), { as_of: '2024-01-01' }));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('{{ nope }}');
    expect(e.location).toEqual({ file: 'models/a.sql', line: 2 });
    expect(e.hint).toContain('as_of');
  });
});
