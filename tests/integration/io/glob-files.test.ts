// Source paths under --data: `../data/` replaced, subfolders kept, globs expanded in name order.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGlob, matchFiles } from '../../../src/io/glob-files.ts';
import { dataRelativePath } from '../../../src/stages/plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-glob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('source paths and globs', () => {
  it('dataRelativePath keeps what follows ../data/ (subfolders, globs); other paths keep their file name', () => {
    expect(dataRelativePath('../data/orders.csv')).toBe('orders.csv');
    expect(dataRelativePath('../data/exports/2024/*.csv')).toBe('exports/2024/*.csv');
    expect(dataRelativePath('./data/orders.csv')).toBe('orders.csv');
    expect(dataRelativePath('data/x/y.parquet')).toBe('x/y.parquet');
    expect(dataRelativePath('/srv/shop/orders.csv')).toBe('orders.csv');
    expect(isGlob('a/*.csv')).toBe(true);
    expect(isGlob('a/b.csv')).toBe(false);
  });

  it('matchFiles: * and ? within a folder, ** across folders, [..] classes, sorted; [] when nothing matches', () => {
    for (const f of ['a/2024-01.csv', 'a/2024-02.csv', 'a/2023-12.csv', 'a/notes.txt', 'a/sub/2024-03.csv', 'a/sub/deeper/2024-04.csv']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x\n');
    }
    const rel = (files: string[]) => files.map((f) => f.slice(dir.length + 1));
    expect(rel(matchFiles(join(dir, 'a', '2024-*.csv')))).toEqual(['a/2024-01.csv', 'a/2024-02.csv']);
    expect(rel(matchFiles(join(dir, 'a', '202?-1?.csv')))).toEqual(['a/2023-12.csv']);
    expect(rel(matchFiles(join(dir, 'a', '**', '2024-*.csv')))).toEqual(['a/2024-01.csv', 'a/2024-02.csv', 'a/sub/2024-03.csv', 'a/sub/deeper/2024-04.csv']);
    expect(rel(matchFiles(join(dir, 'a', '2024-0[2-3].csv')))).toEqual(['a/2024-02.csv']);
    expect(rel(matchFiles(join(dir, '*', 'notes.txt')))).toEqual(['a/notes.txt']);
    expect(matchFiles(join(dir, 'a', '*.parquet'))).toEqual([]);
    expect(matchFiles(join(dir, 'nope', '*.csv'))).toEqual([]);
    expect(rel(matchFiles(join(dir, 'a', 'notes.txt')))).toEqual(['a/notes.txt']);
  });
});
