// The catalogue of injected defects: per dataset, every kind, how many physical records one
// instance adds, and what the pipeline must do with it. The expected outcome in _defects.json is
// derived from this table alone, so conservation holds by construction.

export type DatasetName = 'orders' | 'customers' | 'products' | 'inventory' | 'promotions' | 'returns' | 'web_events';

/** quarantined: every added record is quarantined; dropped: an exact duplicate, dropped and counted;
 * flagged: an existing record is altered and kept with a warning (adds no record). */
export type DefectOutcome = 'quarantined' | 'dropped' | 'flagged';

export interface DefectKind {
  kind: string;
  /** Records added to the file per injected instance (a conflicting key adds a pair). */
  records: 0 | 1 | 2;
  outcome: DefectOutcome;
}

const q = (kind: string, records: 1 | 2 = 1): DefectKind => ({ kind, records, outcome: 'quarantined' });

export const DEFECT_KINDS: Record<DatasetName, readonly DefectKind[]> = {
  orders: [
    q('missing_key'),
    q('non_positive_quantity'),
    q('non_integer_quantity'),
    q('unparsable_date'),
    q('future_date'),
    q('before_registration'),
    { kind: 'exact_duplicate', records: 1, outcome: 'dropped' },
    q('conflicting_key', 2),
    q('orphan_customer'),
    q('orphan_product'),
    q('malformed_record'),
  ],
  customers: [
    q('invalid_json'),
    q('missing_key'),
    q('unparsable_date'),
    q('conflicting_key', 2),
    { kind: 'malformed_email', records: 0, outcome: 'flagged' },
  ],
  products: [q('negative_price'), q('negative_cost'), q('missing_key'), q('conflicting_key', 2)],
  inventory: [q('negative_stock'), q('orphan_product'), q('unparsable_date')],
  promotions: [q('end_before_start'), q('missing_key')],
  returns: [q('non_positive_quantity'), q('unknown_order')],
  web_events: [q('unknown_event_type'), q('unparsable_timestamp')],
};

export type DefectCounts = Record<string, number>;

export interface ExpectedOutcome {
  records_in: number;
  rows_out: number;
  rows_quarantined: number;
  duplicates_dropped: number;
  rows_flagged: number;
}

/**
 * How many instances of each kind to inject: ≈ rate × clean records / number of kinds, at least one
 * of each when the rate is positive and the dataset has 100 records or more.
 */
export function countDefects(dataset: DatasetName, cleanRecords: number, rate: number): DefectCounts {
  const kinds = DEFECT_KINDS[dataset];
  const counts: DefectCounts = {};
  for (const k of kinds) {
    const n = rate > 0 ? Math.round((rate * cleanRecords) / kinds.length) : 0;
    counts[k.kind] = rate > 0 && cleanRecords >= 100 ? Math.max(1, n) : n;
  }
  // A flagged kind alters existing records: never more than there are.
  for (const k of kinds) if (k.outcome === 'flagged') counts[k.kind] = Math.min(counts[k.kind] ?? 0, cleanRecords);
  return counts;
}

/** What the pipeline must report for a dataset with `cleanRecords` valid records plus these defects. */
export function expectOutcome(dataset: DatasetName, cleanRecords: number, counts: DefectCounts): ExpectedOutcome {
  const out: ExpectedOutcome = { records_in: cleanRecords, rows_out: cleanRecords, rows_quarantined: 0, duplicates_dropped: 0, rows_flagged: 0 };
  for (const k of DEFECT_KINDS[dataset]) {
    const n = counts[k.kind] ?? 0;
    out.records_in += n * k.records;
    if (k.outcome === 'quarantined') out.rows_quarantined += n * k.records;
    else if (k.outcome === 'dropped') out.duplicates_dropped += n * k.records;
    else out.rows_flagged += n;
  }
  return out;
}
