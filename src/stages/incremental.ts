// Incremental runs: a source read from a glob of daily files (`orders/*.csv`) that gained files since the
// last run is processed for its new files only, through bronze and silver, and appended to the silver
// state kept beside the output (state.ts); the other datasets' silver comes from the state as it is.
// Gold then builds each model from what changed (gold-incremental.ts: reused, maintained by key from the
// appended rows, or recomputed), the partitions of the lake and of the warehouse (the fact by year/month)
// whose content did not change are linked from the previous output instead of rewritten, and so are the
// other files of tables (and quarantines) that did not change.
//
// The result must be what a full rebuild gives, byte for byte, so anything an append cannot reproduce
// exactly means a full rebuild, with the reason in the log and the run record:
//   - before the run: --full-refresh; no state, or a state from another etl/DuckDB version or format, or
//     one that does not match the published output; contracts, models or config changed; staging models;
//     an old file changed or removed; new files in a single-file source, in a dataset without a primary
//     key, or that sort before a processed file (row-rule samples follow file order). (The same files
//     named otherwise — --data or --contracts relative one day, absolute the next — are renamed in the
//     state copy instead: renamed-inputs.ts.)
//   - a dataset whose relationships point at one that changes (returns → orders) is rebuilt from all its
//     files (a new order can make an earlier return valid); the others come from the state.
//   - another --as-of (a nightly job's default, today): the state's rows are judged again by the row rules
//     that read it (recheck-as-of.ts): quarantined rows the new date allows move to silver. A silver row it
//     no longer allows means a full rebuild; so does a source contract with dataset rules (they read bronze).
//   - during the run (IncrementalFallback): a new record shares its key with a processed one (duplicate
//     handling would change old rows), the new files' checks differ in shape from the state's (another
//     header), the source contract has dataset rules over bronze, or unique columns besides the key; the
//     recheck under another --as-of cannot give a full rebuild's result (recheck-as-of.ts).
// Counts and checks of an appended dataset are the state's plus the new rows' (samples in file order,
// relationship messages recomputed over the whole quarantine), i.e. cumulative, as a full run reports them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { Logger } from '../log.ts';
import type { Contract } from '../contracts/model.ts';
import type { SourceCounts } from '../checks/result.ts';
import { enforceRowRules, planRowRules } from '../checks/enforce.ts';
import { enforcedKey } from '../checks/compile-row-rules.ts';
import { evaluateDatasetRules, type Since } from '../checks/dataset-rules.ts';
import { explainUpstreamQuarantine } from '../checks/upstream-quarantine.ts';
import { ident, join as joinSql, sql, type Sql } from '../sql/sql.ts';
import { isGlob } from '../io/glob-files.ts';
import type { BronzeResult } from './bronze.ts';
import { quarantineMalformed, type SilverResult } from './silver.ts';
import type { DatasetPlan, RunPlan } from './plan.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { Move } from './commit.ts';
import { AREA_DIR, partitionReuse, type PartitionReuse } from './publish.ts';
import { mergeRowChecks } from './merge-checks.ts';
import { recheckAsOf } from './recheck-as-of.ts';
import { commonDir, renameInChecks, renameQuarantine, renamesOf, type Renames } from './renamed-inputs.ts';
import { packageRoot } from './pipeline-dirs.ts';
import { GoldIncremental } from './gold-incremental.ts';
import { CATALOG as STATE_CATALOG, closeState, finishStateCopy, openStateCopy, removeStateFile, stagedStatePathOf, statePathOf, stateQuarantine, stateSilver, writeState, type DatasetState } from './state.ts';

/** The quality report's statement of what its counts cover (the same in an incremental and a full run). */
export const COUNTS_SCOPE = 'counts and quarantine are cumulative over every input file processed so far; this run\'s new records are counted in output/_runs/<run_id>.json, incremental.this_run';

/** Inside the published output: what the state beside it stands for. */
export const MANIFEST_FILE = join('_incremental', 'manifest.json');
const MANIFEST_FORMAT = 3; // 2: the warehouse's partition hashes beside the lake's; 3: the contract files as named

export interface InputFile {
  /** Relative to --data. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: number;
  etl_version: string;
  duckdb_version: string;
  /** The run id that wrote the state file beside the output (its meta holds the same id). */
  state_id: string;
  /** --data as given: the quarantine's `_source_file` names files by it. */
  data: string;
  /** The contract files as given (sorted): the state's stored checks cite them (`contract.file`). */
  contract_files: string[];
  as_of: string;
  /** Contract, config and model files → sha256 of their content. */
  definitions: Record<string, string>;
  /** Dataset → the input files its silver rows come from. */
  inputs: Record<string, InputFile[]>;
  /** Lake table → partition (`year=2025/month=06`) → content hash (see publish.ts PartitionReuse). */
  lake: Record<string, Record<string, string>>;
  /** The same for the warehouse's partitioned tables (the fact by year/month). */
  warehouse: Record<string, Record<string, string>>;
}

