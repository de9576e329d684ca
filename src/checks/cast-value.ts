// Casting bronze text to a contract's logicalType. DuckDB's own casts are lenient ('1.5' → 2 as
// BIGINT, '0x10' → 16, '2024-1-2' → a DATE), so every cast is guarded by a regex that admits only
// the spellings the contract promises (ISO 8601 for dates and times); anything else is NULL, and
// the `type` row rule reports it. A date/timestamp/time with a declared format (ODCS JDK style) is
// read with strptime behind the pattern's own regex (contracts/date-format.ts).
import { sql, trusted, type Sql } from '../sql/sql.ts';
import type { LogicalType } from '../contracts/model.ts';
import { translateDateFormat } from '../contracts/date-format.ts';
import { EtlError } from '../errors.ts';

/** Whole numbers, also when written with a zero fraction (17850.0, as exports from pandas or Excel do). */
const INTEGER_RE = '^\\s*[+-]?[0-9]+(\\.0*)?\\s*$';
const NUMBER_RE = '^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$';
/** YYYY-MM-DD, optionally T or space + HH:MM[:SS[.fff]], optionally Z or an ISO 8601 offset ±HH[[:]MM]
 * (DuckDB writes TIMESTAMPTZ as text with `+00`, so a Parquet source's timestamps read back as valid). */
const DATE_TIME_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$';
/** The same without an offset (the common spelling: one regex decides it, DuckDB's cast does the rest). */
const LOCAL_DATE_TIME_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?Z?)?$';
const DATE_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
/** DuckDB's TIMESTAMPTZ parser wants seconds before an offset: 10:00+02:00 → 10:00:00+02:00. */
const NO_SECONDS_RE = '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})([+-])';
const TIME_RE = '^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$';

/** DuckDB column type of a silver column (ARCHITECTURE.md). */
export function sqlTypeOf(t: LogicalType): Sql {
  switch (t) {
    case 'integer':
      return trusted('BIGINT');
    case 'number':
      return trusted('DOUBLE');
    case 'boolean':
      return trusted('BOOLEAN');
    case 'date':
      return trusted('DATE');
    case 'timestamp':
      return trusted('TIMESTAMP');
    case 'time':
      return trusted('TIME');
    default:
      return trusted('VARCHAR');
  }
}

/** True when the logical type has a cast that can fail (string, object and array are kept as text). */
export function hasTypeCheck(t: LogicalType): boolean {
  return sqlTypeOf(t).text !== 'VARCHAR';
}

/** A timestamp from ISO 8601 text `v`, NULL for any other spelling; an offset is converted to UTC.
 * Text without an offset is settled by one regex; only the rest (offsets, rare) meets the second. */
function isoTimestamp(v: Sql): Sql {
  const withSeconds = sql`regexp_replace(${v}, ${NO_SECONDS_RE}, '\\1:00\\2')`;
  return sql`CASE WHEN regexp_full_match(${v}, ${LOCAL_DATE_TIME_RE}) THEN TRY_CAST(${v} AS TIMESTAMP) WHEN regexp_full_match(${v}, ${DATE_TIME_RE}) THEN CAST(timezone('UTC', TRY_CAST(${withSeconds} AS TIMESTAMPTZ)) AS TIMESTAMP) END`;
}

/**
 * The typed value of text `v` (NULL and '' are NULL; text that does not spell a value of the type is
 * NULL too). `v` is evaluated several times, so pass a column reference, not an expensive expression.
 */
export function castValue(raw: Sql, t: LogicalType, format?: string): Sql {
  const v = sql`NULLIF(${raw}, '')`;
  if (format !== undefined && (t === 'date' || t === 'timestamp' || t === 'time')) return formattedValue(v, t, format);
  switch (t) {
    case 'integer':
      return sql`CASE WHEN regexp_full_match(${v}, ${INTEGER_RE}) THEN TRY_CAST(${v} AS BIGINT) END`;
    case 'number':
      return sql`CASE WHEN regexp_full_match(${v}, ${NUMBER_RE}) THEN TRY_CAST(${v} AS DOUBLE) END`;
    case 'boolean':
      return sql`CASE lower(trim(${v})) WHEN 'true' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN '0' THEN FALSE END`;
    case 'date':
      // A full timestamp given for a date keeps its calendar date, but its time must still be valid.
      return sql`CASE WHEN regexp_full_match(${v}, ${DATE_RE}) THEN TRY_CAST(${v} AS DATE) WHEN ${isoTimestamp(v)} IS NOT NULL THEN TRY_CAST(left(${v}, 10) AS DATE) END`;
    case 'timestamp':
      return isoTimestamp(v);
    case 'time':
      return sql`CASE WHEN regexp_full_match(${v}, ${TIME_RE}) THEN TRY_CAST(${v} AS TIME) END`;
    default:
      return v;
  }
}

function formattedValue(v: Sql, t: 'date' | 'timestamp' | 'time', format: string): Sql {
  const f = translateDateFormat(format);
  // The contract loader refuses such a format with file:line; reaching here is a bug.
  if (!f.ok) throw new EtlError('INTERNAL', `unsupported date format '${format}': ${f.message}`);
  const parsed = sql`try_strptime(${v}, ${f.strptime})`;
  const typed = t === 'timestamp' ? parsed : t === 'date' ? sql`CAST(${parsed} AS DATE)` : sql`CAST(${parsed} AS TIME)`;
  return sql`CASE WHEN regexp_full_match(${v}, ${f.regex}) THEN ${typed} END`;
}

/** The phrase used in reasons: `order_date is not an ISO 8601 timestamp`, `… not a date in the format dd/MM/yyyy`. */
export function describeType(t: LogicalType, format?: string): string {
  if (format !== undefined && (t === 'date' || t === 'timestamp' || t === 'time')) return `a ${t} in the format ${format}`;
  switch (t) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean (true/false/1/0)';
    case 'date':
      return 'an ISO 8601 date';
    case 'timestamp':
      return 'an ISO 8601 timestamp';
    case 'time':
      return 'an ISO 8601 time';
    default:
      return `a ${t}`;
  }
}
