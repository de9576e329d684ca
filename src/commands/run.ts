// `etl run`: the pipeline, gated by the contracts. Exit 0 published, 1 strict gate closed, 2/3 errors.
import { join } from 'node:path';
import { memoryBytes } from '../engine/memory-limit.ts';
import { EtlError, toEtlError } from '../errors.ts';
import { createLogger, type Logger } from '../log.ts';
import { gateFailures, runPipeline, type RunOutcome } from '../stages/run-pipeline.ts';
import { resolvePipelineDirs } from '../stages/pipeline-dirs.ts';
import { loadPipelineConfig } from '../config.ts';
import { deliverAlerts, deliveryStatus, readAlerts, recordDeliveries, type RunNotice } from '../alerts/deliver.ts';
import { emitCiError, emitCiReport, resolveCiMode } from './ci-output.ts';
import { printRunSummary } from './run-summary.ts';
import { installInterruptHandlers } from '../interrupt.ts';

export interface RunCommandOptions {
  data: string;
  contracts: string;
  pipeline: string;
  out: string;
  reports: string;
  strict: boolean;
  asOf?: string;
  memoryLimit?: string;
  threads?: number;
  /** Rebuild everything even when only new files arrived (incremental runs). */
  fullRefresh?: boolean;
  logLevel?: string;
  logFormat?: string;
  /** github: annotations + step summary (default when GITHUB_ACTIONS=true); none: off. */
  ci?: string;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** DuckDB's memory sizes: a number and a unit (KB, MB, GB, TB are 1000^i; KiB, MiB, GiB, TiB 1024^i). */
export function checkMemoryLimit(value: string): string {
  if (Number.isNaN(memoryBytes(value))) {
    throw new EtlError('USAGE_INVALID', `--memory-limit '${value}' is not a size`, { hint: 'pass a number and a unit, e.g. --memory-limit 4GB or 512MiB' });
  }
  return value.trim();
}

export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const memoryLimit = opts.memoryLimit === undefined ? undefined : checkMemoryLimit(opts.memoryLimit);
  const logger = createLogger({ ...(opts.logLevel ? { logLevel: opts.logLevel } : {}), ...(opts.logFormat ? { logFormat: opts.logFormat } : {}) });
  const ci = resolveCiMode(opts.ci);
  const asOf = opts.asOf ?? todayUtc();
  installInterruptHandlers();
  const outcome = await runPipeline({
    data: opts.data,
    contracts: opts.contracts,
    pipeline: opts.pipeline,
    out: opts.out,
    reports: opts.reports,
    strict: opts.strict,
    asOf,
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.fullRefresh ? { fullRefresh: '--full-refresh' } : {}),
    logger,
    // Delivered before the locks are released: the delivery outcome is written into this run's record,
    // which a next run could otherwise replace (with the whole output) in between.
    afterCommit: (outcome) => notifyFinished(opts, outcome, logger),
  }).catch(async (err: unknown) => {
    emitCiError(ci, err);
    await notifyStopped(opts, asOf, err, logger);
    throw err;
  });
  emitCiReport(ci, outcome.report);
  printRunSummary(outcome, { out: opts.out, reports: opts.reports });
  return outcome.exitCode;
}

// Alert delivery (src/alerts/deliver.ts) after the commit: best effort, never changes the exit code.
async function notifyFinished(opts: RunCommandOptions, outcome: RunOutcome, logger: Logger): Promise<void> {
  try {
    const config = await loadPipelineConfig(resolvePipelineDirs(opts.pipeline).config);
    if (!config.alerts) return;
    const failures = gateFailures(outcome.report.checks);
    const published = outcome.status === 'SUCCESS';
    const { record } = outcome;
    const notice: RunNotice = {
      status: deliveryStatus(published, failures.length),
      exitCode: outcome.exitCode,
      runId: record.run_id,
      asOf: record.as_of,
      strict: record.strict,
      startedAt: record.started_at,
      finishedAt: record.finished_at,
      sources: record.counts,
      gateFailures: failures,
      // A closed gate publishes no KPI reports: reports/alerts.json would be the previous run's.
      alerts: published ? await readAlerts(join(opts.reports, 'alerts.json')) : null,
      error: null,
    };
    const deliveries = await deliverAlerts(config.alerts, notice, logger);
    if (deliveries.length > 0) await recordDeliveries(outcome.recordPath, deliveries);
  } catch (err) {
    logger.warn({ stage: 'alerts', error: (err as Error).message }, 'alert delivery skipped (the run is not affected)');
  }
}

async function notifyStopped(opts: RunCommandOptions, asOf: string, err: unknown, logger: Logger): Promise<void> {
  try {
    const config = await loadPipelineConfig(resolvePipelineDirs(opts.pipeline).config);
    if (!config.alerts) return;
    const e = toEtlError(err);
    const notice: RunNotice = {
      status: 'FAILED',
      exitCode: e.exitCode,
      runId: null,
      asOf,
      strict: opts.strict,
      startedAt: null,
      finishedAt: new Date().toISOString(),
      sources: {},
      gateFailures: [],
      alerts: null,
      error: { code: e.code, message: e.message, hint: e.hint ?? null },
    };
    await deliverAlerts(config.alerts, notice, logger);
  } catch {
    // An unreadable config is the error being reported already; nothing to deliver with.
  }
}
