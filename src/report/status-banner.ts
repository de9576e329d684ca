// The first lines of every text report when a run's status is not plain SUCCESS (README.md, "Exit
// codes" and the status values after it): a WARNING run published although error-severity dataset rules failed, and says so at the top.
import { roundMeasure, type CheckResult, type RunStatus } from '../checks/result.ts';

/** One gate failure for people: `orders.orders_quarantine_rate failed: 100 (expected <= 5 %)`. */
export function describeGateFailure(c: CheckResult): string {
  const value = typeof c.value === 'number' ? `: ${roundMeasure(c.value)}` : '';
  const expected = c.threshold ? ` (expected ${c.threshold})` : '';
  return `${c.id} ${c.status}${value}${expected}`;
}

/** '' for SUCCESS; otherwise a banner (ending with a blank line) to put above a report. */
export function statusBanner(status: RunStatus, failures: readonly CheckResult[] = []): string {
  if (status === 'SUCCESS') return '';
  const head =
    status === 'WARNING'
      ? 'STATUS: WARNING: published although error-severity dataset rules failed (run without --strict); the figures below may be incomplete'
      : 'STATUS: FAILED: nothing was published';
  return `${[head, ...failures.map((f) => `  - ${describeGateFailure(f)}`), 'See quality_report.txt for the checks and the quarantined rows.'].join('\n')}\n\n`;
}

/** Error-severity dataset rules that failed: what closes the --strict gate, and what makes a run WARNING. */
export function gateFailuresOf(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.kind === 'dataset' && c.severity === 'error' && (c.status === 'failed' || c.status === 'error'));
}
