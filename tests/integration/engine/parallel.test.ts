// Engine.parallel: tasks side by side on sessions of one database, results in task order, and the
// engine's thread count back afterwards — also when a task fails.
import { describe, expect, test } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';

const threadsOf = async (e: { scalar: (q: ReturnType<typeof trusted>) => Promise<unknown> }) => Number(await e.scalar(trusted(`SELECT current_setting('threads')`)));

describe('Engine.parallel', () => {
  test('sessions see the database, run one thread each, and return results in task order', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE TABLE t AS SELECT i FROM range(1000) r(i)`));
      const seen: number[] = [];
      const results = await e.parallel([3, 1, 2, 0].map((k) => async (s) => {
        seen.push(await threadsOf(s));
        // Each session has the engine's settings (UTC) and its own temporary objects.
        await s.exec(trusted(`CREATE OR REPLACE TEMP VIEW mine AS SELECT i FROM t WHERE i % 4 = ${k}`));
        return { k, n: Number(await s.scalar(trusted(`SELECT count(*) FROM mine`))), tz: await s.scalar(trusted(`SELECT current_setting('TimeZone')`)) };
      }));
      expect(results).toEqual([3, 1, 2, 0].map((k) => ({ k, n: 250, tz: 'UTC' })));
      expect(seen).toEqual([1, 1, 1, 1]);
      expect(await threadsOf(e)).toBe(3);
    }, { threads: 3 });
  });

  test('a failing task rejects once every started task has settled; no new task starts; threads restored', async () => {
    await withEngine(async (e) => {
      const done: string[] = [];
      // The slow task is still running when the other fails (it starts its query only then).
      let failed = (): void => undefined;
      const failure = new Promise<void>((resolve) => { failed = resolve; });
      const run = e.parallel([
        async (s) => { await failure; await s.scalar(trusted(`SELECT count(*) FROM range(3000000)`)); done.push('slow'); },
        async (s) => { try { await s.exec(trusted(`SELECT * FROM no_such_table`)); } finally { failed(); } },
        async () => { done.push('later'); },
        async () => { done.push('last'); },
      ], 2);
      await expect(run).rejects.toThrow(/no_such_table/);
      expect(done).toContain('slow');
      expect(done).not.toContain('last');
      expect(await threadsOf(e)).toBe(2);
    }, { threads: 2 });
  });

  test('one thread: the tasks run one after the other on the engine itself', async () => {
    await withEngine(async (e) => {
      await e.exec(trusted(`CREATE TEMP TABLE only_here AS SELECT 1 AS x`));
      const order: number[] = [];
      await e.parallel([0, 1, 2].map((i) => async (s) => { order.push(i); return s.scalar(trusted(`SELECT x FROM only_here`)); }));
      expect(order).toEqual([0, 1, 2]);
    }, { threads: 1 });
  });
});
