// One measured job of the benchmark, in its own process so that its peak RSS is its own:
//   full  <data> <work>   the etl pipeline (contracts, quarantine, checks, gold, publish)
//   bare  <data> <work>   bench/bare.sql (sources straight into typed tables, no contracts), then the same
//                         gold models, publish and KPI reports: the difference is the cost of the contracts
// Prints one JSON line: { ms, maxRssMb, stages? }.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Engine } from '../src/engine/engine.ts';
import { silentLogger } from '../src/log.ts';
import { trusted } from '../src/sql/sql.ts';
import { runPipeline } from '../src/stages/run-pipeline.ts';
import { loadPipelineConfig, modelVars } from '../src/config.ts';
import { buildGold } from '../src/stages/gold.ts';
import { loadContractsOrThrow } from '../src/contracts/index.ts';
import { publishOutputs } from '../src/stages/publish.ts';
import { writeKpiReports } from '../src/report/write-kpi-reports.ts';

const [mode, data, work] = process.argv.slice(2) as [string, string, string];
const root = resolve(import.meta.dirname, '..');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// The same output order as the pipeline (gold primary keys), read before the clock starts.
const keys = mode === 'bare'
  ? Object.fromEntries((await loadContractsOrThrow([join(root, 'contracts')])).filter((c) => c.layer === 'gold').map((c) => [c.dataset, c.primaryKey]))
  : {};
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
  const engine = await Engine.open({ tempDirectory: join(work, '.spill'), ...(process.env['ETL_MEMORY_LIMIT'] ? { memoryLimit: process.env['ETL_MEMORY_LIMIT'] } : {}) });
  const text = readFileSync(join(root, 'bench', 'bare.sql'), 'utf8').replaceAll('{{data}}', resolve(data).replaceAll("'", "''"));
  const lap = (() => { let t = performance.now(); return (name: string) => { const n = performance.now(); (stages ??= {})[name] = Math.round(n - t); t = n; }; })();
  await engine.exec(trusted(text));
  lap('load (bare.sql)');
  const pipelineDir = join(root, 'pipeline');
  const config = await loadPipelineConfig(pipelineDir);
  const available = ['orders', 'customers', 'products', 'inventory', 'promotions', 'returns', 'web_events'];
  const gold = await buildGold(engine, { pipelineDir, vars: modelVars(config, '2026-11-20'), available, config });
  lap('gold');
  const built = gold.models.filter((m) => !m.skipped).map((m) => m.name);
  await publishOutputs(engine, { staging: join(work, 'output'), config, quarantined: [], builtModels: built, keys });
  mkdirSync(join(work, 'reports'), { recursive: true });
  await writeKpiReports(engine, { dir: join(work, 'reports'), asOf: '2026-11-20', config, available });
  lap('publish');
  engine.close();
}
const ms = Math.round(performance.now() - t0);
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(stages ? { stages } : {}) })}\n`);
