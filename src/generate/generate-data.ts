// The generation, start to end: plan (JS) → tables in schema gen (DuckDB SQL) → files written
// into a staging folder, then moved into place → _defects.json (what was injected, what to expect).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { sql } from '../sql/sql.ts';
import { buildCalendar } from './calendar.ts';
import { buildCustomers, writeCustomers } from './customers.ts';
import { expectOutcome, type DatasetName, type DefectCounts, type ExpectedOutcome } from './defect-kinds.ts';
import { writeInventory } from './inventory.ts';
import { planOrderBlocks, writeOrders } from './orders.ts';
import { planGeneration, type GenerateOptions, type GenerationPlan } from './plan.ts';
import { plantedAnomalies, type PlantedAnomaly } from './planted-anomalies.ts';
import { buildProducts, writeProducts } from './products.ts';
import { buildPromotions, writePromotions } from './promotions.ts';
import { returnedLine, writeReturns } from './returns.ts';
import { writeWebEvents } from './web-events.ts';

export const DATASET_FILES: Record<DatasetName, string> = {
  orders: 'orders.csv',
  customers: 'customers.json',
  products: 'products.parquet',
  inventory: 'inventory.csv',
  promotions: 'promotions.csv',
  returns: 'returns.csv',
  web_events: 'web_events.csv',
};
export const OPTIONAL_DATASETS: readonly DatasetName[] = ['promotions', 'returns', 'web_events'];
export const MANIFEST_FILE = '_defects.json';

export interface DatasetManifest {
  file: string;
  kinds: DefectCounts;
  expected: ExpectedOutcome;
}

export interface DefectManifest {
  seed: number;
  orders: number;
  defect_rate: number;
  as_of: string;
  period_start: string;
  /** Days with an injected sales spike (what an anomaly detector should find). */
  anomaly_days: string[];
  /** Every planted anomaly (spikes, drops, a level shift) with its day, kind, factor and length: src/generate/planted-anomalies.ts. */
  anomalies: PlantedAnomaly[];
  datasets: Partial<Record<DatasetName, DatasetManifest>>;
}

/** Generates every file into outDir (deterministic for the same options) and returns the manifest. */
export async function generateData(engine: Engine, opts: GenerateOptions, outDir: string): Promise<DefectManifest> {
  const plan = planGeneration(opts);
  const staging = joinPath(outDir, `.generate-${process.pid}`);
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot create ${staging}`, { cause, hint: 'check that --out is a writable directory' });
  }
  try {
    const manifest = await generateInto(engine, plan, staging);
    const names = [...Object.keys(manifest.datasets).map((d) => DATASET_FILES[d as DatasetName]), MANIFEST_FILE];
    // Optional files of an earlier run would no longer match this run's data.
    if (!opts.optional) for (const d of OPTIONAL_DATASETS) await rm(joinPath(outDir, DATASET_FILES[d]), { force: true });
    for (const name of names) await rename(joinPath(staging, name), joinPath(outDir, name));
    return manifest;
  } finally {
    // The engine may be shared (etl start): leave it as it was found.
    await engine.exec(sql`DROP SCHEMA IF EXISTS gen CASCADE`).catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
  }
}

async function generateInto(engine: Engine, plan: GenerationPlan, dir: string): Promise<DefectManifest> {
  const file = (d: DatasetName) => joinPath(dir, DATASET_FILES[d]);
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS gen; SET preserve_insertion_order = true`);
  const total = await buildCalendar(engine, plan);
  await buildProducts(engine, plan);
  await buildPromotions(engine, plan);
  // Orders are built and written block by block (bounded memory); customers, at one per 20 order lines,
  // are one table.
  const orders = await planOrderBlocks(engine, plan, total);
  await buildCustomers(engine, plan, orders.orderCount, total);

  const datasets: DefectManifest['datasets'] = {};
  const record = (d: DatasetName, records: number, kinds: DefectCounts) => {
    datasets[d] = { file: DATASET_FILES[d], kinds, expected: expectOutcome(d, records, kinds) };
  };
  await writeOrders(engine, plan, orders, file('orders'), plan.optional ? returnedLine(plan.seed) : sql`false`);
  record('orders', plan.orders, plan.defects.orders);
  await writeCustomers(engine, plan, file('customers'));
  record('customers', plan.customers, plan.defects.customers);
  await writeProducts(engine, plan, file('products'));
  record('products', plan.products, plan.defects.products);
  const inventory = await writeInventory(engine, plan, file('inventory'));
  record('inventory', inventory, plan.defects.inventory);
  if (plan.optional) {
    await writePromotions(engine, plan, file('promotions'));
    record('promotions', plan.promotions, plan.defects.promotions);
    const returns = await writeReturns(engine, plan, orders, file('returns'));
    record('returns', returns.records, returns.defects);
    const events = await writeWebEvents(engine, plan, total, file('web_events'));
    record('web_events', events.records, events.defects);
  }
  const manifest: DefectManifest = {
    seed: plan.seed,
    orders: plan.orders,
    defect_rate: plan.defectRate,
    as_of: plan.asOf,
    period_start: plan.periodStart,
    anomaly_days: plan.spikeDays,
    anomalies: plantedAnomalies(plan),
    datasets,
  };
  await writeFile(joinPath(dir, MANIFEST_FILE), `${JSON.stringify(sortKeys(manifest), null, 2)}\n`);
  return manifest;
}

/** A copy with object keys sorted at every level (arrays keep their order). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
