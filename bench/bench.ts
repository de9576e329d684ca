// npm run bench -- [--orders 1000000] [--runs N] [--memory-limit SIZE] [--only etl,reference,bare] [--data DIR] [--work DIR]
// Times the full `etl run` (the compiled CLI, as a user runs it) against the hand-written reference pipeline
// (ETL_REFERENCE, default ../shared/reference/bare-pipeline.mjs beside the repository) and against
// bench/bare.sql + the same gold models and publish (the price of the contracts alone), on one generated
// dataset, with the same DuckDB memory limit for every job. Runs alternate (the order rotates each round)
// so that a slow spell of the shared machine hits every job alike; medians of 5 up to 1M lines, of 3 above.
// `--only etl` times etl run alone (no reference needed): the scale runs (10M, 100M lines) use it, with
// `--data` naming an already generated folder and `--work` a scratch folder with room for the output and spill.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultMemoryLimit } from '../src/engine/memory-limit.ts';
import { adaptForReference, referenceFits } from './reference-input.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' }, runs: { type: 'string' }, 'memory-limit': { type: 'string' },
    only: { type: 'string' }, data: { type: 'string' }, work: { type: 'string' },
  },
});
const orders = Number(values.orders);
const runs = values.runs ? Number(values.runs) : values.only === 'etl' || orders > 1_000_000 ? (orders > 1_000_000 ? 1 : 3) : 5;
const memoryLimit = values['memory-limit'] ?? process.env['ETL_MEMORY_LIMIT'] ?? defaultMemoryLimit();
const root = resolve(import.meta.dirname, '..');
const work = resolve(values.work ?? join(root, 'bench', '.work'));
mkdirSync(work, { recursive: true });
const node = process.execPath;
const JOB_NAMES = ['etl', 'reference', 'bare'] as const;
const selected = (values.only ?? JOB_NAMES.join(',')).split(',').map((x) => x.trim());
for (const name of selected) if (!(JOB_NAMES as readonly string[]).includes(name)) fail(`--only takes ${JOB_NAMES.join(', ')}; got ${name}`);
const withReference = selected.includes('reference');

function fail(message: string, hint?: string): never {
  process.stderr.write(`bench: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`);
  process.exit(2);
}

