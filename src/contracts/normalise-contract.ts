// Stage 4: a document that passed the schema and the profile → one Contract per schema object,
// plus the semantic checks that need only this file (keys, ids, freshness columns).
import type { FileContext } from './context.ts';
import type { Contract, Layer, Property, QualityRule, ReadOptions, Relationship, Server } from './model.ts';
import { normaliseProperty, readCustomProperties } from './normalise-property.ts';
import { normaliseRelationship } from './normalise-relationship.ts';
import { normaliseRule } from './normalise-rule.ts';
import { suggestClosest } from './suggest.ts';
import { compileExpression } from '../expr/index.ts';
import { expressionLocation } from './context.ts';
import { buildTransformScope, transformColumns } from './expr-scope.ts';

type Raw = Record<string, unknown>;

function readServers(ctx: FileContext, raw: unknown): Server[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((s: Raw, i) => {
    const custom = readCustomProperties(s.customProperties);
    const read: ReadOptions = {};
    const server: Server = { name: String(s.server ?? s.id ?? `server${i + 1}`), type: String(s.type ?? 'local'), read, loc: ctx.loc(['servers', i]) };
    if (s.format === 'csv' || s.format === 'json' || s.format === 'parquet') server.format = s.format;
    if (s.format === 'ndjson') {
      server.format = 'json';
      server.delimiter = 'new_line';
    }
    if (typeof s.delimiter === 'string') server.delimiter = s.delimiter;
    if (typeof s.path === 'string') server.path = s.path;
    const d = server.delimiter;
    if (d !== undefined && d !== 'new_line' && d !== 'array') read.delimiter = d === 'tab' || d === '\\t' ? '\t' : d;
    for (const k of ['quote', 'escape', 'encoding'] as const) {
      const v = custom.get(k)?.value;
      if (typeof v === 'string') read[k] = v;
    }
    const header = custom.get('header')?.value;
    if (typeof header === 'boolean') read.header = header;
    const nulls = custom.get('nullValues')?.value;
    if (Array.isArray(nulls)) read.nullValues = nulls.map(String);
    return server;
  });
}

export function normaliseContract(ctx: FileContext, doc: Raw): Contract[] {
  const objects = Array.isArray(doc.schema) ? (doc.schema as Raw[]) : [];
  const contractCustom = readCustomProperties(doc.customProperties);
  const servers = readServers(ctx, doc.servers);

  return objects.map((obj, oi) => {
    const objPath = ['schema', oi];
    const object = String(obj.name);
    const objCustom = readCustomProperties(obj.customProperties);
    // The contract-level dataset names the table only when the contract has a single one.
    const datasetValue = objCustom.get('dataset')?.value ?? (objects.length === 1 ? contractCustom.get('dataset')?.value : undefined);
    const dataset = typeof datasetValue === 'string' ? datasetValue : object;
    const layer = (objCustom.get('layer')?.value ?? contractCustom.get('layer')?.value ?? 'source') as Layer;

    const rawProps = Array.isArray(obj.properties) ? (obj.properties as Raw[]) : [];
    const seen = new Map<string, number>();
    const properties: Property[] = [];
    rawProps.forEach((p, pi) => {
      const name = String(p.name);
      if (seen.has(name)) {
        ctx.report([...objPath, 'properties', pi, 'name'], `duplicate property '${name}' (first at properties[${seen.get(name)}])`);
        return;
      }
      seen.set(name, pi);
      properties.push(normaliseProperty(ctx, p, [...objPath, 'properties', pi], dataset));
    });
    const columns = properties.map((p) => p.name);
    checkTransforms(ctx, properties, rawProps, objPath);

    const primaryKey = primaryKeyOf(ctx, properties, rawProps, objPath);

    const relationships: Relationship[] = [];
    const owner = { dataset, object, columns };
    rawProps.forEach((p, pi) => {
      if (!Array.isArray(p.relationships) || !seen.has(String(p.name))) return;
      (p.relationships as Raw[]).forEach((r, ri) => {
        const rel = normaliseRelationship(ctx, r, [...objPath, 'properties', pi, 'relationships', ri], owner, String(p.name));
        if (rel) relationships.push(rel);
      });
    });
    if (Array.isArray(obj.relationships)) {
      (obj.relationships as Raw[]).forEach((r, ri) => {
        const rel = normaliseRelationship(ctx, r, [...objPath, 'relationships', ri], owner);
        if (rel) relationships.push(rel);
      });
    }

    const quality = (Array.isArray(obj.quality) ? obj.quality : [])
      .map((r, i) => normaliseRule(ctx, r as Raw, [...objPath, 'quality', i], { dataset }))
      .filter((r): r is QualityRule => r !== undefined);

    const contract: Contract = {
      file: ctx.file,
      id: String(doc.id),
      version: String(doc.version),
      apiVersion: String(doc.apiVersion),
      dataset,
      layer,
      object,
      properties,
      primaryKey,
      relationships,
      quality,
      servers,
      loc: ctx.loc(objPath),
    };
    checkFreshnessColumns(ctx, contract);
    return contract;
  });
}

