// Gold stage: run pipeline/models/*.sql in dependency order as CREATE OR REPLACE TABLE gold.<name> (a
// VIEW for a model marked `-- @view`),
// then the JavaScript KPIs on the small daily series (forecast, anomalies). Models read conformed.*
// views only; a model whose source is absent is skipped, and so is everything that depends on it —
// unless the model declares the source `-- @optional:` (it then reads an empty view of the canonical
// columns); `-- @requires:` names a source a model needs through the models it reads.
// The models whose inputs are built run side by side on the engine's sessions (Engine.parallel: one
// thread per statement), like the gold checks and the publish COPYs: at 1M order lines DuckDB spent a
// third more CPU running each model on two threads, one after the other, than on one thread. A model's
// table does not depend on the thread count (`--threads 1` publishes the same bytes). The exception is a
// model that half the models wait on (orders_enriched at 10M lines ran 34 s on one thread while the other
// session had nothing to build): it runs alone, on every thread.
import { loadPipelineConfig, type PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { buildPredictiveClv } from '../kpi/build-predictive-clv.ts';
import { buildSeriesKpis } from '../kpi/build-series-kpis.ts';
import { silentLogger, type Logger } from '../log.ts';
import { ident, qualified, sql, trusted, type Sql } from '../sql/sql.ts';
import { createAbsentConformedView } from './conform.ts';
import { modelHash, type GoldIncremental } from './gold-incremental.ts';
import { orderModels, readModels, renderModel, type GoldModel, type ModelVar } from './gold-models.ts';

export interface GoldOptions {
  pipelineDir: string;
  vars: Record<string, ModelVar>;
  /** Datasets present in this run (conformed.<dataset> views that exist). */
  available: string[];
  logger?: Logger;
  /** The loaded pipeline config; read from pipelineDir when omitted. */
  config?: PipelineConfig;
  /** Build models side by side, one thread each (default); false: one at a time on every thread (large
   * inputs, where a 100M-line model on one thread would hold up the rest). */
  sideBySide?: boolean;
  /** An incremental run: models reused, maintained by key or recomputed (gold-incremental.ts). */
  incremental?: GoldIncremental;
}

export interface GoldModelResult {
  name: string;
  rows: number;
  ms: number;
  skipped?: string;
}

/**
 * An empty canonical view for each absent source that a model reads optionally (unless the caller made
 * one); returns the absent sources that can be read that way (a source without canonical columns cannot).
 */
async function createAbsentViews(engine: Engine, models: GoldModel[], available: Set<string>): Promise<Set<string>> {
  const wanted = new Set(models.flatMap((m) => m.optional.filter((s) => m.sources.includes(s) && !available.has(s))));
  if (wanted.size === 0) return wanted;
  const rows = await engine.rows(trusted("SELECT table_name FROM information_schema.tables WHERE table_schema = 'conformed'"));
  const existing = new Set(rows.map((r) => String(r['table_name'])));
  const readable = new Set<string>();
  for (const d of [...wanted].sort()) {
    if (existing.has(d) || (await createAbsentConformedView(engine, d))) readable.add(d);
  }
  return readable;
}

/** The JS-built tables and the model they read. */
const SERIES_KPIS_INPUT = 'agg_daily_sales';

export async function buildGold(engine: Engine, opts: GoldOptions): Promise<{ models: GoldModelResult[]; hashes: Record<string, string> }> {
  const logger = opts.logger ?? silentLogger;
  const ordered = orderModels(await readModels(opts.pipelineDir));
  const available = new Set(opts.available);
  const skipped = new Map<string, string>();
  // One result per model, in the dependency order, whichever session built it.
  const results = new Map<string, GoldModelResult>();
  await engine.exec(trusted('CREATE SCHEMA IF NOT EXISTS gold'));
  const readableAbsent = await createAbsentViews(engine, ordered, available);

  // A relation left by an earlier run in the same database: its kind (a model may have become a view).
  const kinds = new Map((await engine.rows(trusted("SELECT table_name AS t, table_type AS k FROM information_schema.tables WHERE table_schema = 'gold'"))).map((r) => [String(r['t']), r['k'] === 'VIEW' ? 'VIEW' : 'TABLE']));
  const drop = async (model: GoldModel) => {
    const kind = kinds.get(model.name);
    if (kind) await engine.exec(sql`DROP ${trusted(kind)} ${qualified('gold', model.name)}`);
  };

  // What is skipped follows from the sources alone: decided before any model runs.
  const runnable: GoldModel[] = [];
  const queries = new Map<string, Sql>();
  for (const model of ordered) {
    const needed = [...model.sources.filter((s) => !(model.optional.includes(s) && readableAbsent.has(s))), ...model.requires];
    const missing = needed.find((s) => !available.has(s));
    const blockedBy = model.dependsOn.find((d) => skipped.has(d));
    const reason = missing ? `no ${missing}` : blockedBy ? skipped.get(blockedBy) : undefined;
    if (reason) {
      skipped.set(model.name, reason);
      // A stale table from an earlier run in the same database must not look like a result.
      await drop(model);
      results.set(model.name, { name: model.name, rows: 0, ms: 0, skipped: reason });
      logger.info({ model: model.name, reason }, 'gold model skipped');
      continue;
    }
    // CREATE OR REPLACE cannot replace a table by a view, or a view by a table.
    if (kinds.has(model.name) && kinds.get(model.name) !== (model.view ? 'VIEW' : 'TABLE')) await drop(model);
    runnable.push(model);
    // Rendered here, in the dependency order: a model's placeholder error is the same whatever runs first.
    queries.set(model.name, renderModel(model, opts.vars));
  }

  // The tables a state keeps (incremental runs), with the SQL they were built with.
  const hashes = Object.fromEntries(runnable.filter((m) => !m.view).map((m) => [m.name, modelHash(queries.get(m.name)!)]));
  const incremental = opts.incremental;
  if (incremental) {
    await engine.exec(trusted('CREATE SCHEMA IF NOT EXISTS delta'));
    incremental.plan(runnable);
  }
  await buildModels(engine, runnable, async (session, model) => {
    const query = queries.get(model.name)!;
    const started = performance.now();
    let how: string | undefined;
    try {
      if (incremental) how = await incremental.build(session, model, query, (text) => renderModel({ ...model, text }, opts.vars));
      else await session.exec(sql`CREATE OR REPLACE ${trusted(model.view ? 'VIEW' : 'TABLE')} ${qualified('gold', model.name)} AS ${query}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new EtlError('ENGINE_QUERY_FAILED', `model ${model.name}: ${message}`, {
        location: { file: model.file },
        hint: 'fix the model SQL; it must run on the conformed.* views and the gold models it references',
        cause: e,
      });
    }
    const rows = Number(await session.scalar(sql`SELECT COUNT(*) FROM ${ident('gold')}.${ident(model.name)}`));
    const ms = Math.round(performance.now() - started);
    results.set(model.name, { name: model.name, rows, ms });
    logger.debug({ model: model.name, rows, ms, ...(how ? { how } : {}) }, 'gold model built');
  }, opts.sideBySide ?? true, incremental?.lastMs);
  const built = (name: string) => ordered.some((m) => m.name === name) && !skipped.has(name);
  const models = ordered.map((m) => results.get(m.name)!);

  if (ordered.some((m) => m.name === SERIES_KPIS_INPUT) && !skipped.has(SERIES_KPIS_INPUT)) {
    const config = opts.config ?? (await loadPipelineConfig(opts.pipelineDir));
    const started = performance.now();
    for (const t of await buildSeriesKpis(engine, config)) {
      models.push({ name: t.name, rows: t.rows, ms: Math.round(performance.now() - started) });
    }
  }
  if (built('customer_summary') && built('customer_clv')) {
    const config = opts.config ?? (await loadPipelineConfig(opts.pipelineDir));
    const started = performance.now();
    for (const t of await buildPredictiveClv(engine, config)) {
      models.push({ name: t.name, rows: t.rows, ms: Math.round(performance.now() - started) });
    }
  }
  return { models, hashes };
}

/** Every model's transitive dependents, counted: the models that wait, directly or not, on it. */
function downstreamCounts(models: GoldModel[]): Map<string, number> {
  const dependents = new Map<string, string[]>(models.map((m) => [m.name, []]));
  for (const m of models) for (const d of m.dependsOn) dependents.get(d)?.push(m.name);
  const below = (name: string, seen: Set<string>): Set<string> => {
    for (const d of dependents.get(name) ?? []) if (!seen.has(d)) below(d, seen.add(d));
    return seen;
  };
  return new Map(models.map((m) => [m.name, below(m.name, new Set()).size]));
}

/**
 * Build `models` (in dependency order, none of them skipped) on the engine's sessions side by side: a
 * free session takes a model whose inputs are all built — the one with the most models downstream, then
 * the first in dependency order, so that the long chain to the order lines starts early — or waits for
 * one to finish. A model that half the models wait on starts once the other sessions are idle and runs
 * alone on every thread. After a failure no model starts; the first error is thrown once every session is idle.
 */
async function buildModels(engine: Engine, models: GoldModel[], build: (session: Engine, model: GoldModel) => Promise<void>, sideBySide = true, lastMs?: Record<string, number>): Promise<void> {
  const downstream = downstreamCounts(models);
  // An incremental run: the longest model of the last run first (most are reused or maintained in a
  // fraction of a second; the few recomputed over all the orders would otherwise start last).
  const last = (m: GoldModel) => (lastMs ? lastMs[m.name] ?? 0 : 0);
  const pending = models.map((m, i) => ({ m, i })).sort((a, b) => last(b.m) - last(a.m) || downstream.get(b.m.name)! - downstream.get(a.m.name)! || a.i - b.i).map(({ m }) => m);
  const done = new Set<string>();
  const threads = Number(await engine.scalar(trusted(`SELECT current_setting('threads')`)));
  const width = sideBySide ? Math.max(1, Math.min(threads, models.length)) : 1;
  // A model that half the models wait on (the order lines' chain: customer_premium, orders_enriched) holds
  // up the rest: it runs alone on every thread once the other sessions are idle.
  const wide = (m: GoldModel) => width > 1 && downstream.get(m.name)! * 2 >= models.length;
  let running = 0;
  let exclusive = false;
  let wake: (() => void)[] = [];
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  const idle = () => new Promise<void>((resolve) => wake.push(resolve));
  let failed = false;
  const worker = async (session: Engine): Promise<void> => {
    while (!failed && pending.length > 0) {
      const next = exclusive ? -1 : pending.findIndex((m) => m.dependsOn.every((d) => done.has(d)));
      if (next < 0) {
        // Every pending model waits on one that another session is building (or a wide one runs alone).
        await idle();
        continue;
      }
      const [model] = pending.splice(next, 1);
      const alone = wide(model!);
      if (alone) exclusive = true;
      running++;
      try {
        if (alone) {
          while (running > 1) await idle();
          // Another session's model failed meanwhile: this one does not start.
          if (failed) return;
          await session.exec(trusted(`SET threads = ${threads}`));
        }
        try {
          await build(session, model!);
        } finally {
          if (alone) await session.exec(trusted('SET threads = 1'));
        }
        done.add(model!.name);
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        running--;
        if (alone) exclusive = false;
        notify();
      }
    }
  };
  await engine.parallel(Array.from({ length: width }, () => worker));
}
