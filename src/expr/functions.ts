// The whitelist of functions an expression may call, and the SQL each one becomes.
// Anything not listed here is refused by codegen, so an expression cannot reach arbitrary
// DuckDB functions (read_csv, getenv, …).
import { join, sql, type Sql } from '../sql/sql.ts';

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  aggregate: boolean;
  /** `star` is true for count(*). */
  render(args: Sql[], star: boolean, asOf: Sql): Sql;
}

const scalar = (minArgs: number, maxArgs: number, render: FunctionSpec['render']): FunctionSpec => ({ minArgs, maxArgs, aggregate: false, render });
const aggregate = (render: FunctionSpec['render'], minArgs = 1): FunctionSpec => ({ minArgs, maxArgs: 1, aggregate: true, render });
const arg = (args: Sql[], i: number): Sql => args[i] as Sql;

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  abs: scalar(1, 1, (a) => sql`abs(${arg(a, 0)})`),
  round: scalar(1, 2, (a) => (a.length === 2 ? sql`round(${arg(a, 0)}, ${arg(a, 1)})` : sql`round(${arg(a, 0)})`)),
  coalesce: scalar(1, 32, (a) => sql`coalesce(${join(a, ', ')})`),
  nullif: scalar(2, 2, (a) => sql`nullif(${arg(a, 0)}, ${arg(a, 1)})`),
  // concat skips NULL arguments (concat('a', NULL) = 'a'), as in most SQL dialects' concat().
  concat: scalar(1, 32, (a) => sql`concat(${join(a, ', ')})`),
  substr: scalar(2, 3, (a) => (a.length === 3 ? sql`substr(${arg(a, 0)}, ${arg(a, 1)}, ${arg(a, 2)})` : sql`substr(${arg(a, 0)}, ${arg(a, 1)})`)),
  replace: scalar(3, 3, (a) => sql`replace(${arg(a, 0)}, ${arg(a, 1)}, ${arg(a, 2)})`),
  lower: scalar(1, 1, (a) => sql`lower(${arg(a, 0)})`),
  upper: scalar(1, 1, (a) => sql`upper(${arg(a, 0)})`),
  length: scalar(1, 1, (a) => sql`length(${arg(a, 0)})`),
  trim: scalar(1, 1, (a) => sql`trim(${arg(a, 0)})`),
  // Text tests for business filters (an invoice number starting with C, a stock code of five digits).
  starts_with: scalar(2, 2, (a) => sql`starts_with(${arg(a, 0)}, ${arg(a, 1)})`),
  ends_with: scalar(2, 2, (a) => sql`ends_with(${arg(a, 0)}, ${arg(a, 1)})`),
  contains: scalar(2, 2, (a) => sql`contains(${arg(a, 0)}, ${arg(a, 1)})`),
  // A search (anchor with ^…$ for a whole match), RE2 syntax: linear time, no catastrophic backtracking.
  regexp_matches: scalar(2, 2, (a) => sql`regexp_matches(${arg(a, 0)}, ${arg(a, 1)})`),
  // TRY_CAST: an unparsable text is NULL (the rule then cannot hold), never a query that aborts the run.
  date: scalar(1, 1, (a) => sql`TRY_CAST(${arg(a, 0)} AS DATE)`),
  year: scalar(1, 1, (a) => sql`year(${arg(a, 0)})`),
  month: scalar(1, 1, (a) => sql`month(${arg(a, 0)})`),
  as_of: scalar(0, 0, (_a, _s, asOf) => asOf),
  sum: aggregate((a) => sql`sum(${arg(a, 0)})`),
  avg: aggregate((a) => sql`avg(${arg(a, 0)})`),
  min: aggregate((a) => sql`min(${arg(a, 0)})`),
  max: aggregate((a) => sql`max(${arg(a, 0)})`),
  count: aggregate((a, star) => (star ? sql`count(*)` : sql`count(${arg(a, 0)})`), 0),
  count_distinct: aggregate((a) => sql`count(DISTINCT ${arg(a, 0)})`),
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS).sort();
