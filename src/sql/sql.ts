// The one place that produces SQL text. Everything user-supplied reaches SQL through here:
// identifiers are quoted, values become escaped literals. Nothing else in the code base builds
// SQL by string concatenation; use the `sql` tagged template and the helpers below.

/** A fragment of trusted SQL text. Only this module can construct one from a raw string. */
export class Sql {
  readonly text: string;
  private constructor(text: string) {
    this.text = text;
  }
  /** @internal used by the helpers of this module only */
  static trusted(text: string): Sql {
    return new Sql(text);
  }
  toString(): string {
    return this.text;
  }
}

export type SqlValue = string | number | bigint | boolean | null;
export type SqlPart = Sql | SqlValue;

function assertNoNul(s: string, what: string): void {
  if (s.includes('\u0000')) throw new TypeError(`${what} contains a NUL character`);
}

/** A quoted identifier: "name" with embedded quotes doubled. Always quoted, so case and keywords are kept. */
export function ident(name: string): Sql {
  assertNoNul(name, 'identifier');
  if (name.length === 0) throw new TypeError('empty identifier');
  return Sql.trusted(`"${name.replaceAll('"', '""')}"`);
}

/** A dotted name, every part quoted: schema.table or table.column. */
export function qualified(...parts: string[]): Sql {
  return Sql.trusted(parts.map((p) => ident(p).text).join('.'));
}

/** A literal value, escaped for DuckDB (standard SQL quoting: '' inside strings, E-strings never used). */
export function literal(value: SqlValue): Sql {
  if (value === null) return Sql.trusted('NULL');
  switch (typeof value) {
    case 'boolean':
      return Sql.trusted(value ? 'TRUE' : 'FALSE');
    case 'bigint':
      return Sql.trusted(value.toString());
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`non-finite number ${value} cannot be a SQL literal`);
      // Integers stay integers; other numbers are DOUBLE so that comparisons never truncate.
      return Sql.trusted(Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : `${value}::DOUBLE`);
    case 'string':
      assertNoNul(value, 'string literal');
      return Sql.trusted(`'${value.replaceAll("'", "''")}'`);
  }
}

function render(part: SqlPart): string {
  return part instanceof Sql ? part.text : literal(part).text;
}

/**
 * Tagged template: fragments (Sql) are inlined, every other interpolated value becomes a literal.
 *   sql`SELECT ${ident(col)} FROM ${ident(table)} WHERE x = ${userValue}`
 */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): Sql {
  let out = strings[0] ?? '';
  parts.forEach((p, i) => {
    out += render(p) + (strings[i + 1] ?? '');
  });
  return Sql.trusted(out);
}

/** Join fragments with a separator (itself trusted text written in code, e.g. ', ' or ' AND '). */
export function join(parts: readonly SqlPart[], separator: ', ' | ' AND ' | ' OR ' | ' UNION ALL ' | ' UNION ALL BY NAME ' | ',\n  ' | '\n' | ' || ' | ' + '): Sql {
  return Sql.trusted(parts.map(render).join(separator));
}

/** A list of literals, for IN (...). */
export function list(values: readonly SqlValue[]): Sql {
  return join(values.map((v) => literal(v)), ', ');
}

/**
 * SQL text written by the project itself (model files in pipeline/, fixed statements in code).
 * Never pass user input here: that is what ident() and literal() are for.
 */
export function trusted(text: string): Sql {
  return Sql.trusted(text);
}

/** A path for read_csv / COPY TO: a string literal (paths are values, not code). */
export function path(p: string): Sql {
  return literal(p);
}
