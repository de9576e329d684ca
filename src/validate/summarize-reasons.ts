// Top reasons of a validate report, from the row checks themselves (quarantined and flagged rows alike):
// most frequent first, with the sample keys the row pass collected.
import type { CheckResult, ReasonSummary } from '../checks/result.ts';

const TOP_REASONS = 10;

export function summarizeReasons(checks: readonly CheckResult[]): ReasonSummary[] {
  return checks
    .filter((c) => c.kind === 'row' && c.failed_rows > 0 && (c.status === 'failed' || c.status === 'warning'))
    .map((c) => ({ dataset: c.dataset, rule_id: c.id, reason: c.description, count: c.failed_rows, sample_keys: [...(c.sample_keys ?? [])] }))
    .sort((a, b) => b.count - a.count || (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0))
    .slice(0, TOP_REASONS);
}
