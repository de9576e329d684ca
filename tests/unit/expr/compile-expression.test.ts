import { describe, expect, it } from 'vitest';
import { compileExpression, expressionRefs, parseExpression, type ExprScope } from '../../../src/expr/index.ts';
import { ident, literal, qualified, sql } from '../../../src/sql/sql.ts';

/** Columns of "orders" (unqualified) and "customers" (qualified), as the contract lint scope does. */
function scope(allowAggregates = false): ExprScope {
  const own = new Set(['order_id', 'quantity', 'order_date', 'price', 'amount', 'status', 'weird "col"']);
  const customers = new Set(['registration_date', 'customer_id']);
  return {
    allowAggregates,
    asOf: sql`DATE ${literal('2026-11-20')}`,
    resolve: (ref) => {
      if (ref.dataset === undefined || ref.dataset === 'orders') return own.has(ref.column) ? ident(ref.column) : undefined;
      if (ref.dataset === 'customers' && customers.has(ref.column)) return qualified('customers', ref.column);
      return undefined;
    },
  };
}

function compile(text: string, allowAggregates = false): string {
  const r = compileExpression(text, scope(allowAggregates));
  if (!r.ok) throw new Error(`${r.message} @${r.offset}`);
  return r.sql.text;
}

function failure(text: string, allowAggregates = false): { message: string; offset: number } {
  const r = compileExpression(text, scope(allowAggregates));
  if (r.ok) throw new Error(`expected a failure, got ${r.sql.text}`);
  return { message: r.message, offset: r.offset };
}

describe('compileExpression: golden SQL', () => {
  it.each([
    ['date(order_date) <= as_of()', `(TRY_CAST("order_date" AS DATE) <= DATE '2026-11-20')`],
    ['date(order_date) >= date(customers.registration_date)', `(TRY_CAST("order_date" AS DATE) >= TRY_CAST("customers"."registration_date" AS DATE))`],
    ['quantity > 0 and price >= 0 OR status is null', `((("quantity" > 0) AND ("price" >= 0)) OR ("status" IS NULL))`],
    ['NOT (quantity = 1)', `(NOT ("quantity" = 1))`],
    ['!(quantity == 1) && status != \'x\'', `((NOT ("quantity" = 1)) AND ("status" <> 'x'))`],
    ['quantity <> 2 || quantity % 2 = 0', `(("quantity" <> 2) OR (("quantity" % 2) = 0))`],
    ['status IN (\'a\', \'b\')', `("status" IN ('a', 'b'))`],
    ['status not in (\'a\')', `("status" NOT IN ('a'))`],
    ['quantity BETWEEN 1 AND 10 AND price > 0', `(("quantity" BETWEEN 1 AND 10) AND ("price" > 0))`],
    ['quantity not between -1 and 2.5', `("quantity" NOT BETWEEN (-1) AND 2.5::DOUBLE)`],
    ['status is not null', `("status" IS NOT NULL)`],
    ['1 + 2 * 3 - 4 / 2', `((1 + (2 * 3)) - (4 / 2))`],
    ['abs(round(price, 2)) >= coalesce(price, 0, 1)', `(abs(round("price", 2)) >= coalesce("price", 0, 1))`],
    ['lower(trim(status)) = upper(\'it\'\'s\')', `(lower(trim("status")) = upper('it''s'))`],
    ['length(status) > 0 and year(order_date) = 2026 and month(order_date) = 1', `(((length("status") > 0) AND (year("order_date") = 2026)) AND (month("order_date") = 1))`],
    ['true = FALSE or NULL is null', `((TRUE = FALSE) OR (NULL IS NULL))`],
    ['"weird ""col""" = 1', `("weird ""col""" = 1)`],
    ['orders.quantity > 0', `("quantity" > 0)`],
  ])('%s', (text, expected) => {
    expect(compile(text)).toBe(expected);
  });

  it('compiles aggregates when the caller allows them', () => {
    expect(compile('sum(amount)', true)).toBe('sum("amount")');
    expect(compile('count(*) + count(order_id) + count_distinct(order_id)', true)).toBe('((count(*) + count("order_id")) + count(DISTINCT "order_id"))');
    expect(compile('abs(sum(amount) - avg(price)) / max(quantity) - min(quantity)', true)).toBe('((abs((sum("amount") - avg("price"))) / max("quantity")) - min("quantity"))');
  });

  it('returns the refs in order of first appearance, without duplicates', () => {
    const r = compileExpression('date(order_date) >= date(customers.registration_date) and order_date is not null', scope());
    expect(r.ok && r.refs).toEqual([{ column: 'order_date' }, { dataset: 'customers', column: 'registration_date' }]);
  });
});

