// The expression additions for transformLogic: text functions, and literals rendered as text over raw
// (VARCHAR) physical columns, resolved through the transform scope of the contracts.
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../src/expr/index.ts';
import { buildTransformScope } from '../../../src/contracts/expr-scope.ts';

const scope = () => buildTransformScope(['first_name', 'last_name', 'Qty', 'Invoice No']);

function compile(text: string): string {
  const r = compileExpression(text, scope());
  if (!r.ok) throw new Error(`${r.message} @${r.offset}`);
  return r.sql.text;
}

describe('transformLogic expressions', () => {
  it.each([
    ['1', `'1'`],
    ['2.50', `'2.5'`],
    ["'web'", `'web'`],
    ["coalesce(Qty, 1)", `coalesce("Qty", '1')`],
    ["concat(first_name, ' ', last_name)", `concat("first_name", ' ', "last_name")`],
    ['"Invoice No"', `"Invoice No"`],
    ["nullif(Qty, '0')", `nullif("Qty", '0')`],
    ["substr(\"Invoice No\", 2)", `substr("Invoice No", '2')`],
    ["replace(Qty, ',', '.')", `replace("Qty", ',', '.')`],
    ['NULL', 'NULL'],
  ])('%s → %s', (text, expected) => {
    expect(compile(text)).toBe(expected);
  });

  it('refuses columns the file does not have, other datasets and aggregates, with the offset and the known columns', () => {
    const s = scope();
    const r = compileExpression("concat(first, ' ')", s);
    expect(r).toEqual({ ok: false, message: 'unknown column first', offset: 7 });
    expect(s.lastMiss()).toBe("a transformLogic reads the file's columns: first_name, last_name, Qty, Invoice No (list others in transformSourceObjects)");
    expect(compileExpression('customers.first_name', scope())).toMatchObject({ ok: false, message: 'unknown column customers.first_name' });
    expect(compileExpression('sum(Qty)', scope())).toMatchObject({ ok: false, offset: 0 });
    expect(compileExpression("concat(Qty, '", scope())).toMatchObject({ ok: false, message: 'unterminated string literal', offset: 12 });
  });
});
