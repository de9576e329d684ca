// Test hooks at the named steps of a run's start-up and commit, so that tests can stop, kill or fill
// the disk of a real process at an exact point instead of guessing with sleeps. Inert unless one of
// these environment variables is set (read once, at start):
//   ETL_TEST_HOOK_DIR=<dir>      each step reached touches <dir>/reached-<step>
//   ETL_TEST_HOOK_PAUSE=<step>   at <step>, wait until <dir>/resume-<step> exists (needs the dir)
//   ETL_TEST_FAULT=<step>        at <step>, the process kills itself (SIGKILL: no clean-up runs)
//   ETL_TEST_FAULT=<step>:enospc at <step>, throw the error a full disk gives (code ENOSPC)
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every step a hook can name, in the order a publishing run reaches them. */
export const RUN_STEPS = [
  'locked', // the output lock is held, nothing recovered or touched yet
  'recovered', // what a killed run left is rolled forward or back
  'staged-output', // the new output is complete in its staging directory
  'staged-reports', // the new reports are complete in theirs
  'staged-record', // the run record is written into the staged output
  'journal', // the commit journal is written, not yet renamed into place: still before the commit
  'journaled', // the journal is in place (the commit point): from here on the commit rolls forward
  'swapped-output', // output/ is the new one
  'swapped-reports', // reports/ is the new one
  'committed', // the journal is gone
  'cleaned', // the previous trees are deleted
] as const;
export type RunStep = (typeof RUN_STEPS)[number];
/** The start of each stage of a run (`stage:gold`, `stage:publish`…), as the steps above (not in the kill test). */
export type StageStep = `stage:${string}`;

const dir = process.env['ETL_TEST_HOOK_DIR'];
const pause = process.env['ETL_TEST_HOOK_PAUSE'];
const fault = process.env['ETL_TEST_FAULT'];
const active = Boolean(dir || pause || fault);

export async function reachStep(step: RunStep | StageStep): Promise<void> {
  if (!active) return;
  if (dir) writeFileSync(join(dir, `reached-${step}`), `${process.pid}\n`);
  if (pause === step && dir) {
    const resume = join(dir, `resume-${step}`);
    while (!existsSync(resume)) await new Promise((r) => setTimeout(r, 20));
  }
  if (fault === step) {
    process.kill(process.pid, 'SIGKILL');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000); // not one more statement runs
  }
  if (fault === `${step}:enospc`) {
    throw Object.assign(new Error(`ENOSPC: no space left on device, write (injected at ${step})`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
}
