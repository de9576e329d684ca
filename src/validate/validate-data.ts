// The heart of `etl validate`: one contract, one data source (file or glob), every rule of the contract.
// Row rules go through the same fused pass as `etl run` (enforceRowRules) into a temporary silver and
// quarantine; dataset rules (evaluateDatasetRules) see every record, typed as the contract declares.
// Unlike a run, validate tests and never repairs: no record is de-duplicated away, so two records
// sharing a unique value fail the unique check even when they are identical.
import type { CheckResult, SourceCounts } from '../checks/result.ts';
import { castValue } from '../checks/cast-value.ts';
import { enforceRowRules } from '../checks/enforce.ts';
import { quarantineMalformedRecords } from '../checks/malformed-records.ts';
import { mapColumns } from '../checks/map-columns.ts';
import { evaluateDatasetRules } from '../checks/dataset-rules.ts';
import { LINEAGE_COLUMNS, type Contract } from '../contracts/model.ts';
import type { Engine } from '../engine/engine.ts';
import { detectFormat, readSource, resolveSourceFiles, type SourceFormat } from '../io/read-source.ts';
import { ident, join, sql, type Sql } from '../sql/sql.ts';
import { checkPhysicalTypes } from './check-physical-types.ts';
import type { DataSource } from './resolve-data-source.ts';

/**
 * A column holding each record's lineage, added to the records before the row pass: no two records are
 * then exact duplicates, so the pass drops none and every unique/primary-key clash counts as a failure.
 * It is removed again from everything validate writes.
 */
export const RECORD_ID_COLUMN = '__etl_validate_record';

export interface ValidateDataResult {
  counts: SourceCounts;
  checks: CheckResult[];
  files: string[];
  format: SourceFormat;
  /** Quarantined records: original fields, lineage, _raw, _rule_ids, _reasons. */
  quarantine: Sql;
}

async function readRecords(engine: Engine, contract: Contract, source: DataSource) {
  const files = await resolveSourceFiles(engine, source.pattern);
  const format = source.format ?? detectFormat(files[0] ?? '');
  // The server's reading options (delimiter, header, null markers …) when validate reads through it.
  const options = contract.servers.find((s) => s.name === source.server)?.read;
  const read = await readSource(engine, {
    files,
    ...(format ? { format } : {}),
    ...(source.jsonLayout ? { jsonLayout: source.jsonLayout } : {}),
    ...(options ? { options } : {}),
    schema: 'bronze',
    table: contract.dataset,
  });
  // Canonical names, as in a run (physicalName, transformLogic, null markers); absent columns stay
  // absent so that the row pass reports them.
  const mapping = mapColumns({
    contracts: [contract],
    bronzeColumns: [...read.columns.map((c) => c.name), '_source_file', '_record_number'],
    ...(options?.nullValues ? { nullValues: options.nullValues } : {}),
    omitMissing: true,
  });
  if (!mapping.select) return { read, relation: read.relation, files, format: format ?? 'csv' };
  const relation = sql`bronze.${ident(`${contract.dataset}__in`)}`;
  await engine.exec(sql`CREATE OR REPLACE VIEW ${relation} AS SELECT ${mapping.select} FROM ${read.relation} AS b`);
  return { read, relation, files, format: format ?? 'csv' };
}

/** Every record typed as the contract declares (absent columns read as typed NULL), for dataset rules. */
async function createTypedView(engine: Engine, contract: Contract, records: Sql, columns: readonly string[], view: Sql): Promise<void> {
  const declared = new Set(contract.properties.map((p) => p.name));
  const typed = contract.properties.map((p) =>
    columns.includes(p.name) ? sql`${castValue(sql`r.${ident(p.name)}`, p.logicalType, p.dateFormat)} AS ${ident(p.name)}` : sql`${castValue(sql`CAST(NULL AS VARCHAR)`, p.logicalType)} AS ${ident(p.name)}`,
  );
  const others = columns.filter((c) => !declared.has(c) && c !== RECORD_ID_COLUMN).map((c) => sql`r.${ident(c)}`);
  await engine.exec(sql`CREATE OR REPLACE VIEW ${view} AS SELECT ${join([...typed, ...others], ', ')} FROM ${records} AS r`);
}

export async function validateData(engine: Engine, contract: Contract, source: DataSource, asOf: string): Promise<ValidateDataResult> {
  const { read, relation: mapped, files, format } = await readRecords(engine, contract, source);
  const ds = ident(contract.dataset);
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS validate; CREATE SCHEMA IF NOT EXISTS silver; CREATE SCHEMA IF NOT EXISTS quarantine`);
  const records = sql`validate.${ds}`;
  await engine.exec(sql`CREATE OR REPLACE VIEW ${records} AS
    SELECT *, concat(_source_file, ':', _record_number) AS ${ident(RECORD_ID_COLUMN)} FROM ${mapped}`);
  const quarantine = sql`quarantine.${ds}`;
  const enforced = await enforceRowRules(engine, {
    dataset: contract.dataset,
    bronze: records,
    contracts: [contract],
    silverTable: sql`silver.${ds}`,
    quarantineTable: quarantine,
    refs: {},
    asOf,
  });
  await engine.exec(sql`ALTER TABLE ${quarantine} DROP COLUMN IF EXISTS ${ident(RECORD_ID_COLUMN)}`);
  const malformedCheck = await quarantineMalformedRecords(engine, { dataset: contract.dataset, malformed: read.malformedRelation, count: read.malformed, quarantineTable: quarantine });
  const counts: SourceCounts = {
    ...enforced.counts,
    records_in: enforced.counts.records_in + read.malformed,
    rows_quarantined: enforced.counts.rows_quarantined + read.malformed,
  };

  // Only typed formats carry column types to compare with the contract; CSV and JSON are text.
  const typeChecks =
    format === 'parquet' ? checkPhysicalTypes(contract, read.columns) : [];

  const typed = sql`validate.${ident(`${contract.dataset}__typed`)}`;
  const mappedColumns = (await engine.describe(sql`SELECT * FROM ${mapped}`)).map((c) => c.name).filter((c) => !LINEAGE_COLUMNS.has(c));
  await createTypedView(engine, contract, mapped, mappedColumns, typed);
  const datasetChecks = await evaluateDatasetRules(engine, {
    dataset: contract.dataset,
    layer: contract.layer,
    relation: typed,
    contracts: [contract],
    counts,
    refs: {},
    asOf,
  });
  return { counts, checks: [malformedCheck, ...typeChecks, ...enforced.checks, ...datasetChecks], files, format, quarantine };
}
