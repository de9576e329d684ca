// Typed formats (Parquet) carry their own column types: validate compares each declared logicalType with
// the file's physical type, recursively through array items and object children (datacontract-cli's
// `field_type`). Text formats (CSV, JSON) have no physical types; there the cast rules do the work.
import type { CheckResult } from '../checks/result.ts';
import { sourceOf, type Contract, type DeclaredType } from '../contracts/model.ts';
import type { ColumnInfo, ColumnType } from '../engine/engine.ts';

const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];

/** Physical scalar types that satisfy each scalar logicalType. A DECIMAL is a `number` whatever its precision. */
const SCALAR_FAMILIES: Record<string, readonly string[]> = {
  string: ['VARCHAR', 'UUID', 'ENUM', 'CHAR', 'BPCHAR', 'TEXT', 'STRING'],
  integer: INTEGERS,
  number: [...INTEGERS, 'FLOAT', 'DOUBLE', 'REAL', 'DECIMAL', 'NUMERIC'],
  boolean: ['BOOLEAN'],
  date: ['DATE'],
  timestamp: ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATETIME', 'TIMESTAMPTZ'],
  time: ['TIME', 'TIME WITH TIME ZONE', 'TIMETZ'],
};

/** A physical type as people read it: `BIGINT[]`, `STRUCT(a INTEGER, b VARCHAR)`, `MAP(VARCHAR, DOUBLE)`. */
export function formatColumnType(t: ColumnType): string {
  switch (t.kind) {
    case 'scalar':
      return t.name;
    case 'list':
      return `${formatColumnType(t.element)}[]`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${f.name} ${formatColumnType(f.type)}`).join(', ')})`;
    case 'map':
      return `MAP(${formatColumnType(t.key)}, ${formatColumnType(t.value)})`;
  }
}

/** Where declared and physical types disagree, one line per mismatch (`values[]: string vs BIGINT`). */
export function findTypeMismatches(declared: DeclaredType, actual: ColumnType, path: string): string[] {
  const logical = declared.logicalType?.toLowerCase();
  if (!logical) return [];
  const mismatch = [`${path}: logicalType ${logical} but the file has ${formatColumnType(actual)}`];
  if (logical === 'array') {
    if (actual.kind !== 'list') return mismatch;
    return declared.items ? findTypeMismatches(declared.items, actual.element, `${path}[]`) : [];
  }
  if (logical === 'object') {
    if (actual.kind === 'map') return [];
    if (actual.kind === 'scalar' && actual.name === 'JSON') return [];
    if (actual.kind !== 'struct') return mismatch;
    const problems: string[] = [];
    for (const child of declared.properties ?? []) {
      const field = actual.fields.find((f) => f.name === child.name);
      if (!field) problems.push(`${path}.${child.name}: declared but absent from the file's struct`);
      else problems.push(...findTypeMismatches(child.type, field.type, `${path}.${child.name}`));
    }
    return problems;
  }
  const family = SCALAR_FAMILIES[logical];
  if (!family) return []; // a logicalType this check does not know is not judged here
  return actual.kind === 'scalar' && family.includes(actual.name) ? [] : mismatch;
}

/**
 * One `type` check per declared property present in the file. Missing columns are the presence check's
 * business, not this one's. Schema checks count no rows: failed_rows is 0 and the message says why.
 */
export function checkPhysicalTypes(contract: Contract, columns: readonly ColumnInfo[]): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const p of contract.properties) {
    // The file's column is the property's physicalName; a computed property (transformLogic) has none.
    const src = sourceOf(p);
    const column = src.kind === 'column' ? columns.find((c) => c.name === src.column) : undefined;
    if (!column) continue;
    const problems = findTypeMismatches(p.declaredType, column.shape, p.name);
    checks.push({
      id: `${contract.dataset}.${p.name}.physical_type`,
      rule: 'type',
      dataset: contract.dataset,
      layer: contract.layer,
      kind: 'dataset',
      severity: p.severity,
      property: p.name,
      description: `${p.name} has a physical type compatible with logicalType ${p.logicalType}`,
      failed_rows: 0,
      threshold: `logicalType ${p.logicalType}`,
      status: problems.length === 0 ? 'passed' : p.severity === 'warning' ? 'warning' : 'failed',
      ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
      contract: { file: contract.file, ...(p.loc.line !== undefined ? { line: p.loc.line } : {}) },
    });
  }
  return checks;
}
