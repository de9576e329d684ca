// Profiling a data file for `etl contracts init`: the file is read exactly as `etl validate` reads it
// (io/read-source.ts: every value as text) and every column is measured with etl's own casts
// (checks/cast-value.ts), in one aggregate query, so that the draft a profile leads to accepts every
// record of the file. Only the aggregates (a few numbers per column, short value lists) reach JS.
import { closeSync, openSync, readSync } from 'node:fs';
import { castValue } from '../checks/cast-value.ts';
import type { Engine } from '../engine/engine.ts';
import { EtlError } from '../errors.ts';
import { detectFormat, readSource, type SourceFormat } from '../io/read-source.ts';
import { ident, join, sql, type Sql } from '../sql/sql.ts';
import { EMAIL_PATTERN } from './email-pattern.ts';
import type { LogicalType } from './model.ts';

/** At most this many distinct values make a column's valid values (and only when each repeats). */
export const MAX_VALID_VALUES = 20;
/** Text longer than this is never a code: no valid values. */
const MAX_CODE_LENGTH = 40;

export interface ColumnProfile {
  name: string;
  logicalType: LogicalType;
  nulls: number;
  distinct: number;
  required: boolean;
  unique: boolean;
  minimum?: number;
  maximum?: number;
  validValues?: string[];
  email: boolean;
  /** Text that spells dates in a non-ISO way (etl reads ISO 8601 only): said in the draft's description. */
  nonIsoDates: boolean;
}

export interface FileProfile {
  file: string;
  format: SourceFormat;
  records: number;
  malformed: number;
  columns: ColumnProfile[];
  /** Columns whose tuple is unique and never null, in file order ([] when none was found). */
  primaryKey: string[];
}

const LEADING_ZERO = '^[+-]?0[0-9]';
const BOOLEAN_TEXT = '(?i)(true|false)';
const PLAIN_DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const SLASH_DATE = '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$';
/** Names that suggest an identifier: preferred as the primary key. */
const ID_NAME = /(^|_|[a-z])(id|ID|Id|no|No|NO|code|Code|key|Key|number|Number)$/;

function all(cond: Sql, v: Sql): Sql {
  // Every non-null value satisfies cond (count of those that do = count of non-null values).
  return sql`(count(${v}) FILTER (WHERE ${cond}) = count(${v}))`;
}

function measures(i: number, col: Sql): Sql[] {
  const v = sql`NULLIF(${col}, '')`;
  const a = (what: string) => ident(`c${i}_${what}`);
  // Codes with leading zeros ('007') are text: a number would lose them.
  const noLeadingZero = sql`NOT regexp_matches(trim(${v}), ${LEADING_ZERO})`;
  const isInt = sql`${castValue(col, 'integer')} IS NOT NULL AND ${noLeadingZero}`;
  return [
    sql`count(${v}) AS ${a('nonnull')}`,
    sql`count(DISTINCT ${v}) AS ${a('distinct')}`,
    sql`${all(sql`regexp_full_match(${v}, ${BOOLEAN_TEXT})`, v)} AS ${a('boolean')}`,
    sql`${all(isInt, v)} AS ${a('integer')}`,
    sql`${all(sql`${castValue(col, 'number')} IS NOT NULL AND ${noLeadingZero}`, v)} AS ${a('number')}`,
    sql`${all(sql`regexp_full_match(${v}, ${PLAIN_DATE}) AND ${castValue(col, 'date')} IS NOT NULL`, v)} AS ${a('date')}`,
    sql`${all(sql`${castValue(col, 'timestamp')} IS NOT NULL`, v)} AS ${a('timestamp')}`,
    sql`${all(sql`regexp_full_match(${v}, ${EMAIL_PATTERN})`, v)} AS ${a('email')}`,
    sql`${all(sql`regexp_full_match(trim(${v}), ${SLASH_DATE})`, v)} AS ${a('slashdate')}`,
    sql`max(length(${v})) AS ${a('maxlen')}`,
    sql`min(${castValue(col, 'number')}) AS ${a('min')}`,
    sql`max(${castValue(col, 'number')}) AS ${a('max')}`,
  ];
}