/** Thrown during an incremental run when an append cannot give a full rebuild's result: the run restarts in full. */
export class IncrementalFallback extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** How a dataset is built in this run. */
export type DatasetMode = 'full' | 'restore' | 'append';

export interface IncrementalSummary {
  mode: 'full' | 'incremental';
  reason: string;
  /** Dataset → files processed in this run (all of them in a full run, the new ones otherwise). */
  processed: Record<string, string[]>;
  /** Another --as-of than the state's: per dataset with row rules that read it, the quarantined records
   * judged again and how many of them moved to silver. */
  as_of_recheck?: { from: string; to: string; datasets: Record<string, { rules: string[]; rechecked: number; to_silver: number }> };
  /** Per run: the counts of the records this run processed (cumulative ones are the record's `counts`). */
  this_run: Record<string, SourceCounts>;
  lake: { written: string[]; kept: string[] };
  warehouse: { written: string[]; kept: string[] };
  /** Incremental runs: the other published files linked from the previous output (their table did not change). */
  files_kept?: string[];
  /** Incremental runs: how each gold model was built (reused, maintained by key, recomputed, view). */
  gold?: Record<string, string>;
}

const ZERO: SourceCounts = { records_in: 0, rows_out: 0, rows_quarantined: 0, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 };
const addCounts = (a: SourceCounts, b: SourceCounts): SourceCounts => ({
  records_in: a.records_in + b.records_in,
  rows_out: a.rows_out + b.rows_out,
  rows_quarantined: a.rows_quarantined + b.rows_quarantined,
  duplicates_dropped: a.duplicates_dropped + b.duplicates_dropped,
  rows_excluded: a.rows_excluded + b.rows_excluded,
  rows_flagged: (a.rows_flagged ?? 0) + (b.rows_flagged ?? 0),
});

function etlVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** Definition files → sha256, named relative to their common folder: the same names whether the run was
 * given relative or absolute paths, and wherever the project folder lives. */
async function hashFiles(files: string[]): Promise<Record<string, string>> {
  const paths = [...new Set(files.map((f) => resolve(f)))].sort();
  const common = commonDir(paths);
  const out: Record<string, string> = {};
  for (const f of paths) out[relative(common, f)] = createHash('sha256').update(await readFile(f)).digest('hex');
  return out;
}

/** A source read from a glob (daily files, Hive folders) can gain files; a state is kept only for runs with one. */
export function readsGlob(plan: RunPlan): boolean {
  return plan.datasets.some((d) => !d.staging && isGlob(d.file));
}

/** A run keeps a state beside its output (and can be incremental) when a source is read from a glob and no
 * staging model shapes the sources. */
export function keepsState(plan: RunPlan, stagingModels: number): boolean {
  return readsGlob(plan) && stagingModels === 0;
}

/** Datasets that take new files by appending: read from a glob, with a key to check new records against. */
function appendable(plan: RunPlan): Map<string, string | undefined> {
  const why = new Map<string, string | undefined>();
  for (const d of plan.datasets) {
    const contracts = [d.source, d.silver].filter((c): c is Contract => c !== undefined);
    if (!isGlob(d.file)) why.set(d.dataset, `${d.dataset} is one file, not a glob of files`);
    else if (enforcedKey(contracts).length === 0) why.set(d.dataset, `${d.dataset} has no primary key to check new records against earlier ones`);
    else why.set(d.dataset, undefined);
  }
  return why;
}

