// `etl contracts lint [FILES...]`: contracts alone, no data. Prints every problem as
// `file:line:col CODE message` (+ hint) and a summary line; exit 0 when clean (warnings allowed), 2 on errors.
// When the contracts are sound, the pipeline's staging and gold models are bound against them
// (src/stages/bind-models.ts), so a property a model reads that no contract declares is a lint error.
import { existsSync } from 'node:fs';
import { EXIT } from '../errors.ts';
import { expandContractPaths, formatProblem, hasErrors, loadContracts, sortProblems, type Problem } from '../contracts/index.ts';
import { checkModelsAgainstContracts } from '../stages/check-models.ts';
import { refusedSqlRules } from '../checks/lint-sql-rules.ts';
import type { Contract } from '../contracts/model.ts';

export interface LintOptions {
  files: string[];
  contracts: string;
  pipeline?: string;
  logLevel?: string;
}

/** SQL rules the run's guard would refuse (checked by DuckDB's own parser, so an engine is opened). */
async function refusedSqlRulesOf(contracts: Contract[]): Promise<Problem[]> {
  if (!contracts.some((c) => [...c.quality, ...c.properties.flatMap((p) => p.quality)].some((r) => r.type === 'sql'))) return [];
  const { Engine } = await import('../engine/engine.ts');
  const engine = await Engine.open({ threads: 1 });
  try {
    return await refusedSqlRules(engine, contracts);
  } finally {
    engine.close();
  }
}

export async function lintCommand(opts: LintOptions, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const explicit = opts.files.length > 0;
  // Explicit files are checked against the whole contracts directory, so that a relationship from
  // orders.silver.yaml to customers resolves without naming customers' contract too.
  const paths = explicit ? opts.files : [opts.contracts];
  const { contracts, problems } = await loadContracts(paths, explicit ? { context: [opts.contracts] } : {});
  const all: Problem[] = [...problems];
  if (!hasErrors(problems)) all.push(...(await refusedSqlRulesOf(contracts)));
  const pipeline = opts.pipeline ?? 'pipeline';
  if (!hasErrors(problems) && existsSync(pipeline)) {
    // The models read the whole set: bind them against every contract of the directory.
    const set = explicit ? (await loadContracts([opts.contracts])).contracts : contracts;
    all.push(...(await checkModelsAgainstContracts(set, pipeline)));
  }
  for (const p of sortProblems(all)) out(formatProblem(p));
  const files = expandContractPaths(paths).files.length;
  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.length - errors;
  out(`${files} contract${files === 1 ? '' : 's'}, ${all.length} problem${all.length === 1 ? '' : 's'}${all.length ? ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`);
  return hasErrors(all) ? EXIT.INVALID_INPUT : EXIT.OK;
}