// ---------------------------------------------------------------- the reference, run from a scratch folder
const referenceFile = resolve(process.env['ETL_REFERENCE'] ?? join(root, '..', 'shared', 'reference', 'bare-pipeline.mjs'));
if (withReference && !existsSync(referenceFile)) {
  fail(`the reference pipeline is missing: ${referenceFile}`, 'set ETL_REFERENCE=/path/to/bare-pipeline.mjs (default: ../shared/reference/bare-pipeline.mjs beside the repository)');
}
// Its fixed "now": the generated period ends there, and etl runs --as-of that day, so both keep the same lines.
// (2025-07-01 when the reference is absent and not asked for.)
const asOfMatch = existsSync(referenceFile) ? /const AS_OF = "TIMESTAMP '(\d{4}-\d{2}-\d{2})/.exec(readFileSync(referenceFile, 'utf8')) : undefined;
if (withReference && !asOfMatch) fail(`cannot read the reference's AS_OF in ${referenceFile}`);
const asOf = asOfMatch?.[1] ?? '2025-07-01';
// As its header says: a copy in a scratch folder beside a link to the project's node_modules (its
// @duckdb/node-api import resolves from its own folder); never a copy inside the project.
const scratch = mkdtempSync(join(tmpdir(), 'etl-bench-reference-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const reference = join(scratch, 'bare-pipeline.mjs');
if (withReference) {
  copyFileSync(referenceFile, reference);
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
}

// ---------------------------------------------------------------- the data (cached per generator version)
function generatorHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else h.update(name.name).update(readFileSync(p));
    }
  };
  walk(join(root, 'src', 'generate'));
  return h.digest('hex').slice(0, 8);
}
// --data: a folder generated beforehand (`etl generate --orders N --seed 1 --defect-rate 0.01 --as-of 2025-07-01`).
const data = values.data ? resolve(values.data) : join(work, `data-${orders}-${asOf}-${generatorHash()}`);
if (values.data && !existsSync(join(data, 'orders.csv'))) fail(`no orders.csv in ${data}`);
if (!values.data && !existsSync(join(data, '.complete'))) {
  const t = performance.now();
  rmSync(data, { recursive: true, force: true });
  const r = spawnSync(node, [join(root, 'bin', 'etl.js'), 'generate', '--out', data, '--orders', String(orders), '--seed', '1', '--defect-rate', '0.01', '--as-of', asOf, '--log-level', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) fail(`etl generate exited ${r.status}`);
  writeFileSync(join(data, '.complete'), '');
  process.stdout.write(`generated ${orders.toLocaleString('en-US')} order lines in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

// ---------------------------------------------------------------- the three jobs
interface Job {
  ms: number;
  /** CPU time of all the process's threads (user + system) */
  cpuMs: number;
  maxRssMb: number;
  /** seconds per stage (etl run, bare.sql) or phase (reference) */
  stages: Record<string, number>;
  /** in-process time (etl run: started_at → finished_at of its run record; bare.sql: after its imports) */
  innerMs?: number;
  note?: string;
  /** etl run: the largest size its DuckDB spill folder reached (sampled every 2 s) */
  spillMb?: number;
}

/** Bytes under a folder (0 when it does not exist). */
function folderBytes(dir: string): number {
  let total = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      try {
        total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
      } catch {
        // removed while we looked
      }
    }
  } catch {
    return 0;
  }
  return total;
}

function spawnMeasured(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string; maxRssMb: number; cpuMs: number } {
  const stats = join(work, `${name}.stats.json`);
  rmSync(stats, { force: true });
  const t0 = performance.now();
  const r = spawnSync(node, [join(root, 'bench', 'measure.mjs'), stats, ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const ms = Math.round(performance.now() - t0);
  if (r.status !== 0) fail(`${name} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  const measured = JSON.parse(readFileSync(stats, 'utf8')) as { maxRssMb: number; cpuMs: number };
  return { ms, stdout: r.stdout, ...measured };
}

async function runEtl(): Promise<Job> {
  const dir = join(work, 'etl-run');
  rmSync(dir, { recursive: true, force: true });
  const stats = join(work, 'etl-run.stats.json');
  rmSync(stats, { force: true });
  // Spawned asynchronously so that the spill folder (.etl-spill-<pid> beside --out) can be watched meanwhile.
  const t0 = performance.now();
  const child = spawn(node, [join(root, 'bench', 'measure.mjs'), stats,
    join(root, 'bin', 'etl.js'), 'run', '--data', data, '--contracts', join(root, 'contracts'), '--pipeline', join(root, 'pipeline'),
    '--out', join(dir, 'output'), '--reports', join(dir, 'reports'), '--as-of', asOf, '--memory-limit', memoryLimit, '--log-level', 'warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let spillBytes = 0;
  const watch = setInterval(() => {
    spillBytes = Math.max(spillBytes, folderBytes(join(dir, `.etl-spill-${child.pid}`)));
  }, 2000);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearInterval(watch);
  const ms = Math.round(performance.now() - t0);
  if (code !== 0) fail(`etl run exited ${code}:\n${stderr}`);
  const { maxRssMb, cpuMs } = JSON.parse(readFileSync(stats, 'utf8')) as { maxRssMb: number; cpuMs: number };
  const runs = join(dir, 'output', '_runs');
  const record = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0]!), 'utf8')) as {
    status: string; started_at: string; finished_at: string; stages: Record<string, number>;
    counts: Record<string, { records_in?: number; rows_out?: number }>;
  };
  const stages = Object.fromEntries(Object.entries(record.stages).map(([k, v]) => [k, v / 1000]));
  const o = record.counts['orders'];
  return {
    ms, cpuMs, maxRssMb, stages, spillMb: Math.round(spillBytes / 1e6), innerMs: Date.parse(record.finished_at) - Date.parse(record.started_at),
    note: `${record.status}; orders ${o?.rows_out ?? '?'} of ${o?.records_in ?? '?'} lines kept`,
  };
}

let referenceData = data;
function runReference(input = referenceData): Job {
  const { ms, stdout, maxRssMb, cpuMs } = spawnMeasured('reference', [reference, input, join(work, 'reference-out'), '--memory-limit', memoryLimit]);
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { phases: Record<string, number>; counts: Record<string, string | number> };
  return { ms, cpuMs, maxRssMb, stages: out.phases, note: `orders ${out.counts['cleanOrders']} of ${out.counts['rawOrders']} lines kept` };
}

function runBare(): Job {
  const t0 = performance.now();
  const r = spawnSync(node, [join(root, 'bin', 'run-ts.js'), join(root, 'bench', 'run-one.ts'), data, join(work, 'bare'), asOf], {
    encoding: 'utf8', env: { ...process.env, ETL_MEMORY_LIMIT: memoryLimit }, maxBuffer: 64 << 20,
  });
  const ms = Math.round(performance.now() - t0);
  if (r.status !== 0) fail(`bare.sql job exited ${r.status}:\n${r.stderr}`, 'bench/bare.sql reads the sources with explicit columns: they must match what etl generate writes');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; cpuMs: number; maxRssMb: number; stages: Record<string, number> };
  return { ms, cpuMs: out.cpuMs, maxRssMb: out.maxRssMb, innerMs: out.ms, stages: Object.fromEntries(Object.entries(out.stages).map(([k, v]) => [k, v / 1000])) };
}