function chooseType(r: Record<string, unknown>, i: number, nonnull: number): LogicalType {
  const yes = (k: string) => r[`c${i}_${k}`] === true;
  if (nonnull === 0) return 'string';
  if (yes('boolean')) return 'boolean';
  if (yes('integer')) return 'integer';
  if (yes('number')) return 'number';
  if (yes('date')) return 'date';
  if (yes('timestamp')) return 'timestamp';
  return 'string';
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Profile one data file (CSV, NDJSON, JSON array or Parquet) on `engine`. */
export async function profileFile(engine: Engine, file: string, format?: SourceFormat): Promise<FileProfile> {
  const fmt = format ?? detectFormat(file);
  if (!fmt) {
    throw new EtlError('SOURCE_UNREADABLE', `cannot tell the format of ${file}`, {
      location: { file },
      hint: 'profile a .csv, .json (NDJSON or a JSON array), .ndjson, .jsonl or .parquet file',
    });
  }
  const read = await readSource(engine, { files: [file], format: fmt, schema: 'profile', table: 'input' });
  const names = read.columns.map((c) => c.name);
  if (names.length === 0) {
    throw new EtlError('SOURCE_UNREADABLE', `${file} has no columns to profile`, { location: { file }, hint: 'the file needs a header line (CSV) or records with keys (JSON)' });
  }
  const rel = read.relation;
  const cols = names.map((n) => sql`r.${ident(n)}`);
  const row = (await engine.rows(sql`SELECT count(*) AS "rows", ${join(cols.flatMap((c, i) => measures(i, c)), ', ')} FROM ${rel} r`))[0] ?? {};
  const rows = Number(row['rows'] ?? 0);

  const columns: ColumnProfile[] = names.map((name, i) => {
    const nonnull = Number(row[`c${i}_nonnull`] ?? 0);
    const distinct = Number(row[`c${i}_distinct`] ?? 0);
    const logicalType = chooseType(row, i, nonnull);
    const p: ColumnProfile = {
      name,
      logicalType,
      nulls: rows - nonnull,
      distinct,
      required: rows > 0 && nonnull === rows,
      unique: rows > 1 && nonnull === rows && distinct === rows && (logicalType === 'string' || logicalType === 'integer'),
      email: logicalType === 'string' && nonnull > 0 && row[`c${i}_email`] === true,
      nonIsoDates: logicalType === 'string' && nonnull > 0 && row[`c${i}_slashdate`] === true,
    };
    if (logicalType === 'integer' || logicalType === 'number') {
      const min = finite(row[`c${i}_min`]);
      const max = finite(row[`c${i}_max`]);
      if (min !== undefined) p.minimum = min;
      if (max !== undefined) p.maximum = max;
    }
    const maxLen = Number(row[`c${i}_maxlen`] ?? 0);
    if (logicalType === 'string' && !p.unique && !p.email && distinct > 0 && distinct <= MAX_VALID_VALUES && nonnull >= 3 * distinct && maxLen <= MAX_CODE_LENGTH) {
      p.validValues = [];
    }
    return p;
  });

  // Valid values of the low-cardinality columns: one small query for all of them.
  const coded = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.validValues !== undefined);
  if (coded.length) {
    const lists = await engine.rows(
      sql`SELECT ${join(coded.map(({ i }) => sql`list(DISTINCT NULLIF(${cols[i]!}, '') ORDER BY NULLIF(${cols[i]!}, ''))  FILTER (WHERE NULLIF(${cols[i]!}, '') IS NOT NULL) AS ${ident(`v${i}`)}`), ', ')} FROM ${rel} r`,
    );
    for (const { c, i } of coded) {
      const v = lists[0]?.[`v${i}`];
      c.validValues = Array.isArray(v) ? v.map(String) : [];
    }
  }

  const primaryKey = await findKey(engine, rel, columns, rows);
  return { file, format: fmt, records: read.records, malformed: read.malformed, columns: fmt === 'json' ? inFileOrder(file, columns) : columns, primaryKey };
}

/** NDJSON: the properties in the order of the first record's keys (the reader lists keys sorted), the
 * keys that first appear later after them. Reads the file's first 64 KiB only; anything else keeps the order. */
function inFileOrder(file: string, columns: ColumnProfile[]): ColumnProfile[] {
  const buf = Buffer.alloc(64 * 1024);
  let n = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return columns;
  }
  const first = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').split('\n').find((l) => l.trim() !== '')?.trim();
  if (!first?.startsWith('{')) return columns;
  let keys: string[];
  try {
    keys = Object.keys(JSON.parse(first) as object);
  } catch {
    return columns;
  }
  const rank = (c: ColumnProfile) => {
    const i = keys.indexOf(c.name);
    return i < 0 ? keys.length + columns.indexOf(c) : i;
  };
  return [...columns].sort((a, b) => rank(a) - rank(b));
}

/** The key: the first never-null unique column (identifier-like names first); else the first pair of
 * identifier-like never-null columns whose tuple is unique. */
async function findKey(engine: Engine, rel: Sql, columns: ColumnProfile[], rows: number): Promise<string[]> {
  const single = columns.filter((c) => c.unique);
  const named = single.find((c) => ID_NAME.test(c.name)) ?? single[0];
  if (named) return [named.name];
  if (rows < 2) return [];
  const candidates = columns.filter((c) => c.required && (c.logicalType === 'string' || c.logicalType === 'integer') && ID_NAME.test(c.name)).slice(0, 6);
  const pairs: [ColumnProfile, ColumnProfile][] = [];
  for (let x = 0; x < candidates.length; x++) for (let y = x + 1; y < candidates.length; y++) pairs.push([candidates[x]!, candidates[y]!]);
  if (!pairs.length) return [];
  const counts = await engine.rows(
    sql`SELECT ${join(pairs.map(([a, b], k) => sql`count(DISTINCT (r.${ident(a.name)}, r.${ident(b.name)})) AS ${ident(`p${k}`)}`), ', ')} FROM ${rel} r`,
  );
  const k = pairs.findIndex((_, j) => Number(counts[0]?.[`p${j}`]) === rows);
  return k < 0 ? [] : [pairs[k]![0].name, pairs[k]![1].name];
}
