// The normalised contract: what the rest of the code sees after a YAML file has been parsed,
// validated against the ODCS JSON Schema and the project's profile (contracts/load-contract.ts).
// Raw YAML shapes never leave contracts/; *Spec names are reserved for them.
import type { SourceLocation } from '../errors.ts';

/** Lineage columns etl adds to bronze and silver (not data). */
export const LINEAGE_COLUMNS: ReadonlySet<string> = new Set(['_source_file', '_record_number', '_run_id', '_ingested_at', '_raw', '_error']);
/** Prefix of the helper columns etl creates while checking a dataset. */
export const INTERNAL_PREFIX = '__etl_';

/** True when a contract may not declare this column name (it would collide with etl's own columns). */
export function isReservedColumn(name: string): boolean {
  return LINEAGE_COLUMNS.has(name) || name.startsWith(INTERNAL_PREFIX);
}

export type Layer = 'source' | 'silver' | 'gold';
export type Severity = 'error' | 'warning';
export type LogicalType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp' | 'time' | 'object' | 'array';

export type Operator =
  | { op: 'mustBe' | 'mustNotBe'; value: number }
  | { op: 'mustBeGreaterThan' | 'mustBeGreaterOrEqualTo' | 'mustBeLessThan' | 'mustBeLessOrEqualTo'; value: number }
  | { op: 'mustBeBetween' | 'mustNotBeBetween'; value: [number, number] };

export interface PropertyOptions {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  /** JSON-Schema-like: a search, not a full match (anchor it with ^…$ to match the whole value). */
  pattern?: string;
  format?: 'email';
  /** Allowed values (logicalTypeOptions.enum or customProperties validValues). */
  enum?: (string | number)[];
}

export type MaskStrategy = 'hash' | 'initials' | 'redact';

/** How a property's raw text is found in a record (ODCS physicalName / transformLogic). */
export type PropertySource =
  | { kind: 'column'; column: string }
  /** An etl expression over the record's physical columns (src/expr), evaluated as text. */
  | { kind: 'transform'; expression: string; description?: string; loc: SourceLocation; sourceColumns: string[] };

/** A declared type as the contract writes it: ODCS `logicalType` with the nested `items` of an array and
 * `properties` of an object (what `etl validate` compares with a Parquet file's nested column types). */
export interface DeclaredType {
  /** As written; absent when the contract gives none (then no physical type is required). */
  logicalType?: string;
  items?: DeclaredType;
  properties?: { name: string; type: DeclaredType }[];
}

export interface Property {
  /** The canonical name, used from silver on. */
  name: string;
  /** Where the raw text comes from: the column (or JSON key) `physicalName ?? name`, or a transformLogic;
   * absent: the column named like the property. */
  source?: PropertySource;
  /** date/timestamp/time: the JDK-style pattern of logicalTypeOptions.format (ISO 8601 without one). */
  dateFormat?: string;
  logicalType: LogicalType;
  /** The type as declared, nested items/properties included. */
  declaredType: DeclaredType;
  physicalType?: string;
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  primaryKeyPosition?: number;
  options: PropertyOptions;
  /** classification: pii (or restricted/confidential) → masked in every published output. */
  classification?: string;
  mask?: MaskStrategy;
  /** Severity of the property's own row rules (type, required, options); customProperties `severity`. */
  severity: Severity;
  quality: QualityRule[];
  loc: SourceLocation;
}

/** A foreign key: every non-null `from` tuple must exist among the `to` tuples of the referenced silver dataset. */
export interface Relationship {
  id: string;
  from: string[];
  toDataset: string;
  to: string[];
  severity: Severity;
  loc: SourceLocation;
}

export type Metric =
  | 'nullValues'
  | 'missingValues'
  | 'invalidValues'
  | 'duplicateValues'
  | 'rowCount'
  // etl additions (type: custom, engine: etl)
  | 'quarantineRate'
  | 'freshness'
  | 'reconciliation';

export type QualityRule =
  | FilterRule
  | LibraryRule
  | SqlRule
  | CustomRowRule
  | CustomDatasetRule
  | TextRule;