describe('compileExpression: errors carry the character offset', () => {
  it.each([
    ['quantity >', 'expected', 10],
    ['', 'empty expression', 0],
    ['quantity > 0 extra', "unexpected 'extra'", 13],
    ["status = 'open", 'unterminated string literal', 9],
    ['quantity # 2', "unexpected character '#'", 9],
    ['(quantity > 0', "expected ')'", 13],
    ['frobnicate(quantity) > 0', 'unknown function frobnicate()', 0],
    ['quantity > 0 and nope = 1', 'unknown column nope', 17],
    ['customers.nope = 1', 'unknown column customers.nope', 0],
    ['sum(amount) > 0', 'aggregate function sum() is only allowed', 0],
    ['round(price, 1, 2) > 0', 'round() takes 1 to 2 arguments, got 3', 0],
    ['as_of(1) > 0', 'as_of() takes 0 arguments, got 1', 0],
    ['1 < quantity < 3', 'comparisons cannot be chained', 13],
    ['quantity BETWEEN 1 OR 2', 'expected AND', 19],
    ['a.b.c = 1', 'at most two parts', 3],
    ['12abc = 1', "invalid number '12a'", 0],
  ])('%s', (text, message, offset) => {
    const f = failure(text);
    expect(f.message).toContain(message);
    expect(f.offset).toBe(offset);
  });

  it('refuses nested aggregates', () => {
    expect(failure('sum(max(amount))', true)).toEqual({ message: 'aggregate function max() cannot be nested in another aggregate', offset: 4 });
  });
});

describe('compileExpression: injection attempts stay literals or fail', () => {
  it("a quote-breaking string is re-escaped as one literal", () => {
    expect(compile("status = 'a''); DROP TABLE t; --'")).toBe(`("status" = 'a''); DROP TABLE t; --')`);
  });
  it('a statement after the expression is a syntax error, not SQL', () => {
    expect(failure("status = 'a'); DROP TABLE t; --")).toEqual({ message: "unexpected character ';'", offset: 13 });
    expect(failure('quantity > 0; DROP TABLE t').message).toBe("unexpected character ';'");
    // `--` is not a comment: it is minus minus, and `comment` an unknown column.
    expect(failure('quantity > 0 -- comment')).toEqual({ message: 'unknown column comment', offset: 16 });
  });
  it('a quoted identifier cannot escape its quotes', () => {
    const r = compileExpression('"x"" OR 1=1 --" = 1', {
      allowAggregates: false,
      asOf: literal('2026-01-01'),
      resolve: (ref) => ident(ref.column),
    });
    expect(r.ok && r.sql.text).toBe(`("x"" OR 1=1 --" = 1)`);
  });
  it('functions outside the whitelist are refused (no read_csv, getenv …)', () => {
    expect(failure("read_csv('/etc/passwd') is null").message).toContain('unknown function read_csv()');
    expect(failure("getenv('HOME') = 'x'").message).toContain('unknown function getenv()');
    expect(failure('constructor(1) = 1').message).toContain('unknown function constructor()');
  });
  it('NUL characters are refused with their offset', () => {
    expect(failure("status = 'a\u0000b'")).toEqual({ message: 'NUL character in expression', offset: 11 });
  });
});

describe('parseExpression', () => {
  it('builds a qualified column reference and case-insensitive keywords', () => {
    const r = parseExpression('customers.registration_date Is NoT nUlL');
    expect(r).toEqual({
      ok: true,
      ast: { type: 'isNull', negated: true, offset: 28, arg: { type: 'column', dataset: 'customers', column: 'registration_date', offset: 0 } },
    });
  });
  it('keeps SQL precedence: AND binds tighter than OR, NOT tighter than AND', () => {
    const r = parseExpression('a OR NOT b AND c');
    expect(r.ok && r.ast.type === 'logical' && r.ast.op).toBe('OR');
    expect(r.ok && expressionRefs(r.ast)).toEqual([{ column: 'a' }, { column: 'b' }, { column: 'c' }]);
  });
  it('parses numbers, strings and the empty string', () => {
    expect(parseExpression("''")).toEqual({ ok: true, ast: { type: 'literal', value: '', offset: 0 } });
    expect(parseExpression('1.5e3')).toEqual({ ok: true, ast: { type: 'literal', value: 1500, offset: 0 } });
  });
});

describe('text tests for business filters', () => {
  it('compiles starts_with, ends_with, contains and regexp_matches to their DuckDB functions, values as literals', async () => {
    const r = compileExpression(`NOT starts_with(order_id, 'C') AND regexp_matches(status, '^[0-9]{5}') AND contains(status, 'x''y') AND ends_with(order_id, 'z')`, scope());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.sql.text).toBe(`((((NOT starts_with("order_id", 'C')) AND regexp_matches("status", '^[0-9]{5}')) AND contains("status", 'x''y')) AND ends_with("order_id", 'z'))`);
  });
});
