// Reading source files into bronze: every record as received (text), with lineage, and nothing lost.
// CSV: explicit dialect, every column VARCHAR, malformed lines kept through DuckDB's rejects table.
// NDJSON: raw lines parsed by DuckDB's JSON functions (an invalid line is a malformed record).
// JSON array: streamed element by element; all or nothing (a syntax error is a file-level error, located
// by a streaming scan). Parquet: columns cast to text.
import { extname, join as joinPath } from 'node:path';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { EtlError, isDiskFull } from '../errors.ts';
import type { ColumnInfo, Engine } from '../engine/engine.ts';
import { ident, join, literal, sql, trusted, type Sql, type SqlValue } from '../sql/sql.ts';
import { readCsvHeader, type CsvDialect } from './csv-header.ts';
import { findJsonArrayError, type JsonErrorPosition } from './json-error-position.ts';
import { ioStep, parsableInJs, readCsvRecords, spillRoot } from './read-csv-records.ts';
import { ndjsonPartBytes, spillValidUtf8Lines, splitNdjson, type InvalidLine } from './ndjson-utf8.ts';
import { utf8Chunks } from './utf8-chunks.ts';

export type SourceFormat = 'csv' | 'json' | 'parquet';

export interface ReadSourceSpec {
  /** Files to read (already resolved; see resolveSourceFiles). */
  files: string[];
  format?: SourceFormat;
  /** json only: 'ndjson' | 'array'; detected from the first byte when omitted. */
  jsonLayout?: 'ndjson' | 'array';
  /** csv only: delimiter, quote, escape, header, encoding (the server's reading options). */
  options?: CsvDialect;
  /** csv only: which reading path (tests and diagnosis): DuckDB's reader, the records parsed in JS
   * (read-csv-records.ts), or (default) DuckDB's unless the file needs the second. */
  csvPath?: 'auto' | 'duckdb' | 'js';
  /** Name stem of the tables to create, e.g. bronze."orders" → table + table__malformed. */
  schema: string;
  table: string;
}

/** A column as received: VARCHAR for text formats, the physical type for Parquet. */
export type SourceColumn = ColumnInfo;

/** A column of a text format (CSV, JSON): its values arrive as text. */
export const textColumn = (name: string): SourceColumn => ({ name, type: 'VARCHAR', shape: { kind: 'scalar', name: 'VARCHAR' } });

export interface ReadSourceResult {
  /** The bronze relation: every column VARCHAR + _source_file, _record_number. */
  relation: Sql;
  /** Malformed records: _source_file, _record_number, _raw, _error. */
  malformedRelation: Sql;
  columns: SourceColumn[];
  /** Data records in the files, malformed ones included. */
  records: number;
  malformed: number;
  files: string[];
}

export function detectFormat(file: string): SourceFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') return 'json';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return undefined;
}

/** Expand a path or glob (DuckDB's glob) into a sorted list of files; an empty match is an error. */
export async function resolveSourceFiles(engine: Engine, pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) {
    if (!existsSync(pattern)) {
      throw new EtlError('SOURCE_NOT_FOUND', `no such file: ${pattern}`, { location: { file: pattern }, hint: 'check the path (relative paths in a contract server are relative to the contract file)' });
    }
    return [pattern];
  }
  const rows = await engine.rows(sql`SELECT file FROM glob(${pattern}) ORDER BY file`);
  const files = rows.map((r) => String(r['file']));
  if (files.length === 0) {
    throw new EtlError('SOURCE_NOT_FOUND', `no file matches ${pattern}`, { location: { file: pattern }, hint: 'check the glob pattern' });
  }
  return files;
}

