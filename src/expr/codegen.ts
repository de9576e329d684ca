// Stage 3: AST → Sql. Every value goes through literal(), every name through the scope (which
// quotes it with ident()), every operator comes from a fixed table: no text of the expression is
// ever copied into the SQL, so an expression cannot change the structure of the query.
import { join, literal, sql, trusted, type Sql } from '../sql/sql.ts';
import type { ColumnRef, Expr } from './ast.ts';
import { FUNCTION_NAMES, FUNCTIONS } from './functions.ts';
import { ExprSyntaxError } from './tokenize.ts';

export interface ExprScope {
  /** Map a (qualifier, column) reference to SQL; undefined = unknown column (an error). */
  resolve(ref: ColumnRef): Sql | undefined;
  allowAggregates: boolean;
  /** The literal for as_of(). */
  asOf: Sql;
  /** Render number and boolean literals as text ('1'), for expressions over raw text columns
   * (transformLogic), where coalesce(qty, 1) must not mix VARCHAR and INTEGER. */
  textLiterals?: boolean;
}

const OPERATOR_SQL: Readonly<Record<string, Sql>> = {
  '=': trusted('='),
  '<>': trusted('<>'),
  '<': trusted('<'),
  '<=': trusted('<='),
  '>': trusted('>'),
  '>=': trusted('>='),
  '+': trusted('+'),
  '-': trusted('-'),
  '*': trusted('*'),
  '/': trusted('/'),
  '%': trusted('%'),
  AND: trusted('AND'),
  OR: trusted('OR'),
};

function operator(op: string, offset: number): Sql {
  const s = OPERATOR_SQL[op];
  if (!s) throw new ExprSyntaxError(`unsupported operator '${op}'`, offset);
  return s;
}

function describeRef(ref: ColumnRef): string {
  return ref.dataset === undefined ? ref.column : `${ref.dataset}.${ref.column}`;
}

/** Generate SQL for a parsed expression; throws ExprSyntaxError (with offset) on semantic errors. */
export function generateSql(ast: Expr, scope: ExprScope): Sql {
  const gen = (e: Expr, inAggregate: boolean): Sql => {
    switch (e.type) {
      case 'literal':
        return scope.textLiterals && e.value !== null ? literal(String(e.value)) : literal(e.value);
      case 'column': {
        const ref: ColumnRef = e.dataset === undefined ? { column: e.column } : { dataset: e.dataset, column: e.column };
        const resolved = scope.resolve(ref);
        if (!resolved) throw new ExprSyntaxError(`unknown column ${describeRef(ref)}`, e.offset);
        return resolved;
      }
      case 'unary': {
        const arg = gen(e.arg, inAggregate);
        if (e.op === 'NOT') return sql`(NOT ${arg})`;
        return e.op === '-' ? sql`(-${arg})` : arg;
      }
      case 'binary':
      case 'logical':
        return sql`(${gen(e.left, inAggregate)} ${operator(e.op, e.offset)} ${gen(e.right, inAggregate)})`;
      case 'isNull':
        return e.negated ? sql`(${gen(e.arg, inAggregate)} IS NOT NULL)` : sql`(${gen(e.arg, inAggregate)} IS NULL)`;
      case 'in': {
        const items = join(
          e.list.map((x) => gen(x, inAggregate)),
          ', ',
        );
        return e.negated ? sql`(${gen(e.arg, inAggregate)} NOT IN (${items}))` : sql`(${gen(e.arg, inAggregate)} IN (${items}))`;
      }
      case 'between': {
        const [a, lo, hi] = [gen(e.arg, inAggregate), gen(e.low, inAggregate), gen(e.high, inAggregate)];
        return e.negated ? sql`(${a} NOT BETWEEN ${lo} AND ${hi})` : sql`(${a} BETWEEN ${lo} AND ${hi})`;
      }
      case 'call': {
        const fn = Object.hasOwn(FUNCTIONS, e.name) ? FUNCTIONS[e.name] : undefined;
        if (!fn) throw new ExprSyntaxError(`unknown function ${e.name}(); allowed: ${FUNCTION_NAMES.join(', ')}`, e.offset);
        if (fn.aggregate && !scope.allowAggregates) {
          throw new ExprSyntaxError(`aggregate function ${e.name}() is only allowed in dataset-level (reconciliation) expressions`, e.offset);
        }
        if (fn.aggregate && inAggregate) throw new ExprSyntaxError(`aggregate function ${e.name}() cannot be nested in another aggregate`, e.offset);
        if (e.star && e.name !== 'count') throw new ExprSyntaxError(`only count(*) accepts *`, e.offset);
        const n = e.args.length + (e.star ? 1 : 0);
        if (n < fn.minArgs || n > fn.maxArgs) {
          const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
          throw new ExprSyntaxError(`${e.name}() takes ${expected} argument${fn.maxArgs === 1 ? '' : 's'}, got ${n}`, e.offset);
        }
        const args = e.args.map((x) => gen(x, inAggregate || fn.aggregate));
        return fn.render(args, e.star, scope.asOf);
      }
    }
  };
  return gen(ast, false);
}
