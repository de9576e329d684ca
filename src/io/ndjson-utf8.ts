// NDJSON files holding bytes that are not UTF-8. DuckDB reads an NDJSON file as one text (read_text),
// which refuses the whole file for one bad byte. Such a file is copied here, streaming, to a spill file in
// which every line that is not valid UTF-8 is left empty (blank lines are not records, so every other
// line keeps its number); the lines left out come back as malformed records with their line number, their
// text (each invalid byte shown as '?', capped) and the reason.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';

export interface InvalidLine {
  line: number;
  raw: string;
  error: string;
}

/** A byte string as text, each byte of an invalid UTF-8 sequence shown as '?' (as DuckDB's CSV reader shows them). */
export function lossyUtf8(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= bytes.length;
    for (let k = 1; ok && k < n; k++) {
      const c = bytes[i + k]!;
      const [lo, hi] = k > 1 ? [0x80, 0xbf] : b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      ok = c >= lo && c <= hi;
    }
    if (ok) {
      out += bytes.toString('utf8', i, i + n);
      i += n;
    } else {
      out += '?';
      i += 1;
    }
  }
  return out;
}

/** Copies `file` to `dir`/lines.ndjson with its invalid-UTF-8 lines emptied; returns the spill path and those lines. */
export function spillValidUtf8Lines(file: string, dir: string, rawCap: number): { path: string; invalid: InvalidLine[] } {
  const path = join(dir, 'lines.ndjson');
  const input = openSync(file, 'r');
  const output = openSync(path, 'w');
  const invalid: InvalidLine[] = [];
  const chunk = Buffer.alloc(1 << 20);
  let pending: Buffer[] = []; // the current line's bytes so far (a line may span chunks)
  let line = 1;
  const endLine = () => {
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    if (isUtf8(bytes)) writeSync(output, bytes);
    else {
      const cut = bytes.length > rawCap;
      invalid.push({ line, raw: lossyUtf8(bytes.subarray(0, rawCap)), error: cut ? `invalid UTF-8 (raw text cut at ${rawCap} bytes of ${bytes.length})` : 'invalid UTF-8' });
    }
  };
  try {
    for (let n = readSync(input, chunk, 0, chunk.length, null); n > 0; n = readSync(input, chunk, 0, chunk.length, null)) {
      let start = 0;
      for (let i = chunk.indexOf(0x0a, 0); i !== -1 && i < n; i = chunk.indexOf(0x0a, start)) {
        pending.push(Buffer.from(chunk.subarray(start, i)));
        endLine();
        writeSync(output, '\n');
        line++;
        start = i + 1;
      }
      if (start < n) pending.push(Buffer.from(chunk.subarray(start, n)));
    }
    if (pending.length > 0) endLine();
  } finally {
    closeSync(input);
    closeSync(output);
  }
  return { path, invalid };
}

/** Bytes of an NDJSON part read as one text; a larger file is read in parts (ETL_NDJSON_PART_BYTES overrides). */
export function ndjsonPartBytes(): number {
  const v = Number(process.env['ETL_NDJSON_PART_BYTES']);
  return Number.isInteger(v) && v > 0 ? v : 256 * 1024 * 1024;
}

export interface NdjsonPart {
  path: string;
  /** The file's line number of the part's first line. */
  firstLine: number;
}

/**
 * Copies `file` to `dir` in parts of about `partBytes` each, cut after a line feed (a line longer than a
 * part stays whole in its own part), so that no part is one text beyond what DuckDB's read_text holds
 * (4 GiB) and each part's lines fit in memory. Streaming: 1 MiB read at a time.
 */
export function splitNdjson(file: string, dir: string, partBytes: number): NdjsonPart[] {
  const parts: NdjsonPart[] = [];
  const input = openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let output = -1;
  let written = 0;
  let line = 1;
  const open = () => {
    const path = join(dir, `part-${String(parts.length).padStart(5, '0')}.ndjson`);
    output = openSync(path, 'w');
    parts.push({ path, firstLine: line });
    written = 0;
  };
  try {
    for (let n = readSync(input, chunk, 0, chunk.length, null); n > 0; n = readSync(input, chunk, 0, chunk.length, null)) {
      let start = 0;
      while (start < n) {
        // Up to the last line feed that keeps the part within its size; else (the line goes past it) up to
        // the end of the line, so that a line longer than a part is never cut.
        const room = partBytes - written;
        // (Whether the part's room ends inside this chunk: then the bytes after the cut go to the next part.)
        const roomEndsHere = start + room < n;
        let cut = room > 0 ? chunk.lastIndexOf(0x0a, Math.min(n - 1, start + room - 1)) : -1;
        const fits = cut >= start;
        if (!fits) {
          cut = chunk.indexOf(0x0a, start);
          if (cut >= n) cut = -1;
        }
        if (output === -1) open();
        if (cut === -1) {
          writeSync(output, chunk, start, n - start);
          written += n - start;
          break;
        }
        writeSync(output, chunk, start, cut + 1 - start);
        written += cut + 1 - start;
        for (let i = chunk.indexOf(0x0a, start); i !== -1 && i <= cut; i = chunk.indexOf(0x0a, i + 1)) line++;
        start = cut + 1;
        // Full, or the next line would not fit: the next part begins after this line feed.
        if (written >= partBytes || (fits && roomEndsHere && start < n)) {
          closeSync(output);
          output = -1;
        }
      }
    }
    if (parts.length === 0) open(); // an empty file: one empty part
  } finally {
    closeSync(input);
    if (output !== -1) closeSync(output);
  }
  return parts;
}
