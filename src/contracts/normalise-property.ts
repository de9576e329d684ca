// A raw ODCS property → Property of the model, with the per-property semantic checks
// (logicalTypeOptions consistent, pattern compiles, mask/severity from customProperties).
import type { FileContext } from './context.ts';
import { INTERNAL_PREFIX, isReservedColumn, type DeclaredType, type LogicalType, type MaskStrategy, type Property, type PropertyOptions, type PropertySource, type QualityRule } from './model.ts';
import { SUPPORTED_DATE_LETTERS, translateDateFormat } from './date-format.ts';
import { expressionLocation } from './context.ts';
import type { DocPath } from './parse-yaml.ts';
import { checkPattern, normaliseRule } from './normalise-rule.ts';
import { toSeverity } from './severity.ts';

type Raw = Record<string, unknown>;

/** Contracts written for other tools often give only a physicalType: map the common ones. */
function logicalTypeFromPhysical(physical: unknown): LogicalType | undefined {
  if (typeof physical !== 'string') return undefined;
  const t = physical.toLowerCase().replace(/\(.*$/, '').trim();
  if (/^(tinyint|smallint|int|integer|bigint|hugeint|long|int\d+|uinteger|ubigint)$/.test(t)) return 'integer';
  if (/^(double|float|real|decimal|numeric|number|float\d+)$/.test(t)) return 'number';
  if (/^(bool|boolean)$/.test(t)) return 'boolean';
  if (t === 'date') return 'date';
  if (/^(timestamp|datetime|timestamptz|timestamp_ntz|timestamp_tz|timestamp with time zone)$/.test(t)) return 'timestamp';
  if (t === 'time') return 'time';
  if (/^(varchar|string|text|char|uuid)$/.test(t)) return 'string';
  return undefined;
}

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The declared type tree: logicalType as written, with nested `items` and `properties`. */
function readDeclaredType(raw: Raw): DeclaredType {
  const out: DeclaredType = {};
  if (typeof raw.logicalType === 'string') out.logicalType = raw.logicalType;
  if (isRecord(raw.items)) out.items = readDeclaredType(raw.items);
  if (Array.isArray(raw.properties)) {
    out.properties = raw.properties
      .filter(isRecord)
      .filter((p) => typeof p.name === 'string')
      .map((p) => ({ name: p.name as string, type: readDeclaredType(p) }));
  }
  return out;
}

/** Read `customProperties: [{property, value}]` into a lookup. */
export function readCustomProperties(raw: unknown): Map<string, { value: unknown; index: number }> {
  const out = new Map<string, { value: unknown; index: number }>();
  if (!Array.isArray(raw)) return out;
  raw.forEach((cp: unknown, index) => {
    if (cp && typeof cp === 'object' && typeof (cp as Raw).property === 'string') out.set((cp as Raw).property as string, { value: (cp as Raw).value, index });
  });
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function readOptions(ctx: FileContext, raw: Raw, path: DocPath, logicalType: LogicalType, custom: Map<string, { value: unknown }>): PropertyOptions {
  const lto = (raw.logicalTypeOptions && typeof raw.logicalTypeOptions === 'object' ? raw.logicalTypeOptions : {}) as Raw;
  const ltoPath = [...path, 'logicalTypeOptions'];
  const options: PropertyOptions = {};
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength'] as const) {
    const v = lto[k];
    if (v === undefined) continue;
    const n = num(v);
    if (n === undefined) {
      // ODCS writes date bounds as text; etl does not check them (yet) rather than guess a format.
      ctx.report([...ltoPath, k], `${k} '${String(v)}' on a ${logicalType} is not checked by etl`, {
        severity: 'warning',
        hint: 'use a custom row rule instead, e.g. date(col) >= date(\'2020-01-01\')',
      });
      continue;
    }
    options[k] = n;
  }
  if (typeof lto.pattern === 'string') {
    options.pattern = lto.pattern;
    checkPattern(ctx, lto.pattern, [...ltoPath, 'pattern']);
  }
  if (lto.format === 'email' && logicalType === 'string') options.format = 'email';
  const valid = custom.get('validValues')?.value;
  if (Array.isArray(valid)) options.enum = valid as (string | number)[];

  const lower = options.minimum ?? options.exclusiveMinimum;
  const upper = options.maximum ?? options.exclusiveMaximum;
  if (lower !== undefined && upper !== undefined) {
    const exclusive = options.exclusiveMinimum !== undefined || options.exclusiveMaximum !== undefined;
    if (lower > upper || (exclusive && lower === upper)) {
      const lowKey = options.minimum !== undefined ? 'minimum' : 'exclusiveMinimum';
      const highKey = options.maximum !== undefined ? 'maximum' : 'exclusiveMaximum';
      ctx.report([...ltoPath, lowKey], `${lowKey} (${lower}) is greater than ${highKey} (${upper}): no value can pass`, { hint: 'swap the two bounds' });
    }
  }
  if (options.minLength !== undefined && options.maxLength !== undefined && options.minLength > options.maxLength) {
    ctx.report([...ltoPath, 'minLength'], `minLength (${options.minLength}) is greater than maxLength (${options.maxLength}): no value can pass`, { hint: 'swap the two bounds' });
  }
  return options;
}

/** Where the property's raw text comes from: physicalName (or its own name), or a transformLogic. */
function readSource(ctx: FileContext, raw: Raw, path: DocPath, name: string): PropertySource {
  const logic = raw.transformLogic;
  if (typeof logic === 'string') {
    if (typeof raw.physicalName === 'string') {
      ctx.report([...path, 'transformLogic'], `property '${name}' has both physicalName and transformLogic`, {
        hint: 'a property reads one column (physicalName) or computes its value (transformLogic): keep one',
      });
    }
    if (logic.trim() === '') ctx.report([...path, 'transformLogic'], `transformLogic of '${name}' is empty`, { hint: "write an expression over the file's columns, e.g. '1' or concat(first_name, ' ', last_name)" });
    const description = typeof raw.transformDescription === 'string' ? raw.transformDescription : undefined;
    // ODCS transformSourceObjects: here, the file's columns the expression reads that no property maps.
    const sourceColumns = Array.isArray(raw.transformSourceObjects) ? raw.transformSourceObjects.filter((x): x is string => typeof x === 'string') : [];
    return { kind: 'transform', expression: logic, ...(description !== undefined ? { description } : {}), loc: ctx.loc([...path, 'transformLogic']), sourceColumns };
  }
  const column = typeof raw.physicalName === 'string' ? raw.physicalName : name;
  if (typeof raw.physicalName === 'string' && (raw.physicalName === '' || isReservedColumn(raw.physicalName))) {
    ctx.report([...path, 'physicalName'], `physicalName '${raw.physicalName}' cannot name a column of a file`, { hint: 'give the column (or JSON key) as it is written in the file' });
  }
  return { kind: 'column', column };
}

/** logicalTypeOptions.format of a date, timestamp or time: a JDK-style pattern etl can translate. */
function readDateFormat(ctx: FileContext, raw: Raw, path: DocPath, logicalType: LogicalType): string | undefined {
  const lto = (raw.logicalTypeOptions && typeof raw.logicalTypeOptions === 'object' ? raw.logicalTypeOptions : {}) as Raw;
  const format = lto.format;
  if (typeof format !== 'string' || !['date', 'timestamp', 'time'].includes(logicalType)) return undefined;
  const t = translateDateFormat(format);
  if (!t.ok) {
    const site = ctx.source.info([...path, 'logicalTypeOptions', 'format']);
    const at = expressionLocation(ctx.file, site, t.offset);
    ctx.problems.push({
      code: 'CONTRACT_PROFILE_INVALID',
      severity: 'error',
      message: `format '${format}' of ${String(raw.name)}: ${t.message} (at character ${t.offset + 1})`,
      hint: `supported: ${SUPPORTED_DATE_LETTERS}`,
      ...at,
    });
    return undefined;
  }
  return format;
}

export function normaliseProperty(ctx: FileContext, raw: Raw, path: DocPath, dataset: string): Property {
  const name = String(raw.name);
  if (isReservedColumn(name)) {
    ctx.report([...path, 'name'], `property name '${name}' is reserved by etl (lineage columns and the ${INTERNAL_PREFIX} prefix)`, {
      hint: 'rename the property (the lineage columns _source_file and _record_number are added by etl itself)',
    });
  }
  const custom = readCustomProperties(raw.customProperties);
  const logicalType = (typeof raw.logicalType === 'string' ? raw.logicalType : logicalTypeFromPhysical(raw.physicalType) ?? 'string') as LogicalType;
  const severity = toSeverity(custom.get('severity')?.value) ?? 'error';
  const mask = custom.get('mask')?.value as MaskStrategy | undefined;
  const classification = typeof raw.classification === 'string' ? raw.classification : undefined;

  const dateFormat = readDateFormat(ctx, raw, path, logicalType);
  const property: Property = {
    name,
    source: readSource(ctx, raw, path, name),
    ...(dateFormat !== undefined ? { dateFormat } : {}),
    logicalType,
    declaredType: readDeclaredType(raw),
    ...(typeof raw.physicalType === 'string' ? { physicalType: raw.physicalType } : {}),
    required: raw.required === true,
    unique: raw.unique === true,
    primaryKey: raw.primaryKey === true,
    ...(typeof raw.primaryKeyPosition === 'number' && raw.primaryKeyPosition >= 1 ? { primaryKeyPosition: raw.primaryKeyPosition } : {}),
    options: readOptions(ctx, raw, path, logicalType, custom),
    ...(classification !== undefined ? { classification } : {}),
    severity,
    quality: [],
    loc: ctx.loc(path),
  };
  if (mask !== undefined) property.mask = mask;
  else if (classification?.toLowerCase() === 'pii') {
    // PII must never reach an output unmasked: without an explicit strategy, redact it.
    property.mask = 'redact';
    ctx.report([...path, 'classification'], `pii property '${name}' has no mask: it will be redacted`, {
      severity: 'warning',
      hint: "add customProperties: [{property: mask, value: hash | initials | redact}]",
    });
  }
  const rules = Array.isArray(raw.quality) ? raw.quality : [];
  property.quality = rules
    .map((r, i) => normaliseRule(ctx, r as Raw, [...path, 'quality', i], { dataset, property: name }))
    .filter((r): r is QualityRule => r !== undefined);
  return property;
}
