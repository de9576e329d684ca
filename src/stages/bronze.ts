// sources → bronze: every record as it arrived (text) with lineage; malformed records set aside
// with their raw text. The header is checked against the source contract here: a missing required
// column stops the run (exit 2), a missing optional column or an unknown extra one is a warning.
// The relation handed on has the contracts' canonical names (see checks/map-columns.ts).
import type { Engine } from '../engine/engine.ts';
import type { CheckResult } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { readSource, releaseSource, type ReadSourceResult } from '../io/read-source.ts';
import { ident, sql, trusted, type Sql } from '../sql/sql.ts';
import { mapColumns } from '../checks/map-columns.ts';
import { RECORD_RULES } from '../checks/rule-kinds.ts';
import type { Contract } from '../contracts/model.ts';
import type { DatasetPlan } from './plan.ts';

export interface BronzeResult {
  read: ReadSourceResult;
  /** The relation handed to the row rules: received columns + NULL for missing optional ones. */
  relation: Sql;
  checks: CheckResult[];
}

export async function ingestBronze(engine: Engine, plan: DatasetPlan): Promise<BronzeResult> {
  const read = await readSource(engine, {
    files: plan.files ?? [plan.file],
    format: plan.format,
    ...(plan.jsonLayout ? { jsonLayout: plan.jsonLayout } : {}),
    ...(plan.server?.read ? { options: plan.server.read } : {}),
    schema: 'bronze',
    table: plan.dataset,
  });
  const declared = plan.source?.properties ?? [];
  const contracts = [plan.source, plan.silver].filter((c): c is Contract => c !== undefined);
  const mapping = mapColumns({
    contracts,
    bronzeColumns: read.columns.map((c) => c.name).concat(['_source_file', '_record_number']),
    ...(plan.server?.read?.nullValues ? { nullValues: plan.server.read.nullValues } : {}),
  });
  const sourceMapped = mapping.properties.filter((m) => m.contract === plan.source);
  const checks: CheckResult[] = [];
  const contractRef = plan.source ? { file: plan.source.file, ...(plan.source.loc.line ? { line: plan.source.loc.line } : {}) } : undefined;
  // The first file read names the error (file:line); the hint says when a glob matched more.
  const file = read.files[0] ?? plan.file;
  const others = read.files.length > 1 ? ` (none of the ${read.files.length} files of ${plan.file} has it)` : '';
  const missingRequired = sourceMapped.filter((m) => m.missing.length > 0 && (m.property.required || m.property.primaryKey));
  if (missingRequired.length > 0 && read.records - read.malformed > 0) {
    const columns = [...new Set(missingRequired.flatMap((m) => m.missing))];
    const where = (m: (typeof missingRequired)[number]): string => `${m.contract.file}:${m.property.loc.line ?? 1}`;
    const how = missingRequired
      .map((m) => (m.source.kind === 'column' && m.source.column === m.property.name ? `${m.property.name} (${where(m)})` : `${m.property.name} reads ${m.missing.join(', ')} (${where(m)})`))
      .join('; ');
    throw new EtlError('SOURCE_HEADER_INVALID', `${file} lacks the required column${columns.length > 1 ? 's' : ''} ${columns.join(', ')}`, {
      location: { file, line: 1 },
      hint: `${how}${others}; the file has: ${read.columns.map((c) => c.name).join(', ') || 'no columns'} — fix the header, or the contract's physicalName`,
    });
  }
  for (const m of sourceMapped) {
    const p = m.property;
    const absent = m.missing.length > 0;
    const what = m.source.kind === 'column' && m.source.column !== p.name ? `column ${m.source.column} (${p.name})` : m.source.kind === 'transform' ? `the columns of ${p.name}'s transformLogic` : `column ${p.name}`;
    checks.push({
      id: `${plan.dataset}.${p.name}.field_present`,
      rule: 'field_present',
      dataset: plan.dataset,
      layer: 'source',
      kind: 'dataset',
      severity: absent ? 'warning' : 'error',
      property: p.name,
      description: RECORD_RULES.field_present.describeInFile(what, m.reads.length > 1, file),
      failed_rows: 0,
      status: absent ? 'warning' : 'passed',
      ...(absent ? { message: `optional column${m.missing.length > 1 ? 's' : ''} ${m.missing.join(', ')} missing: ${p.name} reads as NULL` } : {}),
      contract: { file: m.contract.file, ...(p.loc.line ? { line: p.loc.line } : {}) },
    });
  }
  const known = new Set(mapping.properties.flatMap((m) => m.reads).concat(declared.flatMap((p) => (p.source?.kind === 'transform' ? p.source.sourceColumns : []))));
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
      description: RECORD_RULES.unexpected_column.describe(c.name),
      failed_rows: 0,
      status: 'warning',
      message: `unknown column ${c.name} is kept in bronze and quarantine, ignored downstream`,
      ...(contractRef ? { contract: contractRef } : {}),
    });
  }
  for (const p of mapping.problems) {
    checks.push({
      id: `${plan.dataset}.${p.property}.transform`,
      rule: 'transform',
      dataset: plan.dataset,
      layer: p.contract.layer,
      kind: 'row',
      severity: 'error',
      property: p.property,
      description: RECORD_RULES.transform.describe(p.property),
      failed_rows: 0,
      status: 'error',
      message: `${p.message}: ${p.property} reads as NULL`,
      contract: { file: p.contract.file },
    });
  }
  let relation = read.relation;
  if (mapping.select) {
    // Canonical names from here on (physicalName, transformLogic, null markers, absent optional columns).
    relation = trusted(`${ident('bronze').text}.${ident(`${plan.dataset}__in`).text}`);
    await engine.exec(sql`CREATE OR REPLACE VIEW ${relation} AS SELECT ${mapping.select} FROM ${read.relation} AS b`);
  }
  return { read, relation, checks };
}

/** Free the bronze tables of a dataset once its silver table and quarantine are built. */
export async function releaseBronze(engine: Engine, plan: DatasetPlan): Promise<void> {
  await releaseSource(engine, 'bronze', plan.dataset);
}
