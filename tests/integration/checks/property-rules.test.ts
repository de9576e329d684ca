// Property rules of a typed gold table, counted in one aggregation: exact counts, NULLs only break `required`.
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { sql } from '../../../src/sql/sql.ts';
import { evaluateDatasetRules } from '../../../src/checks/dataset-rules.ts';
import type { CustomRowRule } from '../../../src/contracts/model.ts';
import { contract, fk, prop, rule } from './contract-fixtures.ts';

describe('property rules of a gold table (evaluateDatasetRules withPropertyRules)', () => {
  it('counts the rows that break each property rule, one result per rule', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES
        ('a', 0.5, 'high'), ('b', 1.5, 'low'), (NULL, -0.1, 'sideways'), ('d', NULL, NULL), ('e''s', 1.0, 'high')) v(k, rate, direction)`);
      const c = contract('t', 'gold', [
        prop('k', 'string', { required: true, primaryKey: true, options: { maxLength: 1 } }),
        prop('rate', 'number', { options: { minimum: 0, maximum: 1 } }),
        prop('direction', 'string', { options: { enum: ['high', 'low'] }, severity: 'warning' }),
        prop('absent', 'string', { required: true }),
      ]);
      const results = await evaluateDatasetRules(e, { dataset: 't', layer: 'gold', relation: sql`t`, contracts: [c], refs: {}, asOf: '2024-06-30', withPropertyRules: true });
      const byId = Object.fromEntries(results.map((r) => [r.id, [r.failed_rows, r.status]]));
      expect(byId).toEqual({
        't.absent.field_present': [0, 'failed'],
        't.k.required': [1, 'failed'],
        't.k.max_length': [1, 'failed'], // "e's"
        't.rate.minimum': [1, 'failed'],
        't.rate.maximum': [1, 'failed'],
        't.direction.valid_values': [1, 'warning'], // NULL is not invalid
      });
      expect(results.every((r) => r.kind === 'dataset' && r.layer === 'gold')).toBe(true);
    });
  });

  it('reports the rules it cannot run instead of failing the query: a bad pattern, a row rule reading another table', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('b', 2)) v(k, n)`);
      const c = contract('t', 'gold', [prop('k', 'string', { options: { pattern: '(' } }), prop('n', 'integer')], {
        quality: [
          rule<CustomRowRule>({ type: 'custom-row', id: 'n_small', expression: 'n < 2' }),
          rule<CustomRowRule>({ type: 'custom-row', id: 'n_known', expression: 'n <= other.max_n' }),
        ],
      });
      const results = await evaluateDatasetRules(e, { dataset: 't', layer: 'gold', relation: sql`t`, contracts: [c], refs: {}, asOf: '2024-06-30', withPropertyRules: true });
      const byId = Object.fromEntries(results.map((r) => [r.id, [r.rule, r.status, r.failed_rows]]));
      expect(byId).toEqual({ 't.k.pattern': ['pattern', 'error', 0], 't.n_small': ['custom', 'failed', 1], 't.n_known': ['custom', 'skipped', 0] });
    });
  });

  it('checks a foreign key of a gold table against the referenced table, and says why one cannot run', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`CREATE TABLE t AS SELECT * FROM (VALUES ('a', 'p1'), ('b', 'p9'), ('c', NULL)) v(k, product_id);
        CREATE TABLE p AS SELECT * FROM (VALUES ('p1')) v(product_id)`);
      const c = contract('t', 'gold', [prop('k'), prop('product_id')], {
        relationships: [fk('to_p', ['product_id'], 'p', ['product_id']), fk('to_p_sku', ['product_id'], 'p', ['sku']), fk('to_absent', ['product_id'], 'absent', ['id'])],
      });
      const results = await evaluateDatasetRules(e, { dataset: 't', layer: 'gold', relation: sql`t`, contracts: [c], refs: { p: sql`p` }, asOf: '2024-06-30', withPropertyRules: true });
      expect(results.map((r) => [r.id, r.rule, r.status, r.failed_rows, r.message ?? r.description])).toEqual([
        ['t.to_p_sku', 'relationship', 'error', 0, 'p has no column sku'],
        ['t.to_absent', 'relationship', 'skipped', 0, 'referenced dataset absent is not available'],
        ['t.to_p', 'relationship', 'failed', 1, 'product_id not found in p.product_id'],
      ]);
    });
  });
});
