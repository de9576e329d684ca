// One commit: output/, reports/ and the run record become visible together or not at all. A real run
// is killed (SIGKILL, through the ETL_TEST_FAULT hook) at every step of its start-up and commit; after
// each kill, and after the next run's recovery, output, reports and run history must be all the old
// ones or all the new ones. A full disk (ENOSPC injected at each step before the commit point) leaves
// the old state and exits 3 with a plain ENOSPC message.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_STEPS, type RunStep } from '../../src/stages/test-hooks.ts';
import { ROOT, runCli, tempDir, treeHashes } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-kill-');
const out = join(work, 'output');
const reports = join(work, 'reports');
const args = (data: string, o = out, r = reports) => ['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
  '--out', o, '--reports', r, '--as-of', AS_OF, '--log-level', 'silent'];

interface Published { output: Record<string, string>; reports: Record<string, string>; runId: string }
const state: Record<'old' | 'new', Published> = {} as Record<'old' | 'new', Published>;
const data = { old: join(work, 'old'), new: join(work, 'new') };

/** Reports by content; dashboard.html by presence only: its quarantine trend is drawn from the run history
 * (output/_runs), which differs between the reference folders and the folder the kills happen in. */
function reportHashes(dir: string): Record<string, string> {
  const hashes = treeHashes(dir, /^dashboard\.html$/);
  if (existsSync(join(dir, 'dashboard.html'))) hashes['dashboard.html'] = 'present';
  return hashes;
}

