// One measured job of the benchmark, in its own process so that its peak RSS is its own:
//   full  <data> <work>   the etl pipeline (contracts, quarantine, checks, gold, publish)
//   bare  <data> <work>   bench/bare.sql: the same transforms, hand-written, no contracts
// Prints one JSON line: { ms, maxRssMb, stages? }.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Engine } from '../src/engine/engine.ts';
import { silentLogger } from '../src/log.ts';
import { trusted } from '../src/sql/sql.ts';
import { runPipeline } from '../src/stages/run-pipeline.ts';

const [mode, data, work] = process.argv.slice(2) as [string, string, string];
const root = resolve(import.meta.dirname, '..');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const t0 = performance.now();
let stages: Record<string, number> | undefined;
if (mode === 'full') {
  const outcome = await runPipeline({
    data, contracts: join(root, 'contracts'), pipeline: join(root, 'pipeline'),
    out: join(work, 'output'), reports: join(work, 'reports'), strict: false, asOf: '2026-11-20',
    ...(process.env['ETL_MEMORY_LIMIT'] ? { memoryLimit: process.env['ETL_MEMORY_LIMIT'] } : {}),
    logger: silentLogger,
  });
  stages = outcome.record.stages;
} else {
  const engine = await Engine.open({ tempDirectory: join(work, '.spill') });
  mkdirSync(join(work, 'data_lake'), { recursive: true });
  const text = readFileSync(join(root, 'bench', 'bare.sql'), 'utf8')
    .replaceAll('{{data}}', resolve(data).replaceAll("'", "''"))
    .replaceAll('{{out}}', resolve(work).replaceAll("'", "''"));
  await engine.exec(trusted(text));
  engine.close();
}
const ms = Math.round(performance.now() - t0);
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(stages ? { stages } : {}) })}\n`);
