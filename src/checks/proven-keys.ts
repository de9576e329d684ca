// Which gold tables' primary keys the gold checks proved: every key column required and never NULL,
// and the key's duplicateValues rule measured 0. Publishing sorts such a table on its key alone (the
// same order as key-then-every-column, since no two rows tie on the key).
import { allQualityRules, type Contract } from '../contracts/model.ts';
import type { CheckResult } from './result.ts';
import { duplicateColumnsOf } from './dataset-metrics.ts';

function ruleId(dataset: string, id: string): string {
  return id.startsWith(`${dataset}.`) ? id : `${dataset}.${id}`;
}

export function provenKeys(contracts: readonly Contract[], checks: readonly CheckResult[]): Set<string> {
  const byId = new Map(checks.filter((c) => c.layer === 'gold').map((c) => [c.id, c]));
  // Passed with nothing found: no failed row, a measured value (if any) of 0.
  const held = (id: string, rule: string) => {
    const c = byId.get(id);
    return c !== undefined && c.rule === rule && c.status === 'passed' && c.failed_rows === 0 && (c.value ?? 0) === 0;
  };
  const proven = new Set<string>();
  for (const c of contracts) {
    const key = c.primaryKey;
    if (c.layer !== 'gold' || key.length === 0) continue;
    if (!key.every((k) => held(`${c.dataset}.${k}.required`, 'required'))) continue;
    const same = (cols: string[]) => cols.length === key.length && cols.every((k) => key.includes(k));
    const unique = allQualityRules(c).some((r) => r.type === 'library' && r.metric === 'duplicateValues' && same(duplicateColumnsOf(r, c)) && held(ruleId(c.dataset, r.id), 'duplicateValues'));
    if (unique) proven.add(c.dataset);
  }
  return proven;
}
