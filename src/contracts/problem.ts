// Contract problems are data: collected (never thrown one at a time), formatted separately.
import type { ErrorCode } from '../errors.ts';

export type ProblemCode = Extract<
  ErrorCode,
  'CONTRACT_NOT_FOUND' | 'CONTRACT_YAML_INVALID' | 'CONTRACT_SCHEMA_INVALID' | 'CONTRACT_PROFILE_INVALID' | 'MODEL_INVALID'
>;

export interface Problem {
  code: ProblemCode;
  /** warning: reported, but the contract is still usable (lint exits 0). */
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
  file: string;
  line?: number;
  col?: number;
  /** Where in the document, e.g. `schema[0].properties[2].logicalType`. */
  path?: string;
}

/** `file:line:col CODE message` and, on the next line, an indented hint. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.col].filter((x) => x !== undefined).join(':');
  const level = p.severity === 'warning' ? ' (warning)' : '';
  const head = `${where} ${p.code}${level} ${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Sort by file, line, col so that output is deterministic and reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.message.localeCompare(b.message),
  );
}
