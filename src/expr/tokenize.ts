// Stage 1: text → tokens. Keywords are case-insensitive; identifiers keep their case.

export type TokenType = 'number' | 'string' | 'ident' | 'keyword' | 'op' | '(' | ')' | ',' | '.' | '*' | 'eof';

export interface Token {
  type: TokenType;
  /** Keywords upper-cased; && || ! mapped to AND OR NOT; == → =, != → <>. */
  value: string;
  offset: number;
}

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'TRUE', 'FALSE']);
// Longest first so that `<=` wins over `<`.
const OPERATORS: [string, string][] = [
  ['<>', '<>'],
  ['!=', '<>'],
  ['<=', '<='],
  ['>=', '>='],
  ['==', '='],
  ['&&', 'AND'],
  ['||', 'OR'],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
  ['+', '+'],
  ['-', '-'],
  ['/', '/'],
  ['%', '%'],
  ['!', 'NOT'],
];

export function tokenize(text: string): Token[] {
  // SQL text cannot carry NUL; refuse it here rather than fail later in the renderer.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new ExprSyntaxError('NUL character in expression', nul);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
      const num = m?.[0] ?? ch;
      i += num.length;
      if (/[A-Za-z_]/.test(text[i] ?? '')) throw new ExprSyntaxError(`invalid number '${num}${text[i]}'`, start);
      tokens.push({ type: 'number', value: num, offset: start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      // 'string' with '' as the escaped quote; "identifier" with "" likewise.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new ExprSyntaxError(ch === "'" ? 'unterminated string literal' : 'unterminated quoted identifier', start);
        }
        if (text[i] === ch) {
          if (text[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      if (ch === '"' && value.length === 0) throw new ExprSyntaxError('empty quoted identifier', start);
      tokens.push({ type: ch === "'" ? 'string' : 'ident', value, offset: start });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? ch;
      i += word.length;
      const upper = word.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { type: 'keyword', value: upper, offset: start } : { type: 'ident', value: word, offset: start });
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '.' || ch === '*') {
      tokens.push({ type: ch, value: ch, offset: start });
      i++;
      continue;
    }
    const op = OPERATORS.find(([src]) => text.startsWith(src, i));
    if (op) {
      const [src, value] = op;
      i += src.length;
      tokens.push(value === 'AND' || value === 'OR' || value === 'NOT' ? { type: 'keyword', value, offset: start } : { type: 'op', value, offset: start });
      continue;
    }
    throw new ExprSyntaxError(`unexpected character '${ch}'`, start);
  }
  tokens.push({ type: 'eof', value: '', offset: text.length });
  return tokens;
}
