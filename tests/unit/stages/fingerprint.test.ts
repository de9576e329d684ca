// Input fingerprints reused from the previous run (fingerprint.ts): only for a file whose stat is the one
// seen then and whose times were already old at that moment; any write, even one that keeps the size
// and puts the modification time back, moves the status-change time and makes the file read again.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintCachePathOf, fingerprintFile, RACY_MS, readFingerprintCache, writeFingerprintCache } from '../../../src/stages/fingerprint.ts';
import { tempDir } from '../../helpers/cli.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fingerprintFile', () => {
  const dir = tempDir('etl-fingerprint-');

  it('reads the content when nothing is known, and records the stat it saw', async () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'id\n1\n');
    const f = await fingerprintFile(file);
    expect(f).toMatchObject({ file, bytes: 5, sha256: sha('id\n1\n') });
    expect(f.stat).toMatch(/^\d+:\d+:5:\d+:\d+$/);
    expect(f.seen).toBeGreaterThan(0);
  });

  it('reuses a known fingerprint only while the stat is the same and the file was already old when seen', async () => {
    const file = join(dir, 'b.csv');
    writeFileSync(file, 'id\n1\n');
    const first = await fingerprintFile(file);
    // Seen just now: the file's times are within the racy window, so the content is read again (a stale
    // sha256 planted in `known` is not taken).
    const planted = { ...first, sha256: 'planted' };
    expect((await fingerprintFile(file, planted)).sha256).toBe(sha('id\n1\n'));
    // Seen long after its last write: the known fingerprint is taken without reading (the planted value proves it).
    const later = { ...planted, seen: Date.now() + 10 * RACY_MS };
    expect((await fingerprintFile(file, later)).sha256).toBe('planted');
    // Another path's stat (another inode) is not taken either.
    const other = join(dir, 'c.csv');
    writeFileSync(other, 'id\n1\n');
    expect((await fingerprintFile(other, { ...later, file: other })).sha256).toBe(sha('id\n1\n'));
  });

  it('sees an edit that keeps the size and puts the modification time back', async () => {
    const file = join(dir, 'd.csv');
    writeFileSync(file, 'id\n1\n');
    const before = statSync(file, { bigint: true });
    const known = { ...(await fingerprintFile(file)), seen: Date.now() + 10 * RACY_MS };
    // touch -r copies times to the nanosecond (utimes from JS rounds them): a reference keeps the old ones.
    const ref = join(dir, 'd.ref');
    writeFileSync(ref, '');
    execFileSync('touch', ['-r', file, ref]);
    await sleep(20); // past the file system's clock tick, so that the write moves ctime
    writeFileSync(file, 'id\n2\n');
    execFileSync('touch', ['-r', ref, file]);
    expect(statSync(file, { bigint: true }).mtimeNs).toBe(before.mtimeNs);
    expect(statSync(file, { bigint: true }).size).toBe(before.size);
    const again = await fingerprintFile(file, known);
    expect(again.sha256).toBe(sha('id\n2\n'));
    expect(again.stat).not.toBe(known.stat);
  });
});

describe('the fingerprint cache beside the output', () => {
  const dir = tempDir('etl-fingerprint-cache-');
  const out = join(dir, 'output');

  it('round-trips, keyed by absolute path, and is written whole (no temporary file left)', async () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'id\n1\n');
    const print = await fingerprintFile(file);
    await writeFingerprintCache(out, [print]);
    expect(fingerprintCachePathOf(out)).toBe(join(dir, '.output.fingerprints.json'));
    expect(readdirSync(dir).filter((f) => f.includes('fingerprints')).sort()).toEqual(['.output.fingerprints.json']);
    expect([...(await readFingerprintCache(out)).entries()]).toEqual([[file, print]]);
  });

  it('a cache that cannot be read, or of another format, or with malformed entries, is ignored', async () => {
    const path = fingerprintCachePathOf(out);
    for (const text of ['{not json', JSON.stringify({ format: 99, files: [] }), JSON.stringify({ format: 1, files: [{ file: '/x', bytes: '5', sha256: 'a', stat: 's', seen: 1 }] })]) {
      writeFileSync(path, text);
      expect((await readFingerprintCache(out)).size).toBe(0);
    }
    expect((await readFingerprintCache(join(dir, 'nowhere'))).size).toBe(0);
  });
});