export async function readSource(engine: Engine, spec: ReadSourceSpec): Promise<ReadSourceResult> {
  const format = spec.format ?? detectFormat(spec.files[0] ?? '');
  if (!format) {
    throw new EtlError('SOURCE_UNREADABLE', `cannot tell the format of ${spec.files[0]}`, {
      location: { file: spec.files[0] ?? '' },
      hint: 'use a .csv, .json, .ndjson or .parquet file, or set `format` on the contract server',
    });
  }
  await engine.exec(sql`CREATE SCHEMA IF NOT EXISTS ${ident(spec.schema)}`);
  const unionRelation = trusted(`${ident(spec.schema).text}.${ident(spec.table).text}`);
  const malformedRelation = trusted(`${ident(spec.schema).text}.${ident(`${spec.table}__malformed`).text}`);
  const parts: { columns: SourceColumn[]; records: Sql; malformed: Sql; stored: Sql }[] = [];
  // A glob of files: insertion order is set once for all of them (three statements per file otherwise).
  const ordered = spec.files.length > 1 && format === 'csv';
  await (ordered ? inFileOrder : (_: Engine, body: () => Promise<void>) => body())(engine, async () => {
    // A glob's CSV files: runs of files alike (one header, nothing that needs a file of its own) are read
    // by one read_csv each, the others one by one.
    const { runs, scans } = ordered ? await csvRuns(spec.files, spec.options ?? {}, spec.csvPath ?? 'auto') : { runs: spec.files.map((_, i) => ({ from: i, to: i + 1 })), scans: [] };
    for (const run of runs) {
      if (run.to - run.from > 1 && 'header' in run) {
        const part = await readCsvRun(engine, spec.files.slice(run.from, run.to), spec.schema, `${spec.table}__b${run.from}`, spec.options ?? {}, spec.csvPath ?? 'auto', run);
        if (part) {
          parts.push(part);
          continue;
        }
      }
      for (let i = run.from; i < run.to; i++) {
        const file = spec.files[i]!;
        const stem = `${spec.table}__f${i}`;
        const part =
          format === 'csv'
            ? await readCsvFile(engine, file, spec.schema, stem, spec.options ?? {}, spec.csvPath ?? 'auto', ordered, scans[i])
            : format === 'parquet'
              ? await readParquetFile(engine, file, spec.schema, stem)
              : await readJsonFile(engine, file, spec.schema, stem, spec.jsonLayout);
        parts.push(part);
      }
    }
  });
  const union = (rels: Sql[]) => join(rels.map((r) => sql`SELECT * FROM ${r}`), ' UNION ALL BY NAME ');
  // One file: its own relation is the source's (a view over it would be one more bind of the
  // line-number expression in every query). Several files: one table of them all, which the row pass
  // scans several times (over a UNION of 390 daily files' views it spent 10x its one-file time), and
  // the files' own tables are dropped.
  const relation = parts.length === 1 ? parts[0]!.records : unionRelation;
  if (parts.length > 1) {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${relation} AS ${union(parts.map((p) => p.records))}`);
    for (const p of parts) {
      if (p.records.text !== p.stored.text) await engine.exec(sql`DROP VIEW ${p.records}`);
      await engine.exec(sql`DROP TABLE ${p.stored}`);
    }
  }
  await engine.exec(sql`CREATE OR REPLACE VIEW ${malformedRelation} AS ${union(parts.map((p) => p.malformed))}`);

  const columns: SourceColumn[] = [];
  for (const p of parts) for (const c of p.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
  // Counted on the stored tables (the views may compute line numbers row by row).
  const counts = await engine.rows(
    sql`SELECT (${parts.length > 1 ? sql`(SELECT count(*) FROM ${relation})` : join(parts.map((p) => sql`(SELECT count(*) FROM ${p.stored})`), ' + ')}) AS ok, (SELECT count(*) FROM ${malformedRelation}) AS bad`,
  );
  const ok = Number(counts[0]?.['ok'] ?? 0);
  const bad = Number(counts[0]?.['bad'] ?? 0);
  return { relation, malformedRelation, columns, records: ok + bad, malformed: bad, files: spec.files };
}

/** The bronze objects readSource (and ingestBronze's `__in` view) created for `table`, by name. */
function isSourceObject(table: string, name: string): boolean {
  if (name === table) return true;
  if (!name.startsWith(`${table}__`)) return false;
  return /^(malformed|in|[fb]\d+(__raw|__rawfix|__lines|__bad|__adj|__multi|__long|__blanks|__rejects|__rejects_scan|__files|__rejected)?)$/.test(name.slice(table.length + 2));
}

/** Drop everything readSource created for `table` in `schema`: once silver and the quarantine exist,
 * bronze is no longer read, and its memory is better spent on the gold models. */
export async function releaseSource(engine: Engine, schema: string, table: string): Promise<void> {
  const objects = await engine.rows(sql`SELECT 'VIEW' AS kind, database_name AS d, schema_name AS s, view_name AS n FROM duckdb_views() WHERE NOT internal AND (schema_name = ${schema} OR temporary)
    UNION ALL SELECT 'TABLE', database_name, schema_name, table_name FROM duckdb_tables() WHERE schema_name = ${schema} OR temporary`);
  const mine = objects.filter((o) => isSourceObject(table, String(o['n'])));
  for (const kind of ['VIEW', 'TABLE']) {
    for (const o of mine.filter((x) => x['kind'] === kind)) {
      await engine.exec(sql`DROP ${trusted(kind)} IF EXISTS ${ident(String(o['d']))}.${ident(String(o['s']))}.${ident(String(o['n']))}`);
    }
  }
}

function varcharColumns(names: string[]): Sql {
  // read_csv's columns={'name': 'VARCHAR', …} struct: names are string literals, not identifiers.
  return trusted(`{${names.map((n) => `${literal(n).text}: 'VARCHAR'`).join(', ')}}`);
}

/** DuckDB's CSV reader defaults to 2 MB lines; a longer record needs a bigger line limit and buffer. */
const DEFAULT_LINE_SIZE = 2_097_152;
/** The largest record read in full (1 GiB); a longer one is quarantined. */
const MAX_LINE_SIZE = 1 << 30;
/** What the quarantine keeps of a rejected record's raw text. */
const RAW_CAP = 65_536;

/** What lineage needs from a CSV file, found by one streaming byte scan (no field is parsed in JS):
 * DuckDB's reader numbers records r = 1, 2, … (header and blank lines included); these are the
 * exceptions to "record r starts on line r". */
interface CsvLayout {
  /** Records spanning more than one line (a quoted line break): record ordinal and line count. */
  multi: [number, number][];
  /** Blank lines (empty or a lone CR): record ordinals DuckDB counts but yields no row for. */
  blanks: number[];
  /** Records longer than what DuckDB keeps of a rejected line's text: ordinal and byte length. */
  long: [number, number][];
  /** Bytes of the longest record. */
  longest: number;
  /** Whether the file holds a CR, and an LF. */
  cr: boolean;
  lf: boolean;
  /** Whether a CR stands anywhere but right before an LF (`a,b\rc,d\n`): DuckDB ends a record there,
   * where the file's lines (LF) do not end, so its record numbers part from the lines. */
  bareCr: boolean;
}

/** Text DuckDB's rejects table keeps of a line; longer records are reported as cut. */
const CSV_LINE_KEPT = 10_000;

/**
 * Quote state of a CSV record, as DuckDB's reader sees it: a quote opens a quoted field only at the
 * start of a field (line start or after a delimiter, with one space before it allowed), or after a
 * closing quote (right after it: an escaped `""`; after spaces: the field goes on quoted); a stray quote
 * inside an unquoted field (`27" screen`) is data and opens nothing.
 */
interface QuoteState {
  open: boolean;
  /** The two bytes before the piece being scanned (LF at a record start). */
  prev: number;
  prev2: number;
  /** Position of the last closing quote in the current piece (-1: the previous piece's last byte; -2: none). */
  closedAt: number;
  /** An escape character ended the previous piece of this line: the next piece's first byte is escaped. */
  escaped: boolean;
}

/** Where the next quote and escape character of a chunk are (-1: none left), each searched for once. */
interface NextMarks {
  q: number;
  esc: number;
}

/**
 * Quote state through one line piece, buf[from, end); `next` holds the first quote and escape at or after
 * `from`, and is moved past `end`: a line without quotes costs no copy and no search.
 */
function scanQuotes(buf: Buffer, from: number, end: number, st: QuoteState, q: number, esc: number, delim: number, next: NextMarks): void {
  if (st.escaped) {
    st.escaped = false;
    if (st.open && ++from >= end) {
      st.closedAt = -2;
      return;
    }
  }
  if (next.esc !== -1 && next.esc < from) next.esc = buf.indexOf(esc, from);
  if (next.q !== -1 && next.q < from) next.q = buf.indexOf(q, from);
  if (next.esc !== -1) {
    if (next.esc < end) {
      // An escape character distinct from the quote (e.g. backslash): byte by byte, on such lines only.
      for (let i = from; i < end; i++) {
        const c = buf[i]!;
        const prev = i === from ? st.prev : buf[i - 1]!;
        if (st.open) {
          if (c === esc && ++i >= end) st.escaped = true;
          else if (c === q) st.open = false;
        } else if (c === q && (prev === delim || prev === 0x0a || (prev === 0x20 && [delim, 0x0a].includes(i === from ? st.prev2 : i === from + 1 ? st.prev : buf[i - 2]!)))) st.open = true;
      }
      st.closedAt = -2;
      return;
    }
  }
  // Visit the quotes only: the bytes between them cannot change state but for the byte right before a
  // quote, which says whether it stands at a field start. (closedAt counts from `from`.)
  let i = next.q;
  for (; i !== -1 && i < end; i = buf.indexOf(q, i + 1)) {
    const at = i - from;
    if (st.open) {
      st.open = false;
      st.closedAt = at;
      continue;
    }
    const prev = at >= 1 ? buf[i - 1]! : st.prev;
    if (prev === delim || prev === 0x0a || st.closedAt === at - 1) st.open = true;
    else if (prev === 0x20) {
      const prev2 = at >= 2 ? buf[i - 2]! : at === 1 ? st.prev : st.prev2;
      if (prev2 === delim || prev2 === 0x0a) st.open = true;
      else if (st.closedAt !== -2) {
        let k = from + st.closedAt + 1;
        while (k < i && buf[k] === 0x20) k++;
        st.open = k === i;
      }
    }
  }
  // A closing quote at the end of a piece cut by the read buffer may be escaped by the next piece's first byte.
  st.closedAt = st.closedAt === end - from - 1 ? -1 : -2;
  next.q = i;
}

/** `chunkBytes`: the read size (tests: the layout is the same whatever the chunk boundaries). */
export function scanCsvLayout(file: string, quote: string, escape: string, delimiter: string, utf16 = false, chunkBytes?: number): CsvLayout {
  const q = quote === '' ? -1 : Buffer.from(quote)[0]!;
  const esc = escape === '' || escape === quote ? -1 : Buffer.from(escape)[0]!;
  const delim = Buffer.from(delimiter)[0] ?? 0x2c;
  const layout: CsvLayout = { multi: [], blanks: [], long: [], longest: 0, cr: false, lf: false, bareCr: false };
  // A CR ending the previous chunk, whose LF (or not) is the next chunk's first byte.
  let crAtChunkEnd = false;
  let r = 1;
  let lines = 1;
  const st: QuoteState = { open: false, prev: 0x0a, prev2: 0x0a, closedAt: -2, escaped: false };
  let recordBytes = 0;
  let lineBytes = 0;
  let lastByte = -1;
  const endLine = (eof: boolean) => {
    st.prev = 0x0a;
    st.prev2 = 0x0a;
    st.closedAt = -2;
    st.escaped = false;
    if (st.open && !eof) {
      lines++;
      recordBytes++;
      lineBytes = 0;
      return;
    }
    if (lines > 1) layout.multi.push([r, lines]);
    else if (lineBytes === 0 || (lineBytes === 1 && lastByte === 0x0d)) layout.blanks.push(r);
    if (recordBytes > CSV_LINE_KEPT) layout.long.push([r, recordBytes]);
    layout.longest = Math.max(layout.longest, recordBytes);
    r++;
    lines = 1;
    recordBytes = 0;
    lineBytes = 0;
    st.open = false;
  };
  for (const buf of utf8Chunks(file, utf16 ? 'utf-16' : 'utf-8', chunkBytes)) {
    const n = buf.length;
    if (!layout.lf && buf.includes(0x0a)) layout.lf = true;
    if (crAtChunkEnd && n > 0 && buf[0] !== 0x0a) layout.bareCr = true;
    crAtChunkEnd = false;
    // The next CR at or after `from` (found once per CR, not once per line): a CR before the last byte of
    // its line is bare. (Once one is, the file holds a CR and nothing more is to be learnt of them.)
    let nextCr = layout.bareCr ? -1 : buf.indexOf(0x0d);
    if (nextCr !== -1) layout.cr = true;
    let from = 0;
    const next: NextMarks = { q: q === -1 ? -1 : buf.indexOf(q), esc: esc === -1 ? -1 : buf.indexOf(esc) };
    while (from < n) {
      let at = buf.indexOf(0x0a, from);
      if (at >= n) at = -1;
      const end = at === -1 ? n : at;
      if (nextCr !== -1) {
        if (nextCr < end - 1) {
          layout.bareCr = true;
          nextCr = -1;
        } else if (nextCr === end - 1) {
          if (at === -1) crAtChunkEnd = true;
          nextCr = buf.indexOf(0x0d, end);
          if (nextCr >= n) nextCr = -1;
        }
      }
      // Each quote is searched for once per chunk (an unbounded search from every line start scanned the
      // rest of the 8 MB buffer on every line of a file without quotes: 116k-line inventory.csv, 10 s).
      if (q !== -1 && end > from) scanQuotes(buf, from, end, st, q, esc, delim, next);
      if (end > from) {
        lastByte = buf[end - 1]!;
        st.prev2 = end - from >= 2 ? buf[end - 2]! : st.prev;
        st.prev = lastByte;
      }
      lineBytes += end - from;
      recordBytes += end - from;
      if (at === -1) break;
      endLine(false);
      from = at + 1;
    }
  }
  if (lineBytes > 0 || lines > 1) endLine(true);
  return layout;
}

/**
 * The raw text of a rejected record read from the file, where DuckDB's text of it (`probe`: its first
 * characters, `bytes` long in all) is wrong: empty (then from `pos` to the end of the line holding byte
 * `upto`, the last error), or missing its first bytes. Undefined when DuckDB's text is right, or when it
 * cannot be found at `pos` (an invalid UTF-8 byte shown as '?'). Capped at RAW_CAP bytes.
 */
function rawTextFix(file: string, pos: number, upto: number, probe: string, bytes: number): string | undefined {
  const fd = openSync(file, 'r');
  try {
    if (probe === '') {
      const buf = Buffer.alloc(Math.min(RAW_CAP, Math.max(0, upto - pos) + 4096));
      const n = readSync(fd, buf, 0, buf.length, pos);
      const eol = buf.indexOf(0x0a, Math.max(0, upto - pos));
      return buf.subarray(0, eol === -1 || eol >= n ? n : eol).toString('utf8');
    }
    const want = Buffer.from(probe, 'utf8');
    const window = Buffer.alloc(want.length + 64);
    const n = readSync(fd, window, 0, window.length, pos);
    const d = window.subarray(0, n).indexOf(want);
    // Only a few bytes of the same line missing in front: DuckDB's positions are themselves off at times
    // (one byte early, on the line break before the record), and then its own text is the right one.
    if (d <= 0 || window.subarray(0, d).includes(0x0a)) return undefined;
    const buf = Buffer.alloc(Math.min(RAW_CAP, d + bytes));
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, pos)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** DuckDB's own buffer for the default line size. A smaller one costs CPU on every file: 8 MiB instead
 * read the 1M-line bench orders.csv (76 MB) in 15-30% more CPU, web_events.csv too (same rows, same rejects). */
const DEFAULT_BUFFER_SIZE = 16 * DEFAULT_LINE_SIZE;

function lineLimits(bytes: number): Sql {
  const max = Math.min(MAX_LINE_SIZE, Math.max(DEFAULT_LINE_SIZE, bytes + 1024));
  return sql`, max_line_size = ${literal(max)}, buffer_size = ${literal(Math.max(DEFAULT_BUFFER_SIZE, 2 * max))}`;
}

/** read_csv's options for a source's dialect: no sniffing, every column text, the rejected records in
 * `rejects` (and its scan table), lines up to `longest` bytes. */
function csvOptions(dialect: CsvDialect, header: string[], rejects: string, longest: number): Sql {
  const quote = dialect.quote ?? '"';
  const encoding = dialect.encoding && dialect.encoding !== 'utf-8' ? sql`, encoding = ${dialect.encoding}` : trusted('');
  return sql`auto_detect = false, header = ${literal(dialect.header !== false)}, delim = ${dialect.delimiter ?? ','}, quote = ${quote}, escape = ${dialect.escape ?? quote},
    columns = ${varcharColumns(header)}, store_rejects = true${encoding},
    rejects_table = ${rejects}, rejects_scan = ${`${rejects}_scan`}, rejects_limit = 0${lineLimits(longest)}`;
}

/** Names of the tables a reader creates for one file (or run of files) in `schema`: <stem><suffix>. */
const tablesOf = (schema: string, stem: string) => (suffix: string) => trusted(`${ident(schema).text}.${ident(`${stem}${suffix}`).text}`);

/** Runs `body` with insertion order preserved (the run turns it off), so rowid follows the file. */
async function inFileOrder(engine: Engine, body: () => Promise<void>): Promise<void> {
  const before = await engine.scalar(sql`SELECT current_setting('preserve_insertion_order')`);
  await engine.exec(sql`SET preserve_insertion_order = true`);
  try {
    await body();
  } finally {
    await engine.exec(sql`SET preserve_insertion_order = ${literal(before !== false)}`);
  }
}

/** `path`: which reader (auto: DuckDB's, or the second path where DuckDB numbers records apart from lines);
 * `ordered`: the caller reads under preserved insertion order already (a glob's files). */
async function readCsvFile(engine: Engine, file: string, schema: string, stem: string, dialect: CsvDialect, path: 'auto' | 'duckdb' | 'js', ordered = false, scanned?: CsvScan) {
  const header = scanned?.header ?? (await readCsvHeader(file, dialect));
  const hasHeader = dialect.header !== false;
  const quote = dialect.quote ?? '"';
  const escape = dialect.escape ?? quote;
  const table = tablesOf(schema, stem);
  const raw = table('__raw');
  const rejects = `${stem}__rejects`;
  // Lineage, right by construction. DuckDB numbers records r (header and blank lines included) and
  // reports rejected ones by r; a byte scan of the file finds the records that span several lines and
  // the blank ones. Good row k (rowid order, kept by preserving insertion order for this read) is the
  // k-th r that is neither header, blank nor rejected; record r starts on line r + the extra lines of
  // the multi-line records before it.
  // (A UTF-16 file is scanned as decoded text; its lines are counted in that text.)
  const utf16 = dialect.encoding === 'utf-16';
  const layout = scanned?.layout ?? scanCsvLayout(file, quote, escape, dialect.delimiter ?? ',', utf16);
  // Where quoting is broken, DuckDB's reader may place a rejected record a byte off and keep an empty text
  // of it; where that or a stray line break meets a CR, it numbers records apart from the file's lines
  // (it counts a lone CR as a line end) or refuses the file. Such files (broken quoting; or a CR and a
  // rejected record or a refusal; or a bare CR, one not ending a line) are read by the second path, which
  // parses them in JS (read-csv-records.ts). Any other file never pays for it.
  const secondPath = secondPathOpen(dialect, path, layout);
  const readInJs = async () => {
    await engine.exec(sql`DROP TABLE IF EXISTS ${raw}; DROP TABLE IF EXISTS ${ident(rejects)}; DROP TABLE IF EXISTS ${ident(`${rejects}_scan`)}`);
    const part = await readCsvRecords(engine, file, schema, stem, dialect, header, { rawCap: RAW_CAP, maxRecord: MAX_LINE_SIZE });
    return { columns: header.map(textColumn), records: part.records, malformed: part.malformed, stored: part.records };
  };
  if (path === 'js' && parsableInJs(dialect)) return readInJs();
  // A bare CR in a file of LF lines: DuckDB would end a record there and number every later one apart
  // from the file's lines.
  if (secondPath && layout.bareCr) return readInJs();
  // DuckDB appends to an existing rejects table: start from none.
  await engine.exec(sql`DROP TABLE IF EXISTS ${ident(rejects)}; DROP TABLE IF EXISTS ${ident(`${rejects}_scan`)}`);
  try {
    await (ordered ? (_: Engine, body: () => Promise<void>) => body() : inFileOrder)(engine, async () => {
      await engine.exec(sql`CREATE OR REPLACE TABLE ${raw} AS SELECT * FROM read_csv(${file},
        ${csvOptions(dialect, header, rejects, utf16 ? 2 * statSync(file).size : layout.longest)})`);
    });
  } catch (cause) {
    if (secondPath && layout.cr) return readInJs();
    throw new EtlError('SOURCE_UNREADABLE', `cannot read ${file} as CSV: ${(cause as Error).message}`, {
      location: { file },
      hint: 'check the reading options of the contract server: format, delimiter, and customProperties quote, header, encoding',
      cause,
    });
  }
  const rej = ident(rejects);
  if (secondPath) {
    const why = await engine.rows(sql`SELECT count(*) AS n, count(*) FILTER (error_type = 'UNQUOTED VALUE') AS quoting FROM ${rej}`);
    if (rejectsCallForSecondPath(layout, { n: Number(why[0]?.['n'] ?? 0), quoting: Number(why[0]?.['quoting'] ?? 0) })) return readInJs();
  }
  const small = (name: string, columns: string, rows: number[][]) => smallTable(engine, table(name), columns, rows);
  const rejected = await engine.rows(sql`SELECT line AS r, ${REJECT_PROBE} FROM ${rej} GROUP BY line ORDER BY line`);
  const cols = join(header.map((h) => sql`g.${ident(h)}`), ', ');
  const records = trusted(`${ident(schema).text}.${ident(stem).text}`);
  if (rejected.length === 0 && layout.multi.length === 0 && layout.blanks.length === 0) {
    // Nothing rejected, no blank or multi-line record (a daily export, as a rule): record r is line r and
    // good row k is record k (+1 for the header); none of the tables below is needed (a glob of 390 daily
    // files spent most of its reading time in them).
    const bad = table('__bad');
    await engine.exec(sql`CREATE OR REPLACE TABLE ${bad} (_source_file VARCHAR, _record_number BIGINT, _raw VARCHAR, _error VARCHAR)`);
    await engine.exec(sql`CREATE OR REPLACE VIEW ${records} AS
      SELECT ${cols}, ${file} AS _source_file, (g.rowid + ${literal(hasHeader ? 2 : 1)})::BIGINT AS _record_number FROM ${raw} AS g`);
    return { columns: header.map(textColumn), records, malformed: bad, stored: raw };
  }
  // Extra lines before record r: ASOF on the multi-line records (cumulative extra lines through each).
  let extra = 0;
  const multi = await small('__multi', 'r BIGINT, extra BIGINT', layout.multi.map(([r, n]) => [r, (extra += n - 1)]));
  const long = await small('__long', 'r BIGINT, bytes BIGINT', layout.long);
  const blanks = await small('__blanks', 'r BIGINT', layout.blanks.map((r) => [r]));
  // DuckDB's text of a rejected record is checked against the file where the record starts: where broken
  // quoting meets a stray CR it may be empty, or miss its first bytes. Those are read from the file.
  const rawFix = await small('__rawfix', 'r BIGINT, raw VARCHAR', []);
  for (const t of rejected) {
    const text = fixedRawText(file, t);
    if (text) await engine.exec(sql`INSERT INTO ${rawFix} VALUES (${literal(Number(t['r']))}, ${text})`);
  }
  // Rejected records (one row per error; a record may have several), at the line they start on; the text
  // DuckDB keeps of the record is that of its first error (the one nearest the record's start).
  const bad = table('__bad');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${bad} AS
    WITH e AS (SELECT rj.r, trim(coalesce(f.raw, rj.raw), chr(10) || chr(13)) AS raw, rj.errors
               FROM (SELECT line AS r, ${REJECTED_RECORD} FROM ${rej} GROUP BY line) rj LEFT JOIN ${rawFix} f ON f.r = rj.r)
    SELECT ${file} AS _source_file, (e.r + coalesce(m.extra, 0))::BIGINT AS _record_number, ${MALFORMED_TEXT}
    FROM e ASOF LEFT JOIN ${multi} m ON e.r > m.r LEFT JOIN ${long} l ON l.r = e.r`);
  // Records without a row: the header, blank lines, rejected records. adj: for good row k, the number
  // j of such records before its r (r = k + j), as steps over thresh = s_j - j.
  const adj = table('__adj');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${adj} AS
    SELECT thresh, max(j) AS j FROM (
      SELECT s - row_number() OVER (ORDER BY s) AS thresh, row_number() OVER (ORDER BY s) AS j FROM (
        SELECT DISTINCT s FROM (SELECT line AS s FROM ${rej} UNION ALL SELECT r FROM ${blanks} ${hasHeader ? trusted('UNION ALL SELECT 1') : trusted('')})))
    GROUP BY thresh`);
  const adjSteps = (await engine.rows(sql`SELECT thresh, j FROM ${adj} ORDER BY thresh LIMIT ${MAX_LINE_STEPS + 1}`)).map((x) => ({ thresh: Number(x['thresh']), j: Number(x['j']) }));
  const multiSteps = layout.multi.length <= MAX_LINE_STEPS ? (await engine.rows(sql`SELECT r, extra FROM ${multi} ORDER BY r`)).map((x) => ({ thresh: Number(x['r']), j: Number(x['extra']) })) : undefined;
  if (adjSteps.length <= MAX_LINE_STEPS && multiSteps) {
    // Few steps (the usual case): both shifts are binary searches written as nested CASEs over
    // constants, in a view over the stored rows (rowid follows the file), far cheaper than joins.
    await engine.exec(sql`CREATE OR REPLACE VIEW ${records} AS
      SELECT ${cols}, ${file} AS _source_file, (g.r + ${lineShift(trusted('g.r'), multiSteps)})::BIGINT AS _record_number
      FROM (SELECT *, k + ${lineShift(trusted('k'), adjSteps)} AS r FROM (SELECT rowid + 1 AS k, * FROM ${raw})) g`);
    return { columns: header.map(textColumn), records, malformed: bad, stored: raw };
  }
  await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
    WITH g AS (SELECT rowid + 1 AS k, * FROM ${raw}),
         gr AS (SELECT g.*, g.k + coalesce(a.j, 0) AS r FROM g ASOF LEFT JOIN ${adj} a ON g.k > a.thresh)
    SELECT ${cols}, ${file} AS _source_file, (g.r + coalesce(m.extra, 0))::BIGINT AS _record_number
    FROM gr g ASOF LEFT JOIN ${multi} m ON g.r > m.r`);
  await engine.exec(sql`DROP TABLE ${raw}`);
  return { columns: header.map(textColumn), records, malformed: bad, stored: records };
}

/** Per rejected record (GROUP BY line): where DuckDB placed it and the start of its text, for rawTextFix. */
const REJECT_PROBE = trusted(`min(line_byte_position) AS pos, max(byte_position) AS upto,
  left(arg_min(csv_line, line_byte_position), 256) AS probe, strlen(arg_min(csv_line, line_byte_position)) AS bytes`);

/** rawTextFix for one REJECT_PROBE row, as SQL text (a string literal cannot hold NUL: the text is spliced
 * around chr(0)); undefined when DuckDB's own text is right. */
function fixedRawText(file: string, t: Record<string, unknown>): Sql | undefined {
  const fixed = rawTextFix(file, Number(t['pos']), Number(t['upto']), String(t['probe'] ?? ''), Number(t['bytes'] ?? 0));
  if (fixed === undefined) return undefined;
  return join(fixed.split('\0').flatMap((part, i) => (i ? [trusted('chr(0)'), literal(part)] : [literal(part)])), ' || ');
}

/** Whether a file may go to the second path (records parsed in JS) at all. */
const secondPathOpen = (dialect: CsvDialect, path: 'auto' | 'duckdb' | 'js', layout: CsvLayout): boolean =>
  path !== 'duckdb' && layout.lf && parsableInJs(dialect);

/** Whether DuckDB's rejects of such a file send it there: broken quoting, or a CR and a rejected record. */
const rejectsCallForSecondPath = (layout: CsvLayout, rejects: { n: number; quoting: number }): boolean =>
  rejects.quoting > 0 || (layout.cr && rejects.n > 0);

/** A small table of constants (lineage steps, file lists). */
async function smallTable(engine: Engine, t: Sql, columns: string, rows: SqlValue[][]): Promise<Sql> {
  await engine.exec(sql`CREATE OR REPLACE TABLE ${t} (${trusted(columns)})`);
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = rows.slice(i, i + 10_000);
    await engine.exec(sql`INSERT INTO ${t} VALUES ${join(chunk.map((row) => sql`(${join(row.map((v) => literal(v)), ', ')})`), ', ')}`);
  }
  return t;
}

/** A rejected record from DuckDB's rejects rows of one line (GROUP BY line): the text of its first error
 * (the one nearest the record's start) and all its errors. */
const REJECTED_RECORD = trusted(`arg_min(csv_line, line_byte_position) AS raw,
  string_agg(DISTINCT error_type || ': ' || error_message, '; ' ORDER BY error_type || ': ' || error_message) AS errors`);

/** The quarantine's _raw and _error of a rejected record `e` (raw, errors), `l` its long-record row. */
const MALFORMED_TEXT = trusted(`CASE WHEN strlen(e.raw) > ${RAW_CAP} THEN left(e.raw, ${RAW_CAP}) ELSE e.raw END AS _raw,
  e.errors || CASE
    WHEN l.bytes IS NOT NULL AND strlen(e.raw) < l.bytes THEN ' (raw text cut to its first ' || least(strlen(e.raw), ${RAW_CAP}) || ' bytes of ' || l.bytes || ')'
    WHEN strlen(e.raw) > ${RAW_CAP} THEN ' (raw text cut to its first ' || ${RAW_CAP} || ' characters of ' || strlen(e.raw) || ' bytes)'
    ELSE '' END AS _error`);

/** Records per file below this: (file, record) as one BIGINT key, file * RUN_KEY + record. */
const RUN_KEY = 2 ** 32;

/** A file's place in a run of CSV files read together (readCsvRun); no source column may be named so. */
const FILE_INDEX = '_etl_file_index';

interface CsvRun {
  from: number;
  to: number;
}

interface AlikeCsvRun extends CsvRun {
  header: string[];
  layouts: CsvLayout[];
}

/** What csvRuns read of a file before reading it: readCsvFile takes it instead of reading it again. */
interface CsvScan {
  header: string[];
  layout: CsvLayout;
}

/**
 * Runs of consecutive files of a glob that one read_csv reads together: the same header, and nothing
 * that needs a file of its own before reading (a bare CR sends a file to the second path; UTF-16 is
 * decoded file by file). A daily export is one run: 390 files read one by one spent 36 s at 1M lines
 * (about 15 statements per file), read together about 3 s.
 */
async function csvRuns(files: string[], dialect: CsvDialect, path: 'auto' | 'duckdb' | 'js'): Promise<{ runs: (CsvRun | AlikeCsvRun)[]; scans: (CsvScan | undefined)[] }> {
  const scans: (CsvScan | undefined)[] = [];
  if (path === 'js' || dialect.encoding === 'utf-16') return { runs: files.map((_, i) => ({ from: i, to: i + 1 })), scans };
  const quote = dialect.quote ?? '"';
  const escape = dialect.escape ?? quote;
  const runs: (CsvRun | AlikeCsvRun)[] = [];
  let run: AlikeCsvRun | undefined;
  for (const [i, file] of files.entries()) {
    let alike: { header: string[]; layout: CsvLayout } | undefined;
    try {
      const header = await readCsvHeader(file, dialect);
      const layout = scanCsvLayout(file, quote, escape, dialect.delimiter ?? ',');
      scans[i] = { header, layout };
      // (A column named file_index would hide read_csv's virtual column of that name; names bind case-blind.)
      const taken = header.some((h) => [FILE_INDEX, 'file_index'].includes(h.toLowerCase()));
      if (header.length > 0 && !taken && !(secondPathOpen(dialect, path, layout) && layout.bareCr)) alike = { header, layout };
    } catch {
      // Read alone: the per-file reader says what is wrong with it.
    }
    if (alike && run && run.header.length === alike.header.length && run.header.every((h, k) => h === alike.header[k])) {
      run.to = i + 1;
      run.layouts.push(alike.layout);
      continue;
    }
    if (run) runs.push(run);
    run = alike ? { from: i, to: i + 1, header: alike.header, layouts: [alike.layout] } : undefined;
    if (!alike) runs.push({ from: i, to: i + 1 });
  }
  if (run) runs.push(run);
  return { runs, scans };
}

/**
 * Reads a run of alike CSV files (csvRuns) with one read_csv, under preserved insertion order, with the
 * lineage readCsvFile gives each file: good row k of file f (its rows are contiguous, in file order) is
 * record k + the header, blank and rejected records of f before it, on the line after f's multi-line
 * records before it (both per file: binary searches on a (file, record) key, or ASOF joins on the file
 * when the steps are too many). Undefined when a file of the run needs
 * the per-file reader (DuckDB refuses the run, or a file's rejects call for the second path): the caller
 * then reads the files one by one.
 */
async function readCsvRun(engine: Engine, files: string[], schema: string, stem: string, dialect: CsvDialect, path: 'auto' | 'duckdb' | 'js', run: AlikeCsvRun) {
  const { header, layouts } = run;
  const hasHeader = dialect.header !== false;
  const table = tablesOf(schema, stem);
  const raw = table('__raw');
  const rejects = `${stem}__rejects`;
  const rej = ident(rejects);
  const scan = ident(`${rejects}_scan`);
  const fi = ident(FILE_INDEX);
  const longest = layouts.reduce((m, l) => Math.max(m, l.longest), 0);
  await engine.exec(sql`DROP TABLE IF EXISTS ${rej}; DROP TABLE IF EXISTS ${scan}`);
  try {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${raw} AS SELECT *, file_index::INTEGER AS ${fi} FROM read_csv([${join(files.map((f) => literal(f)), ', ')}],
      ${csvOptions(dialect, header, rejects, longest)})`);
  } catch (e) {
    // A full disk or a stop is not the files' doing: no point reading them one by one.
    if (isDiskFull(e) || (e instanceof EtlError && e.code === 'INTERRUPTED')) throw e;
    return undefined;
  }
  const giveUp = async () => {
    await engine.exec(sql`DROP TABLE IF EXISTS ${raw}`);
    return undefined;
  };
  // Each file's first row: rowid counts rows over the run in file order.
  const counts = new Map((await engine.rows(sql`SELECT ${fi} AS f, count(*) AS n FROM ${raw} GROUP BY ALL`)).map((r) => [Number(r['f']), Number(r['n'])]));
  let start = 0;
  const fileRows = files.map((file, f) => {
    const row: SqlValue[] = [f, file, start];
    start += counts.get(f) ?? 0;
    return row;
  });
  const filesTable = await smallTable(engine, table('__files'), 'f INTEGER, file VARCHAR, start BIGINT', fileRows);
  // The rejected records, by file (the scan names each file by its path).
  const rejected = table('__rejected');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${rejected} AS
    SELECT fl.f, r.line, r.line_byte_position, r.byte_position, r.csv_line, r.error_type, r.error_message
    FROM ${rej} r JOIN ${scan} s ON s.scan_id = r.scan_id AND s.file_id = r.file_id JOIN ${filesTable} fl ON fl.file = s.file_path`);
  const why = (await engine.rows(sql`SELECT f, count(*) AS n, count(*) FILTER (error_type = 'UNQUOTED VALUE') AS quoting FROM ${rejected} GROUP BY f`))
    .map((w) => ({ f: Number(w['f']), n: Number(w['n']), quoting: Number(w['quoting']) }));
  // Every rejected record placed in a file, and none that sends its file to the second path (as readCsvFile).
  if (why.reduce((sum, w) => sum + w.n, 0) !== Number(await engine.scalar(sql`SELECT count(*) FROM ${rej}`))) return giveUp();
  if (why.some((w) => secondPathOpen(dialect, path, layouts[w.f]!) && rejectsCallForSecondPath(layouts[w.f]!, w))) return giveUp();
  const cols = join(header.map((h) => sql`g.${ident(h)}`), ', ');
  const records = trusted(`${ident(schema).text}.${ident(stem).text}`);
  const bad = table('__bad');
  if (why.length === 0 && layouts.every((l) => l.multi.length === 0 && l.blanks.length === 0)) {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${bad} (_source_file VARCHAR, _record_number BIGINT, _raw VARCHAR, _error VARCHAR)`);
    await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
      SELECT ${cols}, fl.file AS _source_file, (g.rowid - fl.start + ${literal(hasHeader ? 2 : 1)})::BIGINT AS _record_number
      FROM ${raw} AS g JOIN ${filesTable} fl ON fl.f = g.${fi}`);
    await engine.exec(sql`DROP TABLE ${raw}`);
    return { columns: header.map(textColumn), records, malformed: bad, stored: records };
  }
  const perFile = <T>(pick: (l: CsvLayout) => T[], row: (f: number, x: T) => SqlValue[]) => layouts.flatMap((l, f) => pick(l).map((x) => row(f, x)));
  const multi = await smallTable(engine, table('__multi'), 'f INTEGER, r BIGINT, extra BIGINT', layouts.flatMap((l, f) => {
    let extra = 0;
    return l.multi.map(([r, n]) => [f, r, (extra += n - 1)]);
  }));
  const long = await smallTable(engine, table('__long'), 'f INTEGER, r BIGINT, bytes BIGINT', perFile((l) => l.long, (f, [r, bytes]) => [f, r, bytes]));
  const blanks = await smallTable(engine, table('__blanks'), 'f INTEGER, r BIGINT', perFile((l) => l.blanks, (f, r) => [f, r]));
  const rawFix = await smallTable(engine, table('__rawfix'), 'f INTEGER, r BIGINT, raw VARCHAR', []);
  const probes = await engine.rows(sql`SELECT f, line AS r, ${REJECT_PROBE} FROM ${rejected} GROUP BY f, line ORDER BY f, line`);
  for (const t of probes) {
    const f = Number(t['f']);
    const text = fixedRawText(files[f]!, t);
    if (text) await engine.exec(sql`INSERT INTO ${rawFix} VALUES (${literal(f)}, ${literal(Number(t['r']))}, ${text})`);
  }
  await engine.exec(sql`CREATE OR REPLACE TABLE ${bad} AS
    WITH e AS (SELECT rj.f, rj.r, trim(coalesce(x.raw, rj.raw), chr(10) || chr(13)) AS raw, rj.errors
               FROM (SELECT f, line AS r, ${REJECTED_RECORD} FROM ${rejected} GROUP BY f, line) rj LEFT JOIN ${rawFix} x ON x.f = rj.f AND x.r = rj.r)
    SELECT fl.file AS _source_file, (e.r + coalesce(m.extra, 0))::BIGINT AS _record_number, ${MALFORMED_TEXT}
    FROM e ASOF LEFT JOIN ${multi} m ON e.f = m.f AND e.r > m.r LEFT JOIN ${long} l ON l.f = e.f AND l.r = e.r JOIN ${filesTable} fl ON fl.f = e.f`);
  // Per file, as readCsvFile: records without a row (header, blank, rejected) as steps over thresh.
  const adj = table('__adj');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${adj} AS
    SELECT f, thresh, max(j) AS j FROM (
      SELECT f, s - row_number() OVER w AS thresh, row_number() OVER w AS j FROM (
        SELECT DISTINCT f, s FROM (SELECT f, line AS s FROM ${rejected} UNION ALL SELECT f, r FROM ${blanks} ${hasHeader ? sql`UNION ALL SELECT f, 1 FROM ${filesTable}` : trusted('')}))
      WINDOW w AS (PARTITION BY f ORDER BY s))
    GROUP BY f, thresh`);
  // Few steps (the usual case): both shifts are binary searches over constants, as in readCsvFile, on a
  // key that orders the run's records by file, then record (a step at each file's start resets them).
  const adjSteps = await engine.rows(sql`SELECT f, thresh, j FROM ${adj} ORDER BY f, thresh LIMIT ${MAX_LINE_STEPS + 1}`);
  const multiSteps = await engine.rows(sql`SELECT f, r AS thresh, extra AS j FROM ${multi} ORDER BY f, r LIMIT ${MAX_LINE_STEPS + 1}`);
  const keyed = (rows: Record<string, unknown>[]) => {
    const steps: { thresh: number; j: number }[] = [];
    const starts = new Set(rows.filter((x) => Number(x['thresh']) === 0).map((x) => Number(x['f'])));
    let at = 0;
    for (let f = 0; f < files.length; f++) {
      if (!starts.has(f)) steps.push({ thresh: f * RUN_KEY, j: 0 });
      for (; at < rows.length && Number(rows[at]!['f']) === f; at++) steps.push({ thresh: f * RUN_KEY + Number(rows[at]!['thresh']), j: Number(rows[at]!['j']) });
    }
    return steps;
  };
  const byRecord = adjSteps.length + files.length <= MAX_LINE_STEPS && multiSteps.length + files.length <= MAX_LINE_STEPS;
  if (byRecord) {
    // (Each key is a column of its own: inlined, it was computed again at every node of the search.)
    const base = sql`g.${fi}::BIGINT * ${literal(RUN_KEY)}`;
    await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
      WITH g AS (SELECT g.*, g.${fi} AS f, ${base} + g.rowid - fl.start + 1 AS fk, ${base} AS fb FROM ${raw} AS g JOIN ${filesTable} fl ON fl.f = g.${fi}),
           gr AS (SELECT g.*, g.fk + ${lineShift(trusted('g.fk'), keyed(adjSteps))} AS fr FROM g)
      SELECT ${cols}, fl.file AS _source_file, (g.fr - g.fb${multiSteps.length > 0 ? sql` + ${lineShift(trusted('g.fr'), keyed(multiSteps))}` : trusted('')})::BIGINT AS _record_number
      FROM gr g JOIN ${filesTable} fl ON fl.f = g.f`);
  } else {
    await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
      WITH g AS (SELECT g.*, g.${fi} AS f, g.rowid - fl.start + 1 AS k FROM ${raw} AS g JOIN ${filesTable} fl ON fl.f = g.${fi}),
           gr AS (SELECT g.*, g.k + coalesce(a.j, 0) AS r FROM g ASOF LEFT JOIN ${adj} a ON g.f = a.f AND g.k > a.thresh)
      SELECT ${cols}, fl.file AS _source_file, (g.r + coalesce(m.extra, 0))::BIGINT AS _record_number
      FROM gr g ASOF LEFT JOIN ${multi} m ON g.f = m.f AND g.r > m.r JOIN ${filesTable} fl ON fl.f = g.f`);
  }
  await engine.exec(sql`DROP TABLE ${raw}`);
  return { columns: header.map(textColumn), records, malformed: bad, stored: records };
}

