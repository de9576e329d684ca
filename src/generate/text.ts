// SQL expressions that format values the way the generated files spell them.
import { join, sql, type Sql, type SqlPart } from '../sql/sql.ts';

/** An opaque id: prefix + zero-padded 1-based number, e.g. O0000001 for index 0. */
export function formatId(prefix: string, width: number, index: SqlPart): Sql {
  return sql`(${prefix} || lpad(CAST((${index}) + 1 AS VARCHAR), ${width}, '0'))`;
}

/** An id that never exists: counted down from the top of the id range (real ids use the lower half). */
export function orphanId(prefix: string, width: number, k: SqlPart): Sql {
  return sql`(${prefix} || CAST(${10 ** width - 1} - (${k}) AS VARCHAR))`;
}

/** One CSV field per RFC 4180: quoted (quotes doubled) only when it holds a comma, quote or line break. */
export function csvField(value: SqlPart): Sql {
  return sql`(CASE WHEN regexp_matches(${value}, '[",\\r\\n]') THEN '"' || replace(${value}, '"', '""') || '"' ELSE ${value} END)`;
}

/** A CSV line from VARCHAR expressions already formatted (NULL becomes an empty field). */
export function csvLine(fields: readonly SqlPart[]): Sql {
  return sql`concat_ws(',', ${join(fields.map((f) => sql`coalesce(${f}, '')`), ', ')})`;
}

/** An ISO 8601 date (YYYY-MM-DD) from a DATE expression. */
export function isoDate(value: SqlPart): Sql {
  return sql`strftime(${value}, '%Y-%m-%d')`;
}

/** An ISO 8601 timestamp without zone (YYYY-MM-DDTHH:MM:SS) from a TIMESTAMP expression. */
export function isoTimestamp(value: SqlPart): Sql {
  return sql`strftime(${value}, '%Y-%m-%dT%H:%M:%S')`;
}