/** Primary key columns ordered by primaryKeyPosition (file order for those without one). */
function primaryKeyOf(ctx: FileContext, properties: Property[], raw: Raw[], objPath: (string | number)[]): string[] {
  const keyed = properties.filter((p) => p.primaryKey);
  const positions = new Map<number, string>();
  for (const p of keyed) {
    if (p.primaryKeyPosition === undefined) continue;
    const clash = positions.get(p.primaryKeyPosition);
    if (clash !== undefined) {
      const pi = raw.findIndex((r) => r.name === p.name);
      ctx.report([...objPath, 'properties', pi, 'primaryKeyPosition'], `primaryKeyPosition ${p.primaryKeyPosition} is also used by ${clash}`, {
        hint: 'number the key columns 1, 2, … in key order',
      });
    }
    positions.set(p.primaryKeyPosition, p.name);
  }
  if (keyed.length > 1 && keyed.some((p) => p.primaryKeyPosition === undefined)) {
    const p = keyed.find((k) => k.primaryKeyPosition === undefined) as Property;
    const pi = raw.findIndex((r) => r.name === p.name);
    ctx.report([...objPath, 'properties', pi, 'primaryKey'], `composite primary key: ${p.name} has no primaryKeyPosition`, {
      severity: 'warning',
      hint: 'give every key column a primaryKeyPosition (1, 2, …) so the key order is explicit',
    });
  }
  return keyed
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.primaryKeyPosition ?? Infinity) - (b.p.primaryKeyPosition ?? Infinity) || a.i - b.i)
    .map(({ p }) => p.name);
}

function checkFreshnessColumns(ctx: FileContext, contract: Contract): void {
  const rules = [...contract.properties.flatMap((p) => p.quality), ...contract.quality];
  for (const rule of rules) {
    if (rule.type !== 'custom-dataset' || rule.metric !== 'freshness' || rule.column === undefined) continue;
    const prop = contract.properties.find((p) => p.name === rule.column);
    const where = { file: rule.loc.file, line: rule.loc.line, col: rule.loc.col };
    if (!prop) {
      const s = suggestClosest(rule.column, contract.properties.map((p) => p.name));
      ctx.problems.push({
        code: 'CONTRACT_PROFILE_INVALID',
        severity: 'error',
        message: `freshness column ${rule.column} is not a property of ${contract.object}`,
        ...(s ? { hint: `did you mean '${s}'?` } : {}),
        ...where,
      });
    } else if (prop.logicalType !== 'date' && prop.logicalType !== 'timestamp') {
      ctx.problems.push({
        code: 'CONTRACT_PROFILE_INVALID',
        severity: 'error',
        message: `freshness column ${rule.column} is a ${prop.logicalType}; it must be a date or timestamp`,
        ...where,
      });
    }
  }
}

/** A transformLogic must compile over the record's physical columns (the file's, not the canonical names). */
function checkTransforms(ctx: FileContext, properties: Property[], raw: Raw[], objPath: (string | number)[]): void {
  for (const p of properties) {
    if (p.source?.kind !== 'transform' || p.source.expression.trim() === '') continue;
    const pi = raw.findIndex((r) => r.name === p.name);
    const scope = buildTransformScope(transformColumns({ properties }, p.source.sourceColumns));
    const r = compileExpression(p.source.expression, scope);
    if (r.ok) continue;
    const site = ctx.source.info([...objPath, 'properties', pi, 'transformLogic']);
    const miss = r.message.startsWith('unknown column') ? scope.lastMiss() : undefined;
    ctx.problems.push({
      code: 'CONTRACT_PROFILE_INVALID',
      severity: 'error',
      message: `transformLogic of ${p.name} does not compile: ${r.message} (at character ${r.offset + 1})`,
      hint: miss ?? "an etl expression over the file's columns, e.g. '1', coalesce(qty, '1'), concat(first_name, ' ', last_name)",
      ...expressionLocation(ctx.file, site, r.offset),
    });
  }
}
