// Incremental daily runs through the real CLI: orders arrive as daily files (`orders/*.csv`, split from a
// generated orders.csv by bench/split-orders.mjs). Output A runs the way a nightly job does (incremental
// when it can); output B runs the same history with --full-refresh each time. After every step, every
// published file of A and B is byte-identical (run records aside, compared without their timings), and A's
// run record says what was done and why: an append of the new files, or a full rebuild when an old file
// changed or went away, or when a new record shares a key with an earlier one. A run killed before its
// commit point leaves the previous output and state usable; one killed after it is finished by the next.
// A nightly job's --as-of advances every day: the run stays incremental, and orders quarantined as dated
// after the old date move to silver when the new one allows them.
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, treeHashes } from '../helpers/cli.ts';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';
// @ts-expect-error a plain ES module shared with bench/incremental.sh
import { splitOrders } from '../../bench/split-orders.mjs';

const AS_OF = '2025-07-01';
const work = tempDir('etl-e2e-incremental-');
const gen = join(work, 'gen');
const data = join(work, 'data');
const orders = join(data, 'orders');
const hold = join(work, 'hold');
const contracts = join(work, 'contracts');
const A = { out: join(work, 'a-out'), reports: join(work, 'a-reports') };
const B = { out: join(work, 'b-out'), reports: join(work, 'b-reports') };

interface RunRecord {
  run_id: string;
  status: string;
  finished_at: string;
  stages: Record<string, number>;
  counts: Record<string, { records_in: number; rows_out: number; rows_quarantined: number; duplicates_dropped: number; rows_excluded: number }>;
  incremental: {
    mode: 'full' | 'incremental';
    reason: string;
    processed: Record<string, string[]>;
    this_run: Record<string, { records_in: number; rows_out: number; rows_quarantined: number; duplicates_dropped: number; rows_excluded: number }>;
    lake: { written: string[]; kept: string[] };
    warehouse: { written: string[]; kept: string[] };
    as_of_recheck?: { from: string; to: string; datasets: Record<string, { rules: string[]; rechecked: number; to_silver: number }> };
    gold?: Record<string, string>;
    files_kept?: string[];
  };
  published: { path: string }[];
}

function run(target: { out: string; reports: string }, extra: string[] = [], env: Record<string, string> = {}, asOf = AS_OF) {
  return runCli(['run', '--data', data, '--contracts', contracts, '--out', target.out, '--reports', target.reports, '--as-of', asOf, '--log-level', 'silent', ...extra], { env });
}

function records(out: string): RunRecord[] {
  const dir = join(out, '_runs');
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunRecord).sort((a, b) => a.finished_at.localeCompare(b.finished_at));
}
const latest = (out: string): RunRecord => records(out).at(-1)!;

/** A run record without what differs between two runs of the same publication: times, mode, folder. */
function normalized(r: RunRecord, out: string): unknown {
  const { finished_at: _f, stages: _s, incremental: _i, ...rest } = r as RunRecord & { started_at?: string };
  delete (rest as { started_at?: string }).started_at;
  return { ...rest, published: r.published.map((p) => ({ ...p, path: p.path.replace(out, '<out>') })) };
}

