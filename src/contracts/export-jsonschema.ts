// A contract as the JSON Schema (draft 2020-12) of one record: the keys a record has in the file
// (physicalName when mapped), their JSON types, `required`, bounds, pattern, format and valid values.
// Dates and times are text that must spell ISO 8601, as etl's casts accept it (checks/cast-value.ts).
import type { Contract, LogicalType, Property } from './model.ts';
import { dateFormatOf, physicalNameOf } from './diff.ts';
import { EMAIL_PATTERN } from './email-pattern.ts';

type Schema = Record<string, unknown>;

const ISO_PATTERNS: Partial<Record<LogicalType, string>> = {
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$',
  timestamp: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$',
  time: '^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$',
};


function jsonType(t: LogicalType): string {
  switch (t) {
    case 'integer':
    case 'number':
    case 'boolean':
    case 'object':
    case 'array':
      return t;
    default:
      return 'string';
  }
}

function propertySchema(p: Property): Schema {
  const type = jsonType(p.logicalType);
  const out: Schema = { type: p.required ? type : [type, 'null'] };
  const doc = (p as { description?: unknown }).description;
  if (typeof doc === 'string') out['description'] = doc;
  // A warning-severity rule flags a record but keeps it: the record still conforms.
  if (p.severity === 'warning') return { ...out, type: [type, 'null'] };
  const o = p.options;
  if (type === 'integer' || type === 'number') {
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) if (o[k] !== undefined) out[k] = o[k];
  }
  if (type === 'string') {
    if (o.minLength !== undefined) out['minLength'] = o.minLength;
    if (o.maxLength !== undefined) out['maxLength'] = o.maxLength;
    // A date spelled by a logicalTypeOptions.format pattern is not ISO: its pattern is the contract's.
    const iso = dateFormatOf(p) === undefined ? ISO_PATTERNS[p.logicalType] : undefined;
    // JSON Schema's pattern is a search, as etl's: both can stand beside each other in allOf.
    const patterns = [iso, o.pattern, o.format === 'email' ? EMAIL_PATTERN : undefined].filter((x): x is string => x !== undefined);
    if (patterns.length === 1) out['pattern'] = patterns[0];
    else if (patterns.length > 1) out['allOf'] = patterns.map((pattern) => ({ pattern }));
    if (o.format === 'email') out['format'] = 'email';
  }
  if (o.enum !== undefined) out['enum'] = p.required ? [...o.enum] : [...o.enum, null];
  return out;
}

/** The record schema of one contract. Computed properties (transformLogic) are not keys of a record. */
export function contractToJsonSchema(c: Contract): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const p of c.properties) {
    const key = physicalNameOf(p);
    if (key.startsWith('transformLogic: ')) continue;
    properties[key] = propertySchema(p);
    if (p.required) required.push(key);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:etl:contract:${c.id}:${c.object}:${c.version}`,
    title: `${c.dataset} (${c.layer})`,
    description: `One record of ${c.dataset} as contract ${c.id} v${c.version} describes it.`,
    type: 'object',
    properties,
    required,
  };
}

/** One contract: its record schema; several: every record schema under $defs, keyed dataset_layer. */
export function renderJsonSchema(contracts: readonly Contract[]): string {
  if (contracts.length === 1) return `${JSON.stringify(contractToJsonSchema(contracts[0]!), null, 2)}\n`;
  const defs: Schema = {};
  for (const c of contracts) defs[`${c.dataset}_${c.layer}`] = contractToJsonSchema(c);
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: defs }, null, 2)}\n`;
}
