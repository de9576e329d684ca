// A source path with a glob (`orders/*.csv`, `exports/**/lines-*.csv`, `part-?.parquet`) → the sorted
// files that match, read from the file system (a plan is made before any engine exists). `*` and `?`
// stay within one folder, `**` crosses folders, `[abc]` is a character class, as in DuckDB's glob.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function list(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() || (d.isSymbolicLink() && statSync(join(dir, d.name)).isDirectory()) }));
  } catch {
    return [];
  }
}

/** Files matching `pattern` (absolute or relative to the working directory), sorted; [] when none. */
export function matchFiles(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const firstGlob = parts.findIndex(isGlob);
  if (firstGlob === -1) {
    try {
      return statSync(pattern).isFile() ? [pattern] : [];
    } catch {
      return [];
    }
  }
  const base = parts.slice(0, firstGlob).join(sep) || (pattern.startsWith('/') ? '/' : '.');
  const out: string[] = [];
  const walk = (dir: string, rest: string[]): void => {
    const [head, ...tail] = rest;
    if (head === undefined) return;
    if (head === '**') {
      walk(dir, tail);
      for (const e of list(dir)) if (e.dir) walk(join(dir, e.name), rest);
      return;
    }
    const re = segmentRegex(head);
    for (const e of list(dir)) {
      if (!re.test(e.name)) continue;
      if (tail.length === 0) {
        if (!e.dir) out.push(join(dir, e.name));
      } else if (e.dir) walk(join(dir, e.name), tail);
    }
  };
  walk(base, parts.slice(firstGlob));
  return [...new Set(out)].sort();
}
