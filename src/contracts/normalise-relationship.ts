// ODCS relationships (property-level `to`, or schema-level `from`/`to`, single or composite) → Relationship.
import type { FileContext } from './context.ts';
import type { Relationship } from './model.ts';
import type { DocPath } from './parse-yaml.ts';
import { readCustomProperties } from './normalise-property.ts';
import { toSeverity } from './severity.ts';
import { suggestClosest } from './suggest.ts';

type Raw = Record<string, unknown>;

/** `customers.customer_id` or the fully qualified `[file.yaml#]/schema/customers/properties/customer_id`. */
export function parseReference(ref: string): { table: string; column: string } | undefined {
  const short = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (short) return { table: short[1] as string, column: short[2] as string };
  const parts = (ref.split('#').pop() ?? '').replace(/^\//, '').split('/');
  const i = parts.lastIndexOf('schema');
  if (i >= 0 && parts[i + 2] === 'properties' && parts[i + 1] && parts[i + 3]) return { table: parts[i + 1] as string, column: parts[i + 3] as string };
  return undefined;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

export interface RelationshipOwner {
  dataset: string;
  object: string;
  /** Property names of the contract (a `from` must be one of them). */
  columns: string[];
}

/**
 * Normalise one relationship. `property` is set for a property-level relationship (the implicit `from`).
 * Returns undefined when it cannot be executed (a problem has been reported).
 */
export function normaliseRelationship(ctx: FileContext, raw: Raw, path: DocPath, owner: RelationshipOwner, property?: string): Relationship | undefined {
  const toRefs = asList(raw.to);
  const fromRefs = property !== undefined ? [property] : asList(raw.from);
  if (toRefs.length !== fromRefs.length) {
    ctx.report([...path, 'to'], `relationship has ${fromRefs.length} 'from' column(s) but ${toRefs.length} 'to' column(s)`, {
      hint: 'a composite key lists the columns in the same order on both sides',
    });
    return undefined;
  }
  const to: string[] = [];
  let toDataset: string | undefined;
  for (const [i, ref] of toRefs.entries()) {
    const refPath = Array.isArray(raw.to) ? [...path, 'to', i] : [...path, 'to'];
    const parsed = parseReference(ref);
    if (!parsed) {
      ctx.report(refPath, `cannot read the reference '${ref}'`, { hint: 'write it as table.column, e.g. customers.customer_id' });
      return undefined;
    }
    if (toDataset !== undefined && parsed.table !== toDataset) {
      ctx.report(refPath, `a composite relationship must point at one table, found ${toDataset} and ${parsed.table}`);
      return undefined;
    }
    toDataset = parsed.table;
    to.push(parsed.column);
  }
  const from: string[] = [];
  for (const [i, ref] of fromRefs.entries()) {
    const refPath = Array.isArray(raw.from) ? [...path, 'from', i] : [...path, 'from'];
    let column = ref;
    if (property === undefined) {
      const parsed = parseReference(ref);
      if (!parsed) {
        ctx.report(refPath, `cannot read the reference '${ref}'`, { hint: `write it as ${owner.object}.column` });
        return undefined;
      }
      if (parsed.table !== owner.object && parsed.table !== owner.dataset) {
        ctx.report(refPath, `'from' must reference this table (${owner.object}), found ${parsed.table}`, { hint: `write it as ${owner.object}.${parsed.column}` });
        return undefined;
      }
      column = parsed.column;
    }
    if (!owner.columns.includes(column)) {
      const s = suggestClosest(column, owner.columns);
      ctx.report(refPath, `'from' column ${column} is not a property of ${owner.object}`, s ? { hint: `did you mean '${s}'?` } : {});
      return undefined;
    }
    from.push(column);
  }
  if (toDataset === undefined || from.length === 0) return undefined;
  const custom = readCustomProperties(raw.customProperties);
  const id = custom.get('id')?.value;
  const rel: Relationship = {
    id: typeof id === 'string' ? id : `${owner.dataset}.${from.join('_')}.relationship`,
    from,
    toDataset,
    to,
    severity: toSeverity(custom.get('severity')?.value) ?? 'error',
    loc: ctx.loc(path),
  };
  if (typeof id !== 'string') ctx.derived.add(rel);
  return rel;
}
