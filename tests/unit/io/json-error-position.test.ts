// The streaming JSON array scanner on fixed inputs: the first error's line, column (UTF-16 units, like an
// editor), byte and reason, the same whatever the chunk size (states carried across chunk boundaries).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJsonArrayError } from '../../../src/io/json-error-position.ts';

const dir = mkdtempSync(join(tmpdir(), 'etl-json-pos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function scan(text: string | Buffer) {
  const file = join(dir, `f${n++}.json`);
  writeFileSync(file, text);
  const results = [1, 2, 3, 5, 64, 1 << 20].map((chunk) => findJsonArrayError(file, chunk));
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0];
}

describe('findJsonArrayError', () => {
  it('finds nothing in valid arrays (BOM, nesting, escapes, surrogate pairs, numbers, DuckDB leniency inside elements)', () => {
    expect(scan('\uFEFF[]')).toBeUndefined();
    expect(scan(' [ {"a": [1, -0.5e+3, 2E-2, true, false, null], "b": {"c": "x\\"y\\\\z\\u00e9\\ud83d\\ude00"}} ] \n')).toBeUndefined();
    expect(scan('[{"é😀": "ü"}, "s", 0, [], {}]')).toBeUndefined();
    expect(scan('[{"a": NaN, "b": -Infinity, "c": [1, inf,], "d": nan,}]')).toBeUndefined();
  });

  it('locates the first error by line, column and byte, with its reason', () => {
    expect(scan('[{"a": 1},\n {"a": ]')).toEqual({ line: 2, col: 8, byte: 18, reason: 'unexpected character' });
    expect(scan('[1, 2,]')).toEqual({ line: 1, col: 7, byte: 6, reason: 'unexpected character' });
    expect(scan('[NaN]')).toEqual({ line: 1, col: 2, byte: 1, reason: 'unexpected character' });
    expect(scan('[{"a": 01}]')).toEqual({ line: 1, col: 9, byte: 8, reason: 'invalid number' });
    expect(scan('[{"a" 1}]')).toEqual({ line: 1, col: 7, byte: 6, reason: "expected ':'" });
    expect(scan('[{a: 1}]')).toEqual({ line: 1, col: 3, byte: 2, reason: 'expected a key string' });
    expect(scan('[{"a": "\\x"}]')).toEqual({ line: 1, col: 10, byte: 9, reason: 'invalid escape' });
    expect(scan('[{"a": "\\ud83d"}]')).toEqual({ line: 1, col: 15, byte: 14, reason: 'a high surrogate escape without its low surrogate' });
    expect(scan('["tab\there"]')).toEqual({ line: 1, col: 6, byte: 5, reason: 'control character in a string' });
    expect(scan('[1] [2]')).toEqual({ line: 1, col: 5, byte: 4, reason: 'unexpected content after the array' });
    expect(scan('{"a": 1}')).toEqual({ line: 1, col: 1, byte: 0, reason: 'expected a JSON array' });
    expect(scan('[{"a": 1},')).toEqual({ line: 1, col: 11, byte: 10, reason: 'unexpected end of the file' });
    expect(scan('')).toEqual({ line: 1, col: 1, byte: 0, reason: 'expected a JSON array' });
  });

  it('counts columns in UTF-16 units after multi-byte characters, and flags invalid UTF-8 (a surrogate encoded too)', () => {
    // A bad byte after a lead byte is the column after the lead byte's.
    // "é" is 2 bytes / 1 unit, "😀" 4 bytes / 2 units: the '}' after them is at byte 9, column 7.
    expect(scan('["é😀"}')).toEqual({ line: 1, col: 7, byte: 9, reason: "expected ',' or ']'" });
    expect(scan(Buffer.concat([Buffer.from('["a'), Buffer.from([0xc3, 0x28]), Buffer.from('"]')]))).toEqual({ line: 1, col: 5, byte: 4, reason: 'invalid UTF-8' });
    expect(scan(Buffer.concat([Buffer.from('["'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"]')]))).toEqual({ line: 1, col: 4, byte: 3, reason: 'invalid UTF-8' });
  });
});
