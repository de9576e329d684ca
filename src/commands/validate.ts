// etl validate --contract FILE [DATAFILE] [--server NAME] [--out DIR] [--as-of D]
// Does one data file conform to its contract? stdout: one line per check and the verdict last.
// Exit 0 conforms (warnings allowed), 1 an error-severity rule is broken, 2 bad input (EtlError).
import { relative } from 'node:path';
import { createLogger } from '../log.ts';
import { renderValidateSummary } from '../validate/render-summary.ts';
import { runValidate } from '../validate/run-validate.ts';
import { emitCiError, emitCiReport, resolveCiMode } from './ci-output.ts';

export interface ValidateCommandOptions {
  contract: string;
  datafile?: string;
  server?: string;
  out?: string;
  asOf?: string;
  logLevel?: string;
  logFormat?: string;
  debug?: boolean;
  /** github: annotations + step summary (default when GITHUB_ACTIONS=true); none: off. */
  ci?: string;
}

function shortPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

export async function validateCommand(opts: ValidateCommandOptions): Promise<number> {
  const log = createLogger({ ...(opts.logLevel ? { logLevel: opts.logLevel } : {}), ...(opts.logFormat ? { logFormat: opts.logFormat } : {}) });
  const ci = resolveCiMode(opts.ci);
  const outcome = await runValidate({
    contract: opts.contract,
    ...(opts.datafile !== undefined ? { datafile: opts.datafile } : {}),
    ...(opts.server !== undefined ? { server: opts.server } : {}),
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}),
  }).catch((err: unknown) => {
    emitCiError(ci, err);
    throw err;
  });
  emitCiReport(ci, outcome.report);
  const files = outcome.files.map(shortPath);
  const shown = files.length > 3 ? `${files.slice(0, 3).join(', ')} (+${files.length - 3} more)` : files.join(', ');
  const header = `validate ${shortPath(opts.contract)} on ${shown}${outcome.server ? ` (server ${outcome.server})` : ''}`;
  process.stdout.write(renderValidateSummary(outcome.report, header));
  log.debug({ verdict: outcome.verdict, summary: outcome.report.summary, out: opts.out }, 'validate finished');
  return outcome.exitCode;
}
