// The verdict of validate: a file conforms when no error-severity rule is broken. Broken
// warning-severity rules (and rules that could not run at warning severity) only warn.
import type { CheckResult } from '../checks/result.ts';

export type ValidateVerdict = 'PASSED' | 'PASSED with warnings' | 'FAILED';

export function isBlocking(c: CheckResult): boolean {
  return (c.status === 'failed' || c.status === 'error') && c.severity === 'error';
}

export function judgeChecks(checks: readonly CheckResult[]): ValidateVerdict {
  if (checks.some(isBlocking)) return 'FAILED';
  return checks.some((c) => c.status !== 'passed' && c.status !== 'skipped') ? 'PASSED with warnings' : 'PASSED';
}
