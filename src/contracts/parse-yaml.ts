// YAML text → plain data plus a map from document path to line:col, so that every later problem
// (ajv, zod, semantic) can point at the exact spot in the file.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem } from './problem.ts';

export type DocPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface NodeInfo {
  /** Where the key of a mapping entry starts (absent for sequence items and the root). */
  key?: Position;
  /** Where the value starts. */
  value: Position;
  /** For scalars: how the value is written (offset of expression problems inside it). */
  scalarType?: string;
}

export interface YamlSource {
  file: string;
  data: unknown;
  /** Position of a path, or of its nearest ancestor that exists. `key` prefers the key of a mapping entry. */
  locate(path: DocPath, prefer?: 'key' | 'value'): Position | undefined;
  info(path: DocPath): NodeInfo | undefined;
}

export { formatPath, pathKey } from './doc-path.ts';
import { pathKey } from './doc-path.ts';

export function parseYaml(text: string, file: string): { source?: YamlSource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((err) => {
    const pos = lineCounter.linePos(err.pos[0]);
    const message = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    return {
      code: 'CONTRACT_YAML_INVALID',
      severity: 'error',
      message: `YAML syntax error: ${message}`,
      hint: 'check indentation, quoting and the colon after each key',
      file,
      line: pos.line,
      col: pos.col,
    };
  });
  if (problems.length > 0) return { problems };

  const infos = new Map<string, NodeInfo>();
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const walk = (node: unknown, path: (string | number)[], key?: Position): void => {
    if (!node || typeof node !== 'object' || !('range' in node)) return;
    const n = node as Node;
    const start = n.range?.[0] ?? 0;
    const info: NodeInfo = { value: at(start) };
    if (key) info.key = key;
    if (isScalar(n) && n.type) info.scalarType = n.type;
    infos.set(pathKey(path), info);
    if (isMap(n)) {
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const keyNode = item.key as Node | null;
        const keyPos = keyNode?.range ? at(keyNode.range[0]) : undefined;
        if (item.value && typeof item.value === 'object' && 'range' in item.value) {
          walk(item.value, [...path, k], keyPos);
        } else if (keyPos) {
          // `key:` with no value: point at the key.
          infos.set(pathKey([...path, k]), { key: keyPos, value: keyPos });
        }
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);

  const info = (path: DocPath): NodeInfo | undefined => infos.get(pathKey(path));
  const locate = (path: DocPath, prefer: 'key' | 'value' = 'value'): Position | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const i = infos.get(pathKey(path.slice(0, n)));
      if (i) return prefer === 'key' && i.key ? i.key : i.value;
    }
    return undefined;
  };
  return { source: { file, data: doc.toJS({ maxAliasCount: 100 }) as unknown, locate, info }, problems };
}
