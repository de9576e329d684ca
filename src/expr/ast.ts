// AST of the etl expression language. Every node keeps the character offset where it starts in
// the source text, so that later stages (codegen, contract lint) can point at the exact spot.

export interface ColumnRef {
  dataset?: string;
  column: string;
}

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export type Expr =
  | { type: 'literal'; value: number | string | boolean | null; offset: number }
  | { type: 'column'; dataset?: string; column: string; offset: number }
  | { type: 'unary'; op: 'NOT' | '-' | '+'; arg: Expr; offset: number }
  | { type: 'binary'; op: ComparisonOp | ArithmeticOp; left: Expr; right: Expr; offset: number }
  | { type: 'logical'; op: 'AND' | 'OR'; left: Expr; right: Expr; offset: number }
  | { type: 'isNull'; arg: Expr; negated: boolean; offset: number }
  | { type: 'in'; arg: Expr; list: Expr[]; negated: boolean; offset: number }
  | { type: 'between'; arg: Expr; low: Expr; high: Expr; negated: boolean; offset: number }
  /** `star` is true for count(*) only. */
  | { type: 'call'; name: string; args: Expr[]; star: boolean; offset: number };

/** The direct sub-expressions of a node, in source order: the one place that knows the tree's shape. */
export function childrenOf(e: Expr): Expr[] {
  switch (e.type) {
    case 'literal':
    case 'column':
      return [];
    case 'unary':
    case 'isNull':
      return [e.arg];
    case 'binary':
    case 'logical':
      return [e.left, e.right];
    case 'in':
      return [e.arg, ...e.list];
    case 'between':
      return [e.arg, e.low, e.high];
    case 'call':
      return e.args;
  }
}

/** Every column the expression reads, in order of first appearance, without duplicates. */
export function expressionRefs(ast: Expr): ColumnRef[] {
  const seen = new Set<string>();
  const out: ColumnRef[] = [];
  const visit = (e: Expr): void => {
    if (e.type === 'column') {
      const key = `${e.dataset ?? ''}\u0000${e.column}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(e.dataset === undefined ? { column: e.column } : { dataset: e.dataset, column: e.column });
      }
      return;
    }
    childrenOf(e).forEach(visit);
  };
  visit(ast);
  return out;
}

/** True when the expression yields a boolean (what a row predicate must be). */
export function isPredicate(e: Expr): boolean {
  switch (e.type) {
    case 'literal':
      return typeof e.value === 'boolean';
    case 'unary':
      return e.op === 'NOT';
    case 'binary':
      return ['=', '<>', '<', '<=', '>', '>='].includes(e.op);
    case 'logical':
    case 'isNull':
    case 'in':
    case 'between':
      return true;
    case 'column':
    case 'call':
      // A boolean column or coalesce(flag, true) may be a predicate; types are not known here.
      return true;
  }
}
