// The gold checks: every gold contract's rules (dataset metrics, property rules, foreign keys, SQL
// rules) against the table its model built — one aggregate scan per table (dataset-rules.ts). The tables
// are independent, so their checks run side by side on the engine's sessions (Engine.parallel), the
// largest table first; the results come back in the contracts' order, whatever the scheduling.
import type { Engine } from '../engine/engine.ts';
import { relationWeights } from '../engine/relation-weights.ts';
import type { Contract } from '../contracts/model.ts';
import type { Logger } from '../log.ts';
import { ident, sql, type Sql } from '../sql/sql.ts';
import type { CheckResult } from './result.ts';
import { evaluateDatasetRules, type Since } from './dataset-rules.ts';

export interface GoldChecksInput {
  /** The gold contracts, in the order their results are listed. */
  contracts: readonly Contract[];
  /** The models built in this run (a contract of any other is skipped, with `whyNotBuilt`'s reason). */
  built: readonly string[];
  whyNotBuilt(dataset: string): string;
  /** Every dataset a rule may reference: silver relations and the built gold tables. */
  refs: Record<string, Sql>;
  asOf: string;
  /** Each table's check time at debug level. */
  logger?: Logger;
  /** An incremental run: a table's aggregate values after the last run and its rows changed since, when
   * both are known (dataset-rules.ts: counts and duplicates then follow from the changed rows). */
  since?: (dataset: string) => Since | undefined;
  /** Filled with each table's values of those aggregates, for the next run. */
  memo?: Record<string, Record<string, number>>;
}

export async function evaluateGoldChecks(engine: Engine, input: GoldChecksInput): Promise<CheckResult[]> {
  const built = new Set(input.built);
  const sizes = await relationWeights(engine, ['gold']);
  const size = (dataset: string) => sizes.get(`gold.${dataset}`) ?? 0;
  const runnable = input.contracts.map((c, i) => ({ c, i })).filter(({ c }) => built.has(c.dataset));
  // Largest first (stable: equal sizes keep the contracts' order).
  runnable.sort((a, b) => size(b.c.dataset) - size(a.c.dataset));
  const checked = await engine.parallel(runnable.map(({ c }) => async (session: Engine) => {
    const started = performance.now();
    const since = input.since?.(c.dataset);
    const memo = input.memo ? (input.memo[c.dataset] ??= {}) : undefined;
    const results = await evaluateDatasetRules(session, {
      dataset: c.dataset,
      layer: 'gold',
      relation: sql`gold.${ident(c.dataset)}`,
      contracts: [c],
      refs: input.refs,
      asOf: input.asOf,
      withPropertyRules: true,
      ...(since ? { since } : {}),
      ...(memo ? { memo } : {}),
    });
    input.logger?.debug({ stage: 'gold_checks', dataset: c.dataset, checks: results.length, weight: size(c.dataset), from_changes: since !== undefined, ms: Math.round(performance.now() - started) }, 'gold table checked');
    return results;
  }));
  const byContract = new Map(runnable.map(({ i }, k) => [i, checked[k]!]));
  return input.contracts.flatMap((c, i) => byContract.get(i) ?? [skippedContract(c, `model ${c.dataset} was not built (${input.whyNotBuilt(c.dataset)})`)]);
}

function skippedContract(c: Contract, message: string): CheckResult {
  return {
    id: `${c.dataset}.contract`,
    rule: 'contract',
    dataset: c.dataset,
    layer: 'gold',
    kind: 'dataset',
    severity: 'warning',
    description: `gold contract ${c.id}`,
    failed_rows: 0,
    status: 'skipped',
    message,
    contract: { file: c.file },
  };
}
