// Stage 2: tokens → AST, by recursive descent. Precedence, loosest first (as in SQL):
//   OR < AND < NOT < comparison / IS NULL / IN / BETWEEN < + - < * / % < unary - + < primary
import type { ArithmeticOp, ComparisonOp, Expr } from './ast.ts';
import { ExprSyntaxError, tokenize, type Token } from './tokenize.ts';

export type ParseResult = { ok: true; ast: Expr } | { ok: false; message: string; offset: number };

/** Parse one expression; a syntax error is returned (never thrown) with its character offset. */
export function parseExpression(text: string): ParseResult {
  try {
    const parser = new Parser(tokenize(text));
    const ast = parser.parseAll();
    return { ok: true, ast };
  } catch (err) {
    if (err instanceof ExprSyntaxError) return { ok: false, message: err.message, offset: err.offset };
    throw err;
  }
}

const COMPARISON = new Set(['=', '<>', '<', '<=', '>', '>=']);

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of expression';
  if (t.type === 'string') return `string '${t.value}'`;
  return `'${t.value}'`;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    if (this.peek().type === 'eof') throw new ExprSyntaxError('empty expression', 0);
    const e = this.parseOr();
    const t = this.peek();
    if (t.type !== 'eof') throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.offset);
    return e;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  private isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'keyword' && t.value === word;
  }
  private expectKeyword(word: string): Token {
    const t = this.next();
    if (t.type !== 'keyword' || t.value !== word) throw new ExprSyntaxError(`expected ${word} but found ${describe(t)}`, t.offset);
    return t;
  }
  private expect(type: Token['type'], what: string): Token {
    const t = this.next();
    if (t.type !== type) throw new ExprSyntaxError(`expected ${what} but found ${describe(t)}`, t.offset);
    return t;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKeyword('OR')) {
      const op = this.next();
      left = { type: 'logical', op: 'OR', left, right: this.parseAnd(), offset: op.offset };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKeyword('AND')) {
      const op = this.next();
      left = { type: 'logical', op: 'AND', left, right: this.parseNot(), offset: op.offset };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKeyword('NOT')) {
      const op = this.next();
      return { type: 'unary', op: 'NOT', arg: this.parseNot(), offset: op.offset };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.type === 'op' && COMPARISON.has(t.value)) {
      this.next();
      const right = this.parseAdditive();
      const after = this.peek();
      if (after.type === 'op' && COMPARISON.has(after.value)) {
        throw new ExprSyntaxError(`comparisons cannot be chained; use AND`, after.offset);
      }
      return { type: 'binary', op: t.value as ComparisonOp, left, right, offset: t.offset };
    }
    if (this.isKeyword('IS')) {
      this.next();
      const negated = this.isKeyword('NOT');
      if (negated) this.next();
      this.expectKeyword('NULL');
      return { type: 'isNull', arg: left, negated, offset: t.offset };
    }
    const negated = this.isKeyword('NOT') && (this.isKeyword('IN', 1) || this.isKeyword('BETWEEN', 1));
    if (negated) this.next();
    if (this.isKeyword('IN')) {
      this.next();
      this.expect('(', "'(' after IN");
      const list: Expr[] = [this.parseAdditive()];
      while (this.peek().type === ',') {
        this.next();
        list.push(this.parseAdditive());
      }
      this.expect(')', "')' to close the IN list");
      return { type: 'in', arg: left, list, negated, offset: t.offset };
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.parseAdditive();
      this.expectKeyword('AND');
      const high = this.parseAdditive();
      return { type: 'between', arg: left, low, high, negated, offset: t.offset };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || (t.value !== '+' && t.value !== '-')) return left;
      this.next();
      left = { type: 'binary', op: t.value as ArithmeticOp, left, right: this.parseMultiplicative(), offset: t.offset };
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const isMul = t.type === '*' || (t.type === 'op' && (t.value === '/' || t.value === '%'));
      if (!isMul) return left;
      this.next();
      left = { type: 'binary', op: t.value as ArithmeticOp, left, right: this.parseUnary(), offset: t.offset };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      this.next();
      return { type: 'unary', op: t.value as '-' | '+', arg: this.parseUnary(), offset: t.offset };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'number': {
        const value = Number(t.value);
        if (!Number.isFinite(value)) throw new ExprSyntaxError(`number out of range '${t.value}'`, t.offset);
        return { type: 'literal', value, offset: t.offset };
      }
      case 'string':
        return { type: 'literal', value: t.value, offset: t.offset };
      case 'keyword':
        if (t.value === 'NULL') return { type: 'literal', value: null, offset: t.offset };
        if (t.value === 'TRUE' || t.value === 'FALSE') return { type: 'literal', value: t.value === 'TRUE', offset: t.offset };
        throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.offset);
      case '(': {
        const e = this.parseOr();
        this.expect(')', "')'");
        return e;
      }
      case 'ident':
        if (this.peek().type === '(') return this.parseCall(t);
        if (this.peek().type === '.') {
          this.next();
          const col = this.expect('ident', 'a column name after the dot');
          if (this.peek().type === '.') throw new ExprSyntaxError('a column reference has at most two parts: dataset.column', this.peek().offset);
          return { type: 'column', dataset: t.value, column: col.value, offset: t.offset };
        }
        return { type: 'column', column: t.value, offset: t.offset };
      default:
        throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.offset);
    }
  }

  private parseCall(name: Token): Expr {
    this.next(); // (
    const args: Expr[] = [];
    let star = false;
    if (this.peek().type === '*' && this.peek(1).type === ')') {
      this.next();
      star = true;
    } else if (this.peek().type !== ')') {
      args.push(this.parseOr());
      while (this.peek().type === ',') {
        this.next();
        args.push(this.parseOr());
      }
    }
    this.expect(')', `')' to close ${name.value}(`);
    return { type: 'call', name: name.value.toLowerCase(), args, star, offset: name.offset };
  }
}
