// One run at a time per output, with two real processes: the first is held at a hook (not a sleep)
// while the second starts on the same output; a stale lock and a stale spill folder of a dead run are
// taken over and removed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCli, tempDir, treeHashes, waitForFile } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-lock-');
const data = join(work, 'data');
const args = (out: string, reports: string) => ['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
  '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'warn'];

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

beforeAll(() => {
  expect(runCli(['generate', '--out', data, '--orders', '400', '--seed', '3', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
});

describe('two runs on one output', () => {
  for (const step of ['locked', 'staged-reports'] as const) {
    it(`the second refuses at once (exit 2, naming the first) while the first waits at ${step}; the first then publishes whole`, async () => {
      const out = join(work, `out-${step}`);
      const reports = join(work, `reports-${step}`);
      expect(runCli(args(out, reports)).code).toBe(0);
      const hooks = join(work, `hooks-${step}`);
      mkdirSync(hooks);
      const first = spawnCli(args(out, reports), { env: { ETL_TEST_HOOK_DIR: hooks, ETL_TEST_HOOK_PAUSE: step } });
      let stderr = '';
      first.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      first.stdout!.resume();
      const exited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
      await waitForFile(join(hooks, `reached-${step}`));
      const staged = readdirSync(work).filter((n) => n.includes('.staging-'));
      if (step === 'staged-reports') expect(staged.length).toBe(2);

      const t0 = Date.now();
      const second = runCli(args(out, reports));
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`^OUTPUT_LOCKED: .*out-${step} is in use by another etl run \\(pid ${first.pid} on ${hostname()}, started `, 'm'));
      expect(second.stderr.trim().split('\n')).toHaveLength(2);
      expect(Date.now() - t0).toBeLessThan(30_000); // refused, not queued
      // The second run touched nothing the first one owns: its staging folders are still there.
      expect(readdirSync(work).filter((n) => n.includes('.staging-'))).toEqual(staged);
      // A run with the same --reports but another --out is refused too.
      expect(runCli(args(join(work, `other-out-${step}`), reports)).code).toBe(2);

      writeFileSync(join(hooks, `resume-${step}`), '');
      expect(await exited, stderr).toBe(0);
      const reference = join(work, `ref-${step}`);
      expect(runCli(args(reference, `${reference}-reports`)).code).toBe(0);
      expect(treeHashes(out, /^_runs\//)).toEqual(treeHashes(reference, /^_runs\//));
      expect(treeHashes(reports)).toEqual(treeHashes(`${reference}-reports`));
      expect(readdirSync(work).filter((n) => n.startsWith(`.out-${step}`) || n.startsWith(`.reports-${step}`))).toEqual([]);
    }, 180_000);
  }

  it('a stale lock (dead pid) is taken over with a warning; stale spill folders and temporary files of dead runs are removed', () => {
    const out = join(work, 'out-stale');
    const reports = join(work, 'reports-stale');
    const dead = deadPid();
    writeFileSync(join(work, '.out-stale.lock'), JSON.stringify({ pid: dead, started_at: '2026-11-20T00:00:00.000Z', host: hostname(), target: out }));
    const spill = join(work, `.etl-spill-${dead}`);
    mkdirSync(spill);
    writeFileSync(join(spill, 'duckdb_temp_block-1.block'), 'x'.repeat(1000));
    const alive = join(work, `.etl-spill-${process.pid}`); // this test process is alive: its folder stays
    mkdirSync(alive);
    // Atomic writes a killed run left half done: the fingerprint cache beside the output, a run record's deliveries.
    const staleCache = join(work, `.out-stale.fingerprints.json.${dead}.tmp`);
    const liveCache = join(work, `.out-stale.fingerprints.json.${process.pid}.tmp`);
    const staleRecord = join(out, '_runs', `20250701-0000000000.json.${dead}.tmp`);
    mkdirSync(join(out, '_runs'), { recursive: true });
    for (const f of [staleCache, liveCache, staleRecord]) writeFileSync(f, '{"half":');
    const r = runCli(args(out, reports));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`took over the lock of a run that is no longer running \\(pid ${dead} `));
    expect(r.stderr).toMatch(/removed the spill folders of runs that are no longer running/);
    expect(existsSync(spill)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(r.stderr).toMatch(/removed the temporary files of runs that are no longer running/);
    expect([existsSync(staleCache), existsSync(liveCache), existsSync(staleRecord)]).toEqual([false, true, false]);
    expect(existsSync(join(work, '.out-stale.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8')).status).toBe('SUCCESS');
  }, 120_000);
});
