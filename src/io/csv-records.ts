// CSV records parsed in JS, streamed from the file to two spill files that DuckDB then reads: the reader's
// second path (see read-csv-records.ts), for files where DuckDB's own CSV reader numbers records apart from
// the file's lines. Every record carries the line it starts on (LF counted; a CR before it belongs to the
// line break). What is a valid record follows DuckDB's reader (tests/integration/io/csv-records.test.ts
// compares both on files DuckDB numbers right); the one departure: a CR outside quotes that does not end
// a line (DuckDB refuses the whole file) makes its record malformed.
// Memory: a write buffer and a rejected record's first RAW_CAP bytes; a good record of any size is written
// as it is parsed, and taken back (the spill file truncated) if it turns out malformed.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { utf8Chunks, type TextEncoding } from './utf8-chunks.ts';

export interface CsvRecordsOptions {
  /** Single bytes; quote -1: no quoting; escape -1: the quote doubled. */
  delimiter: number;
  quote: number;
  escape: number;
  /** Fields of a valid record (the header's). */
  columns: number;
  /** The first record is the header (skipped). */
  header: boolean;
  encoding: TextEncoding;
  /** What a rejected record keeps of its raw text, in bytes. */
  rawCap: number;
  /** The longest record read (bytes, line break excluded); a longer one is malformed. */
  maxRecord: number;
}

