// The loading pipeline of contracts: read → YAML with positions → apiVersion → ODCS JSON Schema (ajv)
// → etl profile (zod) → normalise → checks across the set. Every stage collects its problems; a file
// moves to the next stage only when the previous one found no error (later stages would only echo it).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EtlError } from '../errors.ts';
import { checkContractSet } from './check-contract-set.ts';
import { FileContext, type ExpressionSites } from './context.ts';
import type { Contract } from './model.ts';
import { normaliseContract } from './normalise-contract.ts';
import { formatPath, parseYaml } from './parse-yaml.ts';
import { hasErrors, sortProblems, type Problem } from './problem.ts';
import { checkProfile } from './profile.ts';
import { validateAgainstOdcsSchema } from './validate-schema.ts';

const SUPPORTED_API = /^v3\.(1\.0|0\.\d+)$/;

interface LoadedFile {
  contracts: Contract[];
  problems: Problem[];
  sites: ExpressionSites;
  derived: Set<object>;
}

function readText(file: string): { text?: string; problem?: Problem } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'contract file not found' : code === 'EISDIR' ? 'is a directory, not a contract file' : `cannot read the contract: ${(err as Error).message}`;
    return { problem: { code: 'CONTRACT_NOT_FOUND', severity: 'error', message, hint: 'check the path (contracts are YAML files, e.g. contracts/orders.source.yaml)', file } };
  }
}

function loadOne(file: string): LoadedFile {
  const empty = (problems: Problem[]): LoadedFile => ({ contracts: [], problems, sites: new Map(), derived: new Set() });
  const { text, problem } = readText(file);
  if (text === undefined) return empty(problem ? [problem] : []);

  const parsed = parseYaml(text, file);
  if (!parsed.source) return empty(parsed.problems);
  const source = parsed.source;
  const data = source.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return empty([{ code: 'CONTRACT_SCHEMA_INVALID', severity: 'error', message: 'a contract must be a YAML mapping (apiVersion: v3.1.0, kind: DataContract, …)', file, line: 1, col: 1 }]);
  }
  const doc = data as Record<string, unknown>;

  const api = doc.apiVersion;
  if (typeof api !== 'string' || !SUPPORTED_API.test(api)) {
    const pos = source.locate(['apiVersion']) ?? { line: 1, col: 1 };
    const legacy = 'dataContractSpecification' in doc;
    return empty([
      {
        code: 'CONTRACT_PROFILE_INVALID',
        severity: 'error',
        message: api === undefined ? (legacy ? 'unsupported apiVersion: this is a Data Contract Specification document, not ODCS' : 'unsupported apiVersion: apiVersion is missing') : `unsupported apiVersion ${JSON.stringify(api)}`,
        hint: 'etl reads ODCS contracts with apiVersion v3.1.0 (or v3.0.x); `datacontract export --format odcs` converts other formats',
        file,
        ...pos,
        path: 'apiVersion',
      },
    ]);
  }

  const schemaProblems = validateAgainstOdcsSchema(source);
  if (schemaProblems.length > 0) return empty(schemaProblems);

  const ctx = new FileContext(source);
  for (const issue of checkProfile(doc)) {
    const pos = source.locate(issue.path, 'value');
    ctx.problems.push({ code: 'CONTRACT_PROFILE_INVALID', severity: 'error', message: issue.message, file, ...(pos ?? {}), path: formatPath(issue.path) });
  }
  if (hasErrors(ctx.problems)) return empty(ctx.problems);

  const contracts = normaliseContract(ctx, doc);
  return { contracts, problems: ctx.problems, sites: ctx.sites, derived: ctx.derived };
}

/** Load one contract file on its own (references to datasets not in the file are not checked). */
export function loadContractFile(file: string): { contract?: Contract[]; problems: Problem[] } {
  const loaded = loadOne(file);
  const problems = [...loaded.problems, ...checkContractSet(loaded.contracts, { strict: false, sites: loaded.sites, derived: loaded.derived })];
  return hasErrors(problems) ? { problems: sortProblems(problems) } : { contract: loaded.contracts, problems: sortProblems(problems) };
}

function isContractFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** Files and directories (recursively, *.yaml / *.yml, sorted) → contract files, plus problems for bad paths. */
export function expandContractPaths(paths: readonly string[]): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (f: string): void => {
    const abs = resolve(f);
    if (!seen.has(abs)) {
      seen.add(abs);
      files.push(f);
    }
  };
  const walk = (dir: string): number => {
    let count = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) count += walk(full);
      else if (entry.isFile() && isContractFile(entry.name)) {
        add(full);
        count++;
      }
    }
    return count;
  };
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      problems.push({ code: 'CONTRACT_NOT_FOUND', severity: 'error', message: 'no such file or directory', hint: 'check the path; the default contracts directory is contracts/', file: p });
      continue;
    }
    if (!isDir) add(p);
    else if (walk(p) === 0) problems.push({ code: 'CONTRACT_NOT_FOUND', severity: 'error', message: 'no contracts (*.yaml) in this directory', hint: 'contracts are ODCS YAML files, e.g. contracts/orders.source.yaml', file: p });
  }
  return { files, problems };
}

export interface LoadOptions {
  /** More contracts to resolve relationships and expressions against; their own problems are not reported. */
  context?: string[];
}

/** Load a set of contracts (files or directories) and check them together. */
export async function loadContracts(paths: string[], options: LoadOptions = {}): Promise<{ contracts: Contract[]; problems: Problem[] }> {
  const { files, problems } = expandContractPaths(paths);
  const requested = new Set(files.map((f) => resolve(f)));
  const loaded = files.map(loadOne);
  const sites: ExpressionSites = new Map();
  const derived = new Set<object>();
  const contracts: Contract[] = [];
  for (const l of loaded) {
    problems.push(...l.problems);
    if (hasErrors(l.problems)) continue;
    contracts.push(...l.contracts);
    for (const [k, v] of l.sites) sites.set(k, v);
    for (const d of l.derived) derived.add(d);
  }
  const extra: Contract[] = [];
  if (options.context?.length) {
    const ctxFiles = expandContractPaths(options.context).files.filter((f) => !requested.has(resolve(f)));
    for (const f of ctxFiles) {
      const l = loadOne(f);
      if (!hasErrors(l.problems)) extra.push(...l.contracts);
    }
  }
  const setProblems = checkContractSet([...contracts, ...extra], { strict: true, sites, derived }).filter((p) => requested.has(resolve(p.file)));
  problems.push(...setProblems);
  return { contracts, problems: sortProblems(problems) };
}

/** Load contracts for a run: any error-level problem becomes an EtlError pointing at the first one. */
export async function loadContractsOrThrow(paths: string[]): Promise<Contract[]> {
  const { contracts, problems } = await loadContracts(paths);
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  if (!first) return contracts;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''}; run \`etl contracts lint\`)` : '';
  throw new EtlError(first.code, `${first.message}${more}`, {
    ...(first.hint ? { hint: first.hint } : { hint: 'run `etl contracts lint` to see every problem' }),
    location: { file: first.file, ...(first.line !== undefined ? { line: first.line, col: first.col } : {}) },
  });
}
