// Power loss: commitPublish flushes (fsync) every staged file and folder before the journal — the
// commit point — is written, the journal's folder right after it, and the targets' folders after the
// renames, before the previous versions are deleted. fs/promises' `open` is wrapped to record each
// handle's sync and each write of the journal, in order.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/cli.ts';

const events: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (path: string, flags?: string) => {
    const handle = await real.open(path, flags);
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'sync') return async () => (events.push(`sync ${path}`), target.sync());
        if (prop === 'writeFile') return async (data: string, enc: BufferEncoding) => (events.push(`write ${path}`), target.writeFile(data, enc));
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
  const rename = async (from: string, to: string) => (events.push(`rename ${from} -> ${to}`), real.rename(from, to));
  return { ...real, open, rename, default: { ...real, open, rename } };
});

const { commitPublish, journalPathOf, stagingOf } = await import('../../../src/stages/commit.ts');

describe('commitPublish durability', () => {
  it('fsyncs every staged file and folder before the journal, the journal folder before the renames, the targets after them', async () => {
    const root = tempDir('etl-durable-');
    const out = join(root, 'output');
    const staging = stagingOf(out, 'r1');
    mkdirSync(join(staging, 'data_lake', 'year=2025'), { recursive: true });
    writeFileSync(join(staging, 'data_lake', 'year=2025', 'data_0.parquet'), 'p');
    writeFileSync(join(staging, 'index.json'), '{}');
    const record = join(root, '.record.tmp');
    writeFileSync(record, '{}');
    mkdirSync(out);
    const journalPath = journalPathOf(out);
    await commitPublish(journalPath, {
      schemaVersion: 1, run_id: 'r1', pid: 1, remove: [],
      moves: [
        { from: staging, to: out, kind: 'folder' },
        { from: record, to: join(root, 'record.json'), kind: 'file' },
      ],
    });
    const at = (e: string) => {
      const i = events.indexOf(e);
      expect(i, `${e} in\n${events.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const journalWrite = at(`write ${journalPath}.tmp`);
    for (const p of [join(staging, 'data_lake', 'year=2025', 'data_0.parquet'), join(staging, 'index.json'), join(staging, 'data_lake', 'year=2025'), join(staging, 'data_lake'), staging, record, root]) {
      expect(at(`sync ${p}`)).toBeLessThan(journalWrite);
    }
    // A file is flushed before the folder that names it.
    expect(at(`sync ${join(staging, 'index.json')}`)).toBeLessThan(at(`sync ${staging}`));
    const commitPoint = at(`rename ${journalPath}.tmp -> ${journalPath}`);
    expect(at(`sync ${journalPath}.tmp`)).toBeLessThan(commitPoint);
    const firstMove = at(`rename ${out} -> ${join(root, '.output.previous')}`);
    const dirSyncs = events.map((e, i) => [e, i] as const).filter(([e]) => e === `sync ${root}`).map(([, i]) => i);
    // The journal's folder between the commit point and the first rename; the targets' folder after the last.
    expect(dirSyncs.some((i) => i > commitPoint && i < firstMove)).toBe(true);
    expect(dirSyncs.some((i) => i > at(`rename ${record} -> ${join(root, 'record.json')}`))).toBe(true);
  });
});
