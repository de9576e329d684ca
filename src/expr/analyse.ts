// Static questions about a parsed expression that callers ask before running it.
import type { Expr } from './ast.ts';
import { FUNCTIONS } from './functions.ts';

/** Column references not inside an aggregate: a dataset-level expression must have none. */
export function columnsOutsideAggregates(ast: Expr): { column: string; dataset?: string; offset: number }[] {
  const out: { column: string; dataset?: string; offset: number }[] = [];
  const visit = (e: Expr): void => {
    switch (e.type) {
      case 'literal':
        return;
      case 'column':
        out.push({ column: e.column, ...(e.dataset !== undefined ? { dataset: e.dataset } : {}), offset: e.offset });
        return;
      case 'call':
        if (Object.hasOwn(FUNCTIONS, e.name) && FUNCTIONS[e.name]?.aggregate) return;
        return e.args.forEach(visit);
      case 'unary':
      case 'isNull':
        return visit(e.arg);
      case 'binary':
      case 'logical':
        visit(e.left);
        return visit(e.right);
      case 'in':
        visit(e.arg);
        return e.list.forEach(visit);
      case 'between':
        visit(e.arg);
        visit(e.low);
        return visit(e.high);
    }
  };
  visit(ast);
  return out;
}
