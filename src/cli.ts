// The `etl` command line: parses arguments (commander), dispatches to one module per command,
// and turns every failure into one red line with a code and a hint (the stack only with --debug).
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { defaultMemoryLimit } from './engine/memory-limit.ts';
import { EtlError, EXIT, formatError, toEtlError } from './errors.ts';
import { parseIsoDate } from './as-of.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

function isoDate(value: string): string {
  const date = parseIsoDate(value);
  if (date === undefined) throw new InvalidArgumentError('expected a calendar date YYYY-MM-DD');
  return date;
}

export function buildProgram(): { program: Command; result: { code: number } } {
  const result: { code: number } = { code: EXIT.OK };
  const program = new Command('etl')
    .description('Contract-driven batch pipeline for e-commerce analytics (ODCS data contracts on DuckDB)')
    .option('--debug', 'print stack traces of errors')
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent', 'info')
    .option('--log-format <format>', 'json | pretty (default: pretty on a TTY, json otherwise)')
    .addHelpText('after', `\nDuckDB's memory is bounded: by default the smaller of half the RAM and 8 GB (here ${defaultMemoryLimit()}); etl run --memory-limit sets it.`)
    // Usage errors read like every other error: `USAGE_INVALID: …` and a hint line (exit 2, see main).
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'USAGE_INVALID: ')) })
    .showHelpAfterError('  hint: add --help for the usage')
    .exitOverride();

  program
    .command('generate')
    .description('generate deterministic demo data (orders, customers, products, inventory, promotions, returns, web events)')
    .option('--out <dir>', 'output directory', 'data')
    .option('--orders <n>', 'number of order lines', positiveInt, 20_000)
    .option('--seed <s>', 'random seed', positiveInt, 42)
    .option('--defect-rate <r>', 'share of records with an injected defect (0..1)', rate, 0)
    .option('--as-of <date>', 'last day of the generated period', isoDate, '2026-11-20')
    .option('--no-optional', 'do not generate the optional sources (promotions, returns, web events)')
    .action(async (opts) => {
      const { generateCommand } = await import('./commands/generate.ts');
      result.code = await generateCommand({ ...opts, ...program.opts() });
    });

  program
    .command('run')
    .description('run the pipeline: sources → bronze → silver → gold → publish, enforcing the contracts')
    .option('--data <dir>', 'source data directory', 'data')
    .option('--contracts <dir>', 'contracts directory', 'contracts')
    .option('--pipeline <dir>', 'SQL models and pipeline config', 'pipeline')
    .option('--out <dir>', 'output directory', 'output')
    .option('--reports <dir>', 'reports directory', 'reports')
    .option('--strict', 'publish only when every error-severity dataset rule holds (exit 1 otherwise)', false)
    .option('--as-of <date>', 'the business date (defaults to today, UTC)', isoDate)
    .option('--memory-limit <size>', `DuckDB memory limit, e.g. 4GB; past it DuckDB spills to disk (default: the smaller of half the RAM and 8 GB, here ${defaultMemoryLimit()})`)
    .option('--threads <n>', 'DuckDB threads', positiveInt)
    .option('--full-refresh', 'rebuild everything, even when the sources only gained files since the last run', false)
    .option('--ci <provider>', 'CI output: github (annotations + step summary; default when GITHUB_ACTIONS=true) | none')
    .action(async (opts) => {
      const { runCommand } = await import('./commands/run.ts');
      result.code = await runCommand({ ...opts, ...program.opts() });
    });

  program
    .command('start')
    .description('the demo: generate data if data/ is empty, run the pipeline, print a summary')
    .action(async () => {
      const { startCommand } = await import('./commands/start.ts');
      result.code = await startCommand({ ...program.opts() });
    });

  program
    .command('validate')
    .description('does one data file conform to its contract? (exit 0 yes, 1 no, 2 bad input)')
    .argument('[datafile]', 'data file (CSV, JSON, NDJSON or Parquet); default: the path of the contract server')
    .requiredOption('--contract <file>', 'ODCS contract (YAML)')
    .option('--server <name>', 'which servers entry of the contract to read')
    .option('--out <dir>', 'write quarantine and reports here')
    .option('--as-of <date>', 'the business date for freshness rules', isoDate)
    .option('--ci <provider>', 'CI output: github (annotations + step summary; default when GITHUB_ACTIONS=true) | none')
    .action(async (datafile: string | undefined, opts) => {
      const { validateCommand } = await import('./commands/validate.ts');
      result.code = await validateCommand({ ...opts, datafile, ...program.opts() });
    });

  const contracts = program.command('contracts').description('work with the data contracts');
  contracts
    .command('lint')
    .description('check contracts against the ODCS v3.1 schema and the etl profile (no data read)')
    .argument('[files...]', 'contract files (default: every contract under contracts/)')
    .option('--contracts <dir>', 'contracts directory', 'contracts')
    .option('--pipeline <dir>', 'pipeline directory whose staging and gold models are bound against the contracts', 'pipeline')
    .action(async (files: string[], opts) => {
      const { lintCommand } = await import('./commands/contracts-lint.ts');
      result.code = await lintCommand({ ...opts, ...program.opts(), files });
    });
  contracts
    .command('diff')
    .description('changes between two versions of the contracts (files or folders): breaking / non-breaking / info (exit 1 on breaking)')
    .argument('<old>', 'the old contract file or folder')
    .argument('<new>', 'the new contract file or folder')
    .option('--allow-breaking', 'exit 0 even when a change is breaking', false)
    .option('--format <format>', 'text | markdown | json', 'text')
    .action(async (oldPath: string, newPath: string, opts) => {
      const { diffCommand } = await import('./commands/contracts-diff.ts');
      result.code = await diffCommand({ ...opts, old: oldPath, new: newPath });
    });
  contracts
    .command('init')
    .description('draft an ODCS source contract by profiling a data file (CSV, NDJSON, JSON array or Parquet)')
    .requiredOption('--from <file>', 'the data file to profile')
    .option('--dataset <name>', 'dataset name (default: the file name)')
    .option('--out <file>', 'write the draft here (default: stdout)')
    .action(async (opts) => {
      const { initCommand } = await import('./commands/contracts-init.ts');
      result.code = await initCommand({ ...opts, ...program.opts() });
    });
  contracts
    .command('export')
    .description('export contracts as a JSON Schema of a record, a Markdown data dictionary or CREATE TABLE DDL')
    .argument('[files...]', 'contract files or folders (default: contracts/)')
    .requiredOption('--format <format>', 'jsonschema | markdown | sql')
    .option('--contracts <dir>', 'contracts directory', 'contracts')
    .option('--out <file>', 'write the export here (default: stdout)')
    .action(async (files: string[], opts) => {
      const { exportCommand } = await import('./commands/contracts-export.ts');
      result.code = await exportCommand({ ...opts, files });
    });

  const runs = program.command('runs').description('the history of runs recorded in output/_runs');
  runs
    .command('list')
    .description('every recorded run, newest first: status, duration, counts, what changed since the run before')
    .option('--out <dir>', 'output directory', 'output')
    .option('--json', 'machine-readable output', false)
    .option('--limit <n>', 'only the newest N runs', positiveInt)
    .action(async (opts) => {
      const { runsListCommand } = await import('./commands/runs.ts');
      result.code = await runsListCommand(opts);
    });
  runs
    .command('show')
    .description('one run in full (its id or a unique prefix of it)')
    .argument('<id>', 'run id')
    .option('--out <dir>', 'output directory', 'output')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, opts) => {
      const { runsShowCommand } = await import('./commands/runs.ts');
      result.code = await runsShowCommand({ ...opts, id });
    });

  return { program, result };
}

export async function main(argv: string[]): Promise<number> {
  const { program, result } = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.OK : EXIT.INVALID_INPUT;
    }
    const e = toEtlError(err);
    process.stderr.write(`${formatError(e)}\n`);
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    if (debug && e.cause) process.stderr.write(`cause: ${String((e.cause as { sql?: string }).sql ?? e.cause)}\n`);
    return e.exitCode;
  }
}

export { EtlError };
