// bronze → silver for one dataset: the fused row pass (typed, checked, de-duplicated, foreign keys),
// malformed bronze records added to the quarantine (checks/malformed-records.ts), then the dataset rules of the source (on bronze)
// and silver (on silver) contracts.
import type { Engine } from '../engine/engine.ts';
import type { Contract } from '../contracts/model.ts';
import type { CheckResult, SourceCounts } from '../checks/result.ts';
import { enforceRowRules } from '../checks/enforce.ts';
import { enforcedKey } from '../checks/compile-row-rules.ts';
import { evaluateDatasetRules } from '../checks/dataset-rules.ts';
import { explainUpstreamQuarantine } from '../checks/upstream-quarantine.ts';
import { quarantineMalformedRecords } from '../checks/malformed-records.ts';
import { ident, sql, type Sql } from '../sql/sql.ts';
import type { BronzeResult } from './bronze.ts';
import type { DatasetPlan } from './plan.ts';

export interface SilverResult {
  relation: Sql;
  /** The key enforced on the silver table (unique where not NULL); empty without a key. */
  key: string[];
  counts: SourceCounts;
  checks: CheckResult[];
  /** The dataset-rule results at the end of `checks` (source rules on bronze, then silver rules). */
  datasetChecks: CheckResult[];
}

export async function buildSilver(
  engine: Engine,
  plan: DatasetPlan,
  bronze: BronzeResult,
  refs: Record<string, Sql>,
  refKeys: Record<string, string[]>,
  asOf: string,
  /** Keep _source_file/_record_number in silver (a raw source read by a staging model). */
  keepLineage = false,
): Promise<SilverResult> {
  const contracts = [plan.source, plan.silver].filter((c): c is Contract => c !== undefined);
  const ds = ident(plan.dataset);
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS silver; CREATE SCHEMA IF NOT EXISTS quarantine`);
  const relation = sql`silver.${ds}`;
  const quarantine = sql`quarantine.${ds}`;
  const enforced = await enforceRowRules(engine, {
    dataset: plan.dataset,
    bronze: bronze.relation,
    contracts,
    silverTable: relation,
    quarantineTable: quarantine,
    refs,
    refKeys,
    asOf,
    sourceFiles: bronze.read.files,
    ...(keepLineage ? { keepLineage: true } : {}),
  });

  // An FK failure whose key was quarantined upstream names that upstream rule (check message, reasons).
  await explainUpstreamQuarantine(engine, { dataset: plan.dataset, contracts, quarantineTable: quarantine, checks: enforced.checks });

  const malformed = bronze.read.malformed;
  const malformedCheck = await quarantineMalformed(engine, plan.dataset, bronze, quarantine);
  const counts: SourceCounts = {
    ...enforced.counts,
    records_in: enforced.counts.records_in + malformed,
    rows_quarantined: enforced.counts.rows_quarantined + malformed,
  };
  const datasetChecks: CheckResult[] = [];
  if (plan.source) {
    datasetChecks.push(...(await evaluateDatasetRules(engine, { dataset: plan.dataset, layer: 'source', relation: bronze.relation, contracts: [plan.source], counts, refs, asOf })));
  }
  if (plan.silver) {
    datasetChecks.push(...(await evaluateDatasetRules(engine, { dataset: plan.dataset, layer: 'silver', relation, contracts: [plan.silver], counts, refs, asOf })));
  }
  return { relation, key: enforcedKey(contracts), counts, checks: [...bronze.checks, malformedCheck, ...enforced.checks, ...datasetChecks], datasetChecks };
}

/** Malformed bronze records into the quarantine (raw text + reason); their check (shared with incremental runs). */
export async function quarantineMalformed(engine: Engine, dataset: string, bronze: BronzeResult, quarantine: Sql): Promise<CheckResult> {
  return quarantineMalformedRecords(engine, { dataset, malformed: bronze.read.malformedRelation, count: bronze.read.malformed, quarantineTable: quarantine });
}
