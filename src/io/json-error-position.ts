// Where a JSON array file first breaks the JSON grammar, found by one streaming pass over its bytes
// (a pushdown automaton, 1 MiB at a time): an invalid file of any size gets its `file:line:col` without
// ever being held whole in memory. DuckDB decides whether a file is valid; this only says where it is not.
// The grammar is DuckDB's (yyjson's): the array itself is strict RFC 8259, while inside an element a
// trailing comma and NaN / Inf / Infinity (any case, optionally negative) are allowed; never a comment,
// a leading '+' or zero, or a lone surrogate escape; strings are valid UTF-8 without raw control characters.
import { closeSync, openSync, readSync } from 'node:fs';

export interface JsonErrorPosition {
  /** 1-based line of the offending character (or of the end of the file). */
  line: number;
  /** 1-based column, in UTF-16 code units like an editor's. */
  col: number;
  /** 0-based byte offset in the file. */
  byte: number;
  reason: string;
}

// Parser states.
const VALUE = 0; // a value must start here
const NEXT = 22; // after ',' in an array: a value (or, inside an element, ']')
const ARRAY_FIRST = 1; // after '[': a value or ']'
const OBJECT_FIRST = 2; // after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4;
const AFTER = 5; // after a value: ',' or the container's end
const END = 6; // after the top-level array: whitespace only
const STRING = 7;
const ESCAPE = 8;
const HEX = 9; // inside \uXXXX
const LOW_BACKSLASH = 10; // after a high surrogate escape: '\' of the low one
const LOW_U = 11; // its 'u'
const UTF8 = 12; // continuation bytes of a multi-byte character
const MINUS = 13; // after '-': a digit
const ZERO = 14; // a number's integer part is 0
const INT = 15;
const DOT = 16; // after '.': a digit
const FRAC = 17;
const EXP = 18; // after 'e': a sign or a digit
const EXP_SIGN = 19; // after the sign: a digit
const EXP_DIGITS = 20;
const WORD = 21; // a bare word: true, false, null (or NaN, Inf, Infinity inside an element)

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const hexValue = (b: number) => (isDigit(b) ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);
const isLetter = (b: number) => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);
const WORDS = new Set(['true', 'false', 'null']);
const NON_FINITE = new Set(['nan', 'inf', 'infinity']);

