// Physical record → canonical columns: what each declared property reads from the file (its
// physicalName, its own name, or its transformLogic over the record's physical columns), with the
// server's null markers turned into NULL first. Pure: builds the SELECT list of the view that bronze
// hands to the row rules and the source dataset rules, which then see canonical names only. DuckDB
// inlines the view, so the fused row pass still scans the file once.
import { compileExpression, expressionRefs, parseExpression } from '../expr/index.ts';
import { buildTransformScope, transformColumns } from '../contracts/expr-scope.ts';
import { LINEAGE_COLUMNS, sourceOf, type Contract, type Property, type PropertySource } from '../contracts/model.ts';
import { ident, join, list, sql, type Sql } from '../sql/sql.ts';

export interface MappedProperty {
  property: Property;
  contract: Contract;
  source: PropertySource;
  /** Physical columns the property reads (its column, or the columns its transformLogic names). */
  reads: string[];
  /** The physical columns it reads that the file lacks. */
  missing: string[];
}

export interface ColumnMapping {
  /** Every property of the contracts (first declaration, layer order), with what it reads. */
  properties: MappedProperty[];
  /** SELECT list over the bronze alias `b` (canonical columns, unmapped physical columns, lineage),
   * or undefined when the bronze relation already has the canonical shape. */
  select?: Sql;
  /** transformLogic that does not compile against the file (lint catches these first). */
  problems: { property: string; message: string; contract: Contract }[];
}

export interface MapColumnsInput {
  /** Source first, then silver. */
  contracts: Contract[];
  /** Columns of the bronze relation (lineage included). */
  bronzeColumns: string[];
  /** Raw values read as NULL (server customProperties nullValues). */
  nullValues?: readonly string[];
  /** Leave out every property whose column is missing (validate reports them as field_present
   * failures); by default a source property's missing column reads as NULL (bronze warns). */
  omitMissing?: boolean;
}

function readsOf(source: PropertySource): string[] {
  if (source.kind === 'column') return [source.column];
  const parsed = parseExpression(source.expression);
  return parsed.ok ? expressionRefs(parsed.ast).filter((r) => r.dataset === undefined).map((r) => r.column) : [];
}

export function mapColumns(input: MapColumnsInput): ColumnMapping {
  const have = new Set(input.bronzeColumns);
  const nulls = [...new Set(input.nullValues ?? [])].filter((v) => v !== '');
  const properties: MappedProperty[] = [];
  const seen = new Map<string, MappedProperty>();
  for (const contract of input.contracts) {
    for (const property of contract.properties) {
      const source = sourceOf(property);
      const prior = seen.get(property.name);
      // A later layer may map a property the earlier one left to its own name; the first mapping wins.
      if (prior && (prior.property.source !== undefined || property.source === undefined)) continue;
      const reads = readsOf(source);
      const m: MappedProperty = { property, contract, source, reads, missing: reads.filter((c) => !have.has(c)) };
      if (prior) properties[properties.indexOf(prior)] = m;
      else properties.push(m);
      seen.set(property.name, m);
    }
  }

  const raw = (column: string): Sql => {
    if (!have.has(column)) return sql`CAST(NULL AS VARCHAR)`;
    const v = sql`CAST(b.${ident(column)} AS VARCHAR)`;
    return nulls.length > 0 ? sql`CASE WHEN ${v} IN (${list(nulls)}) THEN NULL ELSE ${v} END` : v;
  };
  const problems: ColumnMapping['problems'] = [];
  const identity = properties.every((m) => m.source.kind === 'column' && m.source.column === m.property.name);
  const absentDeclared = !input.omitMissing && properties.some((m) => m.missing.length > 0 && m.contract.layer === 'source');
  if (identity && nulls.length === 0 && !absentDeclared) return { properties, problems };

  const canonical = new Set(properties.map((m) => m.property.name));
  const consumed = new Set(properties.flatMap((m) => (m.source.kind === 'column' && m.source.column !== m.property.name ? [m.source.column] : [])));
  const items: Sql[] = [];
  for (const m of properties) {
    // A silver-only property absent from the file stays absent: the row pass reports it (field_present).
    if (m.missing.length > 0 && (input.omitMissing || m.contract.layer !== 'source') && m.source.kind === 'column') continue;
    const name = ident(m.property.name);
    if (m.source.kind === 'column') {
      items.push(sql`${raw(m.source.column)} AS ${name}`);
      continue;
    }
    const scope = buildTransformScope(transformColumns(m.contract, m.source.sourceColumns), raw);
    const r = compileExpression(m.source.expression, scope);
    if (!r.ok) {
      problems.push({ property: m.property.name, message: `transformLogic does not compile: ${r.message} (at character ${r.offset + 1})`, contract: m.contract });
      items.push(sql`CAST(NULL AS VARCHAR) AS ${name}`);
      continue;
    }
    items.push(sql`CAST(${r.sql} AS VARCHAR) AS ${name}`);
  }
  // Columns no property reads under another name stay, raw, for the quarantine; a column whose name
  // is a canonical one (mapped from elsewhere) is left out rather than shadow it.
  for (const c of input.bronzeColumns) {
    if (LINEAGE_COLUMNS.has(c)) items.push(sql`b.${ident(c)}`);
    else if (!canonical.has(c) && !consumed.has(c)) items.push(sql`b.${ident(c)}`);
  }
  return { properties, problems, select: join(items, ', ') };
}