/** Above this many steps, line numbers come from ASOF joins instead of a CASE tree. */
const MAX_LINE_STEPS = 16384;

/** A step function as a binary search of nested CASEs: steps[i].j for the last step with thresh < k, else 0. */
function lineShift(k: Sql, steps: { thresh: number; j: number }[], lo = 0, hi = steps.length, below = 0): Sql {
  if (lo >= hi) return literal(below);
  const mid = (lo + hi) >> 1;
  const step = steps[mid]!;
  return sql`CASE WHEN ${k} > ${literal(step.thresh)} THEN ${lineShift(k, steps, mid + 1, hi, step.j)} ELSE ${lineShift(k, steps, lo, mid, below)} END`;
}

async function readParquetFile(engine: Engine, file: string, schema: string, stem: string) {
  let described: ColumnInfo[];
  try {
    described = await engine.describe(sql`SELECT * FROM read_parquet(${file})`);
  } catch (cause) {
    throw new EtlError('SOURCE_UNREADABLE', `cannot read ${file} as Parquet: ${(cause as Error).message}`, {
      location: { file },
      hint: 'is it a Parquet file? check that it is complete',
      cause,
    });
  }
  const records = trusted(`${ident(schema).text}.${ident(stem).text}`);
  const cols = join(described.map((c) => sql`CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`), ', ');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
    SELECT ${cols}, ${file} AS _source_file, (file_row_number + 1)::BIGINT AS _record_number
    FROM read_parquet(${file}, file_row_number = true)`);
  const malformed = trusted(`${ident(schema).text}.${ident(`${stem}__bad`).text}`);
  await engine.exec(sql`CREATE OR REPLACE TABLE ${malformed} (_source_file VARCHAR, _record_number BIGINT, _raw VARCHAR, _error VARCHAR)`);
  return { columns: described, records, malformed, stored: records };
}

/** A JSON line (or array element) is a record when it is a JSON object; anything else is malformed. */
const IS_RECORD = trusted(`(CASE WHEN json_valid(line) THEN json_type(line::JSON) = 'OBJECT' ELSE false END)`);

async function readJsonFile(engine: Engine, file: string, schema: string, stem: string, layout?: 'ndjson' | 'array') {
  const lines = trusted(`${ident(schema).text}.${ident(`${stem}__lines`).text}`);
  let isArray = layout === 'array';
  let invalidUtf8: InvalidLine[] = [];
  if (!layout) {
    // The first 4 KiB tell NDJSON from a JSON array; the file itself may be larger than a JS string can hold.
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
    const head = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    isArray = head.startsWith('[');
  }
  try {
    if (isArray) await readJsonArray(engine, file, schema, stem, lines);
    else {
      // Blank lines (spaces, tabs, a lone CR) are not records. DuckDB's trim functions scan every
      // character of every line; a regex that stops at the first visible one, and a CR check on the
      // last byte, make this read several times faster. `first`: the file's line number of the text's
      // first line (a part of a large file).
      // Whether each line is a record is stored with it (three statements read it; each test parses the line twice).
      const readLines = (text: string, first: number, into: 'create' | 'insert') => engine.exec(sql`${into === 'create' ? sql`CREATE OR REPLACE TABLE ${lines} AS` : sql`INSERT INTO ${lines}`}
        SELECT _record_number, line, ${IS_RECORD} AS _obj FROM (
          SELECT _record_number, CASE WHEN suffix(line, chr(13)) THEN rtrim(line, chr(13)) ELSE line END AS line FROM (
            SELECT unnest(range(${literal(first)}, ${literal(first)} + len(ls)))::BIGINT AS _record_number, unnest(ls) AS line
            FROM (SELECT string_split(${first === 1 ? sql`ltrim(content, chr(65279))` : trusted('content')}, chr(10)) AS ls FROM read_text(${text})))
          WHERE regexp_matches(line, '[^ \t\r]'))`);
      // A byte that is not UTF-8 makes DuckDB refuse the whole text: its lines are quarantined instead
      // (the text is copied to the spill folder with those lines emptied).
      const readText = async (text: string, first: number, into: 'create' | 'insert') => {
        try {
          await readLines(text, first, into);
        } catch (cause) {
          if (!/valid UTF-8/i.test((cause as Error).message)) throw cause;
          const root = await spillRoot(engine);
          const dir = ioStep(file, root, () => mkdtempSync(joinPath(root, '.etl-ndjson-')));
          try {
            const spill = ioStep(file, dir, () => spillValidUtf8Lines(text, dir, RAW_CAP));
            await readLines(spill.path, first, into);
            for (const bad of spill.invalid) invalidUtf8.push({ ...bad, line: bad.line + first - 1 });
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      };
      const partBytes = ndjsonPartBytes();
      if (statSync(file).size <= partBytes) await readText(file, 1, 'create');
      else {
        // A large file is read in parts cut at line feeds, one text per part: DuckDB's read_text holds up
        // to 4 GiB, and a part's lines are held in memory at once.
        const root = await spillRoot(engine);
        const dir = ioStep(file, root, () => mkdtempSync(joinPath(root, '.etl-ndjson-parts-')));
        try {
          const parts = ioStep(file, dir, () => splitNdjson(file, dir, partBytes));
          for (const [i, part] of parts.entries()) {
            await readText(part.path, part.firstLine, i === 0 ? 'create' : 'insert');
            rmSync(part.path, { force: true });
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } catch (cause) {
    if (cause instanceof EtlError || isDiskFull(cause)) throw cause;
    throw new EtlError('SOURCE_UNREADABLE', `cannot read ${file} as JSON: ${(cause as Error).message}`, {
      location: { file },
      hint: 'use NDJSON (one object per line) or a JSON array of objects',
      cause,
    });
  }
  const keys = await engine.rows(sql`SELECT k, min(_record_number) AS first FROM (
      SELECT unnest(json_keys(line::JSON)) AS k, _record_number FROM ${lines} WHERE _obj) GROUP BY k ORDER BY first, k`);
  const names = keys.map((k) => String(k['k']));
  const records = trusted(`${ident(schema).text}.${ident(stem).text}`);
  // Every key's text in one parse of the line (json_extract_string with a list of keys).
  const cols = names.length
    ? join(names.map((n, i) => sql`"__v"[${i + 1}] AS ${ident(n)}`), ', ')
    : trusted('NULL::VARCHAR AS _empty');
  // Each key as a quoted JSON path: a bare key is parsed as a path itself (`$` gave the whole record,
  // a lone backslash an engine error). DuckDB takes `$."*"` as a wildcard still: such a key is refused.
  if (names.includes('*')) {
    throw new EtlError('SOURCE_UNREADABLE', `${file} has a JSON key named "*", which DuckDB's JSON paths cannot name`, {
      location: { file },
      hint: 'rename the key in the file',
    });
  }
  const path = (n: string) => literal(`$."${n.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  const values = names.length ? sql`json_extract_string(line, [${join(names.map(path), ', ')}])` : trusted('NULL');
  await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
    SELECT ${cols}, ${file} AS _source_file, _record_number FROM (
      SELECT ${values} AS "__v", _record_number FROM ${lines} WHERE _obj)`);
  const malformed = trusted(`${ident(schema).text}.${ident(`${stem}__bad`).text}`);
  await engine.exec(sql`CREATE OR REPLACE TABLE ${malformed} AS
    SELECT ${file} AS _source_file, _record_number, line::VARCHAR AS _raw,
           CASE WHEN json_valid(line) THEN 'not a JSON object' ELSE 'invalid JSON' END AS _error
    FROM ${lines} WHERE NOT _obj`);
  for (let i = 0; i < invalidUtf8.length; i += 1000) {
    const rows = invalidUtf8.slice(i, i + 1000).map((b) => sql`(${file}, ${literal(b.line)}, ${b.raw}, ${b.error})`);
    await engine.exec(sql`INSERT INTO ${malformed} VALUES ${join(rows, ', ')}`);
  }
  // Records and malformed records are stored: the lines (and an array's elements) are no longer needed.
  if (isArray) await engine.exec(sql`DROP VIEW ${lines}; DROP TABLE ${trusted(`${ident(schema).text}.${ident(`${stem}__raw`).text}`)}`);
  else await engine.exec(sql`DROP TABLE ${lines}`);
  return { columns: names.map(textColumn), records, malformed, stored: records };
}