export interface CsvSpill {
  /** CSV without header: record number, then every field quoted (an empty field unquoted: NULL). */
  good: string;
  /** NDJSON: {n, raw, error} per rejected record. */
  bad: string;
  records: number;
  malformed: number;
  /** Bytes of the longest line of `good`. */
  longest: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DQ = 0x22;

const enum S {
  FieldStart,
  /** A space at a field start: a quote right after it opens a quoted field (the space dropped). */
  Space,
  Unquoted,
  Quoted,
  Escaped,
  /** After a closing quote: spaces (counted), then a delimiter, a line break, or a quote reopening. */
  AfterQuote,
  /** After a character that may not follow a closing quote: the field's rest is data, quotes included. */
  ErrorTail,
}

const UNQUOTED_VALUE = 'UNQUOTED VALUE: Value with unterminated quote found.';
const BARE_CR = 'UNQUOTED VALUE: carriage return (CR) outside quotes that does not end the line';
const INVALID_ENCODING = 'INVALID ENCODING: Invalid unicode (byte sequence mismatch) detected.';

/** Parses `file` and writes its records to `<dir>/good.csv` and `<dir>/bad.ndjson`. */
export function spillCsvRecords(file: string, o: CsvRecordsOptions, dir: string): CsvSpill {
  const goodPath = join(dir, 'good.csv');
  const badPath = join(dir, 'bad.ndjson');
  const goodFd = openSync(goodPath, 'w');
  const badFd = openSync(badPath, 'w');
  const quote = o.quote;
  const escape = o.escape === -1 ? quote : o.escape;
  const delim = o.delimiter;
  let records = 0;
  let malformed = 0;
  let longest = 0;

  // Output: good records, buffered; `flushed` bytes already in the file.
  const out = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  let flushed = 0;
  const flush = () => {
    // At an explicit position: the file may have been truncated behind the descriptor's own.
    if (pos > 0) writeSync(goodFd, out, 0, pos, flushed);
    flushed += pos;
    pos = 0;
  };
  const put = (c: number) => {
    if (pos === out.length) flush();
    out[pos++] = c;
  };
  const putText = (s: string) => {
    if (pos + s.length * 3 > out.length) flush();
    pos += out.write(s, pos, 'utf8');
  };
  let badText = '';
  const putBad = (s: string) => {
    badText += s;
    if (badText.length > 1 << 20) {
      writeSync(badFd, badText);
      badText = '';
    }
  };

  // The record being parsed.
  let line = 1;
  let recordLine = 1;
  let recordStart = 0; // flushed + pos where its output starts
  let recordBytes = 0; // bytes of the record (line break excluded)
  const raw = Buffer.allocUnsafe(o.rawCap);
  let rawLen = 0;
  let fields = 0;
  let fieldStart = 0; // output position (flushed + pos) of the field's opening quote
  let fieldLen = 0; // bytes of the field's value
  let fieldText = false; // the field holds a byte other than NUL
  let extra = false; // a field past the header's that is not empty (NUL bytes only count as empty, as in DuckDB)
  let errors: string[] = [];
  let state = S.FieldStart;
  let pendingCr = false; // a CR outside quotes whose next byte says whether it ends the line
  let afterSpaces = 0;
  let headerLeft = o.header;
  // UTF-8 check: continuation bytes still expected, and the range of the next one.
  let need = 0;
  let lo = 0x80;
  let hi = 0xbf;
  let badUtf8 = false;

  const startRecord = () => {
    recordLine = line;
    recordStart = flushed + pos;
    recordBytes = 0;
    rawLen = 0;
    fields = 0;
    extra = false;
    errors = [];
    badUtf8 = false;
    need = 0;
    lo = 0x80;
    hi = 0xbf;
    state = S.FieldStart;
    afterSpaces = 0;
    putText(`${recordLine}`);
    beginField();
  };
  const beginField = () => {
    afterSpaces = 0;
    fieldLen = 0;
    fieldText = false;
    if (fields >= o.columns || errors.length > 0) return;
    put(0x2c);
    fieldStart = flushed + pos;
    put(DQ);
  };
  const value = (c: number) => {
    fieldLen++;
    if (c !== 0) fieldText = true;
    if (fields >= o.columns || errors.length > 0) return; // malformed already: its values are not kept
    put(c);
    if (c === DQ) put(DQ);
  };
  const endField = () => {
    if (fields < o.columns && errors.length === 0) {
      if (fieldLen === 0) {
        // An empty field is NULL (as DuckDB reads "" too): written unquoted.
        if (fieldStart >= flushed) pos = fieldStart - flushed;
        else {
          flush();
          ftruncateSync(goodFd, fieldStart);
          flushed = fieldStart;
        }
      } else put(DQ);
    } else if (fields >= o.columns && fieldText) extra = true;
    fields++;
  };
  const takeBack = () => {
    if (recordStart >= flushed) pos = recordStart - flushed;
    else {
      flush();
      ftruncateSync(goodFd, recordStart);
      flushed = recordStart;
    }
  };
  const endRecord = () => {
    if (recordBytes === 0) {
      // A blank line (nothing, or a lone CR before the LF): no record.
      takeBack();
      return;
    }
    endField();
    if (headerLeft) {
      headerLeft = false;
      takeBack();
      return;
    }
    if (need > 0) badUtf8 = true;
    // Fields past the header's are allowed when empty (`a,b,` or `a,b,""` for two columns), as DuckDB does.
    if (fields < o.columns || extra) errors.push(`${fields > o.columns ? 'TOO MANY COLUMNS' : 'MISSING COLUMNS'}: Expected Number of Columns: ${o.columns} Found: ${fields}`);
    if (badUtf8) errors.push(INVALID_ENCODING);
    if (recordBytes > o.maxRecord) errors.push(`LINE SIZE OVER MAXIMUM: Maximum line size of ${o.maxRecord} bytes exceeded.`);
    if (errors.length === 0) {
      put(LF);
      records++;
      longest = Math.max(longest, flushed + pos - recordStart);
      return;
    }
    takeBack();
    malformed++;
    // The raw text as received, its trailing line breaks trimmed; an invalid UTF-8 byte shown as '?'.
    let end = rawLen;
    while (end > 0 && (raw[end - 1] === LF || raw[end - 1] === CR)) end--;
    const bytes = raw.subarray(0, end);
    const text = badUtf8 ? new TextDecoder('utf-8').decode(bytes).replace(/\uFFFD/g, '?') : bytes.toString('utf8');
    const reasons = [...new Set(errors)].sort().join('; ');
    const cut = recordBytes > rawLen ? ` (raw text cut to its first ${rawLen} bytes of ${recordBytes})` : '';
    putBad(`${JSON.stringify({ n: recordLine, raw: text, error: reasons + cut })}\n`);
  };

  // Runs of plain bytes (ASCII, not NUL, not a character with a meaning in the state, not the spill's
  // quote) are copied whole: a byte table says where a run stops, for unquoted and for quoted fields.
  const stopUnquoted = new Uint8Array(256);
  const stopQuoted = new Uint8Array(256);
  stopUnquoted.fill(1, 0x80);
  stopQuoted.fill(1, 0x80);
  for (const b of [0, LF, DQ]) stopUnquoted[b] = stopQuoted[b] = 1;
  stopUnquoted[delim] = stopUnquoted[CR] = 1;
  if (quote !== -1) stopQuoted[quote] = 1;
  if (escape !== -1) stopQuoted[escape] = 1;
  const copyRun = (chunk: Buffer, from: number, to: number) => {
    const len = to - from;
    recordBytes += len;
    if (rawLen < raw.length) {
      const k = Math.min(len, raw.length - rawLen);
      if (k < 64) for (let x = 0; x < k; x++) raw[rawLen + x] = chunk[from + x]!;
      else chunk.copy(raw, rawLen, from, from + k);
      rawLen += k;
    }
    fieldLen += len;
    fieldText = true;
    if (fields >= o.columns || errors.length > 0) return;
    if (pos + len > out.length) flush();
    if (len < 64) {
      for (let x = from; x < to; x++) out[pos++] = chunk[x]!;
    } else if (len > out.length) {
      writeSync(goodFd, chunk, from, len, flushed);
      flushed += len;
    } else {
      chunk.copy(out, pos, from, to);
      pos += len;
    }
  };

  let inRecord = false;
  let bom = true;
  for (const chunk of utf8Chunks(file, o.encoding)) {
    let i = 0;
    if (bom) {
      bom = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    const n = chunk.length;
    while (i < n) {
      if (inRecord && !pendingCr && need === 0) {
        const stop = state === S.Quoted ? stopQuoted : state === S.Unquoted || state === S.ErrorTail ? stopUnquoted : undefined;
        if (stop) {
          let j = i;
          while (j < n && stop[chunk[j]!] === 0) j++;
          if (j > i) {
            copyRun(chunk, i, j);
            i = j;
            continue;
          }
        }
      }
      const c = chunk[i]!;
      if (!inRecord) {
        inRecord = true;
        startRecord();
      }
      if (pendingCr) {
        pendingCr = false;
        if (c === LF) {
          // CR LF: a line break (the CR taken back out of the raw text).
          recordBytes--;
          if (rawLen > recordBytes) rawLen = recordBytes;
          line++;
          i++;
          endRecord();
          inRecord = false;
          continue;
        }
        errors.push(BARE_CR);
        value(CR);
        if (state === S.AfterQuote) state = S.ErrorTail;
      }
      recordBytes++;
      if (rawLen < raw.length) raw[rawLen++] = c;
      // UTF-8 validity of the record's bytes.
      if (need > 0) {
        if (c < lo || c > hi) {
          badUtf8 = true;
          need = 0;
          lo = 0x80;
          hi = 0xbf;
        } else {
          need--;
          lo = 0x80;
          hi = 0xbf;
        }
      } else if (c >= 0x80) {
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
          need = 2;
          if (c === 0xe0) lo = 0xa0;
          else if (c === 0xed) hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
          need = 3;
          if (c === 0xf0) lo = 0x90;
          else if (c === 0xf4) hi = 0x8f;
        } else badUtf8 = true;
      }
      i++;
      switch (state) {
        case S.Quoted:
          if (c === escape && escape !== quote) state = S.Escaped;
          else if (c === quote) state = S.AfterQuote;
          else {
            if (c === LF) line++;
            value(c);
          }
          continue;
        case S.Escaped:
          if (c === LF) line++;
          value(c);
          state = S.Quoted;
          continue;
        case S.Space:
          if (c === quote) {
            state = S.Quoted;
            continue;
          }
          value(SPACE);
          state = S.Unquoted;
          break;
        case S.AfterQuote:
          if (c === SPACE) {
            afterSpaces++;
            continue;
          }
          if (c === quote) {
            // A quote right after the closing one is an escaped quote; after spaces, it reopens the field.
            if (afterSpaces === 0) value(quote);
            else for (; afterSpaces > 0; afterSpaces--) value(SPACE);
            state = S.Quoted;
            continue;
          }
          afterSpaces = 0;
          if (c !== delim && c !== LF && c !== CR) {
            errors.push(UNQUOTED_VALUE);
            value(c);
            state = S.ErrorTail;
            continue;
          }
          break;
        case S.FieldStart:
          if (c === quote) {
            state = S.Quoted;
            continue;
          }
          if (c === SPACE && quote !== -1) {
            state = S.Space;
            continue;
          }
          break;
        default:
          break;
      }
      // Outside quotes: a delimiter, a line break, or data.
      if (c === delim) {
        endField();
        beginField();
        state = S.FieldStart;
      } else if (c === LF) {
        recordBytes--;
        if (rawLen > recordBytes) rawLen = recordBytes;
        line++;
        endRecord();
        inRecord = false;
        state = S.FieldStart;
      } else if (c === CR) {
        pendingCr = true;
        if (state === S.FieldStart) state = S.Unquoted;
      } else {
        value(c);
        if (state === S.FieldStart) state = S.Unquoted;
      }
    }
  }
  if (inRecord) {
    if (pendingCr) {
      // A CR ending the file ends its last line.
      recordBytes--;
      if (rawLen > recordBytes) rawLen = recordBytes;
    } else if (state === S.Quoted || state === S.Escaped) errors.push(UNQUOTED_VALUE);
    else if (state === S.Space) value(SPACE);
    endRecord();
  }
  flush();
  if (badText) writeSync(badFd, badText);
  closeSync(goodFd);
  closeSync(badFd);
  return { good: goodPath, bad: badPath, records, malformed, longest };
}
