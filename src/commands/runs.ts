// `etl runs list` and `etl runs show ID`: the run history in output/_runs (src/report/run-history.ts).
import { join } from 'node:path';
import { EtlError, EXIT } from '../errors.ts';
import { findRun, nearestRunIds, readRunHistory, renderRunDetail, renderRunList, type RunHistory } from '../report/run-history.ts';

export interface RunsListOptions {
  out: string;
  json?: boolean;
  limit?: number;
}

export interface RunsShowOptions {
  out: string;
  id: string;
  json?: boolean;
}

function warnSkipped(history: RunHistory, out: string): void {
  for (const f of history.skipped) process.stderr.write(`warning: ${join(out, '_runs', f)} is not a run record; skipped\n`);
}

export async function runsListCommand(opts: RunsListOptions): Promise<number> {
  const history = await readRunHistory(opts.out);
  warnSkipped(history, opts.out);
  const newestFirst = [...history.runs].reverse().slice(0, opts.limit ?? Infinity);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ out: opts.out, total: history.runs.length, runs: newestFirst }, null, 2)}\n`);
  } else if (newestFirst.length === 0) {
    process.stdout.write(`no runs recorded in ${join(opts.out, '_runs')} (etl run writes one record per run there)\n`);
  } else {
    process.stdout.write(renderRunList(newestFirst));
    if (newestFirst.length < history.runs.length) process.stdout.write(`(${newestFirst.length} of ${history.runs.length} runs; --limit)\n`);
  }
  return EXIT.OK;
}

export async function runsShowCommand(opts: RunsShowOptions): Promise<number> {
  const history = await readRunHistory(opts.out);
  warnSkipped(history, opts.out);
  const run = findRun(history.runs, opts.id);
  if (!run) {
    const ids = history.runs.map((r) => r.run_id);
    const prefixed = ids.filter((x) => x.startsWith(opts.id));
    if (prefixed.length > 1) {
      throw new EtlError('RUN_NOT_FOUND', `'${opts.id}' is the start of ${prefixed.length} runs in ${join(opts.out, '_runs')}`, {
        hint: `give more of the id: ${prefixed.slice(-5).reverse().join(', ')}`,
      });
    }
    const nearest = nearestRunIds(opts.id, ids);
    throw new EtlError('RUN_NOT_FOUND', `no run '${opts.id}' in ${join(opts.out, '_runs')}`, {
      hint: nearest.length > 0 ? `the nearest recorded runs: ${nearest.join(', ')} (etl runs list --out ${opts.out})` : `no runs are recorded there; pass --out DIR of a run's output`,
    });
  }
  process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : renderRunDetail(run));
  return EXIT.OK;
}
