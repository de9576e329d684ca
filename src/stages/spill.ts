// DuckDB's spill folder for one run: `.etl-spill-<pid>` beside --out (same disk as the output, never
// inside a folder the run reads or publishes). A run killed hard leaves its folder behind; the next
// run beside the same output removes the folders whose process is gone, and the temporary files of
// atomic writes such a run left.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../log.ts';
import { isAlive } from './output-lock.ts';
import { fingerprintCachePathOf } from './fingerprint.ts';
import { staleTempFiles } from '../io/atomic-write.ts';

export function spillPathOf(out: string, pid = process.pid): string {
  return join(dirname(out), `.etl-spill-${pid}`);
}

export async function removeStaleSpills(out: string, log: Logger): Promise<string[]> {
  const parent = dirname(out);
  if (!existsSync(parent)) return [];
  const removed: string[] = [];
  for (const name of await readdir(parent)) {
    const m = /^\.etl-spill-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  if (removed.length > 0) log.warn({ removed }, 'removed the spill folders of runs that are no longer running');
  return removed;
}

/** The temporary files of atomic writes (io/atomic-write.ts) that runs killed between writing and renaming
 * left beside the output (the fingerprint cache) and in output/_runs (a run record's deliveries). */
export async function removeStaleTempFiles(out: string, log: Logger): Promise<string[]> {
  const removed: string[] = [];
  const cache = fingerprintCachePathOf(out);
  const stale = [
    ...(await staleTempFiles(dirname(cache), (target) => target === basename(cache))),
    ...(await staleTempFiles(join(out, '_runs'), (target) => target.endsWith('.json'))),
  ];
  for (const [file, pid] of stale) {
    if (isAlive(pid)) continue;
    await rm(file, { force: true });
    removed.push(file);
  }
  if (removed.length > 0) log.warn({ removed }, 'removed the temporary files of runs that are no longer running');
  return removed;
}
