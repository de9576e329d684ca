// One run at a time per output: a lock file beside the folder (`.<name>.lock`) holding the holder's
// pid, start time and host. It is created whole or not at all (written to a private file, then
// hard-linked into place: link fails if the lock exists). A second run refuses at once; a lock whose
// holder is dead (same host, no such pid) is taken over with a warning. Everything a run recovers or
// deletes beside its output happens while it holds this lock.
import { hostname } from 'node:os';
import { link, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../log.ts';
import { EtlError } from '../errors.ts';

export interface LockHolder {
  pid: number;
  started_at: string;
  host: string;
  /** The folder the lock guards. */
  target: string;
}

export interface OutputLock {
  path: string;
  holder: LockHolder;
  release(): Promise<void>;
}

export function lockPathOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

/** Is a process with this pid running on this machine? (EPERM: it runs, as another user.) */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, started_at: String(h.started_at ?? '?'), target: String(h.target ?? '') } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: -1, host: hostname(), started_at: '?', target: '' }; // unreadable content: nobody alive owns it
  }
}

const isStale = (h: LockHolder) => h.host === hostname() && !isAlive(h.pid);
const describeHolder = (h: LockHolder) => `pid ${h.pid} on ${h.host}, started ${h.started_at}`;

function notWritable(target: string, cause: unknown): EtlError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'EACCES';
  return new EtlError('OUTPUT_NOT_WRITABLE', `cannot write beside ${target} (${code}): the output folder and its parent must be writable`, {
    location: { file: target },
    hint: 'choose a writable --out/--reports, or fix the folder permissions',
    cause,
  });
}

/** Take the lock of `target`'s folder, or refuse (exit 2) when another live run holds it. */
export async function acquireLock(target: string, log: Logger): Promise<OutputLock> {
  const path = lockPathOf(target);
  const holder: LockHolder = { pid: process.pid, started_at: new Date().toISOString(), host: hostname(), target };
  const mine = `${path}.${process.pid}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(mine, `${JSON.stringify(holder)}\n`);
  } catch (cause) {
    throw notWritable(target, cause);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(mine, path);
        return { path, holder, release: () => releaseLock(path, holder) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw notWritable(target, e);
      }
      const other = await readHolder(path);
      if (!other) continue; // released meanwhile
      if (!isStale(other)) {
        throw new EtlError('OUTPUT_LOCKED', `${target} is in use by another etl run (${describeHolder(other)})`, {
          location: { file: path },
          hint: other.host === hostname()
            ? 'wait for that run to finish, or use another --out'
            : `that run is on another machine; if it is no longer running, delete ${path}`,
        });
      }
      // Stale: move it aside (only one taker can), then make sure what we moved was that stale lock.
      const aside = `${path}.stale-${process.pid}`;
      try {
        await rename(path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw notWritable(target, e);
      }
      const moved = await readHolder(aside);
      if (moved && !isStale(moved)) {
        // A live run took the stale lock between our read and our rename: give it back.
        await link(aside, path).catch(() => undefined);
        await rm(aside, { force: true });
        continue;
      }
      await rm(aside, { force: true });
      log.warn({ lock: path, stale: other }, `took over the lock of a run that is no longer running (${describeHolder(other)})`);
    }
    throw new EtlError('OUTPUT_LOCKED', `${target}: could not take its lock (other runs keep starting)`, { location: { file: path }, hint: 'retry when the other runs are done' });
  } finally {
    await rm(mine, { force: true });
  }
}

/** Remove the lock if it is still ours (a run that took over a lock we lost must keep it). */
async function releaseLock(path: string, holder: LockHolder): Promise<void> {
  const now = await readHolder(path);
  if (now && now.pid === holder.pid && now.started_at === holder.started_at && now.host === holder.host) await unlink(path).catch(() => undefined);
}

