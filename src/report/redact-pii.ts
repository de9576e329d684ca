// No raw PII in a report: before a QualityReport is rendered (json, txt, junit), what could quote a
// value of a PII column is withheld for every dataset that has one.
//   - SQL rules run user SQL over the data: the engine's error ("Could not convert string
//     'ada@example.com' …", or whatever error(email) raises) and a non-numeric result ("the query
//     returned …") can carry any value. Only the error's class is kept.
//   - Failed samples are key values: dropped when the key itself is a PII column.
// PII columns are those a conformed view masks (classification pii or an explicit mask).
import type { Contract } from '../contracts/model.ts';
import type { CheckResult, QualityReport } from '../checks/result.ts';
import { maskOf } from '../stages/conform.ts';

export type PiiPolicy = Record<string, { columns: string[]; keyHoldsPii: boolean }>;

/** The PII columns of every dataset (source and silver contracts), and whether its key is one. */
export function piiPolicyOf(contracts: readonly Contract[]): PiiPolicy {
  const policy: PiiPolicy = {};
  for (const c of contracts) {
    if (c.layer === 'gold') continue; // gold tables are built from the masked views
    const columns = c.properties.filter((p) => maskOf(p) !== undefined).map((p) => p.name);
    if (columns.length === 0) continue;
    const entry = (policy[c.dataset] ??= { columns: [], keyHoldsPii: false });
    for (const col of columns) if (!entry.columns.includes(col)) entry.columns.push(col);
    entry.columns.sort();
  }
  for (const c of contracts) {
    const entry = policy[c.dataset];
    if (entry && c.primaryKey.some((k) => entry.columns.includes(k))) entry.keyHoldsPii = true;
  }
  return policy;
}

/** "Conversion Error: Could not convert …" → "Conversion Error"; anything else → "engine error". */
function errorClass(message: string): string {
  return /^([A-Z][A-Za-z ]{0,40}Error)\b/.exec(message)?.[1] ?? 'engine error';
}

function redactCheck(c: CheckResult, policy: PiiPolicy): CheckResult {
  const pii = policy[c.dataset];
  if (!pii) return c;
  const out: CheckResult = { ...c };
  const withheld = `${c.dataset} has PII columns (${pii.columns.join(', ')})`;
  if (c.message !== undefined) {
    if (c.message.startsWith('query failed: ')) {
      out.message = `query failed: ${errorClass(c.message.slice('query failed: '.length))} (the engine's message is withheld: ${withheld})`;
    } else if (c.message.startsWith('the query returned ')) {
      out.message = `the query returned a value that is not a number (withheld: ${withheld})`;
    }
  }
  if (pii.keyHoldsPii) delete out.sample_keys;
  return out;
}

export function redactPii(report: QualityReport, policy: PiiPolicy): QualityReport {
  if (Object.keys(policy).length === 0) return report;
  return {
    ...report,
    checks: report.checks.map((c) => redactCheck(c, policy)),
    top_reasons: report.top_reasons.map((r) => (policy[r.dataset]?.keyHoldsPii ? { ...r, sample_keys: [] } : r)),
  };
}
