// reports/quality_report.json: the QualityReport model as JSON, byte-stable for the same inputs:
// keys in a fixed order, checks sorted by dataset, layer (pipeline order), id, no wall-clock time.
import { roundMeasure, type CheckResult, type QualityReport, type ReasonSummary } from '../checks/result.ts';

/** Pipeline order of the layers, so that a report reads in the order the data flowed. */
const LAYER_ORDER: Record<string, number> = { bronze: 0, source: 1, silver: 2, gold: 3 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checks sorted by dataset, layer (bronze → source → silver → gold), id. Does not mutate its input. */
export function sortChecks(checks: readonly CheckResult[]): CheckResult[] {
  return [...checks].sort(
    (a, b) =>
      compareText(a.dataset, b.dataset) ||
      (LAYER_ORDER[a.layer] ?? 9) - (LAYER_ORDER[b.layer] ?? 9) ||
      compareText(a.id, b.id),
  );
}

/** Top reasons by count (descending), then dataset and rule id, so ties never reorder between runs. */
export function sortReasons(reasons: readonly ReasonSummary[]): ReasonSummary[] {
  return [...reasons].sort(
    (a, b) => b.count - a.count || compareText(a.dataset, b.dataset) || compareText(a.rule_id, b.rule_id),
  );
}

function sortedRecord<T, U>(record: Record<string, T>, map: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key of Object.keys(record).sort(compareText)) out[key] = map(record[key] as T);
  return out;
}

/** Keys in a fixed order; optional fields are left out when absent rather than written as null. */
function orderCheck(c: CheckResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    dataset: c.dataset,
    layer: c.layer,
    kind: c.kind,
    rule: c.rule,
  };
  if (c.property !== undefined) out['property'] = c.property;
  out['severity'] = c.severity;
  out['status'] = c.status;
  out['failed_rows'] = c.failed_rows;
  if (c.value !== undefined) out['value'] = c.value === null ? null : roundMeasure(c.value);
  if (c.threshold !== undefined) out['threshold'] = c.threshold;
  out['description'] = c.description;
  if (c.message !== undefined) out['message'] = c.message;
  if (c.sample_keys !== undefined) out['sample_keys'] = [...c.sample_keys];
  if (c.contract !== undefined) {
    out['contract'] = c.contract.line === undefined ? { file: c.contract.file } : { file: c.contract.file, line: c.contract.line };
  }
  return out;
}

/** The report as an ordered plain object (what the JSON file holds). */
export function toQualityJson(report: QualityReport): Record<string, unknown> {
  return {
    schemaVersion: report.schemaVersion,
    command: report.command,
    status: report.status,
    strict: report.strict,
    run_id: report.run_id,
    as_of: report.as_of,
    summary: {
      passed: report.summary.passed,
      warning: report.summary.warning,
      failed: report.summary.failed,
      error: report.summary.error,
      skipped: report.summary.skipped,
    },
    sources: sortedRecord(report.sources, (s) => ({
      records_in: s.records_in,
      rows_out: s.rows_out,
      rows_quarantined: s.rows_quarantined,
      duplicates_dropped: s.duplicates_dropped,
      rows_excluded: s.rows_excluded ?? 0,
      rows_flagged: s.rows_flagged,
    })),
    ...(report.counts_scope !== undefined ? { counts_scope: report.counts_scope } : {}),
    checks: sortChecks(report.checks).map(orderCheck),
    top_reasons: sortReasons(report.top_reasons).map((r) => ({
      dataset: r.dataset,
      rule_id: r.rule_id,
      reason: r.reason,
      count: r.count,
      sample_keys: [...r.sample_keys],
    })),
    contracts: sortedRecord(report.contracts, (v) => v),
  };
}

export function renderQualityJson(report: QualityReport): string {
  return `${JSON.stringify(toQualityJson(report), null, 2)}\n`;
}
