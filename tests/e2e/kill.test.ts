// A run killed at any point leaves the previously published output intact: we kill real runs with
// SIGKILL at several moments and check that the output is either the old one, or the new one
// complete, or (killed between the two renames of the swap) restored from .previous by the next run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCli, tempDir, treeHashes } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';

describe('a killed run', () => {
  it('never leaves a half-published output', async () => {
    const work = tempDir('etl-e2e-kill-');
    const oldData = join(work, 'old');
    const newData = join(work, 'new');
    expect(runCli(['generate', '--out', oldData, '--orders', '2000', '--seed', '1', '--as-of', AS_OF]).code).toBe(0);
    expect(runCli(['generate', '--out', newData, '--orders', '30000', '--seed', '2', '--as-of', AS_OF]).code).toBe(0);
    const out = join(work, 'output');
    const reports = join(work, 'reports');
    const args = (data: string, o = out, r = reports) => ['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
      '--out', o, '--reports', r, '--as-of', AS_OF, '--log-level', 'silent'];
    // What a complete publication of the new data looks like (runs are deterministic).
    expect(runCli(args(newData, join(work, 'ref-out'), join(work, 'ref-reports'))).code).toBe(0);
    const complete = treeHashes(join(work, 'ref-out'), /^_runs\//);
    expect(runCli(args(oldData)).code).toBe(0);
    const published = treeHashes(out, /^_runs\//);

    const killedStates = new Set<string>();
    for (const delayMs of [300, 900, 1500, 2100, 2700, 3300]) {
      const child = spawnCli(args(newData));
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exited;
      const now = existsSync(out) ? treeHashes(out, /^_runs\//) : undefined;
      if (now && JSON.stringify(now) === JSON.stringify(published)) {
        killedStates.add('old');
        continue;
      }
      if (!now) {
        // Killed between the two renames: the next run restores the previous output first.
        expect(existsSync(join(work, '.output.previous'))).toBe(true);
        killedStates.add('between');
      } else {
        // Killed after the swap: the new output must be complete.
        expect(now).toEqual(complete);
        killedStates.add('new');
      }
      // Either way, re-publish the old data so that the next iteration starts from a known output.
      expect(runCli(args(oldData)).code).toBe(0);
      expect(treeHashes(out, /^_runs\//)).toEqual(published);
    }
    expect(killedStates.size).toBeGreaterThan(0);
    // No staging directory survives a completed run.
    expect(runCli(args(oldData)).code).toBe(0);
    expect(treeHashes(out, /^_runs\//)).toEqual(published);
  }, 300_000);
});
