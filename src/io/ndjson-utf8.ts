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
