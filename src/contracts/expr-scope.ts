// The scope an etl expression is compiled in: which names a custom rule of a contract may use.
// Row rules see their own columns (bare or qualified by the dataset/table name) and the columns of
// datasets their relationships point at (qualified: customers.registration_date) — the relationship
// defines the join. Reconciliation expressions see one dataset's columns, with aggregates.
import type { ColumnRef, ExprScope } from '../expr/index.ts';
import { ident, literal, qualified, sql, type Sql } from '../sql/sql.ts';
import { sourceOf, type Contract } from './model.ts';

export interface ScopeRendering {
  /** SQL of a column of the contract's own table (default: "column"). */
  own?: (column: string) => Sql;
  /** SQL of a column of a related dataset (default: "dataset"."column"). */
  related?: (dataset: string, column: string) => Sql;
  /** The literal for as_of() (default: DATE '1970-01-01', enough to lint). */
  asOf?: Sql;
}

export interface TrackedScope extends ExprScope {
  /** Why the last reference failed to resolve (for a helpful hint). */
  lastMiss(): string | undefined;
}

/** The contract of a dataset to resolve names against: silver first (relationships execute there). */
export function findDatasetContract(contracts: readonly Contract[], name: string, preferLayer: Contract['layer'] = 'silver'): Contract | undefined {
  const matches = contracts.filter((c) => c.dataset === name || c.object === name);
  return matches.find((c) => c.layer === preferLayer) ?? matches.find((c) => c.layer === 'silver') ?? matches[0];
}

const DEFAULT_AS_OF = sql`DATE ${literal('1970-01-01')}`;

/**
 * Scope of a row rule of `contract`. `contracts` is the set loaded together; when `strict` is false a
 * related dataset that is not loaded accepts any column (a single file linted alone).
 */
export function buildRowRuleScope(contract: Contract, contracts: readonly Contract[], render: ScopeRendering = {}, strict = true): TrackedScope {
  const own = render.own ?? ((c: string) => ident(c));
  const related = render.related ?? ((d: string, c: string) => qualified(d, c));
  const columns = new Set(contract.properties.map((p) => p.name));
  const relatedDatasets = new Set(contract.relationships.map((r) => r.toDataset));
  let miss: string | undefined;
  return {
    allowAggregates: false,
    asOf: render.asOf ?? DEFAULT_AS_OF,
    lastMiss: () => miss,
    resolve(ref: ColumnRef): Sql | undefined {
      miss = undefined;
      if (ref.dataset === undefined || ref.dataset === contract.dataset || ref.dataset === contract.object) {
        if (columns.has(ref.column)) return own(ref.column);
        miss = `${contract.object} has the columns ${[...columns].join(', ')}`;
        return undefined;
      }
      if (!relatedDatasets.has(ref.dataset)) {
        miss = `${ref.dataset} is not related to ${contract.dataset}: add a relationship (foreign key) to ${ref.dataset}, which defines the join`;
        return undefined;
      }
      const target = findDatasetContract(contracts, ref.dataset);
      if (!target) {
        if (!strict) return related(ref.dataset, ref.column);
        miss = `no contract for dataset ${ref.dataset} was loaded`;
        return undefined;
      }
      if (target.properties.some((p) => p.name === ref.column)) return related(ref.dataset, ref.column);
      miss = `${ref.dataset} has the columns ${target.properties.map((p) => p.name).join(', ')}`;
      return undefined;
    },
  };
}

/** Scope of an aggregate (reconciliation) expression over one dataset's columns. */
export function buildAggregateScope(contract: Contract, render: Pick<ScopeRendering, 'own' | 'asOf'> = {}): TrackedScope {
  const own = render.own ?? ((c: string) => ident(c));
  const columns = new Set(contract.properties.map((p) => p.name));
  let miss: string | undefined;
  return {
    allowAggregates: true,
    asOf: render.asOf ?? DEFAULT_AS_OF,
    lastMiss: () => miss,
    resolve(ref: ColumnRef): Sql | undefined {
      miss = undefined;
      if ((ref.dataset === undefined || ref.dataset === contract.dataset || ref.dataset === contract.object) && columns.has(ref.column)) return own(ref.column);
      miss = `${contract.dataset} has the columns ${[...columns].join(', ')}`;
      return undefined;
    },
  };
}

/** The physical columns a transformLogic may read: every property's column (physicalName or name),
 * plus the property's own transformSourceObjects (columns of the file no property maps). */
export function transformColumns(contract: Pick<Contract, 'properties'>, extra: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const p of contract.properties) {
    const src = sourceOf(p);
    if (src.kind === 'column') out.add(src.column);
  }
  for (const c of extra) out.add(c);
  return [...out];
}

/** Scope of a transformLogic: the record's physical columns, as text; no aggregates, no other dataset. */
export function buildTransformScope(columns: readonly string[], render: (column: string) => Sql = (c) => ident(c)): TrackedScope {
  const known = new Set(columns);
  let miss: string | undefined;
  return {
    allowAggregates: false,
    textLiterals: true,
    asOf: DEFAULT_AS_OF,
    lastMiss: () => miss,
    resolve(ref: ColumnRef): Sql | undefined {
      miss = undefined;
      if (ref.dataset === undefined && known.has(ref.column)) return render(ref.column);
      miss = `a transformLogic reads the file's columns: ${[...known].join(', ')} (list others in transformSourceObjects)`;
      return undefined;
    },
  };
}
