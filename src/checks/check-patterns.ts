// Regexes come from contracts; DuckDB (RE2) compiles a constant regex when a query is bound, so one
// bad pattern would abort a whole fused pass. They are tried one by one, up front, on no data.
import type { Engine } from '../engine/engine.ts';
import { sql } from '../sql/sql.ts';

/** pattern → DuckDB's error message, for every pattern DuckDB refuses. */
export async function checkPatterns(engine: Engine, patterns: Iterable<string>): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  for (const p of new Set(patterns)) {
    const r = await engine.tryScalar(sql`SELECT regexp_matches('', ${p})`);
    if (!r.ok) problems.set(p, r.error);
  }
  return problems;
}
