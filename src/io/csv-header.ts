// The header line of a CSV file, read by Node (up to its first line break, whatever its length) so the bronze reader can name every column
// VARCHAR itself instead of trusting DuckDB's sniffer (which can mis-read quoted fields).
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { EtlError } from '../errors.ts';

export interface CsvDialect {
  delimiter?: string;
  quote?: string;
  escape?: string;
  /** false: no header line; the columns are named column1, column2, … after the first line's fields. */
  header?: boolean;
  encoding?: string;
}

const NODE_ENCODINGS: Record<string, BufferEncoding> = { 'utf-8': 'utf8', 'utf-16': 'utf16le', 'latin-1': 'latin1' };

export async function readCsvHeader(file: string, dialect: CsvDialect = {}): Promise<string[]> {
  let text: string;
  const handle = await open(file, 'r').catch((cause: unknown) => {
    throw new EtlError('SOURCE_UNREADABLE', `cannot open ${file}: ${(cause as Error).message}`, {
      location: { file },
      hint: 'check the path and the permissions',
      cause,
    });
  });
  try {
    // Read until the first line break, however long the header is (chunk by chunk).
    const chunks: Buffer[] = [];
    let position = 0;
    for (;;) {
      const buf = Buffer.alloc(1 << 16);
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      chunks.push(chunk);
      position += bytesRead;
      if (chunk.includes(0x0a) || chunk.includes(0x0d)) break;
    }
    let bytes = Buffer.concat(chunks);
    if (dialect.encoding === 'utf-16' && bytes[0] === 0xff && bytes[1] === 0xfe) bytes = bytes.subarray(2);
    text = bytes.toString(NODE_ENCODINGS[dialect.encoding ?? 'utf-8'] ?? 'utf8');
  } finally {
    await handle.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.search(/\r\n|\n|\r/);
  const line = end === -1 ? text : text.slice(0, end);
  if (line.trim() === '') {
    throw new EtlError('SOURCE_HEADER_INVALID', `${file} has no header line`, {
      location: { file, line: 1 },
      hint: 'a CSV source starts with a header naming its columns',
    });
  }
  try {
    const rows = parse(line, {
      relax_column_count: true,
      delimiter: dialect.delimiter ?? ',',
      quote: dialect.quote ?? '"',
      escape: dialect.escape ?? dialect.quote ?? '"',
    }) as string[][];
    if (dialect.header === false) return (rows[0] ?? []).map((_, i) => `column${i + 1}`);
    const header = (rows[0] ?? []).map((h) => h.trim());
    const seen = new Set<string>();
    for (const h of header) {
      if (h === '' || seen.has(h)) {
        throw new EtlError('SOURCE_HEADER_INVALID', `${file}: header has an ${h === '' ? 'empty' : `repeated (${h})`} column name`, {
          location: { file, line: 1 },
          hint: 'every column of the header needs a distinct, non-empty name',
        });
      }
      seen.add(h);
    }
    return header;
  } catch (cause) {
    if (cause instanceof EtlError) throw cause;
    throw new EtlError('SOURCE_HEADER_INVALID', `${file}: the header line is not valid CSV`, {
      location: { file, line: 1 },
      hint: 'fix the quoting of the first line',
      cause,
    });
  }
}