/** What is visible now: output (run history aside), reports, and the run ids recorded. */
function visible(): { output?: Record<string, string>; reports?: Record<string, string>; runs: string[] } {
  return {
    ...(existsSync(out) ? { output: treeHashes(out, /^_runs\//) } : {}),
    ...(existsSync(reports) ? { reports: reportHashes(reports) } : {}),
    runs: existsSync(join(out, '_runs')) ? readdirSync(join(out, '_runs')).sort() : [],
  };
}

/** Output and reports are exactly one publication's, and its run record is there. */
function whichPublication(): 'old' | 'new' | 'mixed' {
  const v = visible();
  for (const k of ['old', 'new'] as const) {
    if (JSON.stringify(v.output) === JSON.stringify(state[k].output) && JSON.stringify(v.reports) === JSON.stringify(state[k].reports) && v.runs.includes(`${state[k].runId}.json`)) return k;
  }
  return 'mixed';
}

/** Nothing a run leaves while working is left beside the output once a run has recovered. */
function leftovers(): string[] {
  return readdirSync(work).filter((n) => n.startsWith('.')).sort();
}

function publish(which: 'old' | 'new'): void {
  const r = runCli(args(data[which]));
  expect(r.code, r.stderr).toBe(0);
  expect(whichPublication()).toBe(which);
}

beforeAll(() => {
  expect(runCli(['generate', '--out', data.old, '--orders', '300', '--seed', '1', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
  expect(runCli(['generate', '--out', data.new, '--orders', '600', '--seed', '2', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
  // What each complete publication looks like (runs are deterministic), each in a folder of its own.
  for (const k of ['old', 'new'] as const) {
    const o = join(work, `ref-${k}-out`);
    const r = join(work, `ref-${k}-reports`);
    expect(runCli(args(data[k], o, r)).code).toBe(0);
    const runId = JSON.parse(readFileSync(join(r, 'quality_report.json'), 'utf8')).run_id as string;
    state[k] = { output: treeHashes(o, /^_runs\//), reports: reportHashes(r), runId };
  }
  expect(state.old.runId).not.toBe(state.new.runId);
}, 120_000);

const BEFORE_COMMIT: RunStep[] = ['locked', 'recovered', 'staged-output', 'staged-reports', 'staged-record', 'journal'];

describe('a run killed at each step', () => {
  it('leaves the previous publication or, from the commit point on, the new one: never a mix', () => {
    publish('old');
    let now: 'old' | 'new' = 'old';
    for (const step of RUN_STEPS) {
      // Each kill tries to publish the other data set than the one visible, so both outcomes differ.
      const target: 'old' | 'new' = now === 'old' ? 'new' : 'old';
      const hooks = join(work, `hooks-${step}`);
      mkdirSync(hooks);
      const killed = runCli(args(data[target]), { env: { ETL_TEST_FAULT: step, ETL_TEST_HOOK_DIR: hooks } });
      expect({ step, signal: killed.signal }).toEqual({ step, signal: 'SIGKILL' });
      expect(existsSync(join(hooks, `reached-${step}`)), step).toBe(true);
      const committed = !BEFORE_COMMIT.includes(step);
      if (!committed) expect({ step, visible: whichPublication() }).toEqual({ step, visible: now });
      if (step === 'committed' || step === 'cleaned') expect({ step, visible: whichPublication() }).toEqual({ step, visible: target });
      // In between, the journal is what makes the next run finish the commit.
      if (committed && step !== 'committed' && step !== 'cleaned') expect(existsSync(join(work, '.output.commit.json')), step).toBe(true);
      // The killed run's lock is stale: the next run takes it over, finishes or drops the killed run's
      // work, and is itself stopped right after that recovery (so what we see is the recovery alone).
      const recovering = join(work, `recover-${step}`);
      mkdirSync(recovering);
      const next = runCli(args(data[now]), { env: { ETL_TEST_FAULT: 'recovered', ETL_TEST_HOOK_DIR: recovering } });
      expect(next.signal, next.stderr).toBe('SIGKILL');
      if (committed) now = target;
      expect({ step, visible: whichPublication() }).toEqual({ step, visible: now });
      // Nothing but the stopped recovering run's own lock remains beside the output.
      expect({ step, left: leftovers() }).toEqual({ step, left: ['.output.lock', '.reports.lock'] });
      // The run record committed with the output and the reports says which run it was.
      const record = JSON.parse(readFileSync(join(out, '_runs', `${state[now].runId}.json`), 'utf8'));
      expect(record.status).toBe('SUCCESS');
      expect(JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8')).run_id).toBe(state[now].runId);
    }
    // A complete run after all that leaves nothing beside the output but the output.
    publish(now === 'old' ? 'new' : 'old');
    expect(leftovers()).toEqual([]);
  }, 600_000);
});

describe('a full disk at each step before the commit point', () => {
  it('leaves the old publication, exits 3 with a plain ENOSPC message, and leaves nothing behind', () => {
    publish('old');
    for (const step of BEFORE_COMMIT) {
      const r = runCli(args(data.new), { env: { ETL_TEST_FAULT: `${step}:enospc` } });
      expect({ step, code: r.code }).toEqual({ step, code: 3 });
      expect(r.stderr).toMatch(/^DISK_FULL: ENOSPC: no space left on device while /m);
      expect(r.stderr).not.toMatch(/bug|\n\s+at /);
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
      expect({ step, now: whichPublication() }).toEqual({ step, now: 'old' });
      expect({ step, left: leftovers() }).toEqual({ step, left: [] });
    }
  }, 300_000);
});

describe('a --strict run whose gate closes, killed after its commit point', () => {
  it('publishes nothing but its verdict: after recovery the output is unchanged, the reports say FAILED, the record is there', () => {
    publish('old');
    const bad = join(work, 'bad');
    expect(runCli(['generate', '--out', bad, '--orders', '300', '--seed', '9', '--defect-rate', '0.3', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
    const hooks = join(work, 'hooks-strict');
    mkdirSync(hooks);
    const killed = runCli([...args(bad), '--strict'], { env: { ETL_TEST_FAULT: 'swapped-output', ETL_TEST_HOOK_DIR: hooks } });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(hooks, 'reached-staged-record'))).toBe(true);
    const next = runCli(args(data.old), { env: { ETL_TEST_FAULT: 'recovered' } });
    expect(next.signal).toBe('SIGKILL');
    const v = visible();
    expect(v.output).toEqual(state.old.output);
    const quality = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
    expect(quality.status).toBe('FAILED');
    const record = JSON.parse(readFileSync(join(out, '_runs', `${quality.run_id}.json`), 'utf8'));
    expect(record.status).toBe('FAILED');
    expect(v.runs).toContain(`${state.old.runId}.json`);
    // The KPI reports of the last publication stay (nothing new was published).
    expect(v.reports!['kpis.json']).toBe(state.old.reports['kpis.json']);
    expect(leftovers()).toEqual(['.output.lock', '.reports.lock']);
    publish('old');
  }, 300_000);
});
