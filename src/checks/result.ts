// Results are data: one typed model, rendered as JSON, text and JUnit (src/report/).
import type { Layer, Severity } from '../contracts/model.ts';
import type { RuleKind } from './rule-kinds.ts';

export const QUALITY_REPORT_SCHEMA_VERSION = '1.0.0';

export type CheckStatus = 'passed' | 'warning' | 'failed' | 'error' | 'skipped';
/** row: decides which rows cross the boundary; dataset: decides whether the boundary opens. */
export type CheckKind = 'row' | 'dataset';

export interface CheckResult {
  /** Stable id, unique in a report, e.g. `orders.quantity.minimum`, `orders.quarantine_rate`. */
  id: string;
  /** The rule's kind (the rule table, rule-kinds.ts): required, minimum, pattern, relationship, custom,
   * duplicate_key, field_present, malformed_record, nullValues, rowCount, freshness, sql … */
  rule: RuleKind;
  dataset: string;
  layer: Layer | 'bronze';
  kind: CheckKind;
  severity: Severity;
  property?: string;
  /** Human-readable reason, also written next to quarantined rows. */
  description: string;
  /** Rows that broke the rule (row rules) or rows counted by the metric (dataset rules). */
  failed_rows: number;
  /** Measured metric value for dataset rules (percent when unit is percent). */
  value?: number | null;
  /** The threshold, for people: `<= 5 %`, `= 0`, `between 1 and 10`. */
  threshold?: string;
  status: CheckStatus;
  /** Why a rule errored or was skipped (an SQL rule refused, a missing column …). */
  message?: string;
  /** A few keys of failing rows (primary key or record number). */
  sample_keys?: string[];
  contract?: { file: string; line?: number };
}

export interface SourceCounts {
  records_in: number;
  rows_out: number;
  rows_quarantined: number;
  duplicates_dropped: number;
  /** Rows a business filter of a contract kept out on purpose (not failures; the conservation of README.md:
   * records_in = rows_out + rows_quarantined + duplicates_dropped + rows_excluded). */
  rows_excluded: number;
  /** Rows kept but flagged by a warning-severity row rule. */
  rows_flagged: number;
}

export interface ReasonSummary {
  dataset: string;
  rule_id: string;
  reason: string;
  count: number;
  sample_keys: string[];
}

/** The status values (README.md, after "Exit codes"): SUCCESS published and every error-severity dataset rule held; WARNING
 * published although one failed (no --strict); FAILED nothing was published. */
export type RunStatus = 'SUCCESS' | 'WARNING' | 'FAILED';

export interface QualityReport {
  schemaVersion: string;
  command: 'run' | 'validate';
  /** See RunStatus (validate: SUCCESS when the file conforms, FAILED otherwise). */
  status: RunStatus;
  strict: boolean;
  run_id: string;
  as_of: string;
  sources: Record<string, SourceCounts>;
  checks: CheckResult[];
  top_reasons: ReasonSummary[];
  summary: { passed: number; warning: number; failed: number; error: number; skipped: number };
  /** Contract id → version of every contract that took part. */
  contracts: Record<string, string>;
  /** Runs that keep an incremental state (a source read from a glob): what `sources` and the quarantine
   * count — every input file processed so far (cumulative), never only this run's new records. */
  counts_scope?: string;
}

/** The run's verdict: worst status of its checks (error > failed > warning > passed). */
export function worstStatus(checks: readonly CheckResult[]): CheckStatus {
  const order: CheckStatus[] = ['error', 'failed', 'warning', 'passed'];
  for (const s of order) if (checks.some((c) => c.status === s)) return s;
  return checks.length > 0 ? 'skipped' : 'passed';
}

export function summarize(checks: readonly CheckResult[]): QualityReport['summary'] {
  const summary = { passed: 0, warning: 0, failed: 0, error: 0, skipped: 0 };
  for (const c of checks) summary[c.status] += 1;
  return summary;
}

/** A measured value for people and reports: at most two decimals (22.58854559155991 → 22.59), integers
 * stay integers; a very small non-zero value keeps three significant digits rather than becoming 0. */
export function roundMeasure(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const r = Math.round(value * 100) / 100;
  return r === 0 ? Number(value.toPrecision(3)) : r;
}