/** The first JSON syntax error of a file that should hold one JSON array, or undefined when it holds one. */
export function findJsonArrayError(file: string, chunkBytes = 1 << 20): JsonErrorPosition | undefined {
  const stack: number[] = []; // 0x5b '[' or 0x7b '{'
  let state = VALUE;
  let started = false; // the top-level value has begun (it must be an array)
  let stringIsKey = false;
  let hexLeft = 0;
  let hexCode = 0;
  let highSurrogate = false;
  let utf8Left = 0;
  let utf8Min = 0; // smallest allowed second byte (overlong / surrogate checks)
  let utf8Max = 0xbf;
  let word = '';
  let negative = false; // the word follows a '-'
  let wordAt = { line: 1, col: 1, byte: 0 };
  let line = 1;
  let col = 1;
  let offset = 0;
  const fail = (reason: string): JsonErrorPosition => ({ line, col, byte: offset, reason });
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.max(3, chunkBytes));
    // A UTF-8 byte order mark is skipped (its bytes still count in the offset).
    const head = readSync(fd, buf, 0, 3, 0);
    if (head === 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) offset = 3;
    for (;;) {
      const n = readSync(fd, buf, 0, chunkBytes, offset);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        // A byte may end a number or a literal and then be read again in the state that follows.
        for (let again = true; again; ) {
          again = false;
          switch (state) {
            case VALUE:
            case ARRAY_FIRST:
            case NEXT:
              if (isWs(b)) break;
              // Inside an element (depth ≥ 2), DuckDB takes a trailing comma.
              if (b === 0x5d && (state === ARRAY_FIRST || (state === NEXT && stack.length >= 2))) {
                stack.pop();
                state = stack.length ? AFTER : END;
                break;
              }
              if (!started) {
                started = true;
                if (b !== 0x5b) return fail('expected a JSON array');
              }
              if (b === 0x5b || b === 0x7b) {
                stack.push(b);
                state = b === 0x5b ? ARRAY_FIRST : OBJECT_FIRST;
              } else if (b === 0x22) {
                stringIsKey = false;
                state = STRING;
              } else if (b === 0x2d) state = MINUS;
              else if (b === 0x30) state = ZERO;
              else if (isDigit(b)) state = INT;
              else if (isLetter(b)) {
                word = String.fromCharCode(b);
                negative = false;
                wordAt = { line, col, byte: offset };
                state = WORD;
              } else return fail('unexpected character');
              break;
            case OBJECT_FIRST:
            case KEY:
              if (isWs(b)) break;
              if (b === 0x7d && (state === OBJECT_FIRST || stack.length >= 2)) {
                stack.pop();
                state = stack.length ? AFTER : END;
              } else if (b === 0x22) {
                stringIsKey = true;
                state = STRING;
              } else return fail('expected a key string');
              break;
            case COLON:
              if (isWs(b)) break;
              if (b !== 0x3a) return fail("expected ':'");
              state = VALUE;
              break;
            case AFTER: {
              if (isWs(b)) break;
              const top = stack[stack.length - 1];
              if (b === 0x2c) state = top === 0x7b ? KEY : NEXT;
              else if ((b === 0x5d && top === 0x5b) || (b === 0x7d && top === 0x7b)) {
                stack.pop();
                state = stack.length ? AFTER : END;
              } else return fail(top === 0x7b ? "expected ',' or '}'" : "expected ',' or ']'");
              break;
            }
            case END:
              if (!isWs(b)) return fail('unexpected content after the array');
              break;
            case STRING:
              if (b === 0x22) state = stringIsKey ? COLON : AFTER;
              else if (b === 0x5c) state = ESCAPE;
              else if (b < 0x20) return fail('control character in a string');
              else if (b >= 0x80) {
                // UTF-8: lead byte, then 1–3 continuation bytes (no overlong forms, no surrogates, ≤ U+10FFFF).
                if (b >= 0xc2 && b <= 0xdf) [utf8Left, utf8Min, utf8Max] = [1, 0x80, 0xbf];
                else if (b === 0xe0) [utf8Left, utf8Min, utf8Max] = [2, 0xa0, 0xbf];
                else if (b === 0xed) [utf8Left, utf8Min, utf8Max] = [2, 0x80, 0x9f];
                else if (b >= 0xe1 && b <= 0xef) [utf8Left, utf8Min, utf8Max] = [2, 0x80, 0xbf];
                else if (b === 0xf0) [utf8Left, utf8Min, utf8Max] = [3, 0x90, 0xbf];
                else if (b >= 0xf1 && b <= 0xf3) [utf8Left, utf8Min, utf8Max] = [3, 0x80, 0xbf];
                else if (b === 0xf4) [utf8Left, utf8Min, utf8Max] = [3, 0x80, 0x8f];
                else return fail('invalid UTF-8');
                state = UTF8;
              }
              break;
            case UTF8:
              if (b < utf8Min || b > utf8Max) return fail('invalid UTF-8');
              [utf8Min, utf8Max] = [0x80, 0xbf];
              if (--utf8Left === 0) state = STRING;
              break;
            case ESCAPE:
              if (b === 0x75) {
                state = HEX;
                hexLeft = 4;
                hexCode = 0;
              } else if (b === 0x22 || b === 0x5c || b === 0x2f || b === 0x62 || b === 0x66 || b === 0x6e || b === 0x72 || b === 0x74) {
                if (highSurrogate) return fail('a high surrogate escape without its low surrogate');
                state = STRING;
              } else return fail('invalid escape');
              break;
            case HEX: {
              const h = hexValue(b);
              if (h < 0) return fail('invalid \\u escape');
              hexCode = hexCode * 16 + h;
              if (--hexLeft > 0) break;
              const low = hexCode >= 0xdc00 && hexCode <= 0xdfff;
              const high = hexCode >= 0xd800 && hexCode <= 0xdbff;
              if (highSurrogate !== low) return fail(low ? 'a low surrogate escape without its high surrogate' : 'a high surrogate escape without its low surrogate');
              highSurrogate = high;
              state = high ? LOW_BACKSLASH : STRING;
              break;
            }
            case LOW_BACKSLASH:
              if (b !== 0x5c) return fail('a high surrogate escape without its low surrogate');
              state = ESCAPE;
              break;
            case MINUS:
              if (b === 0x30) state = ZERO;
              else if (isDigit(b)) state = INT;
              else if (isLetter(b) && stack.length >= 2) {
                word = String.fromCharCode(b);
                negative = true;
                wordAt = { line, col: col - 1, byte: offset - 1 };
                state = WORD;
              } else return fail('invalid number');
              break;
            case ZERO:
            case INT:
            case FRAC:
            case EXP_DIGITS:
              if (isDigit(b) && state !== ZERO) break;
              if (b === 0x2e && (state === ZERO || state === INT)) state = DOT;
              else if ((b === 0x65 || b === 0x45) && state !== EXP_DIGITS) state = EXP;
              else if (isDigit(b)) return fail('invalid number');
              else {
                state = AFTER;
                again = true;
              }
              break;
            case DOT:
              if (!isDigit(b)) return fail('invalid number');
              state = FRAC;
              break;
            case EXP:
              if (b === 0x2b || b === 0x2d) state = EXP_SIGN;
              else if (isDigit(b)) state = EXP_DIGITS;
              else return fail('invalid number');
              break;
            case EXP_SIGN:
              if (!isDigit(b)) return fail('invalid number');
              state = EXP_DIGITS;
              break;
            case WORD:
              if (isLetter(b) && word.length < 9) {
                word += String.fromCharCode(b);
                break;
              }
              if (!(WORDS.has(word) && !negative) && !(NON_FINITE.has(word.toLowerCase()) && stack.length >= 2)) {
                return { ...wordAt, reason: 'unexpected character' };
              }
              state = AFTER;
              again = true;
              break;
          }
        }
        // Position of the next byte: a line feed starts a line; a continuation byte adds no column,
        // a 4-byte character two (a surrogate pair in UTF-16).
        offset++;
        if (b === 0x0a) {
          line++;
          col = 1;
        } else if (b < 0x80 || b >= 0xc0) col += b >= 0xf0 ? 2 : 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (state === END) return undefined;
  return { line, col, byte: offset, reason: started ? 'unexpected end of the file' : 'expected a JSON array' };
}
