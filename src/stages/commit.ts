// One commit for output/, reports/ and the run record, wherever --reports lives.
//
// A run builds everything in staging folders beside their targets (same filesystem, so a rename is
// atomic): `.output.staging-<run>` holds the new output with the run history and this run's record,
// `.reports.staging-<run>` the new reports. Then it writes a journal beside --out
// (`.output.commit.json`, written to a temporary file and renamed: it exists whole or not at all)
// listing the renames that publish them. The journal's rename is the commit point:
//   - killed (or disk full) before it: nothing visible changed; the next run deletes the staging folders.
//   - killed after it: the next run (holding the lock) replays the journal — every rename is
//     idempotent — so output, reports and the record all become the new ones, never a mix.
// A folder target is replaced as target → .target.previous, staging → target; the previous folders are
// deleted once the journal is gone. Only renames and deletions happen after the commit point, so a
// full disk cannot stop a commit half-way.
// Power loss: every staged file and folder is flushed to disk (fsync) before the journal is written, the
// journal and its folder before the renames, and the renamed targets' folders before the previous
// versions are deleted — so whatever the journal names exists whole on disk when a replay needs it.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../log.ts';
import { EtlError } from '../errors.ts';
import { reachStep, type RunStep } from './test-hooks.ts';

export interface Move {
  from: string;
  to: string;
  /** A folder replaced whole (target → previous, staging → target) or one file renamed over another. */
  kind: 'folder' | 'file';
  /** The test hook reached once this move is done. */
  step?: RunStep;
}

export interface Journal {
  schemaVersion: 1;
  run_id: string;
  pid: number;
  moves: Move[];
  /** Staging folders left empty by file moves, removed after the commit. */
  remove: string[];
}

const sibling = (target: string, suffix: string) => join(dirname(target), `.${basename(target)}${suffix}`);
export const journalPathOf = (out: string) => sibling(out, '.commit.json');
export const stagingOf = (target: string, runId: string) => sibling(target, `.staging-${runId}`);
export const previousOf = (target: string) => sibling(target, '.previous');

/** A fresh staging folder beside the target. */
export async function createStaging(target: string, runId: string): Promise<string> {
  const staging = stagingOf(target, runId);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return staging;
}

/** Write a file and flush it to disk before returning (a journal must not be empty after a crash). */
async function writeDurable(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync one file or folder (a folder's fsync makes the names in it durable). */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync every file under a folder, then the folders themselves, deepest first (a few at a time). */
async function syncTree(root: string): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    dirs.push(dir);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(root);
  // Eight at a time; every file before any folder (one queue for both let a folder's fsync start while a
  // file in it was still being flushed by another worker).
  const syncAll = async (paths: string[]): Promise<void> => {
    const queue = [...paths];
    const worker = async (): Promise<void> => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) await syncPath(p);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };
  await syncAll(files);
  await syncAll(dirs.reverse());
}

/** Flush what the moves will publish: staged folders whole, staged files, and the folders holding them. */
async function syncStaged(moves: readonly Move[]): Promise<void> {
  for (const m of moves) {
    if (!existsSync(m.from)) continue;
    if (m.kind === 'folder') await syncTree(m.from);
    else await syncPath(m.from);
  }
  for (const dir of new Set(moves.map((m) => dirname(m.from)))) if (existsSync(dir)) await syncPath(dir);
}

/** Idempotent: replaying a move that is done, or half done, finishes it. */
async function applyMove(m: Move): Promise<void> {
  if (!existsSync(m.from)) return; // done already
  if (m.kind === 'folder') {
    const previous = previousOf(m.to);
    if (existsSync(m.to)) {
      await rm(previous, { recursive: true, force: true });
      await rename(m.to, previous);
    }
    await mkdir(dirname(m.to), { recursive: true });
    await rename(m.from, m.to);
  } else {
    await mkdir(dirname(m.to), { recursive: true });
    await rename(m.from, m.to);
  }
}

async function finish(journalPath: string, journal: Journal, hooks: boolean): Promise<void> {
  await unlink(journalPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  if (hooks) await reachStep('committed');
  for (const m of journal.moves) if (m.kind === 'folder') await rm(previousOf(m.to), { recursive: true, force: true });
  for (const d of journal.remove) await rm(d, { recursive: true, force: true });
  if (hooks) await reachStep('cleaned');
}

/** Publish the staged trees: journal (the commit point), renames, clean-up. */
export async function commitPublish(journalPath: string, journal: Journal): Promise<void> {
  const tmp = `${journalPath}.tmp`;
  try {
    await syncStaged(journal.moves);
    await writeDurable(tmp, `${JSON.stringify(journal, null, 2)}\n`);
    await reachStep('journal');
    await rename(tmp, journalPath);
  } catch (e) {
    await rm(tmp, { force: true }); // before the commit point: as if never begun
    throw e;
  }
  await syncPath(dirname(journalPath));
  await reachStep('journaled');
  for (const m of journal.moves) {
    await applyMove(m);
    if (m.step) await reachStep(m.step);
  }
  // The renames on disk before the previous versions go.
  for (const dir of new Set(journal.moves.map((m) => dirname(m.to)))) await syncPath(dir);
  await finish(journalPath, journal, true);
}

/**
 * What a killed run left beside --out and --reports, put right (call it holding both locks): a journal
 * is replayed to its end; without one, staging folders are unfinished work and are deleted, and a
 * `.previous` folder is deleted (or restored, when its target is missing: a swap of an older version).
 */
export async function recoverPublish(targets: { out: string; reports: string }, log: Logger): Promise<'rolled-forward' | 'cleaned' | 'clean'> {
  const journalPath = journalPathOf(targets.out);
  let outcome: 'rolled-forward' | 'cleaned' | 'clean' = 'clean';
  await rm(`${journalPath}.tmp`, { force: true });
  if (existsSync(journalPath)) {
    let journal: Journal;
    try {
      journal = JSON.parse(await readFile(journalPath, 'utf8')) as Journal;
    } catch (cause) {
      throw new EtlError('IO_FAILED', `the commit journal ${journalPath} cannot be read: ${(cause as Error).message}`, {
        location: { file: journalPath },
        hint: 'an interrupted publish cannot be finished; inspect the .staging-* and .previous folders beside the output, then delete the journal',
        cause,
      });
    }
    for (const m of journal.moves) await applyMove(m);
    await finish(journalPath, journal, false);
    log.warn({ run_id: journal.run_id, pid: journal.pid }, `finished the publish of interrupted run ${journal.run_id}`);
    outcome = 'rolled-forward';
  }
  for (const target of [targets.out, targets.reports]) {
    const previous = previousOf(target);
    if (existsSync(previous)) {
      if (!existsSync(target)) await rename(previous, target);
      else await rm(previous, { recursive: true, force: true });
      if (outcome === 'clean') outcome = 'cleaned';
    }
    const parent = dirname(target);
    if (!existsSync(parent)) continue;
    for (const name of await readdir(parent)) {
      if (!name.startsWith(`.${basename(target)}.staging-`)) continue;
      await rm(join(parent, name), { recursive: true, force: true });
      if (outcome === 'clean') outcome = 'cleaned';
    }
  }
  if (outcome === 'cleaned') log.warn({ out: targets.out, reports: targets.reports }, 'removed what an interrupted run left unpublished');
  return outcome;
}
