// The CSV layout scan (multi-line records, blank lines, long records, CRs) against a plain byte-by-byte
// reference of the same quoting rules, whatever the read chunk size: the scan visits only line ends and
// quotes, and carries its state across chunk boundaries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scanCsvLayout } from '../../../src/io/read-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-csv-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
/** What DuckDB's rejects table keeps of a line (read-source.ts: CSV_LINE_KEPT). */
const KEPT = 10_000;

/** The layout of `bytes`, one byte at a time: a quote opens a field at a field start (one space before it
 * allowed), right after a closing quote, or after a closing quote and spaces; with an escape distinct from
 * the quote, a line holding it is read byte by byte (escape skips the next byte; no reopening after a close). */
function reference(bytes: Buffer, q: number, esc: number, delim: number) {
  const layout = { multi: [] as [number, number][], blanks: [] as number[], long: [] as [number, number][], longest: 0, cr: false, lf: false, bareCr: false };
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === CR) {
      layout.cr = true;
      if (i + 1 < bytes.length && bytes[i + 1] !== LF) layout.bareCr = true;
    }
    if (bytes[i] === LF) layout.lf = true;
  }
  const lines: Buffer[] = [];
  for (let from = 0; from <= bytes.length; ) {
    const at = bytes.indexOf(LF, from);
    if (at === -1) {
      if (from < bytes.length) lines.push(bytes.subarray(from));
      break;
    }
    lines.push(bytes.subarray(from, at));
    from = at + 1;
  }
  let r = 1;
  let count = 1;
  let recordBytes = 0;
  let open = false;
  lines.forEach((line, li) => {
    const last = li === lines.length - 1 && bytes[bytes.length - 1] !== LF;
    const byteAt = (i: number) => (i < 0 ? LF : line[i]!);
    if (q !== -1 && esc !== -1 && line.includes(esc)) {
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (open) {
          if (c === esc) i++;
          else if (c === q) open = false;
        } else if (c === q && (byteAt(i - 1) === delim || byteAt(i - 1) === LF || (byteAt(i - 1) === SP && (byteAt(i - 2) === delim || byteAt(i - 2) === LF)))) open = true;
      }
    } else if (q !== -1) {
      let closedAt = -2;
      for (let i = 0; i < line.length; i++) {
        if (line[i] !== q) continue;
        if (open) {
          open = false;
          closedAt = i;
          continue;
        }
        const prev = byteAt(i - 1);
        if (prev === delim || prev === LF || closedAt === i - 1) open = true;
        else if (prev === SP) {
          if (byteAt(i - 2) === delim || byteAt(i - 2) === LF) open = true;
          else if (closedAt !== -2) {
            let k = closedAt + 1;
            while (k < i && line[k] === SP) k++;
            open = k === i;
          }
        }
      }
    }
    recordBytes += line.length;
    if (open && !last) {
      count++;
      recordBytes++;
      return;
    }
    if (count > 1) layout.multi.push([r, count]);
    else if (line.length === 0 || (line.length === 1 && line[0] === CR)) layout.blanks.push(r);
    if (recordBytes > KEPT) layout.long.push([r, recordBytes]);
    layout.longest = Math.max(layout.longest, recordBytes);
    r++;
    count = 1;
    recordBytes = 0;
    open = false;
  });
  // An unterminated quote at the end of the file: the lines after its opening are one record.
  if (open) {
    if (count > 1) layout.multi.push([r, count]);
    layout.longest = Math.max(layout.longest, recordBytes);
    if (recordBytes > KEPT) layout.long.push([r, recordBytes]);
  }
  return layout;
}

let n = 0;
function scan(text: string | Buffer, quote = '"', escape = quote, delimiter = ',') {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const file = join(dir, `f${n++}.csv`);
  writeFileSync(file, bytes);
  const results = [1, 2, 3, 7, 64, undefined].map((chunk) => scanCsvLayout(file, quote, escape, delimiter, false, chunk));
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0]!;
}

describe('scanCsvLayout', () => {
  it('finds multi-line records, blank lines and the longest record', () => {
    // Records: the header, 1 (two lines), a blank, 2, a lone CR (blank), 3 (two lines: `""` is an escaped quote).
    expect(scan('id,a\n1,"x\ny"\n\n2,b\r\n\r\n3,"p""\nq"\n')).toEqual({
      multi: [
        [2, 2],
        [6, 2],
      ],
      blanks: [3, 5],
      long: [],
      longest: 9,
      cr: true,
      lf: true,
      bareCr: false,
    });
  });

  it('opens no field on a stray quote inside an unquoted field, and finds a bare CR', () => {
    expect(scan('id,a\n1,27" screen\n2,"b"\r3\n')).toMatchObject({ multi: [], blanks: [], bareCr: true });
  });

  it('reads an escape distinct from the quote byte by byte, on the lines holding it only', () => {
    expect(scan('id,a\n1,"x\\"\ny"\n2,"z"\n', '"', '\\')).toMatchObject({ multi: [[2, 2]], longest: 9 });
    expect(scan('id,a\n1,"x\\"\ny"\n2,"z"\n')).toMatchObject({ multi: [], longest: 6 });
  });

  it('finds records longer than DuckDB keeps of a rejected line', () => {
    expect(scan(`id,a\n1,"${'x'.repeat(KEPT)}\ny"\n2,b\n`)).toMatchObject({ multi: [[2, 2]], long: [[2, KEPT + 6]], longest: KEPT + 6 });
  });

  it('matches the byte-by-byte reference on random files, dialects and chunk sizes', () => {
    const piece = fc.constantFrom('x', '"', '""', ',', ';', '\\', ' ', '\n', '\r\n', '\r', 'é', 'h'.repeat(KEPT));
    const dialect = fc.constantFrom(['"', '"', ','], ['"', '\\', ','], ["'", "'", ';'], ['"', '"', ';']);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), dialect, (pieces, [quote, escape, delimiter]) => {
        const bytes = Buffer.from(pieces.join(''));
        const code = (s: string) => Buffer.from(s)[0]!;
        expect(scan(bytes, quote, escape, delimiter)).toEqual(reference(bytes, code(quote), escape === quote ? -1 : code(escape), code(delimiter)));
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
