// The no-contracts job of the benchmark, in its own process so that its peak RSS is its own:
//   node bin/run-ts.js bench/run-one.ts <data> <work> <as-of>
// bench/bare.sql (sources straight into typed tables, no contracts), then the product's own gold models,
// publish and KPI reports: the difference with `etl run` is the price of the contracts.
// Prints one JSON line: { ms, cpuMs, maxRssMb, stages }; ms and cpuMs count from after the imports and the
// loading of the gold keys (etl run's own clock, by contrast, includes loading its contracts).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Engine } from '../src/engine/engine.ts';
import { trusted } from '../src/sql/sql.ts';
import { loadPipelineConfig, modelVars } from '../src/config.ts';
import { buildGold } from '../src/stages/gold.ts';
import { loadContractsOrThrow } from '../src/contracts/index.ts';
import { publishOutputs } from '../src/stages/publish.ts';
import { writeKpiReports } from '../src/report/write-kpi-reports.ts';

const [data, work, asOf] = process.argv.slice(2) as [string, string, string];
const root = resolve(import.meta.dirname, '..');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// The same output order as the pipeline (gold primary keys), read before the clock starts.
const keys = Object.fromEntries((await loadContractsOrThrow([join(root, 'contracts')])).filter((c) => c.layer === 'gold').map((c) => [c.dataset, c.primaryKey]));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const stages: Record<string, number> = {};
const lap = (() => {
  let t = performance.now();
  return (name: string) => {
    const n = performance.now();
    stages[name] = Math.round(n - t);
    t = n;
  };
})();
const engine = await Engine.open({ tempDirectory: join(work, '.spill'), ...(process.env['ETL_MEMORY_LIMIT'] ? { memoryLimit: process.env['ETL_MEMORY_LIMIT'] } : {}) });
const text = readFileSync(join(root, 'bench', 'bare.sql'), 'utf8')
  .replaceAll('{{data}}', resolve(data).replaceAll("'", "''"))
  .replaceAll('{{as_of}}', asOf);
await engine.exec(trusted(text));
lap('load (bare.sql)');
const pipelineDir = join(root, 'pipeline');
const config = await loadPipelineConfig(pipelineDir);
const available = ['orders', 'customers', 'products', 'inventory', 'promotions', 'returns', 'web_events'];
const gold = await buildGold(engine, { pipelineDir, vars: modelVars(config, asOf), available, config });
lap('gold');
const built = gold.models.filter((m) => !m.skipped).map((m) => m.name);
await publishOutputs(engine, { staging: join(work, 'output'), config, quarantined: [], builtModels: built, keys });
mkdirSync(join(work, 'reports'), { recursive: true });
await writeKpiReports(engine, { dir: join(work, 'reports'), asOf, config, available });
lap('publish');
engine.close();
const ms = Math.round(performance.now() - t0);
const cpu = process.cpuUsage(cpu0);
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
process.stdout.write(`${JSON.stringify({ ms, cpuMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), stages })}\n`);
