#!/usr/bin/env node
// `npm run build`: src/ → dist/ (tsc -p tsconfig.build.json), then the ODCS schema validator as standalone
// ajv code (dist/contracts/odcs-validator.cjs), so that no run compiles the 100 KB schema again.
//   node scripts/build.js             always rebuild
//   node scripts/build.js --if-stale  only when dist/ is missing or older than a source (npm start, npm test)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const inputs = ['src', 'schemas', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.js'];

function newestMtime(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  if (Math.max(...inputs.map((p) => newestMtime(join(root, p)))) <= built) process.exit(0);
}

const t0 = performance.now();
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // A source checkout installed without its dev dependencies (`npm ci --omit=dev`): a setup error, not a bug.
  process.stderr.write('USAGE_INVALID: cannot build etl from src/: TypeScript, a dev dependency, is not installed\n  hint: in a source checkout run `npm ci` (with the dev dependencies); for a production install use the packed package (`npm pack`, then `npm install ./etl-<version>.tgz --omit=dev`), which holds dist/\n');
  process.exit(2);
}
// Built beside dist/ and swapped in at the end, so that a CLI running meanwhile (a test, a bench) never
// sees half a dist/.
const next = `${dist}.next-${process.pid}`;
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
  const { odcsStandaloneCode } = await import(pathToFileURL(join(next, 'contracts', 'validate-schema.js')).href);
  writeFileSync(join(next, 'contracts', 'odcs-validator.cjs'), odcsStandaloneCode());
  writeFileSync(join(next, '.build-stamp'), `${new Date().toISOString()}\n`);
  const old = `${dist}.old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(next, { recursive: true, force: true });
  throw err;
}
process.stdout.write(`built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
