// Shared state of one file's normalisation: where problems go and how a document path becomes file:line:col.
import type { SourceLocation } from '../errors.ts';
import type { QualityRule } from './model.ts';
import { formatPath } from './doc-path.ts';
import type { DocPath, NodeInfo, YamlSource } from './parse-yaml.ts';
import type { Problem, ProblemCode } from './problem.ts';

/** Where each expression of a custom rule is written, to turn an expression offset into line:col. */
export type ExpressionSites = Map<QualityRule, { expression?: NodeInfo; compareTo?: NodeInfo }>;

export interface ReportOptions {
  hint?: string;
  severity?: 'error' | 'warning';
  at?: 'key' | 'value';
  code?: ProblemCode;
}

export class FileContext {
  readonly problems: Problem[] = [];
  readonly sites: ExpressionSites = new Map();
  /** Rules and relationships whose id was derived (no `id` in the file): renamed, not reported, on a clash. */
  readonly derived = new Set<object>();
  constructor(readonly source: YamlSource) {}

  get file(): string {
    return this.source.file;
  }

  loc(path: DocPath, at: 'key' | 'value' = 'value'): SourceLocation {
    const pos = this.source.locate(path, at);
    return pos ? { file: this.file, line: pos.line, col: pos.col } : { file: this.file };
  }

  report(path: DocPath, message: string, options: ReportOptions = {}): void {
    const loc = this.loc(path, options.at ?? 'value');
    this.problems.push({
      code: options.code ?? 'CONTRACT_PROFILE_INVALID',
      severity: options.severity ?? 'error',
      message,
      ...(options.hint ? { hint: options.hint } : {}),
      ...loc,
      path: formatPath(path),
    });
  }
}

/** Line:col of a character offset inside an expression scalar (exact for one-line plain or quoted scalars). */
export function expressionLocation(file: string, site: NodeInfo | undefined, offset: number): SourceLocation {
  if (!site) return { file };
  const t = site.scalarType;
  if (t === 'PLAIN') return { file, line: site.value.line, col: site.value.col + offset };
  if (t === 'QUOTE_DOUBLE' || t === 'QUOTE_SINGLE') return { file, line: site.value.line, col: site.value.col + 1 + offset };
  return { file, line: site.value.line, col: site.value.col };
}
