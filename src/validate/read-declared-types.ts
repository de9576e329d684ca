// The declared type tree of each property (logicalType plus nested `items` / `properties`), read from the
// contract's YAML. The normalised Contract model keeps only the top-level logicalType; the Parquet type
// check of `etl validate` also needs the element type of arrays and the children of objects (ODCS
// `items`, nested `properties`), so it reads them here, from the file the loader has already validated.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export interface DeclaredType {
  logicalType?: string;
  items?: DeclaredType;
  properties?: { name: string; type: DeclaredType }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toDeclared(spec: Record<string, unknown>): DeclaredType {
  const out: DeclaredType = {};
  if (typeof spec['logicalType'] === 'string') out.logicalType = spec['logicalType'];
  if (isRecord(spec['items'])) out.items = toDeclared(spec['items']);
  if (Array.isArray(spec['properties'])) {
    out.properties = spec['properties']
      .filter(isRecord)
      .filter((p) => typeof p['name'] === 'string')
      .map((p) => ({ name: p['name'] as string, type: toDeclared(p) }));
  }
  return out;
}

/** property name → declared type tree, for the schema object named `object` (or the first one). */
export async function readDeclaredTypes(contractFile: string, object: string): Promise<Map<string, DeclaredType>> {
  const doc: unknown = parse(await readFile(contractFile, 'utf8'));
  const schema = isRecord(doc) && Array.isArray(doc['schema']) ? doc['schema'].filter(isRecord) : [];
  const target = schema.find((s) => s['name'] === object) ?? schema[0];
  const result = new Map<string, DeclaredType>();
  if (!target || !Array.isArray(target['properties'])) return result;
  for (const p of target['properties']) {
    if (isRecord(p) && typeof p['name'] === 'string') result.set(p['name'], toDeclared(p));
  }
  return result;
}
