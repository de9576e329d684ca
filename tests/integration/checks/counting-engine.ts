// An Engine that counts the statements sent to DuckDB, to prove that the number of queries does not
// grow with the number of rules.
import type { Engine } from '../../../src/engine/engine.ts';

const QUERY_METHODS = new Set(['rows', 'scalar', 'exec', 'tryScalar', 'describe']);

export function countingEngine(engine: Engine): { engine: Engine; count: () => number } {
  let n = 0;
  const proxy = new Proxy(engine, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      if (!QUERY_METHODS.has(String(key))) return fn.bind(target);
      return (...args: unknown[]) => {
        n += 1;
        return fn.apply(target, args);
      };
    },
  });
  return { engine: proxy, count: () => n };
}
