// The run, stage by stage: sources → bronze → silver (contracts) → conformed (PII masked) → gold
// (SQL models) → gold checks → gate → stage output, reports and run record → one commit (commit.ts).
// Before anything: the paths are guarded (guard-paths.ts) and the output locked (output-lock.ts).
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import { Engine } from '../engine/engine.ts';
import { defaultMemoryLimit, engineStorage } from '../engine/memory-limit.ts';
import { loadContractsOrThrow } from '../contracts/index.ts';
import { CONFIG_FILE, loadPipelineConfig, modelVars, type PipelineConfig } from '../config.ts';
import type { Contract } from '../contracts/model.ts';
import { QUALITY_REPORT_SCHEMA_VERSION, summarize, type CheckResult, type RunStatus, type QualityReport, type ReasonSummary, type SourceCounts } from '../checks/result.ts';
import { evaluateGoldChecks } from '../checks/gold-checks.ts';
import { refusedSqlRules } from '../checks/lint-sql-rules.ts';
import { provenKeys } from '../checks/proven-keys.ts';
import { QUALITY_REPORT_FILES, writeQualityReports } from '../report/write-quality-reports.ts';
import { piiPolicyOf, redactPii } from '../report/redact-pii.ts';
import { gateFailuresOf } from '../report/status-banner.ts';
import { diskFullError, EtlError, isDiskFull } from '../errors.ts';
import { renderKpiReports, writeKpiReportFiles } from '../report/write-kpi-reports.ts';
import { ident, sql, type Sql } from '../sql/sql.ts';
import { startProgress } from '../progress.ts';
import { dependencyOrder, planRun } from './plan.ts';
import { ingestBronze, releaseBronze } from './bronze.ts';
import { buildSilver, type SilverResult } from './silver.ts';
import { createConformedView } from './conform.ts';
import { buildGold } from './gold.ts';
import { publishOutputs, type PublishedFile } from './publish.ts';
import { commitPublish, createStaging, journalPathOf, recoverPublish, stagingOf, type Journal, type Move } from './commit.ts';
import { guardRunPaths, guardSources, guardWritable, OUTPUT_MARKERS } from './guard-paths.ts';
import { acquireLock, type OutputLock } from './output-lock.ts';
import { removeStaleSpills, removeStaleTempFiles, spillPathOf } from './spill.ts';
import { reachStep } from './test-hooks.ts';
import { throwIfInterrupted } from '../interrupt.ts';
import { fingerprintFile, readFingerprintCache, writeFingerprintCache, type Fingerprint, type SeenFingerprint } from './fingerprint.ts';
import { exposeRawSource, readStagingModels, stageBronze } from './staging.ts';
import { contractPaths, resolvePipelineDirs } from './pipeline-dirs.ts';
import { checkModelsAgainstContracts } from './check-models.ts';
import { COUNTS_SCOPE, IncrementalFallback, IncrementalRun, keepsState, type IncrementalSummary } from './incremental.ts';

export interface RunOptions {
  data: string;
  contracts: string;
  pipeline: string;
  out: string;
  reports: string;
  strict: boolean;
  asOf: string;
  memoryLimit?: string;
  threads?: number;
  /** Rebuild everything even when the state beside the output allows an incremental run (set: the reason). */
  fullRefresh?: string;
  /** Called after the commit while the locks are still held (alert delivery amends the run record:
   * no other run can replace the output, and with it the record, in between). Must not throw. */
  afterCommit?: (outcome: RunOutcome) => Promise<void>;
  logger: Logger;
}

export interface RunRecord {
  schemaVersion: string;
  run_id: string;
  status: RunStatus;
  strict: boolean;
  as_of: string;
  started_at: string;
  finished_at: string;
  reason?: string;
  stages: Record<string, number>;
  counts: Record<string, SourceCounts>;
  gold: Record<string, number>;
  contracts: Record<string, string>;
  inputs: Fingerprint[];
  /** Runs over a glob of files: full or incremental, why, what this run processed (per-run counts). */
  incremental?: IncrementalSummary;
  published: { kind: string; table: string; path: string; rows: number }[];
}

