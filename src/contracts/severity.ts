// ODCS leaves severity free text; like the reference tool (datacontract-cli), the mild words mean
// "warning" and the rest mean "error".
import type { Severity } from './model.ts';

const WARNING_WORDS = new Set(['warning', 'warn', 'info', 'information', 'low', 'minor', 'trivial']);
const ERROR_WORDS = new Set(['error', 'critical', 'high', 'major', 'blocker', 'fatal', 'severe']);

export const SEVERITY_WORDS = [...ERROR_WORDS, ...WARNING_WORDS];

/** undefined for a word that is neither (the profile reports it; it then counts as error). */
export function toSeverity(raw: unknown): Severity | undefined {
  if (typeof raw !== 'string') return undefined;
  const w = raw.trim().toLowerCase();
  if (WARNING_WORDS.has(w)) return 'warning';
  if (ERROR_WORDS.has(w)) return 'error';
  return undefined;
}