export class IncrementalRun {
  readonly out: string;
  private readonly log: Logger;
  private previous: Manifest | undefined;
  private mode: 'full' | 'incremental' = 'full';
  private reason: string;
  private appended: Record<string, string[]> = {};
  private readonly inputs: Record<string, InputFile[]>;
  private readonly definitions: Record<string, string>;
  private readonly contractFiles: string[];
  private readonly asOf: string;
  private readonly plan: RunPlan;
  private readonly dataDir: string;
  private states: Record<string, DatasetState> = {};
  private stored: Record<string, DatasetState> = {};
  private thisRun: Record<string, SourceCounts> = {};
  private processed: Record<string, string[]> = {};
  private duckdbVersion = '';
  private readonly modes = new Map<string, DatasetMode>();
  /** Datasets whose silver or quarantine differs from the state's as it was (appended, rebuilt, rechecked). */
  private readonly changed = new Set<string>();
  /** Datasets taken from the state so far (restored or appended). */
  private readonly settled = new Set<string>();
  /** The state's --as-of when this run's differs (its rows are rechecked). */
  private previousAsOf: string | undefined;
  /** The state's names of input and contract files → this run's (renamed-inputs.ts). */
  private renames: Renames = new Map();
  private readonly rechecks: Record<string, { rules: string[]; rechecked: number; to_silver: number }> = {};
  readonly partitions: PartitionReuse = partitionReuse();
  readonly stagedState: string;
  /** The state's gold: model → hash of the SQL its table was built with, and the models with a table. */
  private storedModels: Record<string, string> = {};
  private storedDurations: Record<string, number> = {};
  private goldDurations: Record<string, number> = {};
  /** Gold table → its check aggregates' values (dataset-rules.ts, itemKey): the last run's and this run's. */
  private storedChecks: Record<string, Record<string, number>> = {};
  private goldChecks: Record<string, Record<string, number>> = {};
  private storedGold = new Set<string>();
  /** Datasets whose state rows a recheck under another --as-of changed (their change is not a plain append). */
  private readonly rechecked = new Set<string>();
  /** This run's gold: the models whose tables the state keeps (→ hash), and the incremental build. */
  private goldHashes: Record<string, string> = {};
  private goldRun: GoldIncremental | undefined;

  private constructor(args: { out: string; log: Logger; plan: RunPlan; dataDir: string; asOf: string; inputs: Record<string, InputFile[]>; definitions: Record<string, string>; contractFiles: string[] }) {
    this.out = args.out;
    this.log = args.log;
    this.plan = args.plan;
    this.dataDir = args.dataDir;
    this.asOf = args.asOf;
    this.inputs = args.inputs;
    this.definitions = args.definitions;
    this.contractFiles = [...args.contractFiles].sort();
    this.reason = 'first run';
    this.stagedState = stagedStatePathOf(args.out);
  }

  /** Undefined when no source is read from a glob (nothing can be appended: no state is kept). */
  static async begin(args: {
    out: string;
    dataDir: string;
    plan: RunPlan;
    stagingModels: number;
    definitionFiles: string[];
    /** The contract files as the run names them (its checks cite them). */
    contractFiles: string[];
    asOf: string;
    fullRefresh?: string;
    fingerprints: Promise<Fingerprint[]>;
    log: Logger;
  }): Promise<IncrementalRun | undefined> {
    if (!keepsState(args.plan, args.stagingModels)) return undefined;
    const prints = new Map((await args.fingerprints).map((f) => [f.file, f]));
    const inputs: Record<string, InputFile[]> = {};
    for (const d of args.plan.datasets) {
      inputs[d.dataset] = (d.files ?? [d.file]).map((f) => {
        const p = prints.get(f);
        return { file: relative(args.dataDir, f), bytes: p?.bytes ?? -1, sha256: p?.sha256 ?? '' };
      });
    }
    const run = new IncrementalRun({ out: args.out, log: args.log, plan: args.plan, dataDir: args.dataDir, asOf: args.asOf, inputs, definitions: await hashFiles(args.definitionFiles), contractFiles: args.contractFiles });
    run.decide(args.fullRefresh);
    return run;
  }