// The reference reads the seed's exact schema with integer ids and strict casts. When the generated files do
// not fit it (other columns, coded ids, uncastable defects), it gets a copy of the same records cast to its
// schema, and the report says so.
let inputNote = 'the same files as etl run';
const fits = withReference ? await referenceFits(data) : { ok: true, reasons: [] as string[] };
if (withReference && fits.ok) {
  const probe = spawnSync(node, [reference, data, join(work, 'reference-out')], { encoding: 'utf8' });
  if (probe.status !== 0) fits.reasons.push(`it fails on them: ${(probe.stderr.split('\n').find((l) => l.includes('Error')) ?? probe.stderr).trim().slice(0, 200)}`);
}
if (withReference && (!fits.ok || fits.reasons.length > 0)) {
  referenceData = `${data}.reference`;
  if (!existsSync(join(referenceData, '.complete'))) await adaptForReference(data, referenceData);
  inputNote = `a copy cast to its schema (${fits.reasons.join('; ')})`;
}

const jobs = { etl: runEtl, reference: async () => runReference(), bare: async () => runBare() } as const;
type Name = keyof typeof jobs;
const results: Record<Name, Job[]> = { etl: [], reference: [], bare: [] };
const order = JOB_NAMES.filter((n) => selected.includes(n));
for (let i = 0; i < runs; i++) {
  for (let k = 0; k < order.length; k++) {
    const name = order[(i + k) % order.length]!;
    const job = await jobs[name]();
    results[name].push(job);
    process.stderr.write(`  run ${i + 1}/${runs} ${name.padEnd(9)} ${(job.ms / 1000).toFixed(2)} s wall  ${(job.cpuMs / 1000).toFixed(2)} s CPU  peak RSS ${job.maxRssMb} MB${job.spillMb !== undefined ? `  spill ${job.spillMb} MB` : ''}\n`);
  }
}

const median = (xs: Job[], key: (j: Job) => number = (j) => j.ms): Job => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const peak = (xs: Job[]) => Math.max(...xs.map((j) => j.maxRssMb));
const has = (n: Name) => results[n].length > 0;
const lines = [
  `benchmark: ${orders.toLocaleString('en-US')} order lines (as of ${asOf}, data ${data}), DuckDB memory_limit ${memoryLimit} for every job, medians of ${runs} ${order.length > 1 ? 'alternated ' : ''}runs`,
  ...(has('reference') ? [`reference: ${referenceFile}`, `reference input: ${inputNote}`] : []),
  '',
  `${'job'.padEnd(40)}${'wall: median'.padStart(13)}${'min'.padStart(9)}${'max'.padStart(9)}${'CPU: median'.padStart(13)}   peak RSS (max)`,
  ...([
    ['etl run (compiled CLI)', results.etl],
    ['reference bare-pipeline.mjs', results.reference],
    ['bench/bare.sql + gold + publish', results.bare],
  ] as const).filter(([, xs]) => xs.length > 0).map(([label, xs]) => `${label.padEnd(40)}${s(median(xs).ms).padStart(13)}${s(Math.min(...xs.map((j) => j.ms))).padStart(9)}${s(Math.max(...xs.map((j) => j.ms))).padStart(9)}${s(median(xs, (j) => j.cpuMs).cpuMs).padStart(13)}   ${peak(xs)} MB`),
  '',
];
if (has('etl') && has('reference')) {
  lines.push(`etl run / reference:  ${(median(results.etl).ms / median(results.reference).ms).toFixed(2)}× wall, ${(median(results.etl, (j) => j.cpuMs).cpuMs / median(results.reference, (j) => j.cpuMs).cpuMs).toFixed(2)}× CPU   (issue 11 target ≤ 2.0×; both whole processes)`);
}
if (has('etl') && has('bare')) {
  const etlInner = median(results.etl, (j) => j.innerMs!);
  const bareInner = median(results.bare, (j) => j.innerMs!);
  lines.push(`etl run / bare.sql:   ${(etlInner.innerMs! / bareInner.innerMs!).toFixed(2)}× wall   (the price of the contracts, in-process: ${s(etlInner.innerMs!)} / ${s(bareInner.innerMs!)})`,
    `bare.sql CPU is counted after its imports and contract loading, etl run's from process start`);
}
if (has('etl')) {
  const etl = median(results.etl);
  lines.push('', `etl run stages (median run; ${etl.note}; peak RSS ${etl.maxRssMb} MB, largest spill ${etl.spillMb} MB):`,
    ...Object.entries(etl.stages).map(([k, v]) => `  ${k.padEnd(28)}${v.toFixed(2).padStart(8)} s`));
}
if (has('reference')) {
  const ref = median(results.reference);
  lines.push(`reference phases (median run; ${ref.note}):`, ...Object.entries(ref.stages).map(([k, v]) => `  ${k.padEnd(28)}${v.toFixed(2).padStart(8)} s`));
}
if (has('bare')) lines.push('bare.sql stages (median run):', ...Object.entries(median(results.bare).stages).map(([k, v]) => `  ${k.padEnd(28)}${v.toFixed(2).padStart(8)} s`));
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(join(work, `result-${orders}${values.only ? `-${order.join('-')}` : ''}.json`), `${JSON.stringify({ orders, asOf, data, memoryLimit, runs, inputNote, results }, null, 2)}\n`);
