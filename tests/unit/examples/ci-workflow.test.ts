// examples/ci/etl-gate.yml: a GitHub Actions workflow on pull requests that lints the contracts,
// validates a file and runs the pipeline under --strict; every etl command it calls exists with the
// options it passes (checked against the CLI's own definition, so the example cannot drift).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../../src/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const workflow = parse(readFileSync(join(ROOT, 'examples', 'ci', 'etl-gate.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: { name?: string; run?: string; uses?: string }[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
/** Every `npx etl …` invocation, in order, as argument lists (GitHub expressions left as they are). */
const invocations = steps.flatMap((s) => (s.run ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npx etl ')).map((l) => l.replace(/>>.*$/, '').trim().split(/\s+/).slice(2)));

describe('examples/ci/etl-gate.yml', () => {
  it('runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  });

  it('lints, validates and runs --strict, in that order, with GitHub output', () => {
    const verbs = invocations.map((a) => (a[0] === 'contracts' ? `contracts ${a[1]}` : a[0]));
    expect(verbs).toEqual(['contracts lint', 'contracts diff', 'contracts diff', 'validate', 'run']);
    const run = invocations.find((a) => a[0] === 'run')!;
    expect(run).toContain('--strict');
    expect(run).toContain('--ci');
    expect(run[run.indexOf('--ci') + 1]).toBe('github');
    const validate = invocations.find((a) => a[0] === 'validate')!;
    expect(validate.slice(0, 3)).toEqual(['validate', '--contract', 'contracts/orders.source.yaml']);
    expect(validate).toContain('github');
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4']);
    expect(steps.some((s) => s.run === 'npm ci')).toBe(true);
  });

  it('every option it passes is one the command defines', () => {
    const { program } = buildProgram();
    for (const args of invocations) {
      let cmd = program.commands.find((c) => c.name() === args[0])!;
      let rest = args.slice(1);
      if (args[0] === 'contracts') {
        cmd = cmd.commands.find((c) => c.name() === args[1])!;
        rest = args.slice(2);
      }
      expect(cmd, args.join(' ')).toBeDefined();
      const known = new Set(cmd.options.map((o) => o.long));
      for (const flag of rest.filter((a) => a.startsWith('--'))) expect(known.has(flag), `${args.join(' ')}: ${flag}`).toBe(true);
    }
  });
});
