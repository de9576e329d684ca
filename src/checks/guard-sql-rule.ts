// SQL quality rules (`type: sql`) are user SQL, so they are parsed by DuckDB's own parser
// (json_serialize_sql) and accepted only as ONE read-only SELECT that reads the dataset's relation
// and nothing else: no other table, no table function (read_csv, glob, …), no COPY / INSERT /
// ATTACH / PRAGMA (those do not even serialize). The accepted AST is rewritten so that the table
// reference points at a view of the relation, and turned back into SQL by DuckDB
// (json_deserialize_sql) — the text that runs is DuckDB's rendering of a checked tree.
import type { Engine } from '../engine/engine.ts';
import { sql, trusted, type Sql } from '../sql/sql.ts';

export type GuardResult = { ok: true; sql: Sql } | { ok: false; message: string };

/** The view each accepted query reads (created by the caller over the dataset's relation). */
export const RULE_RELATION = '__etl_rule_relation';

const PLACEHOLDERS = ['${table}', '${object}', '${model}', '{table}', '{object}', '{model}'];
/** Scalar functions with effects outside the query (environment, sequences, random state). */
const DENIED_FUNCTIONS = new Set(['getenv', 'nextval', 'currval', 'setval', 'setseed', 'current_setting', 'read_text', 'read_blob']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

class Refusal extends Error {}

const isObject = (x: Json): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

function cteNames(node: JsonObject): string[] {
  const map = isObject(node['cte_map'] ?? null) ? (node['cte_map'] as JsonObject)['map'] : undefined;
  if (!Array.isArray(map)) return [];
  return map.flatMap((e) => (isObject(e) && typeof e['key'] === 'string' ? [e['key'].toLowerCase()] : []));
}

/** Check (and rewrite in place) every table reference of the AST. */
function visit(x: Json, allowed: ReadonlySet<string>, ctes: ReadonlySet<string>): void {
  if (Array.isArray(x)) {
    for (const y of x) visit(y, allowed, ctes);
    return;
  }
  if (!isObject(x)) return;
  let scope = ctes;
  const names = cteNames(x);
  if (names.length > 0) {
    // A CTE body sees only the CTEs defined before it, so `WITH t AS (SELECT * FROM t)` cannot
    // smuggle in a real table named like a CTE.
    const map = (x['cte_map'] as JsonObject)['map'] as Json[];
    map.forEach((entry, i) => visit(isObject(entry) ? (entry['value'] ?? null) : null, allowed, new Set([...ctes, ...names.slice(0, i)])));
    scope = new Set([...ctes, ...names]);
  }
  if (x['type'] === 'TABLE_FUNCTION') {
    const fn = isObject(x['function'] ?? null) ? (x['function'] as JsonObject)['function_name'] : undefined;
    throw new Refusal(`reads a table function${typeof fn === 'string' ? ` (${fn})` : ''}; only the dataset's table may be read`);
  }
  if (x['type'] === 'BASE_TABLE') {
    const name = String(x['table_name'] ?? '').toLowerCase();
    const qualified = Boolean(x['schema_name']) || Boolean(x['catalog_name']);
    if (!qualified && scope.has(name)) return;
    if (qualified || !allowed.has(name)) throw new Refusal(`reads table ${String(x['table_name'])}; only the dataset's table may be read`);
    x['table_name'] = RULE_RELATION;
    return;
  }
  if (x['class'] === 'FUNCTION' && typeof x['function_name'] === 'string' && DENIED_FUNCTIONS.has(x['function_name'].toLowerCase())) {
    throw new Refusal(`calls ${x['function_name']}(), which is not allowed in a quality rule`);
  }
  for (const [k, v] of Object.entries(x)) if (k !== 'cte_map') visit(v, allowed, scope);
}

/**
 * Accept or refuse an SQL rule. `object` is the contract's schema object name: the query may name
 * it, or use ${table} / {table} / ${object} / {object} / ${model} / {model}.
 */
export async function guardSqlRule(engine: Engine, query: string, object: string): Promise<GuardResult> {
  if (query.includes('\u0000')) return { ok: false, message: 'refused: the query contains a NUL character' };
  let text = query;
  for (const p of PLACEHOLDERS) text = text.replaceAll(p, RULE_RELATION);
  // The query travels as an escaped string literal: it is data for the parser here, not code.
  const serialized = await engine.tryScalar(sql`SELECT json_serialize_sql(${text})`);
  if (!serialized.ok) return { ok: false, message: `refused: ${serialized.error}` };
  const ast = JSON.parse(String(serialized.value)) as JsonObject;
  if (ast['error'] === true) {
    const why = String(ast['error_message'] ?? 'cannot be parsed');
    return { ok: false, message: `refused: not one read-only SELECT (${why})` };
  }
  const statements = ast['statements'];
  if (!Array.isArray(statements) || statements.length !== 1) {
    return { ok: false, message: `refused: an SQL rule must be exactly one SELECT statement, got ${Array.isArray(statements) ? statements.length : 0}` };
  }
  try {
    visit(statements, new Set([object.toLowerCase(), RULE_RELATION]), new Set());
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, message: `refused: ${err.message}` };
    throw err;
  }
  const rendered = await engine.tryScalar(sql`SELECT json_deserialize_sql(${JSON.stringify(ast)})`);
  if (!rendered.ok) return { ok: false, message: `refused: ${rendered.error}` };
  // DuckDB's rendering of the checked AST: the only user-derived SQL the project ever runs.
  return { ok: true, sql: trusted(String(rendered.value)) };
}
