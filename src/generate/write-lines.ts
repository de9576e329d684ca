// Writes text files line by line from SQL: every output line is built as one VARCHAR, and the
// CSV writer is told never to quote or escape, so each line lands verbatim (malformed records
// and invalid JSON included). Lines are ordered by (pos, tie), so the file is deterministic.
import type { Engine } from '../engine/engine.ts';
import { sql, type Sql } from '../sql/sql.ts';

/** `query` yields (line VARCHAR, pos DOUBLE, tie BIGINT); an optional header goes first. */
export async function writeLines(engine: Engine, file: string, query: Sql, header?: string): Promise<void> {
  const withHeader = header === undefined ? query : sql`SELECT ${header} AS line, -1.0 AS pos, 0 AS tie UNION ALL ${query}`;
  await engine.exec(sql`
    COPY (SELECT line FROM (${withHeader}) ORDER BY pos, tie)
    TO ${file} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')`);
}