  private decide(fullRefresh: string | undefined): void {
    const full = (reason: string) => {
      this.mode = 'full';
      this.reason = reason;
    };
    const manifestPath = join(this.out, MANIFEST_FILE);
    if (fullRefresh) return full(fullRefresh);
    if (!existsSync(manifestPath)) return full('no incremental state in the output yet');
    try {
      this.previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch {
      return full(`${manifestPath} cannot be read`);
    }
    const prev = this.previous;
    if (prev.format !== MANIFEST_FORMAT || prev.etl_version !== etlVersion()) return full(`the state was written by another etl version or format (${prev.etl_version}, format ${prev.format})`);
    if (!existsSync(statePathOf(this.out))) return full(`the state file ${statePathOf(this.out)} is missing`);
    const defs = new Set([...Object.keys(prev.definitions), ...Object.keys(this.definitions)]);
    const changed = [...defs].filter((f) => prev.definitions[f] !== this.definitions[f]).sort();
    if (changed.length > 0) {
      return full(`contracts, models or config changed since the state was written: ${changed.slice(0, 5).map((f) => `${f} (${!prev.definitions[f] ? 'added' : !this.definitions[f] ? 'removed' : 'changed'})`).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`);
    }
    // The same files named otherwise (--data or --contracts relative one day, absolute the next): the
    // state's quarantine and stored checks cite the old names; they are renamed in the state copy (open).
    const renames = renamesOf(prev, { dataDir: this.dataDir, contractFiles: this.contractFiles });
    if (typeof renames === 'string') return full(renames);
    this.renames = renames;
    const datasets = new Set([...Object.keys(prev.inputs), ...Object.keys(this.inputs)]);
    const canAppend = appendable(this.plan);
    const appended: Record<string, string[]> = {};
    for (const d of [...datasets].sort()) {
      const before = new Map((prev.inputs[d] ?? []).map((f) => [f.file, f]));
      const now = this.inputs[d] ?? [];
      if (!prev.inputs[d]) return full(`source ${d} is new since the last run`);
      if (!this.inputs[d]) return full(`source ${d} is gone since the last run`);
      const nowFiles = new Set(now.map((f) => f.file));
      const removed = [...before.keys()].filter((f) => !nowFiles.has(f));
      if (removed.length > 0) return full(`${removed[0]} was removed since the last run${removed.length > 1 ? ` (and ${removed.length - 1} more)` : ''}`);
      const changedFile = now.find((f) => before.has(f.file) && (before.get(f.file)!.bytes !== f.bytes || before.get(f.file)!.sha256 !== f.sha256));
      if (changedFile) return full(`${changedFile.file} changed since the last run`);
      const added = now.filter((f) => !before.has(f.file));
      if (added.length === 0) continue;
      const cannot = canAppend.get(d);
      if (cannot) return full(`${added[0]!.file} is new, but ${cannot}`);
      const last = [...before.keys()].sort().at(-1);
      const early = added.find((f) => last !== undefined && f.file < last);
      if (early) return full(`${early.file} is new but sorts before ${last}, which was processed already`);
      const plan = this.plan.datasets.find((x) => x.dataset === d)!;
      appended[d] = (plan.files ?? []).filter((f) => added.some((a) => a.file === relative(this.dataDir, f)));
    }
    this.mode = 'incremental';
    this.appended = appended;
    if (prev.as_of !== this.asOf) this.previousAsOf = prev.as_of;
    const n = Object.values(appended).reduce((s, f) => s + f.length, 0);
    const files = n === 0 ? 'no input changed since the last run' : `${n} new file${n === 1 ? '' : 's'} in ${Object.keys(appended).join(', ')}`;
    const spelled = [
      ...(prev.data !== this.dataDir ? [`--data ${prev.data} → ${this.dataDir}`] : []),
      ...(prev.contract_files.join('\n') !== this.contractFiles.join('\n') ? ['--contracts named otherwise'] : []),
    ];
    const renamed = this.renames.size > 0 ? `; ${spelled.join(', ')}: file names rewritten in the state` : '';
    this.reason = `${this.previousAsOf ? `${n === 0 ? 'no new input' : files}; --as-of ${prev.as_of} → ${this.asOf}: rows rechecked by the rules that read it` : files}${renamed}`;
  }

  get incremental(): boolean {
    return this.mode === 'incremental';
  }

  /** After the engine opens: an incremental run attaches a copy of the state (or falls back to a full run). */
  async open(engine: Engine): Promise<void> {
    this.duckdbVersion = String(await engine.scalar(sql`SELECT version()`));
    if (this.mode === 'incremental') {
      if (this.previous?.duckdb_version !== this.duckdbVersion) {
        this.mode = 'full';
        this.reason = `the state was written with DuckDB ${this.previous?.duckdb_version}, this is ${this.duckdbVersion}`;
      } else {
        const content = await openStateCopy(engine, statePathOf(this.out), this.stagedState);
        if (!content || content.stateId !== this.previous.state_id) {
          if (content) await closeState(engine);
          this.mode = 'full';
          this.reason = content ? `the state file beside the output belongs to run ${content.stateId}, the output to ${this.previous.state_id}` : 'the state file cannot be read';
        } else {
          this.stored = content.datasets;
          this.storedModels = content.models;
          this.storedDurations = content.durations;
          this.storedChecks = content.checks;
          this.storedGold = content.goldTables;
          const missing = this.plan.datasets.find((d) => !this.stored[d.dataset]);
          if (missing) {
            await closeState(engine);
            this.mode = 'full';
            this.reason = `the state holds no ${missing.dataset}`;
          } else if (this.renames.size > 0) {
            for (const d of Object.keys(this.stored)) {
              this.stored[d] = renameInChecks(this.stored[d]!, this.renames);
              await renameQuarantine(engine, stateQuarantine(d), this.renames);
            }
          }
        }
      }
    }
    this.log.info({ stage: 'incremental', mode: this.mode, reason: this.reason }, this.mode === 'full' ? `full rebuild: ${this.reason}` : `incremental run: ${this.reason}`);
  }

  /** append: new files only; restore: the state's rows; full: every file again, for a dataset whose
   * relationships point at one that changes (returns → orders: a new order can make an earlier
   * return's reference valid), so that its foreign keys are checked against the whole new silver. */
  modeOf(dataset: string): DatasetMode {
    if (this.mode === 'full') return 'full';
    const known = this.modes.get(dataset);
    if (known) return known;
    const d = this.plan.datasets.find((x) => x.dataset === dataset);
    const targets = [d?.source, d?.silver].flatMap((c) => (c?.relationships ?? []).map((r) => r.toDataset)).filter((t) => t !== dataset && this.plan.datasets.some((x) => x.dataset === t));
    this.modes.set(dataset, 'restore'); // a cycle (refused by the plan) cannot recurse forever
    // Dataset rules of the source contract read bronze (not kept): under another --as-of they are evaluated again.
    const bronzeRules = this.previousAsOf !== undefined && (this.stored[dataset]?.datasetChecks ?? []).some((c) => c.layer !== 'silver');
    const mode: DatasetMode = bronzeRules || targets.some((t) => this.changes(t)) ? 'full' : this.appended[dataset]?.length ? 'append' : 'restore';
    this.modes.set(dataset, mode);
    if (mode === 'full') this.changed.add(dataset);
    return mode;
  }

  /** Does a referenced dataset differ from the state's in this run? (Known once it was built: dependency
   * order builds it first; before that, under another --as-of, its recheck may change it.) */
  private changes(dataset: string): boolean {
    if (this.modeOf(dataset) !== 'restore') return true;
    return this.changed.has(dataset) || (!this.settled.has(dataset) && this.previousAsOf !== undefined);
  }

  /** Under another --as-of: the state's rows judged again by the rules that read it (recheck-as-of.ts). */
  private async recheck(engine: Engine, d: DatasetPlan, refs: Record<string, Sql>, refKeys: Record<string, string[]>): Promise<void> {
    if (this.previousAsOf === undefined) return;
    const ds = d.dataset;
    const outcome = await recheckAsOf(engine, {
      dataset: ds,
      contracts: [d.source, d.silver].filter((c): c is Contract => c !== undefined),
      silver: stateSilver(ds),
      quarantine: stateQuarantine(ds),
      stored: this.stored[ds]!,
      refs,
      refKeys,
      previousAsOf: this.previousAsOf,
      asOf: this.asOf,
    });
    if (typeof outcome === 'string') throw new IncrementalFallback(outcome);
    if (outcome.rules.length > 0) this.rechecks[ds] = { rules: outcome.rules, rechecked: outcome.rechecked, to_silver: outcome.toSilver };
    if (!outcome.changed) return;
    this.stored[ds] = { ...this.stored[ds]!, counts: outcome.counts, rowChecks: outcome.rowChecks };
    this.changed.add(ds);
    this.rechecked.add(ds);
    this.log.info({ stage: 'incremental', dataset: ds, ...this.rechecks[ds] }, `${ds}: ${outcome.rechecked} quarantined rows rechecked at --as-of ${this.asOf}, ${outcome.toSilver} moved to silver`);
  }

  /** The plan of an appended dataset: its new files only. */
  newFilesOf(d: DatasetPlan): DatasetPlan {
    return { ...d, files: this.appended[d.dataset] ?? [] };
  }

  /** A dataset whose files did not change: its silver and quarantine are the state's. */
  async restore(engine: Engine, d: DatasetPlan, refs: Record<string, Sql>, refKeys: Record<string, string[]>): Promise<SilverResult> {
    await this.recheck(engine, d, refs, refKeys);
    this.settled.add(d.dataset);
    const stored = this.stored[d.dataset]!;
    await this.expose(engine, d.dataset);
    const relation = sql`silver.${ident(d.dataset)}`;
    // Dataset rules of silver are evaluated again (cheap; they may read other datasets); the others
    // read bronze, which did not change.
    const kept = stored.datasetChecks.filter((c) => c.layer !== 'silver');
    const silverRules = d.silver ? await evaluateDatasetRules(engine, { dataset: d.dataset, layer: 'silver', relation, contracts: [d.silver], counts: stored.counts, refs, asOf: this.asOf }) : [];
    const datasetChecks = [...kept, ...silverRules];
    const contracts = [d.source, d.silver].filter((c): c is Contract => c !== undefined);
    this.thisRun[d.dataset] = { ...ZERO };
    this.processed[d.dataset] = [];
    return { relation, key: enforcedKey(contracts), counts: stored.counts, checks: [...stored.rowChecks, ...datasetChecks], datasetChecks };
  }

  private async expose(engine: Engine, dataset: string): Promise<void> {
    await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS silver; CREATE SCHEMA IF NOT EXISTS quarantine`);
    await engine.exec(sql`CREATE OR REPLACE VIEW silver.${ident(dataset)} AS SELECT * FROM ${stateSilver(dataset)}`);
    await engine.exec(sql`CREATE OR REPLACE VIEW quarantine.${ident(dataset)} AS SELECT * FROM ${stateQuarantine(dataset)}`);
  }

  /** A dataset that gained files: the row pass on the new records, appended to the state. */
  async append(engine: Engine, d: DatasetPlan, bronze: BronzeResult, refs: Record<string, Sql>, refKeys: Record<string, string[]>): Promise<SilverResult> {
    await this.recheck(engine, d, refs, refKeys);
    this.settled.add(d.dataset);
    this.changed.add(d.dataset);
    const stored = this.stored[d.dataset]!;
    const contracts = [d.source, d.silver].filter((c): c is Contract => c !== undefined);
    const ds = d.dataset;
    await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS incr`);
    const newSilver = sql`incr.${ident(ds)}`;
    const newQuarantine = sql`incr.${ident(`${ds}__quarantine`)}`;
    const input = { dataset: ds, bronze: bronze.relation, contracts, refs, refKeys, asOf: this.asOf, sourceFiles: bronze.read.files };
    const { plan } = await planRowRules(engine, input);
    if (plan.uniques.length > 0) throw new IncrementalFallback(`${ds} has unique columns besides its key (${plan.uniques.map((u) => u.name).join(', ')})`);
    const enforced = await enforceRowRules(engine, { ...input, silverTable: newSilver, quarantineTable: newQuarantine });
    const conflicts = await this.keyConflicts(engine, ds, plan.primaryKey.map((k) => ({ name: k.name, raw: k.raw, cast: k.cast })), plan.columns.map((c) => ({ name: c.name, raw: c.raw })), newSilver, newQuarantine);
    if (conflicts > 0) throw new IncrementalFallback(`${conflicts} new ${ds} record${conflicts === 1 ? ' shares its key' : 's share their keys'} with records processed before`);
    // The new rows' quarantine reasons name upstream rules as in a full run (the messages are recomputed below).
    await explainUpstreamQuarantine(engine, { dataset: ds, contracts, quarantineTable: newQuarantine, checks: structuredClone(enforced.checks) });
    const malformedCheck = await quarantineMalformed(engine, ds, bronze, newQuarantine);
    const malformed = bronze.read.malformed;
    const fresh: SourceCounts = { ...enforced.counts, records_in: enforced.counts.records_in + malformed, rows_quarantined: enforced.counts.rows_quarantined + malformed };
    const merged = mergeRowChecks(stored.rowChecks, [...bronze.checks, malformedCheck, ...enforced.checks]);
    if (typeof merged === 'string') throw new IncrementalFallback(merged);
    const counts = addCounts(stored.counts, fresh);
    if (d.source) {
      const onBronze = await evaluateDatasetRules(engine, { dataset: ds, layer: 'source', relation: bronze.relation, contracts: [d.source], counts, refs, asOf: this.asOf });
      if (onBronze.length > 0) throw new IncrementalFallback(`the source contract of ${ds} has dataset rules over all its records (${onBronze[0]!.id})`);
    }
    await engine.exec(sql`INSERT INTO ${stateSilver(ds)} SELECT * FROM ${newSilver}`);
    await engine.exec(sql`INSERT INTO ${stateQuarantine(ds)} SELECT * FROM ${newQuarantine}`);
    // The new silver rows stay (incr.<dataset>): gold reads what changed through them (appendedSilver).
    await engine.exec(sql`DROP TABLE ${newQuarantine}`);
    await this.expose(engine, ds);
    // Relationship messages count over the whole quarantine (on a scratch copy: the reasons are final).
    if (merged.some((c) => c.rule === 'relationship' && c.failed_rows > 0)) {
      const scratch = ident(`__etl_quarantine_${ds}`);
      await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${scratch} AS SELECT * FROM quarantine.${ident(ds)}`);
      await explainUpstreamQuarantine(engine, { dataset: ds, contracts, quarantineTable: scratch, checks: merged });
      await engine.exec(sql`DROP TABLE ${scratch}`);
    }
    const relation = sql`silver.${ident(ds)}`;
    const datasetChecks = d.silver ? await evaluateDatasetRules(engine, { dataset: ds, layer: 'silver', relation, contracts: [d.silver], counts, refs, asOf: this.asOf }) : [];
    this.thisRun[ds] = fresh;
    this.processed[ds] = (this.appended[ds] ?? []).map((f) => relative(this.dataDir, f));
    return { relation, key: enforcedKey(contracts), counts, checks: [...merged, ...datasetChecks], datasetChecks };
  }

  /** New records whose key (or, with a NULL in the key, whose whole record) a processed record has:
   * the full rebuild's duplicate handling would change the earlier rows, so an append cannot be exact.
   * Compared by 64-bit hashes: a collision only costs a full rebuild. */
  private async keyConflicts(
    engine: Engine,
    ds: string,
    key: { name: string; raw: Sql; cast: Sql }[],
    columns: { name: string; raw: Sql }[],
    newSilver: Sql,
    newQuarantine: Sql,
  ): Promise<number> {
    const malformed = `${ds}.malformed_record`;
    const keyHash = joinSql(key.map((k) => ident(k.name)), ', ');
    const qColumns = (await engine.describe(newQuarantine)).map((c) => c.name).filter((c) => !['_source_file', '_record_number', '_raw', '_rule_ids', '_reasons', '_excluded'].includes(c));
    // Quarantined records keep their text: the key is cast as the row pass casts it.
    const typedQ = (q: Sql) => sql`SELECT ${joinSql(key.map((k) => sql`${k.cast} AS ${ident(k.name)}`), ', ')}, hash(${joinSql(qColumns.map((c) => sql`q2.${ident(c)}`), ', ')}) AS "__r"
      FROM (SELECT ${joinSql(columns.map((c) => sql`CAST(q.${ident(c.name)} AS VARCHAR) AS ${c.raw}`), ', ')}, q.* FROM ${q} AS q WHERE NOT coalesce(list_contains(q."_rule_ids", ${malformed}), FALSE)) AS q2`;
    const allKeys = joinSql(key.map((k) => sql`${ident(k.name)} IS NOT NULL`), ' AND ');
    const keysOf = (silver: Sql, q: Sql) => sql`SELECT hash(${keyHash}) AS h FROM ${silver} UNION ALL SELECT hash(${keyHash}) FROM (${typedQ(q)}) WHERE ${allKeys}`;
    const recordsOf = (q: Sql) => sql`SELECT "__r" AS h FROM (${typedQ(q)}) WHERE NOT (${allKeys})`;
    const n = await engine.scalar(sql`SELECT
      (SELECT count(*) FROM (${keysOf(newSilver, newQuarantine)}) WHERE h IN (${keysOf(stateSilver(ds), stateQuarantine(ds))}))
      + (SELECT count(*) FROM (${recordsOf(newQuarantine)}) WHERE h IN (${recordsOf(stateQuarantine(ds))}))`);
    return Number(n);
  }

  /** An appended dataset's new silver rows (their conformed view tells gold what changed); undefined when
   * the dataset changed otherwise or not at all. */
  appendedSilver(dataset: string): Sql | undefined {
    if (this.mode !== 'incremental' || this.modes.get(dataset) !== 'append' || this.rechecked.has(dataset)) return undefined;
    return sql`incr.${ident(dataset)}`;
  }

  /** An incremental run's gold build (gold-incremental.ts), told what changed in each dataset; undefined in a
   * full run. `appended` names the schema of the appended datasets' conformed views of their new rows. */
  gold(appended: string): GoldIncremental | undefined {
    if (this.mode !== 'incremental') return undefined;
    const run = new GoldIncremental(STATE_CATALOG, this.storedModels, this.storedGold, this.storedDurations);
    for (const d of this.plan.datasets) {
      const ds = d.dataset;
      const mode = this.modeOf(ds);
      run.setSource(ds, mode === 'append' && this.appendedSilver(ds)
        ? { kind: 'rows', added: sql`${ident(appended)}.${ident(ds)}` }
        : mode === 'full' || this.changed.has(ds) ? { kind: 'all' } : { kind: 'none' });
    }
    this.goldRun = run;
    return run;
  }

  /** The gold models whose tables the state keeps, with the hash of their SQL (gold.ts). */
  keepGold(hashes: Record<string, string>, durations: Record<string, number>): void {
    this.goldHashes = hashes;
    this.goldDurations = durations;
  }

  /** A gold table's check aggregates after the last run and its rows changed since, when both are known (an
   * incremental run; the gold checks count the changed rows instead of the table, dataset-rules.ts). */
  checksSince(table: string): Since | undefined {
    const last = this.storedChecks[table];
    const rows = this.goldRun?.rowsChanged(table);
    return this.mode === 'incremental' && last && rows ? { last, ...rows } : undefined;
  }

  /** This run's gold check aggregates (written into the state). */
  keepChecks(memo: Record<string, Record<string, number>>): void {
    this.goldChecks = memo;
  }

  /** Remember what each dataset's silver rows stand for (written into the state at publish). */
  keep(dataset: string, silver: SilverResult, files: string[]): void {
    this.states[dataset] = { counts: silver.counts, rowChecks: silver.checks.slice(0, silver.checks.length - silver.datasetChecks.length), datasetChecks: silver.datasetChecks };
    if (this.modeOf(dataset) === 'full') {
      this.thisRun[dataset] = silver.counts;
      this.processed[dataset] = files.map((f) => relative(this.dataDir, f));
    }
  }

  /** The publish hook for lake and warehouse partitions: only an incremental run links unchanged ones. */
  partitionReuse(): PartitionReuse {
    const prev = this.previous;
    if (this.mode === 'incremental' && prev) {
      this.partitions.previous = (area, table, partition, hash) => {
        if (prev[area][table]?.[partition] !== hash) return undefined;
        const file = join(this.out, AREA_DIR[area], table, partition, 'data_0.parquet');
        return existsSync(file) ? file : undefined;
      };
      this.partitions.changes = (area, table) => {
        const rows = this.goldRun?.rowsChanged(table);
        const previous = prev[area][table];
        return rows && previous ? { ...rows, previous } : undefined;
      };
      this.partitions.unchanged = (kind, table, path) => {
        const same = kind === 'gold'
          ? this.goldRun?.unchanged(table) === true
          : this.modes.get(table) === 'restore' && !this.changed.has(table) && this.renames.size === 0;
        const file = join(this.out, path);
        return same && existsSync(file) ? file : undefined;
      };
    }
    return this.partitions;
  }

  /** Write the state (staged beside the output) and the manifest (into the staged output). */
  async finish(engine: Engine, stagingOut: string, runId: string): Promise<void> {
    const content = { stateId: runId, datasets: this.states, models: this.goldHashes, durations: this.goldDurations, checks: this.goldChecks };
    if (this.mode === 'incremental') {
      // A model recomputed to the content the state holds already is not written again.
      const recomputed = [...(this.goldRun?.recomputed ?? [])].filter((m) => this.goldHashes[m] !== undefined && !this.goldRun!.unchanged(m));
      const stale = [...this.storedGold].filter((m) => this.goldHashes[m] === undefined);
      await finishStateCopy(engine, content, [...this.modes].filter(([, m]) => m === 'full').map(([d]) => d), recomputed, stale);
    } else await writeState(engine, this.stagedState, content);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      etl_version: etlVersion(),
      duckdb_version: this.duckdbVersion,
      state_id: runId,
      data: this.dataDir,
      contract_files: this.contractFiles,
      as_of: this.asOf,
      definitions: this.definitions,
      inputs: this.inputs,
      lake: sortedHashes(this.partitions.hashes.lake),
      warehouse: sortedHashes(this.partitions.hashes.warehouse),
    };
    const file = join(stagingOut, MANIFEST_FILE);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** The journal move that publishes the state with the output. */
  journalMove(): Move {
    return { from: this.stagedState, to: statePathOf(this.out), kind: 'file' };
  }

  /** A run that stops before its commit: the staged state is dropped. */
  async discard(engine?: Engine): Promise<void> {
    if (engine) await closeState(engine).catch(() => undefined);
    await removeStateFile(this.stagedState);
  }

  summary(): IncrementalSummary {
    return {
      mode: this.mode,
      reason: this.reason,
      processed: this.processed,
      ...(this.mode === 'incremental' && this.previousAsOf !== undefined ? { as_of_recheck: { from: this.previousAsOf, to: this.asOf, datasets: this.rechecks } } : {}),
      this_run: this.thisRun,
      lake: this.partitions.done.lake,
      warehouse: this.partitions.done.warehouse,
      ...(this.mode === 'incremental' ? { files_kept: [...this.partitions.files].sort(), gold: { ...this.goldRun?.builds } } : {}),
    };
  }
}

/** Table → partition → hash, both levels in name order (the manifest's bytes do not follow the scheduling). */
function sortedHashes(hashes: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const byName = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(byName(hashes).map(([t, p]) => [t, Object.fromEntries(byName(p))]));
}
