// DuckDB's spill folder for one run: `.etl-spill-<pid>` beside --out (same disk as the output, never
// inside a folder the run reads or publishes). A run killed hard leaves its folder behind; the next
// run beside the same output removes the folders whose process is gone.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../log.ts';
import { isAlive } from './output-lock.ts';

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
