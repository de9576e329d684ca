// The row checks of a dataset after an incremental append (incremental.ts): the state's results plus the
// new rows', as one run over all the files gives them.
import type { CheckResult } from '../checks/result.ts';
import { SAMPLE_SIZE } from '../checks/build-enforce-sql.ts';

const COUNTED = new Set(['passed', 'failed', 'warning']);
const excludedOf = (c: CheckResult) => Number(/^(\d+) rows? excluded$/.exec(c.message ?? '')?.[1] ?? 0);

/**
 * The row checks of a dataset after an append: the state's results plus the new rows', as one run over
 * all the files would give them — failures summed, status recomputed, samples in file order (new files
 * sort after processed ones), excluded rows summed. A string says why the two do not merge.
 */
export function mergeRowChecks(old: CheckResult[], fresh: CheckResult[]): CheckResult[] | string {
  if (old.length !== fresh.length || old.some((o, i) => o.id !== fresh[i]!.id)) return 'the new files give other checks than the processed ones (another header?)';
  const merged: CheckResult[] = [];
  for (const [i, o] of old.entries()) {
    const n = fresh[i]!;
    if (o.rule !== n.rule || o.kind !== n.kind || o.severity !== n.severity || o.layer !== n.layer) return `check ${o.id} differs between the new and the processed files`;
    if (o.kind === 'dataset' || o.rule === 'transform' || !COUNTED.has(o.status) || !COUNTED.has(n.status)) {
      if (o.status !== n.status || o.message !== n.message) return `check ${o.id} differs between the new and the processed files (${n.status}: ${n.message ?? ''})`;
      merged.push(o);
      continue;
    }
    if (o.rule === 'filter') {
      const excluded = excludedOf(o) + excludedOf(n);
      const samples = [...(o.sample_keys ?? []), ...(n.sample_keys ?? [])].slice(0, SAMPLE_SIZE);
      const { sample_keys: _s, ...rest } = o;
      merged.push({ ...rest, message: `${excluded} row${excluded === 1 ? '' : 's'} excluded`, ...(samples.length > 0 ? { sample_keys: samples } : {}) });
      continue;
    }
    const failed = o.failed_rows + n.failed_rows;
    // In file order (malformed records too: checks/malformed-records.ts samples by file, then record).
    const samples = [...(o.sample_keys ?? []), ...(n.sample_keys ?? [])];
    const { sample_keys: _s, message: _m, ...rest } = o;
    // A relationship's message is the upstream explanation, recomputed over the whole quarantine.
    const message = o.rule === 'relationship' ? n.message : o.message;
    merged.push({
      ...rest,
      failed_rows: failed,
      status: failed === 0 ? 'passed' : o.severity === 'error' ? 'failed' : 'warning',
      ...(message !== undefined ? { message } : {}),
      ...(failed > 0 ? { sample_keys: samples.slice(0, SAMPLE_SIZE) } : {}),
    });
  }
  return merged;
}
