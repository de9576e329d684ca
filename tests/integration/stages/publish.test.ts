// publishOutputs writes its files side by side on the engine's sessions, a proven key sorted alone:
// the bytes are those of one thread and a full sort order, whatever the scheduling.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { withEngine, type Engine } from '../../../src/engine/engine.ts';
import { trusted } from '../../../src/sql/sql.ts';
import { loadPipelineConfig, type PipelineConfig } from '../../../src/config.ts';
import { publishOutputs, type PublishedFile } from '../../../src/stages/publish.ts';
import { readParquetFile } from '../../helpers/parquet.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function config(): Promise<PipelineConfig> {
  const base = await loadPipelineConfig(join(import.meta.dirname, '..', '..', '..', 'pipeline'));
  return { ...base, publish: { lake: { lines: { partition_by: ['year'] } }, aggregates: ['twice'], warehouse: ['lines'], exports: ['twice', 'lines', 'absent'] } };
}

/** lines: key (id, n) unique, rows in a scrambled order; twice: key k held twice (not proven). */
async function setUp(e: Engine): Promise<void> {
  await e.exec(trusted(`CREATE SCHEMA gold; CREATE SCHEMA quarantine;
    CREATE TABLE gold.lines AS SELECT 'o' || lpad(CAST((i * 7919) % 5000 AS VARCHAR), 5, '0') AS id, i // 5000 AS n,
      2020 + (i % 3) AS year, round(((i * 31) % 1000) / 7.0, 4) AS amount, 'c' || (i % 17) AS customer
      FROM range(15000) t(i);
    CREATE TABLE gold.twice AS SELECT k, CAST(v AS DOUBLE) AS v, note FROM (VALUES ('b', 2, 'x'), ('a', 9, 'y'), ('b', 1, 'z'), ('a', 3, 'w')) t(k, v, note);
    CREATE TABLE quarantine.lines AS SELECT 'f.csv' AS _source_file, i AS _record_number, 'bad' AS reason FROM range(40) t(i) ORDER BY i DESC;`));
}

function bytesOf(dir: string): Record<string, string> {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return Object.fromEntries(walk(dir).sort().map((f) => [relative(dir, f), readFileSync(f).toString('base64')]));
}

async function publish(threads: number, keysHold?: Set<string>): Promise<{ dir: string; files: PublishedFile[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'etl-publish-'));
  dirs.push(dir);
  const cfg = await config();
  return withEngine(async (e) => {
    await setUp(e);
    const files = await publishOutputs(e, { staging: dir, config: cfg, quarantined: ['lines'], builtModels: ['lines', 'twice'], keys: { lines: ['id', 'n'], twice: ['k'] }, ...(keysHold ? { keysHold } : {}) });
    expect(Number(await e.scalar(trusted(`SELECT current_setting('threads')`)))).toBe(threads);
    return { dir, files };
  }, { threads });
}

describe('publish', () => {
  test('side by side with a proven key: the same bytes, files and rows as one thread in full order', async () => {
    const one = await publish(1);
    const two = await publish(2, new Set(['lines']));
    expect(bytesOf(two.dir)).toEqual(bytesOf(one.dir));
    const listed = (p: { dir: string; files: PublishedFile[] }) => p.files.map((f) => ({ ...f, path: relative(p.dir, f.path) }));
    expect(listed(two)).toEqual(listed(one));
    expect(listed(two).map((f) => [f.kind, f.path, f.rows])).toEqual([
      ['lake', 'data_lake/lines', 15000],
      ['aggregate', 'data_lake/aggregates/twice/data.parquet', 4],
      ['warehouse', 'data_warehouse/lines/data.parquet', 15000],
      ['export_csv', 'exports/csv/twice.csv', 4],
      ['export_json', 'exports/json/twice.json', 4],
      ['export_csv', 'exports/csv/lines.csv', 15000],
      ['export_json', 'exports/json/lines.json', 15000],
      ['export_index', 'exports/index.json', 2],
      ['quarantine', 'quarantine/lines/data.parquet', 40],
    ]);
    const index = JSON.parse(readFileSync(join(two.dir, 'exports', 'index.json'), 'utf8')) as { exports: { name: string; rows: number }[]; not_exported: { name: string }[] };
    expect(index.exports.map((x) => [x.name, x.rows])).toEqual([['lines', 15000], ['twice', 4]]);
    expect(index.not_exported.map((x) => x.name)).toEqual(['absent']);
  });

  test('rows come out in key order; a key that does not hold is tie-broken by every column', async () => {
    const { dir } = await publish(2, new Set(['lines']));
    const twice = readParquetFile(join(dir, 'data_lake', 'aggregates', 'twice', 'data.parquet')).toArray().map((r) => [String(r['k']), Number(r['v'])]);
    expect(twice).toEqual([['a', 3], ['a', 9], ['b', 1], ['b', 2]]);
    const part = readParquetFile(join(dir, 'data_lake', 'lines', 'year=2021', 'data_0.parquet')).toArray().map((r) => `${String(r['id'])}/${Number(r['n'])}`);
    expect(part).toHaveLength(5000);
    const sorted = [...part].sort((a, b) => { const [ia, na] = a.split('/'); const [ib, nb] = b.split('/'); return ia! < ib! ? -1 : ia! > ib! ? 1 : Number(na) - Number(nb); });
    expect(part).toEqual(sorted);
  });
});