export interface RunOutcome {
  status: RunStatus;
  exitCode: 0 | 1;
  report: QualityReport;
  record: RunRecord;
  recordPath: string;
}

/** Error-severity dataset rules that failed: what closes the --strict gate (and makes a lenient run WARNING). */
export const gateFailures = gateFailuresOf;

function topReasons(checks: readonly CheckResult[]): ReasonSummary[] {
  return checks
    .filter((c) => c.kind === 'row' && c.failed_rows > 0)
    .sort((a, b) => b.failed_rows - a.failed_rows || a.id.localeCompare(b.id))
    .slice(0, 10)
    .map((c) => ({ dataset: c.dataset, rule_id: c.id, reason: c.description, count: c.failed_rows, sample_keys: c.sample_keys ?? [] }));
}

/** The run id: the business date plus a hash of everything that decides the outputs — the inputs', the
 * contracts' and the pipeline config's CONTENT, the model files, --as-of and --strict. Editing one rule
 * gives a new id (and so a new run record beside the previous one). */
function runIdOf(asOf: string, inputs: Fingerprint[], definitions: string, strict: boolean): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ asOf, strict, inputs: inputs.map((i) => i.sha256), definitions }));
  return `${asOf.replaceAll('-', '')}-${h.digest('hex').slice(0, 10)}`;
}

/** One hash of the definition files' content (names and bytes), read when the run loads them. */
async function hashDefinitions(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const file of [...new Set(files.map((f) => resolve(f)))].sort()) {
    h.update(`\0${file.slice(file.lastIndexOf('/') + 1)}\0`);
    h.update(createHash('sha256').update(await readFile(file)).digest('hex'));
  }
  return h.digest('hex');
}

/** Every file whose content decides a run beside its inputs: contracts, pipeline config, SQL models. */
async function definitionFiles(contracts: Contract[], dirs: { pipeline: string; models: string; config: string }): Promise<string[]> {
  const sqlFiles = async (dir: string): Promise<string[]> => {
    if (!existsSync(dir)) return [];
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.sql')).map((e) => join(e.parentPath, e.name));
  };
  const config = join(dirs.config, CONFIG_FILE);
  return [
    ...contracts.map((c) => c.file),
    ...(existsSync(config) ? [config] : []),
    ...(await sqlFiles(join(dirs.pipeline, 'staging'))),
    ...(await sqlFiles(join(dirs.models, 'models'))),
  ];
}

export async function runPipeline(opts: RunOptions): Promise<RunOutcome> {
  const log = opts.logger;
  const out = resolve(opts.out);
  const reportsDir = resolve(opts.reports);
  const spill = spillPathOf(out);
  // Refused before anything is read or touched: paths that overlap, folders that are not ours to replace.
  guardRunPaths({ data: opts.data, out, reports: reportsDir, spill });
  await guardWritable([out, reportsDir]);
  const outLock = await acquireLock(out, log);
  let reportsLock: OutputLock | undefined;
  try {
    reportsLock = await acquireLock(reportsDir, log);
    await reachStep('locked');
    // Holding both locks: whatever a killed run left beside them is ours to finish or delete.
    await recoverPublish({ out, reports: reportsDir }, log);
    await removeStaleSpills(out, log);
    await removeStaleTempFiles(out, log);
    await reachStep('recovered');
    let outcome: RunOutcome;
    try {
      outcome = await runLocked(opts, { out, reportsDir, spill });
    } catch (e) {
      // An append that could not give a full rebuild's result: start again, rebuilding everything.
      if (!(e instanceof IncrementalFallback)) throw e;
      log.warn({ stage: 'incremental', reason: e.reason }, `incremental run abandoned, full rebuild: ${e.reason}`);
      outcome = await runLocked({ ...opts, fullRefresh: `incremental run abandoned: ${e.reason}` }, { out, reportsDir, spill });
    }
    await opts.afterCommit?.(outcome);
    return outcome;
  } catch (e) {
    // DuckDB spilling or writing onto a full disk: the same plain message as ours (exit 3).
    // (Our own errors already say where they stopped: after the commit point, IO_FAILED says so.)
    if (isDiskFull(e) && (!(e instanceof EtlError) || e.code === 'ENGINE_QUERY_FAILED')) throw diskFullError(e, 'running the pipeline (nothing was published)');
    throw e;
  } finally {
    await reportsLock?.release();
    await outLock.release();
  }
}

