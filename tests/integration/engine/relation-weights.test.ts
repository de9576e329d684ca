// relationWeights: rows × columns of every table and view of some schemas (a view's rows counted), the
// order in which the gold checks and the publish COPYs start their work.
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { relationWeights } from '../../../src/engine/relation-weights.ts';
import { trusted } from '../../../src/sql/sql.ts';

describe('relationWeights', () => {
  it('weighs tables and views of the schemas asked for, and nothing else', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE SCHEMA gold; CREATE SCHEMA other;
        CREATE TABLE gold.lines AS SELECT range AS id, range % 7 AS q, 'x' AS s FROM range(1000);
        CREATE VIEW gold.fact AS SELECT id, q FROM gold.lines WHERE q > 0;
        CREATE TABLE other.t AS SELECT 1 AS a;
        CREATE VIEW other.v AS SELECT 1 AS a;`));
      const weights = await relationWeights(e, ['gold']);
      // 857 rows of range(1000) have q > 0.
      expect(Object.fromEntries(weights)).toEqual({ 'gold.lines': 3000, 'gold.fact': 857 * 2 });
      expect([...(await relationWeights(e, ['gold', 'other'])).keys()].sort()).toEqual(['gold.fact', 'gold.lines', 'other.t', 'other.v']);
    });
  });
});
