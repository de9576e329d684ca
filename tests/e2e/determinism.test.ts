// Same input, same bytes: two default runs — one of them while another process keeps a core busy —
// publish byte-identical files and reports (the run record's timestamps aside, which live in _runs/
// only); a run with --threads 1 publishes the same rows in the same order in every file, the
// quarantine's line numbers included, and the same reports; so does a run whose tables live in a database
// file rather than in memory (large inputs).
// The manual check at 1M lines is in README (Outputs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles, ROOT, runCli, tempDir, treeHashes } from '../helpers/cli.ts';
import { readParquetFile } from '../helpers/parquet.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-determinism-');
const data = join(work, 'data');
const run = (name: string, extra: string[] = [], env: Record<string, string> = {}) => {
  const r = runCli(['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
    '--out', join(work, `${name}-out`), '--reports', join(work, `${name}-reports`), '--as-of', AS_OF, '--log-level', 'warn', ...extra], { env });
  expect(r.code, r.stderr).toBe(0);
  return r;
};

/** Every row of a Parquet file, in file order, as JSON text. */
function parquetRows(path: string, drop: string[] = []): string[] {
  const table = readParquetFile(path);
  const names = table.schema.fields.map((f) => f.name).filter((n) => !drop.includes(n));
  const rows: string[] = [];
  for (let i = 0; i < table.numRows; i++) rows.push(JSON.stringify(names.map((n) => String(table.getChild(n)!.get(i)))));
  return rows;
}

beforeAll(async () => {
  expect(runCli(['generate', '--out', data, '--orders', '20000', '--seed', '21', '--defect-rate', '0.01', '--as-of', AS_OF]).code).toBe(0);
  run('a');
  // The same run while another process spins on a core.
  const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    run('b');
  } finally {
    busy.kill('SIGKILL');
  }
  run('t1', ['--threads', '1']);
  // The engine's tables in a database file (what a run does when its inputs are large beside the memory
  // limit), with the log saying so.
  const f = run('file', ['--log-level', 'info'], { ETL_ENGINE_STORAGE: 'file' });
  expect(f.stderr + f.stdout).toContain('engine tables in a database file in the spill folder');
}, 300_000);

describe('same input, same bytes', () => {
  it('two default runs (one under load) publish byte-identical files and reports', () => {
    const a = treeHashes(join(work, 'a-out'), /^_runs\//);
    expect(Object.keys(a).length).toBeGreaterThan(40);
    expect(treeHashes(join(work, 'b-out'), /^_runs\//)).toEqual(a);
    expect(treeHashes(join(work, 'b-reports'))).toEqual(treeHashes(join(work, 'a-reports')));
  });

  it('tables in a database file instead of memory publish the same bytes', () => {
    expect(treeHashes(join(work, 'file-out'), /^_runs\//)).toEqual(treeHashes(join(work, 'a-out'), /^_runs\//));
    expect(treeHashes(join(work, 'file-reports'))).toEqual(treeHashes(join(work, 'a-reports')));
    // The spill folder, database file included, is gone.
    expect(listFiles(work).filter((f) => f.includes('.etl-spill-'))).toEqual([]);
  });

  it('lake partitions have fixed file names', () => {
    const lake = listFiles(join(work, 'a-out', 'data_lake', 'orders_enriched'));
    expect(lake.length).toBeGreaterThan(3);
    for (const f of lake) expect(f).toMatch(/^year=\d{4}\/month=\d{2}\/data_0\.parquet$/);
  });

  it('--threads 1 publishes the same rows in the same order in every file', () => {
    const a = join(work, 'a-out');
    const t1 = join(work, 't1-out');
    const files = listFiles(a).filter((f) => !f.startsWith('_runs/'));
    expect(listFiles(t1).filter((f) => !f.startsWith('_runs/'))).toEqual(files);
    for (const f of files) {
      // Every file, quarantine included (its records sorted by lineage: file, line): same rows, same order.
      if (f.endsWith('.parquet')) {
        expect(parquetRows(join(t1, f)), f).toEqual(parquetRows(join(a, f)));
      } else {
        expect(readFileSync(join(t1, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
      }
    }
    // The quarantine is not empty (the data has 1 % defects), so its line numbers were compared above.
    expect(files.filter((f) => f.startsWith('quarantine/') && parquetRows(join(a, f)).length > 0).length).toBeGreaterThan(0);
    // The reports too, sample keys (chosen by line number) included.
    expect(treeHashes(join(work, 't1-reports'))).toEqual(treeHashes(join(work, 'a-reports')));
  });
});
