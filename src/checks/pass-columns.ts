// Every name the fused row pass gives its own columns and tables, in one place: the plan
// (compile-row-rules.ts) writes predicates over these columns and the statements (build-enforce-sql.ts)
// create them, so neither spells a name the other has to match by convention.
//
// Inside the labelling relation every name is positional (`__o3` is the raw text of property 3), so a
// contract's column names reach SQL only as quoted aliases of the final SELECTs. The helper columns that
// live in the silver table between the statements carry the `__etl_` prefix, which contracts may not use
// (contracts/model.ts isReservedColumn).
import { ident, type Sql } from '../sql/sql.ts';
import { INTERNAL_PREFIX } from '../contracts/model.ts';

/** Columns of the labelling relation (the `src` … `labelled` CTEs of the label statement). */
export const passColumn = {
  /** Raw text of declared property i. */
  raw: (i: number): Sql => ident(`__o${i}`),
  /** Typed value of declared property i. */
  typed: (i: number): Sql => ident(`__t${i}`),
  /** Raw text of undeclared bronze column i (kept in quarantine). */
  extra: (i: number): Sql => ident(`__x${i}`),
  /** TRUE when the key of join j was found in the referenced relation (NULL otherwise). */
  joinFound: (j: number): Sql => ident(`__j${j}_found`),
  /** Referenced column k of join j, read by a custom predicate. */
  joinColumn: (j: number, k: number): Sql => ident(`__j${j}_c${k}`),
  /** TRUE when the value of the unique property i is held by more than one kept record. */
  uniqueShared: (i: number): Sql => ident(`__u${i}_dup`),
  /** TRUE for an exact duplicate record (dropped, not quarantined). */
  dropped: ident('__dropped'),
  /** TRUE when the record's primary key is held by records that differ. */
  keyConflict: ident('__key_conflict'),
  /** The ids of the rules the row broke (NULL when none). */
  ruleIds: ident('_rule_ids'),
  /** Placeholder column when a plan has no typed column at all. */
  none: ident('__none'),
};

/** Columns of the per-join subquery (aliased `__j<i>`). */
export const joinColumn = {
  alias: (j: number): Sql => ident(`__j${j}`),
  key: (k: number): Sql => ident(`__k${k}`),
  found: ident('__found'),
  column: (k: number): Sql => ident(`__c${k}`),
};

/** Columns of the duplicates table (the flags of the few records that share a key or all their fields). */
export const duplicateColumn = {
  sourceFile: ident('__sf'),
  recordNumber: ident('__rn'),
  dropped: ident('__d'),
  keyConflict: ident('__kc'),
  hash: ident('__h'),
};

/** Helper columns of the silver table between the label and silver statements (dropped at the end). */
export const helperColumn = {
  /** The original text of a row that broke something, as one list: the declared properties present in
   * bronze, then the undeclared columns (rawSlot in build-enforce-sql.ts). NULL for the rows that broke
   * nothing: one NULL list per row, where one column per field cost 16 bytes per field and row
   * (-0.1 s CPU and -110 MB of the label pass at 1M order lines). */
  raw: ident(`${INTERNAL_PREFIX}raw`),
  dropped: ident(`${INTERNAL_PREFIX}dropped`),
  quarantined: ident(`${INTERNAL_PREFIX}quarantined`),
  excluded: ident(`${INTERNAL_PREFIX}excluded`),
  ruleIds: ident(`${INTERNAL_PREFIX}rule_ids`),
};

/** Temporary tables of the pass of one dataset. */
export const passTable = {
  duplicates: (dataset: string): Sql => ident(`${INTERNAL_PREFIX}duplicates_${dataset}`),
  /** A relation without `_record_number`, numbered once in scan order. */
  numbered: (dataset: string): Sql => ident(`${INTERNAL_PREFIX}numbered_${dataset}`),
};
