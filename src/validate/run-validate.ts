// `etl validate` without the printing: contract → data source → checks → QualityReport (+ quarantine
// Parquet and reports under --out). The command module turns the result into stdout and an exit code.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { QUALITY_REPORT_SCHEMA_VERSION, summarize, type QualityReport } from '../checks/result.ts';
import { asOfLiteral } from '../checks/compile-row-rules.ts';
import { withEngine, type Engine } from '../engine/engine.ts';
import { EtlError, EXIT } from '../errors.ts';
import { writeQualityReports } from '../report/write-quality-reports.ts';
import { piiPolicyOf, redactPii } from '../report/redact-pii.ts';
import { path, sql, type Sql } from '../sql/sql.ts';
import { judgeChecks, type ValidateVerdict } from './judge.ts';
import { loadValidateContract } from './load-validate-contract.ts';
import { resolveDataSource } from './resolve-data-source.ts';
import { summarizeReasons } from './summarize-reasons.ts';
import { validateData } from './validate-data.ts';

export interface ValidateOptions {
  contract: string;
  datafile?: string;
  server?: string;
  /** Write <out>/quarantine/<dataset>/part-0.parquet and <out>/reports/… */
  out?: string;
  /** YYYY-MM-DD; defaults to today (UTC). */
  asOf?: string;
}

export interface ValidateOutcome {
  exitCode: 0 | 1;
  verdict: ValidateVerdict;
  report: QualityReport;
  files: string[];
  server?: string;
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

async function writeQuarantine(engine: Engine, quarantine: Sql, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot create ${dir}: ${(cause as Error).message}`, { location: { file: dir }, cause });
  }
  const file = join(dir, 'part-0.parquet');
  await engine.exec(sql`COPY (SELECT * FROM ${quarantine} ORDER BY _source_file, _record_number) TO ${path(file)} (FORMAT parquet)`);
}

export async function runValidate(opts: ValidateOptions): Promise<ValidateOutcome> {
  const contract = await loadValidateContract(opts.contract);
  const source = resolveDataSource(contract, opts);
  const asOf = opts.asOf ?? todayUtc();
  asOfLiteral(asOf); // a bad date is invalid input before any data is read
  return withEngine(async (engine) => {
    const data = await validateData(engine, contract, source, asOf);
    const verdict = judgeChecks(data.checks);
    const report: QualityReport = {
      schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
      command: 'validate',
      status: verdict === 'FAILED' ? 'FAILED' : 'SUCCESS',
      strict: true,
      // Deterministic: the same contract and data give byte-identical reports.
      run_id: `validate-${contract.id}-${asOf}`,
      as_of: asOf,
      sources: { [contract.dataset]: data.counts },
      checks: data.checks,
      top_reasons: summarizeReasons(data.checks),
      summary: summarize(data.checks),
      contracts: { [contract.id]: contract.version },
    };
    if (opts.out !== undefined) {
      await writeQuarantine(engine, data.quarantine, join(opts.out, 'quarantine', contract.dataset));
      await writeQualityReports(redactPii(report, piiPolicyOf([contract])), join(opts.out, 'reports'));
    }
    return {
      exitCode: verdict === 'FAILED' ? EXIT.CHECKS_FAILED : EXIT.OK,
      verdict,
      report,
      files: data.files,
      ...(source.server ? { server: source.server } : {}),
    };
  });
}
