// Static questions about a parsed expression that callers ask before running it.
import { childrenOf, type Expr } from './ast.ts';
import { FUNCTIONS } from './functions.ts';

/** Column references not inside an aggregate: a dataset-level expression must have none. */
export function columnsOutsideAggregates(ast: Expr): { column: string; dataset?: string; offset: number }[] {
  const out: { column: string; dataset?: string; offset: number }[] = [];
  const visit = (e: Expr): void => {
    if (e.type === 'column') {
      out.push({ column: e.column, ...(e.dataset !== undefined ? { dataset: e.dataset } : {}), offset: e.offset });
      return;
    }
    if (e.type === 'call' && Object.hasOwn(FUNCTIONS, e.name) && FUNCTIONS[e.name]?.aggregate) return;
    childrenOf(e).forEach(visit);
  };
  visit(ast);
  return out;
}
