// The etl expression language for custom rules (`type: custom, engine: etl`):
// text → tokens (tokenize.ts) → AST (parse.ts, ast.ts) → Sql (codegen.ts, functions.ts).
import { expressionRefs, type ColumnRef } from './ast.ts';
import { generateSql, type ExprScope } from './codegen.ts';
import { parseExpression } from './parse.ts';
import { ExprSyntaxError } from './tokenize.ts';
import type { Sql } from '../sql/sql.ts';

export type { ColumnRef, Expr } from './ast.ts';
export type { ExprScope } from './codegen.ts';
export type { ParseResult } from './parse.ts';
export { expressionRefs, isPredicate } from './ast.ts';
export { parseExpression } from './parse.ts';
export { FUNCTION_NAMES } from './functions.ts';
export { columnsOutsideAggregates } from './analyse.ts';

export type CompileResult = { ok: true; sql: Sql; refs: ColumnRef[] } | { ok: false; message: string; offset: number };

/** Parse and compile an expression against a scope; problems are returned with their character offset. */
export function compileExpression(text: string, scope: ExprScope): CompileResult {
  const parsed = parseExpression(text);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, sql: generateSql(parsed.ast, scope), refs: expressionRefs(parsed.ast) };
  } catch (err) {
    if (err instanceof ExprSyntaxError) return { ok: false, message: err.message, offset: err.offset };
    throw err;
  }
}
