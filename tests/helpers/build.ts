// vitest globalSetup: the e2e tests run the compiled CLI (bin/etl.js → dist/), so dist/ is rebuilt first
// when it is missing or older than a source (a no-op when `npm test` already built it).
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.js'), '--if-stale'], { cwd: root, stdio: 'inherit' });
}
