// A small content-addressed cache of results that only depend on file contents (a parsed contract, the
// model binding of a contract set), so that `etl contracts lint` and the start of `etl run` do not parse
// 300 KB of YAML and bind every model through DuckDB again when nothing changed.
//
// Correct by construction: a key is the hash of everything the result depends on (the build of etl, the
// file names and their bytes), so an edit is a new key and the first lint after it sees the edit's
// problems. One file per key, written atomically (temporary file + rename), so concurrent runs never read
// half an entry; a missing, unreadable or corrupt entry is a miss. Entries older than 30 days are removed
// when a new one is written.
//
// Where: $ETL_CACHE_DIR, else $XDG_CACHE_HOME/etl, else ~/.cache/etl. `ETL_CACHE=off` turns it off, and so
// does running from the TypeScript sources (no dist/.build-stamp: tests of the sources never read it).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

let build: string | null | undefined;

/** The build of etl (dist/.build-stamp, rewritten by every `npm run build`); null when running from sources. */
function buildId(): string | null {
  if (build !== undefined) return build;
  try {
    const root = join(import.meta.dirname, '..');
    build = `${readFileSync(join(import.meta.dirname, '.build-stamp'), 'utf8')}\0${readFileSync(join(root, 'package.json'), 'utf8')}\0${process.version}`;
  } catch {
    build = null;
  }
  return build;
}

function cacheDir(): string | undefined {
  const off = process.env['ETL_CACHE'];
  if (off === 'off' || off === '0' || off === 'false' || buildId() === null) return undefined;
  const dir = process.env['ETL_CACHE_DIR'];
  if (dir) return dir;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg || join(homedir(), '.cache'), 'etl');
}

/** A cache key over the build and the given parts (names, contents); undefined when the cache is off. */
export function cacheKey(kind: string, parts: readonly (string | Buffer)[]): string | undefined {
  if (cacheDir() === undefined) return undefined;
  const h = createHash('sha256');
  h.update(buildId()!);
  for (const p of parts) {
    h.update('\0');
    h.update(p);
  }
  return `${kind}-${h.digest('hex').slice(0, 40)}`;
}

/** The cached value of a key, or undefined (miss, cache off, unreadable entry). */
export function readCache<T>(key: string | undefined): T | undefined {
  const dir = cacheDir();
  if (key === undefined || dir === undefined) return undefined;
  try {
    const file = join(dir, `${key}.json`);
    const value = JSON.parse(readFileSync(file, 'utf8')) as { v: T };
    return value.v;
  } catch {
    return undefined;
  }
}

/** Store a value (JSON) under a key; failures (read-only home, full disk) only cost the next start. */
export function writeCache(key: string | undefined, value: unknown): void {
  const dir = cacheDir();
  if (key === undefined || dir === undefined) return;
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ v: value }));
    renameSync(tmp, file);
    prune(dir);
  } catch {
    // a cache that cannot be written is a cache that misses
  }
}

let pruned = false;
function prune(dir: string): void {
  if (pruned) return;
  pruned = true;
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > MAX_AGE_MS) unlinkSync(file);
    } catch {
      // removed meanwhile
    }
  }
}