interface RuleBase {
  /** Stable id: the contract's `id` or one derived from dataset, property and metric. */
  id: string;
  description?: string;
  severity: Severity;
  /** Property the rule is attached to (property-level quality), if any. */
  property?: string;
  loc: SourceLocation;
}

export interface LibraryRule extends RuleBase {
  type: 'library';
  metric: 'nullValues' | 'missingValues' | 'invalidValues' | 'duplicateValues' | 'rowCount';
  operator: Operator;
  unit: 'rows' | 'percent';
  arguments: {
    validValues?: (string | number | null)[];
    missingValues?: (string | number | null)[];
    pattern?: string;
    /** duplicateValues at schema level: the columns whose tuple must be unique (composite). */
    properties?: string[];
  };
}

export interface SqlRule extends RuleBase {
  type: 'sql';
  query: string;
  operator: Operator;
}

/** type: custom, engine: etl, implementation.kind: row — a predicate every row must satisfy. */
export interface CustomRowRule extends RuleBase {
  type: 'custom-row';
  /** Expression in the etl expression language (src/expr), e.g. `order_date >= customers.registration_date`. */
  expression: string;
}

/** type: custom, engine: etl, implementation.kind: filter — a business filter: rows for which the
 * expression is FALSE are excluded on purpose (counted as rows_excluded, not as failures). */
export interface FilterRule extends RuleBase {
  type: 'filter';
  /** Kept when TRUE (or NULL, as a CHECK constraint); excluded when FALSE. */
  expression: string;
}

/** type: custom, engine: etl, dataset-level metrics the ODCS library lacks. */
export interface CustomDatasetRule extends RuleBase {
  type: 'custom-dataset';
  metric: 'quarantineRate' | 'freshness' | 'reconciliation';
  operator: Operator;
  unit: 'rows' | 'percent' | 'hours' | 'absolute';
  /** freshness: the timestamp/date column compared with --as-of. */
  column?: string;
  /** reconciliation: aggregate expression over this dataset … */
  expression?: string;
  /** … compared with this aggregate over another dataset; the metric is |left − right|. */
  compareTo?: { dataset: string; expression: string };
}

/** type: text — documentation only, reported as skipped. */
export interface TextRule extends RuleBase {
  type: 'text';
  /** Why a rule that looks executable is not run (e.g. a custom rule for another engine). */
  skipped?: string;
}

/** How a source file is read (server `delimiter` and customProperties; see contracts/README.md). */
export interface ReadOptions {
  /** CSV field separator (one character). */
  delimiter?: string;
  quote?: string;
  escape?: string;
  /** CSV: false when the file has no header line (columns are then column1, column2, …). */
  header?: boolean;
  /** CSV: utf-8 (default), utf-16 or latin-1. */
  encoding?: string;
  /** Raw values read as NULL before any rule (e.g. NA, NULL); the empty text is always NULL. */
  nullValues?: string[];
}

export interface Server {
  name: string;
  type: string;
  format?: 'csv' | 'json' | 'parquet';
  /** json: 'new_line' (NDJSON) | 'array' | undefined (auto-detect); csv: the field separator. */
  delimiter?: string;
  path?: string;
  read?: ReadOptions;
  loc?: SourceLocation;
}

/** Where a property's raw text comes from (the column of its own name unless mapped). */
export function sourceOf(p: Pick<Property, 'name' | 'source'>): PropertySource {
  return p.source ?? { kind: 'column', column: p.name };
}

export interface Contract {
  file: string;
  id: string;
  version: string;
  apiVersion: string;
  /** Dataset name (customProperties `dataset`, else the schema object's name), e.g. orders. */
  dataset: string;
  /** Layer (customProperties `layer`, default source). */
  layer: Layer;
  /** Name of the schema object (table) — what `${table}` / `{object}` stand for in SQL rules. */
  object: string;
  properties: Property[];
  /** Composite primary key, ordered by primaryKeyPosition ([] when none). */
  primaryKey: string[];
  relationships: Relationship[];
  /** Schema-object-level quality rules (property-level ones are on the property). */
  quality: QualityRule[];
  servers: Server[];
  loc: SourceLocation;
}

/** Every rule of a contract, property-level ones included, in file order. */
export function allQualityRules(c: Contract): QualityRule[] {
  return [...c.properties.flatMap((p) => p.quality), ...c.quality];
}
