// silver → conformed: one view per silver table, with every column classified as PII masked.
// Gold models read conformed.* only, so raw PII never reaches a published output; the raw values
// stay in bronze, silver and quarantine.
import type { Engine } from '../engine/engine.ts';
import type { Contract, MaskStrategy, Property } from '../contracts/model.ts';
import { ident, join, sql, trusted, type Sql } from '../sql/sql.ts';
import { CANONICAL_COLUMNS, DERIVED_COLUMNS } from './canonical-columns.ts';

const PII_CLASSES = new Set(['pii', 'restricted', 'confidential', 'sensitive']);

/** The mask of a property, if it must be masked: explicit `mask`, else hash for any PII classification. */
export function maskOf(p: Property): MaskStrategy | undefined {
  if (p.mask) return p.mask;
  return p.classification && PII_CLASSES.has(p.classification.toLowerCase()) ? 'hash' : undefined;
}

/** SQL for a masked value. hash: salted SHA-256 of the normalised value (joins still work across tables);
 * initials: "Ada Lovelace" → "A.L."; redact: a constant. NULL stays NULL. */
export function maskExpression(column: Sql, mask: MaskStrategy, salt: string): Sql {
  switch (mask) {
    case 'hash':
      return sql`CASE WHEN ${column} IS NULL THEN NULL ELSE sha256(${salt} || lower(trim(CAST(${column} AS VARCHAR)))) END`;
    case 'initials':
      return sql`CASE WHEN ${column} IS NULL THEN NULL ELSE array_to_string(list_transform(list_filter(string_split(trim(CAST(${column} AS VARCHAR)), ' '), w -> w <> ''), w -> upper(left(w, 1)) || '.'), '') END`;
    case 'redact':
      return sql`CASE WHEN ${column} IS NULL THEN NULL ELSE '***' END`;
  }
}

export interface ConformInput {
  dataset: string;
  silver: Sql;
  contracts: Contract[];
  salt: string;
  /** The schema of the view (default conformed; an incremental run also conforms an append's new rows). */
  schema?: string;
}

/** Create conformed.<dataset>; returns the names of the masked columns. */
export async function createConformedView(engine: Engine, input: ConformInput): Promise<string[]> {
  const masks = new Map<string, MaskStrategy>();
  for (const c of input.contracts) for (const p of c.properties) {
    const m = maskOf(p);
    if (m) masks.set(p.name, m);
  }
  const columns = (await engine.describe(input.silver)).map((c) => c.name).filter((n) => !n.startsWith('_'));
  const select = columns.map((name) => {
    const m = masks.get(name);
    return m ? sql`${maskExpression(ident(name), m, input.salt)} AS ${ident(name)}` : ident(name);
  });
  const present = new Set(columns);
  // Derived from the raw value (before its mask), unless the shop delivers the column itself.
  for (const d of DERIVED_COLUMNS[input.dataset] ?? []) {
    if (present.has(d.from) && !present.has(d.name)) {
      select.push(sql`${d.expression(ident(d.from))} AS ${ident(d.name)}`);
      present.add(d.name);
    }
  }
  for (const c of CANONICAL_COLUMNS[input.dataset] ?? []) {
    if (!present.has(c.name)) select.push(sql`CAST(NULL AS ${trusted(c.type)}) AS ${ident(c.name)}`);
  }
  const schema = ident(input.schema ?? 'conformed');
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await engine.exec(sql`CREATE OR REPLACE VIEW ${schema}.${ident(input.dataset)} AS SELECT ${join(select, ', ')} FROM ${input.silver}`);
  return columns.filter((c) => masks.has(c)).sort();
}

/**
 * conformed.<dataset> for a source absent from this run: an empty view with the canonical columns, so
 * that the models which read it optionally still bind (the models that need it are skipped by gold.ts).
 * False when the dataset has no canonical columns (a model cannot read it optionally).
 */
export async function createAbsentConformedView(engine: Engine, dataset: string): Promise<boolean> {
  const columns = CANONICAL_COLUMNS[dataset];
  if (!columns) return false;
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS conformed`);
  const select = columns.map((c) => sql`CAST(NULL AS ${trusted(c.type)}) AS ${ident(c.name)}`);
  await engine.exec(sql`CREATE OR REPLACE VIEW conformed.${ident(dataset)} AS SELECT ${join(select, ', ')} WHERE FALSE`);
  return true;
}