/** The last byte of a file that is not JSON whitespace (-1 if none), read backwards 64 KiB at a time. */
function lastVisibleByte(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let end = statSync(file).size; end > 0; ) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      for (let i = n - 1; i >= 0; i--) if (![0x20, 0x0a, 0x0d, 0x09].includes(buf[i]!)) return buf[i]!;
      end = start;
    }
    return -1;
  } finally {
    closeSync(fd);
  }
}

function invalidJsonArray(file: string, at: JsonErrorPosition, cause?: unknown): EtlError {
  return new EtlError('SOURCE_UNREADABLE', `${file} is not a valid JSON array: ${at.reason} at byte ${at.byte}`, {
    location: { file, line: at.line, col: at.col },
    hint: 'a JSON array file is read all or nothing; fix the syntax, or write one object per line (NDJSON)',
    cause,
  });
}

/** A JSON array, streamed by DuckDB's array reader (one element at a time, never the file as one value):
 * element k (1-based, in file order) is record k; each element's JSON text is a line. All or nothing: a
 * syntax error anywhere is a file-level error, located by a streaming scan of the file. */
async function readJsonArray(engine: Engine, file: string, schema: string, stem: string, lines: Sql): Promise<void> {
  const raw = trusted(`${ident(schema).text}.${ident(`${stem}__raw`).text}`);
  try {
    // Insertion order kept for this read, so rowid is the element's ordinal.
    await inFileOrder(engine, async () => {
      await engine.exec(sql`CREATE OR REPLACE TABLE ${raw} AS SELECT json FROM read_json(${file},
        format = 'array', records = false, columns = {'json': 'JSON'}, maximum_object_size = ${literal(MAX_LINE_SIZE)})`);
    });
  } catch (cause) {
    // A syntax error, whatever DuckDB's words for it, is found again by the scan; anything else (an
    // element over the size limit, an I/O error) is passed on as it is.
    const at = findJsonArrayError(file);
    if (at) throw invalidJsonArray(file, at, cause);
    throw cause;
  }
  // DuckDB takes a file cut after a comma (`[{…},`) and one with no array at all (empty, blank) as
  // arrays: a complete array ends with ']'.
  if (lastVisibleByte(file) !== 0x5d) {
    const at = findJsonArrayError(file);
    if (at) throw invalidJsonArray(file, at);
  }
  // A view, not a copy (the elements are stored once). The JSON null element arrives as SQL NULL: its
  // text is 'null' (a record that is not an object).
  await engine.exec(sql`CREATE OR REPLACE VIEW ${lines} AS SELECT _record_number, line, ${IS_RECORD} AS _obj FROM (
    SELECT (rowid + 1)::BIGINT AS _record_number, coalesce(CAST(json AS VARCHAR), 'null') AS line FROM ${raw})`);
}
