// `etl run` stopped by SIGTERM or SIGINT (a scheduler's timeout, `systemctl stop`, Ctrl-C) before its
// commit: it stops as a failed run does, at once — INTERRUPTED on one line, exit 3, the previous
// publication untouched, nothing left beside the output (no lock, staging, spill folder or state copy),
// so the next run starts clean and publishes. The signal comes while the run is held at a stage's start
// by a test hook (ETL_TEST_HOOK_PAUSE), so no timing decides where it lands.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCli, tempDir, treeHashes, waitForFile } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-interrupt-');
const data = join(work, 'data');
const out = join(work, 'output');
const reports = join(work, 'reports');
const args = ['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
  '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'silent'];

beforeAll(() => {
  expect(runCli(['generate', '--out', data, '--orders', '400', '--seed', '5', '--as-of', AS_OF]).code).toBe(0);
  expect(runCli(args).code).toBe(0);
});

describe('a run stopped by a signal', () => {
  for (const [signal, stage] of [['SIGTERM', 'gold'], ['SIGINT', 'publish']] as const) {
    it(`${signal} at the start of ${stage}: exit 3, INTERRUPTED, the previous output stands, nothing left behind`, async () => {
      const before = { output: treeHashes(out), reports: treeHashes(reports) };
      const hooks = join(work, `hooks-${signal}`);
      mkdirSync(hooks);
      const step = `stage:${stage}`;
      const child = spawnCli(args, { env: { ETL_TEST_HOOK_DIR: hooks, ETL_TEST_HOOK_PAUSE: step } });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdout!.resume();
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await waitForFile(join(hooks, `reached-${step}`));
      // Working files beside the output while the run is held: its lock and staging (and spill folder).
      expect(readdirSync(work).filter((n) => n.startsWith('.')).length).toBeGreaterThan(0);
      child.kill(signal);
      // Resumed once the run has taken the signal (its first line on stderr).
      while (!stderr.includes(`${signal}: stopping the run`)) await new Promise((r) => setTimeout(r, 20));
      writeFileSync(join(hooks, `resume-${step}`), '');
      expect(await exited, stderr).toBe(3);
      const lines = stderr.trim().split('\n');
      expect(lines[0]).toBe(`${signal}: stopping the run (a second ${signal} exits at once)`);
      expect(lines[1]).toBe(`INTERRUPTED: the run was stopped by ${signal} before it published; the previous output stands`);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(join(hooks, 'reached-staged-output'))).toBe(false);
      // The previous publication, byte for byte, and nothing beside it.
      expect(treeHashes(out)).toEqual(before.output);
      expect(treeHashes(reports)).toEqual(before.reports);
      expect(readdirSync(work).filter((n) => n.startsWith('.'))).toEqual([]);
      // The next run starts clean and publishes.
      expect(runCli(args).code).toBe(0);
    });
  }
});
