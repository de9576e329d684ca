// The commit journal, replayed from every state a kill can leave: before the commit point nothing
// visible changes and the staging is dropped; from the journal on, output and reports both end up
// the new ones, however many of the renames were done (replaying is idempotent).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPathOf, previousOf, recoverPublish, stagingOf, type Journal } from '../../../src/stages/commit.ts';
import { silentLogger } from '../../../src/log.ts';
import { tempDir } from '../../helpers/cli.ts';

function tree(dir: string, content: string): void {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'file.txt'), content);
}
const read = (dir: string) => (existsSync(dir) ? readFileSync(join(dir, 'sub', 'file.txt'), 'utf8') : undefined);

/** An old publication, the new one staged, and its journal; `done` renames already applied. */
function setUp(done: number, journaled: boolean) {
  const root = tempDir('etl-commit-');
  const out = join(root, 'output');
  const reports = join(root, 'elsewhere', 'reports');
  tree(out, 'old output');
  tree(reports, 'old reports');
  tree(stagingOf(out, 'r1'), 'new output');
  tree(stagingOf(reports, 'r1'), 'new reports');
  const journal: Journal = {
    schemaVersion: 1, run_id: 'r1', pid: 1, remove: [],
    moves: [
      { from: stagingOf(out, 'r1'), to: out, kind: 'folder' },
      { from: stagingOf(reports, 'r1'), to: reports, kind: 'folder' },
    ],
  };
  if (journaled) writeFileSync(journalPathOf(out), JSON.stringify(journal));
  else writeFileSync(`${journalPathOf(out)}.tmp`, JSON.stringify(journal).slice(0, 20)); // cut off mid-write
  // The renames a killed run did: each folder is target → previous, staging → target.
  const renames: [string, string][] = journal.moves.flatMap((m) => [[m.to, previousOf(m.to)], [m.from, m.to]] as [string, string][]);
  for (const [from, to] of renames.slice(0, done)) renameSync(from, to);
  return { root, out, reports };
}

describe('recoverPublish', () => {
  it('without a journal (killed before the commit point): the old output and reports stay, the staging goes', async () => {
    const { root, out, reports } = setUp(0, false);
    expect(await recoverPublish({ out, reports }, silentLogger)).toBe('cleaned');
    expect([read(out), read(reports)]).toEqual(['old output', 'old reports']);
    expect(readdirSync(root).sort()).toEqual(['elsewhere', 'output']);
    expect(readdirSync(join(root, 'elsewhere'))).toEqual(['reports']);
  });

  for (let done = 0; done <= 4; done++) {
    it(`with a journal and ${done} of 4 renames done: output and reports are both the new ones`, async () => {
      const { root, out, reports } = setUp(done, true);
      expect(await recoverPublish({ out, reports }, silentLogger)).toBe('rolled-forward');
      expect([read(out), read(reports)]).toEqual(['new output', 'new reports']);
      expect(readdirSync(root).sort()).toEqual(['elsewhere', 'output']);
      expect(readdirSync(join(root, 'elsewhere'))).toEqual(['reports']);
      // A second recovery has nothing left to do.
      expect(await recoverPublish({ out, reports }, silentLogger)).toBe('clean');
    });
  }
});
