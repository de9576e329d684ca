// Atomic-as-the-filesystem-allows publication of a directory built elsewhere (a staging area).
//   target → target.previous (rename), staging → target (rename), then delete target.previous.
// Both renames are atomic; a run killed between them leaves target.previous, which the next run
// restores (recoverDirectory) before doing anything else. A run killed earlier leaves only a stale
// staging directory, which is removed; the published output is never touched until the swap.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EtlError } from '../errors.ts';

const PREVIOUS = '.previous';

function previousOf(target: string): string {
  return join(dirname(target), `.${basename(target)}${PREVIOUS}`);
}

/** A fresh staging directory beside the target (same filesystem, so rename is atomic). */
export async function createStaging(target: string, runId: string): Promise<string> {
  const staging = join(dirname(target), `.${basename(target)}.staging-${runId}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return staging;
}

/** Undo what a killed run left behind: restore target from .previous, drop stale staging dirs. */
export async function recoverDirectory(target: string): Promise<'restored' | 'clean'> {
  const previous = previousOf(target);
  let restored = false;
  if (existsSync(previous)) {
    if (!existsSync(target)) {
      await rename(previous, target);
      restored = true;
    } else {
      await rm(previous, { recursive: true, force: true });
    }
  }
  const parent = dirname(target);
  if (existsSync(parent)) {
    const stale = (await readdir(parent)).filter((n) => n.startsWith(`.${basename(target)}.staging-`));
    for (const n of stale) await rm(join(parent, n), { recursive: true, force: true });
  }
  return restored ? 'restored' : 'clean';
}

export async function swapDirectory(staging: string, target: string): Promise<void> {
  const previous = previousOf(target);
  try {
    await mkdir(dirname(target), { recursive: true });
    await rm(previous, { recursive: true, force: true });
    if (existsSync(target)) await rename(target, previous);
    await rename(staging, target);
    await rm(previous, { recursive: true, force: true });
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot publish ${target}: ${(cause as Error).message}`, {
      location: { file: target },
      hint: 'check free space and permissions; the previous output is kept (or restored by the next run)',
      cause,
    });
  }
}
