// A source checkout installed without its dev dependencies (`npm ci --omit=dev`, then `npm start`): the
// build cannot run. It says so in one line with the way out, and exits 2 (a setup error, not a bug).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.ts';

describe('scripts/build.js without TypeScript', () => {
  it('exits 2 with USAGE_INVALID and a hint naming both ways out', () => {
    const checkout = tempDir('etl-e2e-no-tsc-');
    mkdirSync(join(checkout, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'build.js'), join(checkout, 'scripts', 'build.js'));
    const r = spawnSync(process.execPath, [join(checkout, 'scripts', 'build.js'), '--if-stale'], { cwd: checkout, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('USAGE_INVALID: cannot build etl from src/: TypeScript, a dev dependency, is not installed');
    expect(lines[1]).toMatch(/^ {2}hint: in a source checkout run `npm ci` .*npm install \.\/etl-<version>\.tgz --omit=dev/);
  });
});
