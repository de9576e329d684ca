// Document paths as text (own module: formatting a path needs no YAML parser).
import type { DocPath } from './parse-yaml.ts';

export function pathKey(path: DocPath): string {
  return path.map((p) => String(p)).join('\u0000');
}

/** `schema[0].properties[2].name` */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}
