// SQL rules the guard refuses (guard-sql-rule.ts) are contract errors, found before any data is read:
// `etl contracts lint` reports them with file:line (exit 2), and `etl run` stops on them (exit 2) —
// a refused rule never reaches a report as a check "failed 0 = 0".
import type { Engine } from '../engine/engine.ts';
import type { Contract, SqlRule } from '../contracts/model.ts';
import type { Problem } from '../contracts/problem.ts';
import { guardSqlRule } from './guard-sql-rule.ts';
import { ruleIdOf } from './compile-row-rules.ts';

/** Every SQL rule of the contracts that the guard refuses, as a CONTRACT_PROFILE_INVALID problem. */
export async function refusedSqlRules(engine: Engine, contracts: readonly Contract[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const c of contracts) {
    const rules = [...c.quality, ...c.properties.flatMap((p) => p.quality)].filter((r): r is SqlRule => r.type === 'sql');
    for (const r of rules) {
      const guarded = await guardSqlRule(engine, r.query, c.object);
      if (guarded.ok) continue;
      problems.push({
        code: 'CONTRACT_PROFILE_INVALID',
        severity: 'error',
        file: r.loc.file || c.file,
        ...(r.loc.line === undefined ? {} : { line: r.loc.line }),
        ...(r.loc.col === undefined ? {} : { col: r.loc.col }),
        message: `SQL rule ${ruleIdOf(c.dataset, r.id)} of ${c.dataset} is ${guarded.message}`,
        hint: `write one read-only SELECT over the contract's table (${c.object}, or \${table}) that returns one number`,
      });
    }
  }
  return problems;
}