async function runLocked(opts: RunOptions, paths: { out: string; reportsDir: string; spill: string }): Promise<RunOutcome> {
  const log = opts.logger;
  const { out, reportsDir, spill } = paths;
  const startedAt = new Date();
  const stages: Record<string, number> = {};
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    await reachStep(`stage:${stage}`);
    throwIfInterrupted(); // SIGTERM/SIGINT (interrupt.ts): no stage starts after it
    const t0 = performance.now();
    const progress = startProgress(stage);
    try {
      return await fn();
    } finally {
      progress.stop();
      stages[stage] = Math.round(performance.now() - t0);
    }
  };

  const dirs = resolvePipelineDirs(opts.pipeline);
  const { contracts, config, staging } = await timed('load', async () => {
    const loaded = { contracts: await loadContractsOrThrow(contractPaths(opts.contracts, dirs)), config: await loadPipelineConfig(dirs.config), staging: await readStagingModels(dirs.pipeline) };
    // Every model must bind on the contracts' columns before any data is read (a renamed property is
    // a clear error here, not a binder error halfway through the run).
    const [problem, ...more] = (await checkModelsAgainstContracts(loaded.contracts, opts.pipeline, opts.asOf)).filter((p) => p.severity === 'error');
    if (problem) {
      throw new EtlError('MODEL_INVALID', `${problem.message}${more.length ? ` (and ${more.length} more; run \`etl contracts lint\`)` : ''}`, {
        location: { file: problem.file, ...(problem.line ? { line: problem.line } : {}) },
        ...(problem.hint ? { hint: problem.hint } : {}),
      });
    }
    return loaded;
  });
  // The definitions' content as loaded now (an edit during the run does not change this run's id).
  const defFiles = await definitionFiles(contracts, dirs);
  const definitions = await hashDefinitions(defFiles);
  const plan = planRun(contracts, opts.data, staging);
  await guardSources(plan.datasets.flatMap((d) => d.files ?? [d.file]));
  // The input fingerprints (a full read of every file) are hashed while DuckDB reads and checks the
  // sources; the run id that depends on them is first needed at publish.
  // A run that keeps a state (a source read from a glob: incremental.ts) reuses the fingerprints of the
  // files unchanged since they were last read (fingerprint.ts); --full-refresh reads every file.
  const stateKept = keepsState(plan, staging.length);
  const known = stateKept && !opts.fullRefresh ? await readFingerprintCache(out) : new Map<string, SeenFingerprint>();
  const fingerprints = Promise.all(plan.datasets.flatMap((d) => (d.files ?? [d.file]).map((f) => fingerprintFile(f, known.get(resolve(f))))));
  fingerprints.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  if (stateKept) {
    // A cache: true of each file's stat whatever becomes of this run, so written as soon as it is known.
    fingerprints.then((prints) => writeFingerprintCache(out, prints)).catch((e: unknown) => {
      log.warn({ stage: 'load', error: e instanceof Error ? e.message : String(e) }, 'input fingerprints not kept for the next run');
    });
  }
  // A source read from a glob of files: is there a state to append to, or a full rebuild (and why)?
  const incr = await IncrementalRun.begin({
    out, dataDir: opts.data, plan, stagingModels: staging.length, definitionFiles: defFiles, contractFiles: contracts.map((c) => c.file), asOf: opts.asOf, fingerprints, log,
    ...(opts.fullRefresh ? { fullRefresh: opts.fullRefresh } : {}),
  });
  log.info({ stage: 'load', contracts: contracts.length, sources: plan.datasets.map((d) => d.dataset), absent: plan.absent, ms: stages['load'] }, 'contracts and config loaded');

  // Large inputs: the run's tables in a database file in the spill folder (stored compressed) rather than
  // in memory (spilled uncompressed past the limit).
  const memoryLimit = opts.memoryLimit ?? defaultMemoryLimit();
  const inputBytes = plan.datasets.flatMap((d) => d.files ?? [d.file]).reduce((sum, f) => sum + statSync(f).size, 0);
  const storage = engineStorage(inputBytes, memoryLimit);
  if (storage === 'file') await mkdir(spill, { recursive: true });
  log.info({ stage: 'load', storage, input_bytes: inputBytes, memory_limit: memoryLimit }, `engine tables ${storage === 'file' ? 'in a database file in the spill folder' : 'in memory'}`);
  const engine = await Engine.open({
    memoryLimit,
    ...(opts.threads ? { threads: opts.threads } : {}),
    tempDirectory: spill,
    ...(storage === 'file' ? { path: join(spill, 'engine.duckdb') } : {}),
  });
  // The file is scratch, removed with the spill folder: no checkpoint of every table at close.
  if (storage === 'file') await engine.exec(sql`PRAGMA disable_checkpoint_on_shutdown`);
  let runId = '';
  let stateCommitted = false;
  try {
    // A refused SQL rule is a contract error (exit 2) before any data is read, never a failed check.
    const [refused, ...moreRefused] = await refusedSqlRules(engine, contracts);
    if (refused) {
      throw new EtlError('CONTRACT_PROFILE_INVALID', `${refused.message}${moreRefused.length ? ` (and ${moreRefused.length} more; run \`etl contracts lint\`)` : ''}`, {
        location: { file: refused.file, ...(refused.line ? { line: refused.line } : {}) },
        ...(refused.hint ? { hint: refused.hint } : {}),
      });
    }
    // Large COPYs stream instead of buffering when the engine may reorder; outputs are sorted explicitly.
    await engine.exec(sql`SET preserve_insertion_order = false`);
    if (incr) await timed('state:open', () => incr.open(engine));
    const checks: CheckResult[] = [];
    const counts: Record<string, SourceCounts> = {};
    const refs: Record<string, Sql> = {};
    const refKeys: Record<string, string[]> = {};

    for (const d of dependencyOrder(plan.datasets)) {
      // Incremental runs: a dataset whose files did not change comes from the state; one that gained
      // files reads only those (incremental.ts).
      const mode = incr?.modeOf(d.dataset) ?? 'full';
      let silver: SilverResult;
      if (mode === 'restore') {
        silver = await timed(`silver:${d.dataset}`, () => incr!.restore(engine, d, refs, refKeys));
      } else {
        const read = mode === 'append' ? incr!.newFilesOf(d) : d;
        const ingest = d.staging ? stageBronze(engine, d.staging, modelVars(config, opts.asOf)) : ingestBronze(engine, read);
        const bronze = await timed(`bronze:${d.dataset}`, () => ingest.catch((e: unknown) => {
          // A header or JSON key named "" reaches the SQL renderer, which refuses empty names: invalid input.
          if (e instanceof TypeError && e.message === 'empty identifier') {
            throw new EtlError('SOURCE_HEADER_INVALID', `${d.file} has a column or key with an empty name ("")`, { location: { file: d.file }, hint: 'give every column (every JSON key) a name', cause: e });
          }
          throw e;
        }));
        log.info({ stage: 'bronze', dataset: d.dataset, records: bronze.read.records, malformed: bronze.read.malformed, ms: stages[`bronze:${d.dataset}`] }, 'bronze');
        silver = await timed(`silver:${d.dataset}`, async () => {
          const built = mode === 'append' ? await incr!.append(engine, d, bronze, refs, refKeys) : await buildSilver(engine, d, bronze, refs, refKeys, opts.asOf, d.raw === true);
          await releaseBronze(engine, d);
          return built;
        });
      }
      incr?.keep(d.dataset, silver, d.files ?? [d.file]);
      if (d.raw) await exposeRawSource(engine, d.dataset, silver.relation);
      refs[d.dataset] = silver.relation;
      if (silver.key.length > 0) refKeys[d.dataset] = silver.key;
      counts[d.dataset] = silver.counts;
      checks.push(...silver.checks);
      log.info({ stage: 'silver', dataset: d.dataset, ...silver.counts, ms: stages[`silver:${d.dataset}`] }, 'silver');
      const conform = {
        dataset: d.dataset,
        contracts: [d.source, d.silver].filter((c): c is Contract => c !== undefined),
        salt: process.env['ETL_PII_SALT'] ?? config.pii.salt,
      };
      await createConformedView(engine, { ...conform, silver: silver.relation });
      // An append's new rows, conformed alike: what changed, for the incremental gold.
      const appended = incr?.appendedSilver(d.dataset);
      if (appended) await createConformedView(engine, { ...conform, silver: appended, schema: APPENDED_SCHEMA });
    }

    const available = plan.datasets.map((d) => d.dataset);
    const goldIncremental = incr?.gold(APPENDED_SCHEMA);
    const gold = await timed('gold', () => buildGold(engine, { pipelineDir: dirs.models, vars: modelVars(config, opts.asOf), available, logger: log, config, sideBySide: storage === 'memory', ...(goldIncremental ? { incremental: goldIncremental } : {}) }));
    incr?.keepGold(gold.hashes, Object.fromEntries(gold.models.filter((m) => !m.skipped).map((m) => [m.name, m.ms])));
    if (goldIncremental) log.info({ stage: 'gold', ...countBuilds(goldIncremental.builds) }, 'gold models reused, maintained by key or recomputed');
    const built = gold.models.filter((m) => !m.skipped).map((m) => m.name);
    log.info({ stage: 'gold', models: built.length, skipped: gold.models.filter((m) => m.skipped).map((m) => m.name), ms: stages['gold'] }, 'gold');

    await timed('gold_checks', async () => {
      const goldRefs: Record<string, Sql> = { ...refs };
      for (const name of built) goldRefs[name] = sql`gold.${ident(name)}`;
      const whyNotBuilt = (dataset: string) => gold.models.find((m) => m.name === dataset)?.skipped ?? 'no such model';
      const memo: Record<string, Record<string, number>> = {};
      checks.push(...(await evaluateGoldChecks(engine, { contracts: plan.gold, built, whyNotBuilt, refs: goldRefs, asOf: opts.asOf, logger: log, ...(incr ? { since: (t: string) => incr.checksSince(t), memo } : {}) })));
      incr?.keepChecks(memo);
    });
    log.info({ stage: 'gold_checks', checks: plan.gold.length, ms: stages['gold_checks'] }, 'gold checks');

    const inputs: Fingerprint[] = (await fingerprints).map(({ file, bytes, sha256 }) => ({ file, bytes, sha256 }));
    runId = runIdOf(opts.asOf, inputs, definitions, opts.strict);
    log.info({ stage: 'gate', run_id: runId, inputs: inputs.length }, 'inputs fingerprinted');
    const failures = gateFailures(checks);
    const closed = opts.strict && failures.length > 0;
    // WARNING: published although an error-severity dataset rule failed (no --strict); every report says so.
    const status: RunStatus = closed ? 'FAILED' : failures.length > 0 ? 'WARNING' : 'SUCCESS';
    const contractVersions = Object.fromEntries(contracts.map((c) => [c.id, c.version]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    // Engine messages and samples that could quote a PII value are withheld before any rendering.
    const report: QualityReport = redactPii({
      schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
      command: 'run',
      status,
      strict: opts.strict,
      run_id: runId,
      as_of: opts.asOf,
      sources: counts,
      checks,
      top_reasons: topReasons(checks),
      summary: summarize(checks),
      contracts: contractVersions,
      ...(incr ? { counts_scope: COUNTS_SCOPE } : {}),
    }, piiPolicyOf(contracts));

    // Everything is staged beside its target, then committed at once (see commit.ts).
    const staging = stagingOf(out, runId);
    const reportsStaging = stagingOf(reportsDir, runId);
    let published: PublishedFile[] = [];
    const record = await stageOrDiskFull(`staging run ${runId} (nothing was published)`, async () => {
      if (!closed) {
        published = await timed('publish', async () => {
          const keys = Object.fromEntries(plan.gold.map((c) => [c.dataset, c.primaryKey]));
          await createStaging(out, runId);
          // The KPI reports read the gold tables while the files are written (written into reports/ below).
          const skipped = Object.fromEntries(gold.models.flatMap((m) => (m.skipped ? [[m.name, m.skipped]] : [])));
          let kpiReports: [string, string][] = [];
          const alongside = async (session: Engine) => {
            kpiReports = await renderKpiReports(session, { asOf: opts.asOf, config, available, skipped, status, gateFailures: failures });
          };
          const files = await publishOutputs(engine, { staging, config, quarantined: Object.keys(counts), builtModels: built, keys, keysHold: provenKeys(plan.gold, checks), alongside, logger: log, ...(incr ? { partitions: incr.partitionReuse() } : {}) });
          await carryRunHistory(out, staging);
          // The silver state (staged beside the output) and its manifest (in the output) go with this publication.
          if (incr) await timed('state', () => incr.finish(engine, staging, runId));
          await writeMarker(staging, 'output');
          await reachStep('staged-output');
          await createStaging(reportsDir, runId);
          await writeKpiReportFiles(reportsStaging, kpiReports);
          await writeQualityReports(report, reportsStaging, { runsDir: join(out, '_runs') });
          await writeMarker(reportsStaging, 'reports');
          await reachStep('staged-reports');
          return files;
        });
        log.info({ stage: 'publish', files: published.length, ms: stages['publish'] }, 'staged');
      } else {
        // The gate is closed: nothing is published, but CI still gets the verdict and its reasons
        // (the quality reports and the run record, committed together like a publication).
        await createStaging(out, runId);
        await writeMarker(staging, 'output');
        await reachStep('staged-output');
        await createStaging(reportsDir, runId);
        await writeQualityReports(report, reportsStaging, { runsDir: join(out, '_runs') });
        await writeMarker(reportsStaging, 'reports');
        await reachStep('staged-reports');
        log.error({ stage: 'gate', failed: failures.map((f) => f.id) }, 'strict gate closed: nothing published');
      }
      const record: RunRecord = {
        schemaVersion: '1.0.0',
        run_id: runId,
        status,
        strict: opts.strict,
        as_of: opts.asOf,
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        ...(failures.length > 0 ? { reason: `error-severity dataset rules failed: ${failures.map((f) => f.id).join(', ')}${closed ? '' : ' (published without --strict)'}` } : {}),
        stages,
        counts,
        gold: Object.fromEntries(gold.models.filter((m) => !m.skipped).map((m) => [m.name, m.rows])),
        contracts: contractVersions,
        inputs,
        ...(incr ? { incremental: incr.summary() } : {}),
        published: published.map((p) => ({ ...p, path: p.path.replace(staging, out) })),
      };
      await mkdir(join(staging, '_runs'), { recursive: true });
      await writeFile(join(staging, '_runs', `${runId}.json`), `${JSON.stringify(record, null, 2)}\n`);
      await reachStep('staged-record');
      return record;
    });

    const journal: Journal = closed
      ? {
          schemaVersion: 1,
          run_id: runId,
          pid: process.pid,
          moves: [
            { from: join(staging, '_runs', `${runId}.json`), to: join(out, '_runs', `${runId}.json`), kind: 'file' },
            { from: join(staging, OUTPUT_MARKERS.output), to: join(out, OUTPUT_MARKERS.output), kind: 'file', step: 'swapped-output' },
            ...[...Object.values(QUALITY_REPORT_FILES), OUTPUT_MARKERS.reports].map((f, i, all): Move => ({
              from: join(reportsStaging, f), to: join(reportsDir, f), kind: 'file', ...(i === all.length - 1 ? { step: 'swapped-reports' as const } : {}),
            })),
          ],
          remove: [staging, reportsStaging],
        }
      : {
          schemaVersion: 1,
          run_id: runId,
          pid: process.pid,
          moves: [
            ...(incr ? [incr.journalMove()] : []),
            { from: staging, to: out, kind: 'folder', step: 'swapped-output' },
            { from: reportsStaging, to: reportsDir, kind: 'folder', step: 'swapped-reports' },
          ],
          remove: [],
        };
    await commitOrFinish(journal, { out, reports: reportsDir }, log);
    stateCommitted = !closed;
    return { status, exitCode: closed ? 1 : 0, report, record, recordPath: join(out, '_runs', `${runId}.json`) };
  } finally {
    // Not published (an error, a closed gate, a fallback): the staged state is dropped.
    if (incr && !stateCommitted && !existsSync(journalPathOf(out))) await incr.discard(engine);
    engine.close();
    await rm(spill, { recursive: true, force: true });
    // Unfinished staging is this run's own (it holds the lock); after the commit point it is the journal's.
    if (runId && !existsSync(journalPathOf(out))) {
      await rm(stagingOf(out, runId), { recursive: true, force: true });
      await rm(stagingOf(reportsDir, runId), { recursive: true, force: true });
    }
  }
}

/** The conformed views of appended datasets' new rows (incremental runs). */
const APPENDED_SCHEMA = 'conformed_added';

function countBuilds(builds: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const how of Object.values(builds)) counts[how] = (counts[how] ?? 0) + 1;
  return counts;
}

/** Staging failures leave the published state as it was; a full disk says so plainly (exit 3). */
async function stageOrDiskFull<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDiskFull(e)) throw diskFullError(e, what);
    throw e;
  }
}

/** Commit; an error after the commit point is finished in place (replaying the journal), or left to the next run. */
async function commitOrFinish(journal: Journal, targets: { out: string; reports: string }, log: Logger): Promise<void> {
  const journalPath = journalPathOf(targets.out);
  try {
    await commitPublish(journalPath, journal);
  } catch (e) {
    if (!existsSync(journalPath)) {
      if (isDiskFull(e)) throw diskFullError(e, `writing the commit journal of run ${journal.run_id} (nothing was published)`);
      throw e;
    }
    try {
      await recoverPublish(targets, log);
    } catch (again) {
      throw new EtlError('IO_FAILED', `the publish of run ${journal.run_id} stopped after its commit point: ${(again as Error).message}`, {
        location: { file: journalPath },
        hint: 'the next etl run on this output finishes it (output, reports and run record together)',
        cause: again,
      });
    }
  }
}

async function writeMarker(dir: string, kind: keyof typeof OUTPUT_MARKERS): Promise<void> {
  await writeFile(join(dir, OUTPUT_MARKERS[kind]), `${JSON.stringify({ written_by: 'etl', kind })}\n`);
}

/** Earlier run records travel with the output (they are history, not this run's data). */
async function carryRunHistory(out: string, staging: string): Promise<void> {
  const from = join(out, '_runs');
  if (existsSync(from)) await cp(from, join(staging, '_runs'), { recursive: true });
}
