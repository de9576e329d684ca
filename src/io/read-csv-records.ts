// The CSV reader's second path: records parsed in JS (csv-records.ts), spilled to disk, read back by DuckDB
// into the same bronze shape as DuckDB's own path (every column VARCHAR + _source_file, _record_number;
// malformed records with _raw and _error). readSource takes it only for files DuckDB's reader numbers
// apart from their lines: files holding CR characters where DuckDB rejected a record or refused the file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { EtlError, isDiskFull } from '../errors.ts';
import { ident, join as joinSql, literal, sql, trusted } from '../sql/sql.ts';
import { spillCsvRecords } from './csv-records.ts';
import type { CsvDialect } from './csv-header.ts';
import type { TextEncoding } from './utf8-chunks.ts';

/** Whether a dialect can be parsed by csv-records.ts (single-byte delimiter, quote and escape). */
export function parsableInJs(dialect: CsvDialect): boolean {
  const single = (s: string | undefined) => s === undefined || Buffer.byteLength(s) <= 1;
  return single(dialect.delimiter) && single(dialect.quote) && single(dialect.escape) && (dialect.delimiter ?? ',') !== '';
}

/** Where the spill files go: the run's spill folder (DuckDB's temp_directory) when it is set, else the OS's. */
export async function spillRoot(engine: Engine): Promise<string> {
  const dir = String((await engine.scalar(sql`SELECT current_setting('temp_directory')`)) ?? '');
  if (dir !== '' && isAbsolute(dir)) {
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return tmpdir();
}

/** A file-system step of the spill; its failures (but a full disk, which the run reports as such) are IO_FAILED. */
export function ioStep<T>(file: string, dir: string, step: () => T): T {
  try {
    return step();
  } catch (cause) {
    if (isDiskFull(cause)) throw cause;
    throw new EtlError('IO_FAILED', `cannot read ${file} through ${dir}: ${(cause as Error).message}`, {
      location: { file },
      hint: 'check that the file is readable and that the spill folder (beside --out) is writable',
      cause,
    });
  }
}

/**
 * Reads `file` (a CSV file whose header is `header`) into `schema`.`stem` (records) and `stem__bad`
 * (malformed records), through csv-records.ts. Same result shape as the reader's DuckDB path.
 */
export async function readCsvRecords(engine: Engine, file: string, schema: string, stem: string, dialect: CsvDialect, header: string[], limits: { rawCap: number; maxRecord: number }) {
  const byte = (s: string | undefined, fallback: number) => (s === undefined ? fallback : s === '' ? -1 : Buffer.from(s)[0]!);
  const root = await spillRoot(engine);
  const dir = ioStep(file, root, () => mkdtempSync(join(root, '.etl-csv-')));
  try {
    const options = {
      delimiter: byte(dialect.delimiter, 0x2c),
      quote: byte(dialect.quote, 0x22),
      escape: dialect.escape === undefined || dialect.escape === dialect.quote ? -1 : byte(dialect.escape, -1),
      columns: header.length,
      header: dialect.header !== false,
      encoding: (dialect.encoding ?? 'utf-8') as TextEncoding,
      ...limits,
    };
    const spill = ioStep(file, dir, () => spillCsvRecords(file, options, dir));
    const table = (name: string) => trusted(`${ident(schema).text}.${ident(`${stem}${name}`).text}`);
    const records = table('');
    const bad = table('__bad');
    const names = header.map((_, i) => `c${i + 1}`);
    const columns = trusted(`{'n': 'BIGINT', ${names.map((n) => `'${n}': 'VARCHAR'`).join(', ')}}`);
    const max = Math.max(2_097_152, spill.longest + 1024);
    // The spill is in file order; kept so (rowid follows the file, as on DuckDB's path).
    const before = await engine.scalar(sql`SELECT current_setting('preserve_insertion_order')`);
    await engine.exec(sql`SET preserve_insertion_order = true`);
    try {
      await engine.exec(sql`CREATE OR REPLACE TABLE ${records} AS
        SELECT ${joinSql(names.map((n, i) => sql`${ident(n)} AS ${ident(header[i]!)}`), ', ')}, ${file} AS _source_file, n AS _record_number
        FROM read_csv(${spill.good}, auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', new_line = '\\n',
          columns = ${columns}, max_line_size = ${literal(max)}, buffer_size = ${literal(Math.max(8_388_608, 2 * max))})`);
      await engine.exec(sql`CREATE OR REPLACE TABLE ${bad} AS
        SELECT ${file} AS _source_file, n AS _record_number, raw AS _raw, error AS _error
        FROM read_json(${spill.bad}, format = 'newline_delimited', columns = {'n': 'BIGINT', 'raw': 'VARCHAR', 'error': 'VARCHAR'},
          maximum_object_size = ${literal(Math.max(16_777_216, 8 * limits.rawCap))})`);
    } finally {
      await engine.exec(sql`SET preserve_insertion_order = ${literal(before !== false)}`);
    }
    // Every record parsed is in one of the tables (the spill is read strictly: an error would have thrown).
    const counts = await engine.rows(sql`SELECT (SELECT count(*) FROM ${records}) AS good, (SELECT count(*) FROM ${bad}) AS bad`);
    if (Number(counts[0]?.['good']) !== spill.records || Number(counts[0]?.['bad']) !== spill.malformed) {
      throw new EtlError('INTERNAL', `${file}: ${spill.records} + ${spill.malformed} records parsed, ${String(counts[0]?.['good'])} + ${String(counts[0]?.['bad'])} read back from the spill`, { location: { file } });
    }
    return { records, malformed: bad };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
