// sources → bronze: every record as it arrived (text) with lineage; malformed records set aside
// with their raw text. The header is checked against the source contract here: a missing required
// column stops the run (exit 2), a missing optional column or an unknown extra one is a warning.
import type { Engine } from '../engine/engine.ts';
import type { CheckResult } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { readSource, releaseSource, type ReadSourceResult } from '../io/read-source.ts';
import { ident, join, sql, trusted, type Sql } from '../sql/sql.ts';
import type { DatasetPlan } from './plan.ts';

export interface BronzeResult {
  read: ReadSourceResult;
  /** The relation handed to the row rules: received columns + NULL for missing optional ones. */
  relation: Sql;
  checks: CheckResult[];
}

export async function ingestBronze(engine: Engine, plan: DatasetPlan): Promise<BronzeResult> {
  const read = await readSource(engine, {
    files: [plan.file],
    format: plan.format,
    ...(plan.jsonLayout ? { jsonLayout: plan.jsonLayout } : {}),
    schema: 'bronze',
    table: plan.dataset,
  });
  const declared = plan.source?.properties ?? [];
  const received = new Set(read.columns.map((c) => c.name));
  const checks: CheckResult[] = [];
  const contractRef = plan.source ? { file: plan.source.file, ...(plan.source.loc.line ? { line: plan.source.loc.line } : {}) } : undefined;
  const missingRequired = declared.filter((p) => !received.has(p.name) && (p.required || p.primaryKey));
  if (missingRequired.length > 0 && read.records - read.malformed > 0) {
    throw new EtlError('SOURCE_HEADER_INVALID', `${plan.file} lacks the required column${missingRequired.length > 1 ? 's' : ''} ${missingRequired.map((p) => p.name).join(', ')}`, {
      location: { file: plan.file, line: 1 },
      hint: `the header must name every required property of ${plan.source?.file ?? 'the source contract'}`,
    });
  }
  const missing = declared.filter((p) => !received.has(p.name));
  for (const p of declared) {
    const absent = missing.includes(p);
    checks.push({
      id: `${plan.dataset}.${p.name}.field_present`,
      rule: 'field_present',
      dataset: plan.dataset,
      layer: 'source',
      kind: 'dataset',
      severity: absent ? 'warning' : 'error',
      property: p.name,
      description: `column ${p.name} is present in ${plan.file}`,
      failed_rows: 0,
      status: absent ? 'warning' : 'passed',
      ...(absent ? { message: `optional column ${p.name} is missing: read as NULL` } : {}),
      ...(contractRef ? { contract: contractRef } : {}),
    });
  }
  const known = new Set(declared.map((p) => p.name));
  for (const c of read.columns) {
    if (known.has(c.name) || declared.length === 0) continue;
    checks.push({
      id: `${plan.dataset}.${c.name}.unexpected_column`,
      rule: 'unexpected_column',
      dataset: plan.dataset,
      layer: 'source',
      kind: 'dataset',
      severity: 'warning',
      property: c.name,
      description: `column ${c.name} is not declared in the contract`,
      failed_rows: 0,
      status: 'warning',
      message: `unknown column ${c.name} is kept in bronze and quarantine, ignored downstream`,
      ...(contractRef ? { contract: contractRef } : {}),
    });
  }
  let relation = read.relation;
  if (missing.length > 0) {
    relation = trusted(`${ident('bronze').text}.${ident(`${plan.dataset}__in`).text}`);
    const nulls = join(missing.map((p) => sql`CAST(NULL AS VARCHAR) AS ${ident(p.name)}`), ', ');
    await engine.exec(sql`CREATE OR REPLACE VIEW ${relation} AS SELECT *, ${nulls} FROM ${read.relation}`);
  }
  return { read, relation, checks };
}

/** Free the bronze tables of a dataset once its silver table and quarantine are built. */
export async function releaseBronze(engine: Engine, plan: DatasetPlan): Promise<void> {
  await releaseSource(engine, 'bronze', plan.dataset);
}