/** Every published file of A equals B's, byte for byte; run records equal but for timings and mode. */
function expectSameAsFullRebuild(): void {
  expect(treeHashes(A.out, /^_runs\//)).toEqual(treeHashes(B.out, /^_runs\//));
  expect(treeHashes(A.reports)).toEqual(treeHashes(B.reports));
  const ra = records(A.out).map((r) => normalized(r, A.out)).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  const rb = records(B.out).map((r) => normalized(r, B.out)).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  expect(ra).toEqual(rb);
}

const dataLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).length - 1;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const stateFile = join(work, '.a-out.state.duckdb');

beforeAll(async () => {
  expect(runCli(['generate', '--out', gen, '--orders', '4000', '--seed', '7', '--defect-rate', '0.03', '--as-of', AS_OF]).code).toBe(0);
  mkdirSync(data);
  for (const f of readdirSync(gen)) if (f !== 'orders.csv' && !f.startsWith('_')) copyFileSync(join(gen, f), join(data, f));
  // Daily files for June and July 1st, monthly ones before; the last two days arrive later.
  await splitOrders(join(gen, 'orders.csv'), orders, '2025-06-01', AS_OF);
  mkdirSync(hold);
  for (const f of ['2025-06-30.csv', '2025-07-01.csv']) renameSync(join(orders, f), join(hold, f));
  // The last day's file also holds the generator's future_date defects (dated after AS_OF); one more,
  // dated the next day and otherwise clean, so that the next day's --as-of surely lets one in.
  const last = join(hold, '2025-07-01.csv');
  const clean = readFileSync(last, 'utf8').split('\n').find((l) => /^O\d+,C\d+,P\d+,\d+,2025-07-01T/.test(l))!;
  appendFileSync(last, `${clean.replace(/^[^,]*/, 'OFUTURE1').replace(/2025-07-01T[0-9:]+/, '2025-07-02T09:00:00')}\n`);
  cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
  const source = join(contracts, 'orders.source.yaml');
  writeFileSync(source, readFileSync(source, 'utf8').replace('path: ../data/orders.csv', 'path: ../data/orders/*.csv'));
  for (const t of [A, B]) {
    const r = run(t);
    expect(r.code, r.stderr).toBe(0);
  }
  expect(latest(A.out).incremental).toMatchObject({ mode: 'full', reason: 'no incremental state in the output yet' });
  expect(existsSync(stateFile)).toBe(true);
}, 300_000);

describe('incremental runs over daily files', () => {
  it('a new day goes through bronze and silver alone, unchanged lake months are kept, and the result equals a full rebuild', () => {
    const before = records(A.out)[0]!;
    const kept = join(A.out, 'data_lake', 'orders_enriched', 'year=2024', 'month=01', 'data_0.parquet');
    const inode = statSync(kept).ino;
    const keptFact = join(A.out, 'data_warehouse', 'fact_orders', 'year=2024', 'month=01', 'data_0.parquet');
    const factInode = statSync(keptFact).ino;
    renameSync(join(hold, '2025-06-30.csv'), join(orders, '2025-06-30.csv'));
    const newLines = dataLines(join(orders, '2025-06-30.csv'));
    const a = run(A);
    expect(a.code, a.stderr).toBe(0);
    const rec = latest(A.out);
    expect(rec.incremental.mode).toBe('incremental');
    expect(rec.incremental.reason).toBe('1 new file in orders');
    expect(rec.incremental.processed['orders']).toEqual(['orders/2025-06-30.csv']);
    // Per run: this run's records; cumulative: the record's counts (and the quality report's).
    expect(rec.incremental.this_run['orders']!.records_in).toBe(newLines);
    expect(rec.counts['orders']!.records_in).toBe(before.counts['orders']!.records_in + newLines);
    for (const c of [rec.incremental.this_run['orders']!, rec.counts['orders']!]) {
      expect(c.records_in).toBe(c.rows_out + c.rows_quarantined + c.duplicates_dropped + c.rows_excluded);
    }
    // customers, products … came from the state; returns references orders, so it was checked again in full.
    expect(rec.stages['bronze:customers']).toBeUndefined();
    expect(rec.stages['bronze:orders']).toBeGreaterThanOrEqual(0);
    expect(rec.stages['bronze:returns']).toBeGreaterThanOrEqual(0);
    expect(rec.incremental.this_run['customers']!.records_in).toBe(0);
    expect(rec.incremental.lake.written).toEqual(['orders_enriched/year=2025/month=06']);
    expect(rec.incremental.lake.kept).toContain('orders_enriched/year=2024/month=01');
    expect(statSync(kept).ino).toBe(inode); // the same file, not rewritten
    // The warehouse fact, partitioned by year/month as the lake: the new day's month written, the others linked.
    expect(rec.incremental.warehouse.written).toEqual(['fact_orders/year=2025/month=06']);
    expect(rec.incremental.warehouse.kept).toContain('fact_orders/year=2024/month=01');
    expect(statSync(keptFact).ino).toBe(factInode);
    // Gold from what changed: the declared models maintained by key, those reading nothing new reused (their
    // files linked), the global ones recomputed — and every byte equal to the full rebuild below.
    expect(rec.incremental.gold).toMatchObject({
      orders_enriched: 'maintained', customer_premium: 'maintained', order_summary: 'maintained', product_daily: 'maintained',
      order_pairs: 'maintained', product_pairs: 'maintained', customer_orders: 'maintained', dim_customers: 'maintained',
      product_stock: 'reused', dim_products: 'reused', conversion_daily: 'reused',
      product_sales: 'recomputed', suspicious_orders: 'recomputed', fact_orders: 'view',
    });
    expect(rec.incremental.files_kept).toEqual(expect.arrayContaining(['data_warehouse/dim_products/data.parquet', 'exports/csv/conversion_daily.csv', 'quarantine/customers/data.parquet']));
    expect(rec.incremental.files_kept).not.toContain('exports/csv/product_sales.csv');
    const quality = JSON.parse(readFileSync(join(A.reports, 'quality_report.json'), 'utf8')) as { sources: Record<string, { records_in: number }>; counts_scope: string; checks: unknown[] };
    expect(quality.sources['orders']!.records_in).toBe(rec.counts['orders']!.records_in);
    expect(quality.counts_scope).toMatch(/cumulative/);
    expect(quality.checks.length).toBeGreaterThan(0);
    expect(readFileSync(join(A.reports, 'quality_report.txt'), 'utf8')).toContain('cumulative over every input file');

    const b = run(B, ['--full-refresh']);
    expect(b.code, b.stderr).toBe(0);
    expect(latest(B.out).incremental).toMatchObject({ mode: 'full', reason: '--full-refresh' });
    expectSameAsFullRebuild();
  }, 300_000);

  it('a run killed before its commit point leaves the previous output and state; one killed after it is finished by the next run', () => {
    const output = treeHashes(A.out);
    const state = sha(stateFile);
    renameSync(join(hold, '2025-07-01.csv'), join(orders, '2025-07-01.csv'));
    for (const step of ['staged-output', 'journal']) {
      const killed = run(A, [], { ETL_TEST_FAULT: step });
      expect(killed.signal).toBe('SIGKILL');
      expect(treeHashes(A.out)).toEqual(output);
      expect(sha(stateFile)).toBe(state);
    }
    const killed = run(A, [], { ETL_TEST_FAULT: 'journaled' });
    expect(killed.signal).toBe('SIGKILL');
    // The next run finishes that publication (state with it), then finds nothing new to do.
    const a = run(A);
    expect(a.code, a.stderr).toBe(0);
    expect(readdirSync(work).filter((n) => n.startsWith('.a-out.')).sort()).toEqual(['.a-out.fingerprints.json', '.a-out.state.duckdb']);
    const rec = latest(A.out);
    expect(rec.incremental).toMatchObject({ mode: 'incremental', reason: 'no input changed since the last run' });
    expect(records(A.out).at(-2)!.incremental).toMatchObject({ mode: 'incremental', reason: '1 new file in orders' });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('a changed old file is detected and rebuilt in full', () => {
    const old = join(orders, '2025-06-10.csv');
    const [, first] = readFileSync(old, 'utf8').split('\n');
    appendFileSync(old, `${first!.replace(/^[^,]*/, 'OCHANGED1')}\n`);
    expect(run(A).code).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'full', reason: 'orders/2025-06-10.csv changed since the last run' });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('a deleted old file is detected and rebuilt in full', () => {
    rmSync(join(orders, '2025-06-11.csv'));
    expect(run(A).code).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'full', reason: 'orders/2025-06-11.csv was removed since the last run' });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('an unchanged old file is not read again (its fingerprint is kept beside the output); an edit that keeps its size and modification time is still seen', () => {
    const cachePath = join(work, '.a-out.fingerprints.json');
    type Cache = { format: number; files: { file: string; sha256: string; stat: string; seen: number }[] };
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Cache;
    const name = 'orders/2025-06-15.csv';
    const entry = cache.files.find((f) => f.file === join(data, name))!;
    expect(entry.sha256).toBe(sha(join(data, name)));
    expect(entry.stat).toMatch(/^\d+:\d+:\d+:\d+:\d+$/);
    // The published output holds no inode or clock: the manifest names each input by its content only.
    const manifest = readFileSync(join(A.out, '_incremental', 'manifest.json'), 'utf8');
    expect(manifest).not.toContain(entry.stat);
    // A planted hash is taken as the file's: the run does not read the file (its stat and times say unchanged).
    entry.sha256 = 'planted';
    writeFileSync(cachePath, JSON.stringify(cache));
    const planted = run(A);
    expect(planted.code, planted.stderr).toBe(0);
    const rec = latest(A.out);
    expect(rec.incremental).toMatchObject({ mode: 'full', reason: `${name} changed since the last run` });
    expect((rec as unknown as { inputs: { file: string; sha256: string }[] }).inputs.find((f) => f.file === join(data, name))!.sha256).toBe('planted');
    // That record's run id follows the planted hash: B cannot have its twin. Put the real hash back.
    rmSync(join(A.out, '_runs', `${rec.run_id}.json`));
    entry.sha256 = sha(join(data, name));
    writeFileSync(cachePath, JSON.stringify(cache));
    expect(run(A).code).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'full', reason: `${name} changed since the last run` });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();

    // One digit changed in place, the modification time put back to the nanosecond: ctime still moves.
    const file = join(data, name);
    const ref = join(work, 'times.ref');
    writeFileSync(ref, '');
    execFileSync('touch', ['-r', file, ref]);
    const text = readFileSync(file, 'utf8');
    const at = text.search(/,[1-8],2025-06-15T/) + 1;
    writeFileSync(file, `${text.slice(0, at)}${Number(text[at]) + 1}${text.slice(at + 1)}`);
    execFileSync('touch', ['-r', ref, file]);
    expect(statSync(file).size).toBe(Buffer.byteLength(text));
    expect(run(A).code).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'full', reason: `${name} changed since the last run` });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('a new record that shares a processed key abandons the append for a full rebuild', () => {
    const [header, ...lines] = readFileSync(join(orders, '2025-06-12.csv'), 'utf8').split('\n');
    // Same order and product as an earlier clean line, another quantity: both are duplicate_key in a full run.
    const fields = lines.find((l) => /^O\d+,C\d+,P\d+,\d+,2025-06-12T/.test(l))!.split(',');
    fields[3] = String(Number(fields[3]) + 1);
    writeFileSync(join(orders, '2025-07-02.csv'), `${header}\n${fields.join(',')}\n`);
    expect(run(A).code).toBe(0);
    const rec = latest(A.out);
    expect(rec.incremental.mode).toBe('full');
    expect(rec.incremental.reason).toMatch(/^incremental run abandoned: 1 new orders record shares its key with records processed before$/);
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
    const quality = JSON.parse(readFileSync(join(A.reports, 'quality_report.json'), 'utf8')) as { checks: { id: string; failed_rows: number }[] };
    expect(quality.checks.find((c) => c.id === 'orders.primary_key.duplicate_key' || c.id.endsWith('duplicate_key'))?.failed_rows).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('an advancing --as-of (a nightly job) stays incremental: rows quarantined as future-dated move to silver, as in a full rebuild', () => {
    const DAY = '2025-07-02';
    const lines = readdirSync(orders).flatMap((f) => readFileSync(join(orders, f), 'utf8').split('\n').slice(1));
    const nextDay = lines.filter((l) => l.split(',')[4]?.startsWith(DAY)).length;
    expect(nextDay).toBeGreaterThanOrEqual(1);
    const quality = () => JSON.parse(readFileSync(join(A.reports, 'quality_report.json'), 'utf8')) as { checks: { id: string; failed_rows: number }[] };
    const future = () => quality().checks.find((c) => c.id === 'orders.orders_order_date_not_in_future')!.failed_rows;
    const before = { future: future(), counts: latest(A.out).counts['orders']! };
    // Day N+1: the day's file (two clean lines dated that day), and --as-of N+1.
    const [header, ...rest] = readFileSync(join(orders, '2025-06-29.csv'), 'utf8').split('\n');
    const cleanLines = rest.filter((l) => /^O\d+,C\d+,P\d+,\d+,2025-06-29T/.test(l)).slice(0, 2).map((l, i) => l.replace(/^[^,]*/, `ONEXT${i}`).replace(/2025-06-29T/, `${DAY}T`));
    writeFileSync(join(orders, '2025-07-03.csv'), `${header}\n${cleanLines.join('\n')}\n`);
    const a = run(A, [], {}, DAY);
    expect(a.code, a.stderr).toBe(0);
    const rec = latest(A.out);
    expect(rec.incremental.mode).toBe('incremental');
    expect(rec.incremental.reason).toBe(`1 new file in orders; --as-of ${AS_OF} → ${DAY}: rows rechecked by the rules that read it`);
    expect(rec.incremental.processed['orders']).toEqual(['orders/2025-07-03.csv']);
    expect(rec.stages['bronze:customers']).toBeUndefined();
    const recheck = rec.incremental.as_of_recheck!;
    expect(recheck).toMatchObject({ from: AS_OF, to: DAY });
    expect(recheck.datasets['orders']!.rules).toEqual(['orders.orders_order_date_not_in_future']);
    expect(recheck.datasets['orders']!.to_silver).toBe(nextDay);
    expect(Object.keys(recheck.datasets)).toEqual(['orders']); // no other dataset has a rule that reads --as-of
    expect(future()).toBe(before.future - nextDay);
    const counts = rec.counts['orders']!;
    expect(counts.records_in).toBe(before.counts.records_in + 2);
    expect(counts.rows_out).toBe(before.counts.rows_out + 2 + nextDay);
    expect(counts.rows_quarantined).toBe(before.counts.rows_quarantined - nextDay);
    const b = run(B, ['--full-refresh'], {}, DAY);
    expect(b.code, b.stderr).toBe(0);
    expectSameAsFullRebuild();

    // The day after, without a new file: still incremental, still the full rebuild's bytes.
    const later = '2025-07-03';
    const a2 = run(A, [], {}, later);
    expect(a2.code, a2.stderr).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'incremental', reason: `no new input; --as-of ${DAY} → ${later}: rows rechecked by the rules that read it` });
    expect(latest(A.out).incremental.as_of_recheck!.datasets['orders']!.to_silver).toBe(lines.filter((l) => l.split(',')[4]?.startsWith(later)).length);
    expect(run(B, ['--full-refresh'], {}, later).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('an --as-of moved back before rows already in silver rebuilds in full and says why', () => {
    const a = run(A, [], {}, AS_OF);
    expect(a.code, a.stderr).toBe(0);
    expect(latest(A.out).incremental.mode).toBe('full');
    expect(latest(A.out).incremental.reason).toMatch(/^incremental run abandoned: \d+ silver orders rows are judged otherwise by orders\.orders_order_date_not_in_future at --as-of 2025-07-01 than at 2025-07-03$/);
    expect(run(B, ['--full-refresh'], {}, AS_OF).code).toBe(0);
    expectSameAsFullRebuild();
  }, 300_000);

  it('the same files named otherwise (--data and --contracts relative, then absolute) stay incremental: the state\'s names are rewritten, and the result equals a full rebuild under this run\'s names', async () => {
    const relative = (target: { out: string; reports: string }, extra: string[] = []) =>
      runCli(['run', '--data', 'data', '--contracts', 'contracts', '--out', target.out, '--reports', target.reports, '--as-of', AS_OF, '--log-level', 'silent', ...extra], { cwd: work });
    // A new day with a clean line and a quarantined one (quantity 0), read under the relative names.
    const [header, ...rest] = readFileSync(join(orders, '2025-06-28.csv'), 'utf8').split('\n');
    const clean = rest.find((l) => /^O\d+,C\d+,P\d+,\d+,2025-06-28T/.test(l))!;
    const day = '2025-07-05.csv';
    writeFileSync(join(orders, day), `${header}\n${clean.replace(/^[^,]*/, 'ORENAME1')}\n${clean.replace(/^[^,]*/, 'ORENAME2').replace(/^([^,]*,[^,]*,[^,]*,)\d+/, '$10')}\n`);
    const a = relative(A);
    expect(a.code, a.stderr).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'incremental', reason: `1 new file in orders; --data ${data} → data, --contracts named otherwise: file names rewritten in the state` });
    expect(relative(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
    const quality = readFileSync(join(A.reports, 'quality_report.json'), 'utf8');
    expect(quality).not.toContain(contracts);
    expect(quality).not.toContain(data);
    expect(quality).toContain('"contracts/orders.silver.yaml"');
    // The quarantine's lineage: every file by the relative name, the new day's line among them.
    const q = join(A.out, 'quarantine', 'orders', '*.parquet');
    const [lineage] = await withEngine((e) => e.rows(sql`SELECT count(*) FILTER (WHERE _source_file LIKE 'data/orders/%') AS rel, count(*) FILTER (WHERE _source_file NOT LIKE 'data/%') AS other,
      count(*) FILTER (WHERE _source_file = ${`data/orders/${day}`}) AS new_day FROM read_parquet(${q})`));
    expect(Number(lineage!['other'])).toBe(0);
    expect(Number(lineage!['new_day'])).toBe(1);
    expect(Number(lineage!['rel'])).toBeGreaterThan(1);
    // Back to the absolute names: incremental again, a full rebuild's bytes under those names.
    const again = run(A);
    expect(again.code, again.stderr).toBe(0);
    expect(latest(A.out).incremental).toMatchObject({ mode: 'incremental', reason: `no input changed since the last run; --data data → ${data}, --contracts named otherwise: file names rewritten in the state` });
    expect(run(B, ['--full-refresh']).code).toBe(0);
    expectSameAsFullRebuild();
    expect(readFileSync(join(A.reports, 'quality_report.json'), 'utf8')).not.toContain('"contracts/orders.silver.yaml"');
  }, 300_000);

  it('changed contracts rebuild in full and say why', () => {
    const silver = join(contracts, 'orders.silver.yaml');
    writeFileSync(silver, `${readFileSync(silver, 'utf8')}\n# edited\n`);
    const again = run(A);
    expect(again.code, again.stderr).toBe(0);
    expect(latest(A.out).incremental.reason).toMatch(/^contracts, models or config changed since the state was written: \S*contracts\/orders\.silver\.yaml \(changed\)$/);
  }, 300_000);
});
