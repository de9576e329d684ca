// DuckDB type names (as DESCRIBE prints them for a Parquet file) parsed into a small tree, so that a
// declared logicalType can be compared with a nested column: `BIGINT[]`, `STRUCT(a INTEGER, "b c" VARCHAR)`,
// `MAP(VARCHAR, INTEGER)`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME ZONE`.

export type DuckType =
  | { kind: 'scalar'; name: string }
  | { kind: 'list'; element: DuckType }
  | { kind: 'struct'; fields: { name: string; type: DuckType }[] }
  | { kind: 'map'; key: DuckType; value: DuckType };

/** Split on commas at depth 0 (outside parentheses and double quotes). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** A struct field: `name TYPE` or `"quoted ""name""" TYPE`. */
function parseField(s: string): { name: string; type: DuckType } {
  if (s.startsWith('"')) {
    let i = 1;
    let name = '';
    while (i < s.length) {
      if (s[i] === '"' && s[i + 1] === '"') {
        name += '"';
        i += 2;
      } else if (s[i] === '"') break;
      else name += s[i++];
    }
    return { name, type: parseDuckType(s.slice(i + 1)) };
  }
  const space = s.search(/\s/);
  return { name: s.slice(0, space), type: parseDuckType(s.slice(space + 1)) };
}

function inner(s: string, prefix: string): string {
  return s.slice(prefix.length, s.lastIndexOf(')'));
}

export function parseDuckType(text: string): DuckType {
  const s = text.trim();
  const upper = s.toUpperCase();
  // Arrays bind last: `STRUCT(a INTEGER)[]` is a list of structs; `INTEGER[3]` a fixed-size array.
  const arr = /\[\d*\]$/.exec(s);
  if (arr) return { kind: 'list', element: parseDuckType(s.slice(0, arr.index)) };
  if (upper.startsWith('STRUCT(')) return { kind: 'struct', fields: splitTopLevel(inner(s, 'STRUCT(')).map(parseField) };
  if (upper.startsWith('MAP(')) {
    const [k, v] = splitTopLevel(inner(s, 'MAP('));
    return { kind: 'map', key: parseDuckType(k ?? 'VARCHAR'), value: parseDuckType(v ?? 'VARCHAR') };
  }
  // Parameters (DECIMAL(10,2), VARCHAR(20), ENUM('a','b')) do not change the family of a scalar.
  const paren = s.indexOf('(');
  return { kind: 'scalar', name: (paren >= 0 ? s.slice(0, paren) : s).trim().toUpperCase() };
}

export function formatDuckType(t: DuckType): string {
  switch (t.kind) {
    case 'scalar':
      return t.name;
    case 'list':
      return `${formatDuckType(t.element)}[]`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${f.name} ${formatDuckType(f.type)}`).join(', ')})`;
    case 'map':
      return `MAP(${formatDuckType(t.key)}, ${formatDuckType(t.value)})`;
  }
}
