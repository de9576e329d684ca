// Gold stage: run pipeline/models/*.sql in dependency order as CREATE OR REPLACE TABLE gold.<name>,
// then the JavaScript KPIs on the small daily series (forecast, anomalies). Models read conformed.*
// views only; a model whose source is absent is skipped, and so is everything that depends on it —
// unless the model declares the source `-- @optional:` (it then reads an empty view of the canonical
// columns); `-- @requires:` names a source a model needs through the models it reads.
import { loadPipelineConfig, type PipelineConfig } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { buildPredictiveClv } from '../kpi/build-predictive-clv.ts';
import { buildSeriesKpis } from '../kpi/build-series-kpis.ts';
import { silentLogger, type Logger } from '../log.ts';
import { ident, qualified, sql, trusted } from '../sql/sql.ts';
import { createAbsentConformedView } from './conform.ts';
import { orderModels, readModels, renderModel, type GoldModel, type ModelVar } from './gold-models.ts';

export interface GoldOptions {
  pipelineDir: string;
  vars: Record<string, ModelVar>;
  /** Datasets present in this run (conformed.<dataset> views that exist). */
  available: string[];
  logger?: Logger;
  /** The loaded pipeline config; read from pipelineDir when omitted. */
  config?: PipelineConfig;
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

export async function buildGold(engine: Engine, opts: GoldOptions): Promise<{ models: GoldModelResult[] }> {
  const logger = opts.logger ?? silentLogger;
  const ordered = orderModels(await readModels(opts.pipelineDir));
  const available = new Set(opts.available);
  const skipped = new Map<string, string>();
  const results: GoldModelResult[] = [];
  await engine.exec(trusted('CREATE SCHEMA IF NOT EXISTS gold'));
  const readableAbsent = await createAbsentViews(engine, ordered, available);

  for (const model of ordered) {
    const needed = [...model.sources.filter((s) => !(model.optional.includes(s) && readableAbsent.has(s))), ...model.requires];
    const missing = needed.find((s) => !available.has(s));
    const blockedBy = model.dependsOn.find((d) => skipped.has(d));
    const reason = missing ? `no ${missing}` : blockedBy ? skipped.get(blockedBy) : undefined;
    if (reason) {
      skipped.set(model.name, reason);
      // A stale table from an earlier run in the same database must not look like a result.
      await engine.exec(sql`DROP TABLE IF EXISTS ${qualified('gold', model.name)}`);
      results.push({ name: model.name, rows: 0, ms: 0, skipped: reason });
      logger.info({ model: model.name, reason }, 'gold model skipped');
      continue;
    }
    const query = renderModel(model, opts.vars);
    const started = performance.now();
    try {
      await engine.exec(sql`CREATE OR REPLACE TABLE ${qualified('gold', model.name)} AS ${query}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new EtlError('ENGINE_QUERY_FAILED', `model ${model.name}: ${message}`, {
        location: { file: model.file },
        hint: 'fix the model SQL; it must run on the conformed.* views and the gold models it references',
        cause: e,
      });
    }
    const rows = Number(await engine.scalar(sql`SELECT COUNT(*) FROM ${ident('gold')}.${ident(model.name)}`));
    const ms = Math.round(performance.now() - started);
    results.push({ name: model.name, rows, ms });
    logger.debug({ model: model.name, rows, ms }, 'gold model built');
  }

  if (ordered.some((m) => m.name === SERIES_KPIS_INPUT) && !skipped.has(SERIES_KPIS_INPUT)) {
    const config = opts.config ?? (await loadPipelineConfig(opts.pipelineDir));
    const started = performance.now();
    for (const t of await buildSeriesKpis(engine, config)) {
      results.push({ name: t.name, rows: t.rows, ms: Math.round(performance.now() - started) });
    }
  }
  const built = (name: string) => ordered.some((m) => m.name === name) && !skipped.has(name);
  if (built('customer_summary') && built('customer_clv')) {
    const config = opts.config ?? (await loadPipelineConfig(opts.pipelineDir));
    const started = performance.now();
    for (const t of await buildPredictiveClv(engine, config)) {
      results.push({ name: t.name, rows: t.rows, ms: Math.round(performance.now() - started) });
    }
  }
  return { models: results };
}
