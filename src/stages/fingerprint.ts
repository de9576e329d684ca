// Input fingerprints for the run record (and the run id): sha256 and size of every source file.
// A nightly run over a year of daily files would hash every old file again (1.4 GB at 10M order lines:
// about 4 s on the path of an incremental run, 40 s at 100M). Runs that keep a state beside their output
// (a source read from a glob) keep their fingerprints beside it too (`.output.fingerprints.json`), and
// reuse them for a file whose identity and times are unchanged, as git's index
// does: device, inode, size, modification and status-change times in nanoseconds. Every write to a file
// moves its ctime, which no tool can set back, so an edit that keeps the size and restores the mtime is
// still seen. A file whose times are within RACY_MS of the moment it was last looked at is hashed again
// (a write in the same clock tick as that look leaves the same times: git's "racily clean" entries).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { basename, dirname, join, resolve } from 'node:path';

export interface Fingerprint {
  file: string;
  bytes: number;
  sha256: string;
}

/** What a later run needs to trust a fingerprint without reading the file again. */
export interface SeenFingerprint extends Fingerprint {
  /** dev:ino:size:mtimeNs:ctimeNs, taken before the content was read. */
  stat: string;
  /** When that stat was taken (ms since the epoch). */
  seen: number;
}

/** Times this close to the moment a file was looked at may hide a later write in the same clock tick. */
export const RACY_MS = 2000;

async function statOf(file: string): Promise<{ key: string; bytes: number; newest: number }> {
  const s = await stat(file, { bigint: true });
  return {
    key: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`,
    bytes: Number(s.size),
    newest: Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n),
  };
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The fingerprint of `file`: `known` (the previous run's, for the same path) when the file's stat is the
 * one seen then and its times were already RACY_MS old at that moment; otherwise its content is read.
 */
export async function fingerprintFile(file: string, known?: SeenFingerprint): Promise<SeenFingerprint> {
  const seen = Date.now();
  const s = await statOf(file);
  if (known && known.stat === s.key && s.newest < known.seen - RACY_MS) {
    return { file, bytes: known.bytes, sha256: known.sha256, stat: known.stat, seen: known.seen };
  }
  const sha256 = await hashFile(file);
  // Size as stat'ed before the read: a file that grew meanwhile gets a stat that no later run matches.
  return { file, bytes: s.bytes, sha256, stat: s.key, seen };
}

/** The fingerprint cache of the runs of one output: beside it, like the state (not inside it, whose
 * bytes must not depend on inodes and clocks). */
export const fingerprintCachePathOf = (out: string): string => join(dirname(out), `.${basename(out)}.fingerprints.json`);

const CACHE_FORMAT = 1;

/** The cache's fingerprints by absolute path; empty when there is none or it cannot be read. */
export async function readFingerprintCache(out: string): Promise<Map<string, SeenFingerprint>> {
  const known = new Map<string, SeenFingerprint>();
  try {
    const cache = JSON.parse(await readFile(fingerprintCachePathOf(out), 'utf8')) as { format?: number; files?: unknown };
    if (cache.format !== CACHE_FORMAT || !Array.isArray(cache.files)) return known;
    for (const f of cache.files as Partial<SeenFingerprint>[]) {
      if (typeof f.file === 'string' && typeof f.bytes === 'number' && typeof f.sha256 === 'string' && typeof f.stat === 'string' && typeof f.seen === 'number') {
        known.set(f.file, { file: f.file, bytes: f.bytes, sha256: f.sha256, stat: f.stat, seen: f.seen });
      }
    }
  } catch {
    // No cache yet, or not readable: every file is read.
  }
  return known;
}

/** Replace the cache by these fingerprints (absolute paths), whole or not at all (written aside, then renamed). */
export async function writeFingerprintCache(out: string, prints: SeenFingerprint[]): Promise<void> {
  const path = fingerprintCachePathOf(out);
  const files = prints.map((p) => ({ file: resolve(p.file), bytes: p.bytes, sha256: p.sha256, stat: p.stat, seen: p.seen })).sort((a, b) => a.file.localeCompare(b.file));
  await writeFileAtomic(path, `${JSON.stringify({ format: CACHE_FORMAT, files })}\n`);
}
