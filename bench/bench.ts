// npm run bench -- --orders 1000000        (ETL_MEMORY_LIMIT=3GB sets DuckDB's memory_limit for both jobs)
// Generates (once, cached under bench/.work/) a clean dataset of N order lines, then times the full
// pipeline and the bare DuckDB script on it, each in its own process, and prints stage times,
// rows per second, peak RSS and the ratio full / bare.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '1' } } });
const orders = Number(values.orders);
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const base = join(root, 'bench', '.work');
const data = join(base, `data-${orders}`);
const node = process.execPath;
const runTs = join(root, 'bin', 'run-ts.js');

if (!existsSync(join(data, 'orders.csv'))) {
  const t = performance.now();
  execFileSync(node, [join(root, 'bin', 'etl.js'), 'generate', '--out', data, '--orders', String(orders), '--seed', '1', '--defect-rate', '0.01', '--log-level', 'warn'], { stdio: 'inherit' });
  process.stdout.write(`generated ${orders} order lines in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

interface Measure { ms: number; maxRssMb: number; stages?: Record<string, number> }
const once = (mode: 'full' | 'bare'): Measure => {
  const line = execFileSync(node, [runTs, join(root, 'bench', 'run-one.ts'), mode, data, join(base, `${mode}-${orders}`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TZ: 'UTC' } });
  return JSON.parse(line.trim().split('\n').pop()!) as Measure;
};
// Runs alternate (full, bare, full, bare …) so that a slow spell of the machine hits both alike.
const fulls: Measure[] = [];
const bares: Measure[] = [];
for (let i = 0; i < runs; i++) {
  fulls.push(once('full'));
  bares.push(once('bare'));
}
const median = (xs: Measure[]): Measure => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;
const full = median(fulls);
const bare = median(bares);
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const limit = process.env['ETL_MEMORY_LIMIT'];
const lines = [`benchmark: ${orders.toLocaleString('en-US')} order lines (median of ${runs})${limit ? `, DuckDB memory_limit ${limit}` : ''}`, '', 'full pipeline stages:'];
for (const [stage, ms] of Object.entries(full.stages ?? {})) lines.push(`  ${stage.padEnd(24)} ${fmt(ms).padStart(10)}`);
lines.push('', 'bare script stages:');
for (const [stage, ms] of Object.entries(bare.stages ?? {})) lines.push(`  ${stage.padEnd(24)} ${fmt(ms).padStart(10)}`);
lines.push('');
lines.push(`full pipeline   ${fmt(full.ms).padStart(10)}   ${Math.round(orders / (full.ms / 1000)).toLocaleString('en-US').padStart(12)} rows/s   peak RSS ${full.maxRssMb} MB`);
lines.push(`bare DuckDB SQL ${fmt(bare.ms).padStart(10)}   ${Math.round(orders / (bare.ms / 1000)).toLocaleString('en-US').padStart(12)} rows/s   peak RSS ${bare.maxRssMb} MB`);
lines.push(`ratio full / bare: ${(full.ms / bare.ms).toFixed(2)}× (target ≤ 1.5×)`);
process.stdout.write(`${lines.join('\n')}\n`);
