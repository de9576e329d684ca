// Where a command's text goes: stdout without --out, else the file (a write failure is IO_FAILED, exit 3).
import { writeFileSync } from 'node:fs';
import { EtlError } from '../errors.ts';

/** Writes `text` to `out`, or through `write` (stdout) when no file is named; true when it wrote a file. */
export function writeOutput(text: string, out: string | undefined, write: (text: string) => void): boolean {
  if (out === undefined) {
    write(text);
    return false;
  }
  try {
    writeFileSync(out, text, 'utf8');
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot write ${out}: ${(cause as Error).message}`, { hint: 'check that the folder exists and is writable', location: { file: out }, cause });
  }
  return true;
}
