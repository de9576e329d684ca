// Writes text files line by line from SQL: every output line is built as one VARCHAR, and the
// CSV writer is told never to quote or escape, so each line lands verbatim (malformed records
// and invalid JSON included). Lines are ordered by (pos, tie), so the file is deterministic.
// Large files are written in blocks (writeLineBlocks): each block is sorted and written on its own, then
// appended, so no sort and no table ever holds a whole large file (bounded memory at any --orders).
import { appendFileSync, closeSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.ts';
import { sql, type Sql } from '../sql/sql.ts';

/** `query` yields (line VARCHAR, pos DOUBLE, tie BIGINT); an optional header goes first. */
export async function writeLines(engine: Engine, file: string, query: Sql, header?: string): Promise<void> {
  const withHeader = header === undefined ? query : sql`SELECT ${header} AS line, -1.0 AS pos, 0 AS tie UNION ALL ${query}`;
  await engine.exec(sql`
    COPY (SELECT line FROM (${withHeader}) ORDER BY pos, tie)
    TO ${file} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')`);
}

/**
 * Writes a file from consecutive blocks: `block(i)` yields block i's (line, pos, tie), every pos of block
 * i before every pos of block i + 1, so the blocks sorted one by one and appended give the same bytes as
 * writeLines on their union. `blocks` is the number of blocks; `before(i)` runs before block i is read
 * (to build the block's tables), and each block is dropped once written.
 */
export async function writeLineBlocks(
  engine: Engine,
  file: string,
  blocks: number,
  block: (i: number) => Sql,
  header?: string,
  before?: (i: number) => Promise<void>,
): Promise<void> {
  writeFileSync(file, header === undefined ? '' : `${header}\n`);
  const part = `${file}.block`;
  try {
    for (let i = 0; i < blocks; i++) {
      await before?.(i);
      await writeLines(engine, part, block(i));
      appendFile(file, part);
    }
  } finally {
    rmSync(part, { force: true });
  }
}

/** Appends the bytes of `from` to `to`, 8 MiB at a time. */
function appendFile(to: string, from: string): void {
  const fd = openSync(from, 'r');
  try {
    const buf = Buffer.alloc(1 << 23);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) appendFileSync(to, buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
