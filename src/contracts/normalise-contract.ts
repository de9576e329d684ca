// Stage 4: a document that passed the schema and the profile → one Contract per schema object,
// plus the semantic checks that need only this file (keys, ids, freshness columns).
import type { FileContext } from './context.ts';
import type { Contract, Layer, Property, QualityRule, Relationship, Server } from './model.ts';
import { normaliseProperty, readCustomProperties } from './normalise-property.ts';
import { normaliseRelationship } from './normalise-relationship.ts';
import { normaliseRule } from './normalise-rule.ts';
import { suggestClosest } from './suggest.ts';

type Raw = Record<string, unknown>;

function readServers(raw: unknown): Server[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((s: Raw, i) => {
    const server: Server = { name: String(s.server ?? s.id ?? `server${i + 1}`), type: String(s.type ?? 'local') };
    if (s.format === 'csv' || s.format === 'json' || s.format === 'parquet') server.format = s.format;
    if (typeof s.delimiter === 'string') server.delimiter = s.delimiter;
    if (typeof s.path === 'string') server.path = s.path;
    return server;
  });
}

export function normaliseContract(ctx: FileContext, doc: Raw): Contract[] {
  const objects = Array.isArray(doc.schema) ? (doc.schema as Raw[]) : [];
  const contractCustom = readCustomProperties(doc.customProperties);
  const servers = readServers(doc.servers);

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
