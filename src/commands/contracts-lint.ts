// `etl contracts lint [FILES...]`: contracts alone, no data. Prints every problem as
// `file:line:col CODE message` (+ hint) and a summary line; exit 0 when clean (warnings allowed), 2 on errors.
import { EXIT } from '../errors.ts';
import { expandContractPaths, formatProblem, hasErrors, loadContracts } from '../contracts/index.ts';

export interface LintOptions {
  files: string[];
  contracts: string;
  logLevel?: string;
}

export async function lintCommand(opts: LintOptions, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const explicit = opts.files.length > 0;
  // Explicit files are checked against the whole contracts directory, so that a relationship from
  // orders.silver.yaml to customers resolves without naming customers' contract too.
  const paths = explicit ? opts.files : [opts.contracts];
  const { problems } = await loadContracts(paths, explicit ? { context: [opts.contracts] } : {});
  for (const p of problems) out(formatProblem(p));
  const files = expandContractPaths(paths).files.length;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  out(`${files} contract${files === 1 ? '' : 's'}, ${problems.length} problem${problems.length === 1 ? '' : 's'}${problems.length ? ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`);
  return hasErrors(problems) ? EXIT.INVALID_INPUT : EXIT.OK;
}
