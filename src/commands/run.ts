// `etl run`: the pipeline, gated by the contracts. Exit 0 published, 1 strict gate closed, 2/3 errors.
import { EtlError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { runPipeline } from '../stages/run-pipeline.ts';
import { emitCiError, emitCiReport, resolveCiMode } from './ci-output.ts';
import { printRunSummary } from './run-summary.ts';

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
  if (!/^\s*\d+(\.\d+)?\s*(B|K|M|G|T|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.test(value)) {
    throw new EtlError('USAGE_INVALID', `--memory-limit '${value}' is not a size`, { hint: 'pass a number and a unit, e.g. --memory-limit 4GB or 512MiB' });
  }
  return value.trim();
}

export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const memoryLimit = opts.memoryLimit === undefined ? undefined : checkMemoryLimit(opts.memoryLimit);
  const logger = createLogger({ ...(opts.logLevel ? { logLevel: opts.logLevel } : {}), ...(opts.logFormat ? { logFormat: opts.logFormat } : {}) });
  const ci = resolveCiMode(opts.ci);
  const outcome = await runPipeline({
    data: opts.data,
    contracts: opts.contracts,
    pipeline: opts.pipeline,
    out: opts.out,
    reports: opts.reports,
    strict: opts.strict,
    asOf: opts.asOf ?? todayUtc(),
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
    logger,
  }).catch((err: unknown) => {
    emitCiError(ci, err);
    throw err;
  });
  emitCiReport(ci, outcome.report);
  printRunSummary(outcome, { out: opts.out, reports: opts.reports });
  return outcome.exitCode;
}
