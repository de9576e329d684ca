// A file's bytes in chunks, as UTF-8, for the readers' streaming scans (no file is held whole in JS).
import { closeSync, openSync, readSync } from 'node:fs';

/** The encodings a CSV source may declare (csv dialect `encoding`). */
export type TextEncoding = 'utf-8' | 'utf-16' | 'latin-1';

/**
 * The file's bytes in chunks of up to 8 MiB (`chunkBytes`: tests), as UTF-8: a UTF-16 (LE) file is decoded on the fly, so that its
 * line breaks, quotes and delimiters are found as in any other file (a raw UTF-16 byte 0x0A may be half of
 * another character), and so is a Latin-1 file (its bytes above 0x7F become two-byte characters). A UTF-8
 * file's bytes are passed as they are, invalid sequences included.
 */
export function* utf8Chunks(file: string, encoding: TextEncoding = 'utf-8', chunkBytes = 1 << 23): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(chunkBytes);
    const decoder = encoding === 'utf-16' ? new TextDecoder('utf-16le') : undefined;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (decoder) {
        const text = decoder.decode(buf.subarray(0, n), { stream: n > 0 });
        if (text.length > 0) yield Buffer.from(text, 'utf8');
      } else if (encoding === 'latin-1') {
        if (n > 0) yield Buffer.from(buf.subarray(0, n).toString('latin1'), 'utf8');
      } else if (n > 0) yield buf.subarray(0, n);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}
