// The engine: the only module that imports DuckDB. Everything else speaks Sql (sql/sql.ts) to it
// and receives plain JSON-like rows back. Only small results should cross into JavaScript.
import { appendFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DuckDBApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { EtlError } from '../errors.ts';
import { interruptedError, interruptSignal, onInterrupt, throwIfInterrupted } from '../interrupt.ts';
import { trusted, literal, type Sql } from '../sql/sql.ts';
import { defaultMemoryLimit } from './memory-limit.ts';

// Required, not imported: an ESM import of this CommonJS package first has Node scan each of its ~60
// files for named exports (30 ms of CPU at every engine start, measured at `etl contracts lint`).
const { DuckDBInstance: Instance, DuckDBTypeId } = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDBApi;

export type Cell = string | number | boolean | null | Cell[] | { [k: string]: Cell };
export type Row = Record<string, Cell>;
/** Values bound as prepared-statement parameters ($1, $2 … or $name). */
export type Params = (string | number | boolean | null)[] | Record<string, string | number | boolean | null>;

/** A column's type as plain data (no DuckDB object leaves the engine): a scalar family, or a nested type. */
export type ColumnType =
  | { kind: 'scalar'; name: string }
  | { kind: 'list'; element: ColumnType }
  | { kind: 'struct'; fields: { name: string; type: ColumnType }[] }
  | { kind: 'map'; key: ColumnType; value: ColumnType };

export interface ColumnInfo {
  name: string;
  /** DuckDB's name of the type, as DESCRIBE prints it: VARCHAR, DECIMAL(10,2), JSON, INTEGER[]. */
  type: string;
  /** The same, structured: a scalar's family (DECIMAL, TIMESTAMP WITH TIME ZONE, ENUM, JSON …), or list/struct/map. */
  shape: ColumnType;
}

/** A scalar's family: its alias (JSON) or its name without parameters (DECIMAL(10,2) → DECIMAL). */
function scalarName(t: DuckDBType): string {
  const text = t.alias ?? t.toString();
  const paren = text.indexOf('(');
  return (paren >= 0 ? text.slice(0, paren) : text).trim().toUpperCase();
}

function shapeOf(t: DuckDBType): ColumnType {
  switch (t.typeId) {
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { kind: 'list', element: shapeOf(t.valueType) };
    case DuckDBTypeId.STRUCT:
      return { kind: 'struct', fields: t.entryNames.map((name, i) => ({ name, type: shapeOf(t.entryTypes[i]!) })) };
    case DuckDBTypeId.MAP:
      return { kind: 'map', key: shapeOf(t.keyType), value: shapeOf(t.valueType) };
    default:
      return { kind: 'scalar', name: scalarName(t) };
  }
}

/** DESCRIBE's spelling of a type (struct fields quoted only when they need it). */
function typeText(t: DuckDBType): string {
  if (t.alias !== undefined) return t.alias;
  switch (t.typeId) {
    case DuckDBTypeId.LIST:
      return `${typeText(t.valueType)}[]`;
    case DuckDBTypeId.ARRAY:
      return `${typeText(t.valueType)}[${t.length}]`;
    case DuckDBTypeId.STRUCT:
      return `STRUCT(${t.entryNames.map((n, i) => `${/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`} ${typeText(t.entryTypes[i]!)}`).join(', ')})`;
    case DuckDBTypeId.MAP:
      return `MAP(${typeText(t.keyType)}, ${typeText(t.valueType)})`;
    default:
      return t.toString();
  }
}

/** A relation's text as a query: a table or view name is read with SELECT *. */
function asQuery(relation: Sql): string {
  const text = relation.text.trim();
  return /^(\(|(select|with|from|values|pivot|unpivot)\b)/i.test(text) ? text : `SELECT * FROM ${text}`;
}

export interface EngineOptions {
  /** Database file; in-memory when omitted. */
  path?: string;
  /** DuckDB memory limit, e.g. '4GB'; default: defaultMemoryLimit() (the smaller of half the RAM and 8 GB). */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills when past its memory limit. */
  tempDirectory?: string;
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
  }
  if (Array.isArray(v)) return v.map(toCell);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object') {
    const out: Record<string, Cell> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toCell(x);
    return out;
  }
  return String(v);
}

// ETL_PROFILE_SQL=<file>: every statement's wall time and opening text appended to <file> (benchmark
// and profiling aid; off by default). ETL_PROFILE_SQL_WIDTH: characters of each statement kept (default
// 160; 0: the whole statement).
const profileFile = process.env['ETL_PROFILE_SQL'];
const profileWidth = Number(process.env['ETL_PROFILE_SQL_WIDTH'] ?? 160) || Infinity;
// ETL_PROFILE_PLAN=<regular expression>: each statement whose text matches runs with DuckDB's profiler on,
// its operator tree written as JSON to $ETL_PROFILE_PLAN_DIR (default: the OS's temp folder)/etl-plan-<pid>-<n>.json.
const planPattern = process.env['ETL_PROFILE_PLAN'] ? new RegExp(process.env['ETL_PROFILE_PLAN']) : undefined;
let planCount = 0;
async function profiled<T>(q: Sql, run: () => Promise<T>, conn?: DuckDBConnection): Promise<T> {
  throwIfInterrupted();
  if (planPattern && conn && planPattern.test(q.text)) {
    const dir = process.env['ETL_PROFILE_PLAN_DIR'] ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `etl-plan-${process.pid}-${++planCount}.json`);
    await conn.run(`PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = ${literal(file).text}`);
    try {
      return await profiledTime(q, run);
    } finally {
      await conn.run('PRAGMA disable_profiling');
    }
  }
  return profiledTime(q, run);
}
async function profiledTime<T>(q: Sql, run: () => Promise<T>): Promise<T> {
  if (!profileFile) return run();
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    const ms = Math.round(performance.now() - t0);
    appendFileSync(profileFile, `${String(ms).padStart(7)} ms  ${q.text.replace(/\s+/g, ' ').slice(0, profileWidth)}\n`);
  }
}

/** Every open connection: a stop asked by a signal interrupts the statement each is running (interrupt.ts). */
const live = new Set<DuckDBConnection>();
onInterrupt(() => {
  const interruptAll = () => {
    for (const conn of live) conn.interrupt();
  };
  interruptAll();
  // DuckDB clears a connection's interrupt as a statement starts: one that started between the check
  // before it (profiled) and the signal is interrupted by the next round.
  setInterval(interruptAll, 200).unref();
});

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

export class Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** False for a session of another engine's database (closing it closes only its connection). */
    private readonly ownsInstance = true,
  ) {
    live.add(conn);
  }

  static async open(options: EngineOptions = {}): Promise<Engine> {
    let instance: DuckDBInstance;
    try {
      instance = await Instance.create(options.path ?? ':memory:');
    } catch (cause) {
      throw new EtlError('ENGINE_QUERY_FAILED', `cannot open DuckDB: ${firstLine(String(cause))}`, { cause });
    }
    const engine = new Engine(instance, await instance.connect());
    // Deterministic whatever the process's TZ: timestamps with time zone, casts to DATE and now() read in UTC.
    await engine.exec(trusted(`SET TimeZone = 'UTC'`));
    await engine.exec(trusted(`SET memory_limit = ${literal(options.memoryLimit ?? defaultMemoryLimit()).text}`));
    if (options.threads) await engine.exec(trusted(`SET threads = ${Math.max(1, Math.floor(options.threads))}`));
    if (options.tempDirectory) await engine.exec(trusted(`SET temp_directory = ${literal(options.tempDirectory).text}`));
    return engine;
  }

  /** Run one or more statements; nothing is read back. */
  async exec(q: Sql, params?: Params): Promise<void> {
    try {
      await profiled(q, () => this.conn.run(q.text, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined), this.conn);
    } catch (cause) {
      throw this.wrap(cause, q);
    }
  }

  /** Run a query and read its (small) result as plain rows. */
  async rows<T extends Row = Row>(q: Sql, params?: Params): Promise<T[]> {
    try {
      const reader = await profiled(q, () => this.conn.runAndReadAll(q.text, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined), this.conn);
      return reader.getRowObjectsJS().map((r) => {
        const out: Row = {};
        for (const [k, v] of Object.entries(r)) out[k] = toCell(v);
        return out as T;
      });
    } catch (cause) {
      throw this.wrap(cause, q);
    }
  }

  /** The first column of the first row, or null. */
  async scalar(q: Sql, params?: Params): Promise<Cell> {
    try {
      const reader = await profiled(q, () => this.conn.runAndReadAll(q.text, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined), this.conn);
      const rows = reader.getRowsJS();
      return rows.length > 0 && rows[0]!.length > 0 ? toCell(rows[0]![0]) : null;
    } catch (cause) {
      throw this.wrap(cause, q);
    }
  }

  /** Column names and types of a relation (table, view or query), from the prepared query: nothing runs. */
  async describe(relation: Sql): Promise<ColumnInfo[]> {
    try {
      const prepared = await profiled(relation, () => this.conn.prepare(asQuery(relation)));
      try {
        return Array.from({ length: prepared.columnCount }, (_, i) => {
          const t = prepared.columnType(i);
          return { name: prepared.columnName(i), type: typeText(t), shape: shapeOf(t) };
        });
      } finally {
        prepared.destroySync();
      }
    } catch (cause) {
      throw this.wrap(cause, relation);
    }
  }

  /** Raw message of a query attempt, for callers that turn engine errors into results (SQL rules). */
  async tryScalar(q: Sql): Promise<{ ok: true; value: Cell } | { ok: false; error: string }> {
    try {
      return { ok: true, value: await this.scalar(q) };
    } catch (e) {
      return { ok: false, error: e instanceof EtlError ? e.message : String(e) };
    }
  }

  /** Run independent tasks at once, each on one session (a connection of this same database: it sees
   * every table and view, not this session's temporary ones), `width` at a time (default: the engine's
   * threads), in the order given (put the longest first); the results come back in that order. Meanwhile
   * DuckDB runs each statement on one thread: statements side by side waste no time synchronising, and
   * what a statement writes never depends on how the sessions were scheduled. Every task has settled
   * (and the thread count is restored) before this returns or throws. */
  async parallel<T>(tasks: ((session: Engine) => Promise<T>)[], width?: number): Promise<T[]> {
    const threads = Number(await this.scalar(trusted(`SELECT current_setting('threads')`)));
    const n = Math.max(1, Math.min(tasks.length, Math.floor(width ?? threads)));
    if (n <= 1) {
      const out: T[] = [];
      for (const task of tasks) out.push(await task(this));
      return out;
    }
    const sessions: Engine[] = [this];
    await this.exec(trusted(`SET threads = 1`));
    try {
      for (let i = 1; i < n; i++) sessions.push(await this.session());
      const results: T[] = new Array<T>(tasks.length);
      let next = 0;
      let failure: { error: unknown } | undefined;
      // Each session takes the next task when it is free; after a failure no new task starts.
      await Promise.all(sessions.map(async (s) => {
        while (failure === undefined && next < tasks.length) {
          const i = next++;
          try {
            results[i] = await tasks[i]!(s);
          } catch (error) {
            failure ??= { error };
          }
        }
      }));
      if (failure) throw failure.error;
      return results;
    } finally {
      for (const s of sessions.slice(1)) s.close();
      await this.exec(trusted(`SET threads = ${Math.max(1, threads)}`));
    }
  }

  /** A new connection to this database, with the same session settings (UTC). */
  private async session(): Promise<Engine> {
    const session = new Engine(this.instance, await this.instance.connect(), false);
    await session.exec(trusted(`SET TimeZone = 'UTC'`));
    return session;
  }

  close(): void {
    live.delete(this.conn);
    try {
      this.conn.closeSync();
      if (this.ownsInstance) this.instance.closeSync();
    } catch {
      // closing twice or after a failed query is harmless
    }
  }

  private wrap(cause: unknown, q: Sql): EtlError {
    if (cause instanceof EtlError && cause.code === 'INTERRUPTED') return cause;
    if (interruptSignal()) return interruptedError(cause);
    const message = cause instanceof Error ? cause.message : String(cause);
    return new EtlError('ENGINE_QUERY_FAILED', firstLine(message), {
      hint: 'rerun with --debug to see the statement',
      cause: Object.assign(new Error(message), { sql: q.text }),
    });
  }
}

/** Open an in-memory engine for the duration of fn (tests, one-shot commands). */
export async function withEngine<T>(fn: (engine: Engine) => Promise<T>, options: EngineOptions = {}): Promise<T> {
  const engine = await Engine.open(options);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}
