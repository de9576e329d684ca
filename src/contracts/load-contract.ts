// The loading pipeline of contracts: read → YAML with positions → apiVersion → ODCS JSON Schema (ajv)
// → etl profile (zod) → normalise (parse-contract.ts) → checks across the set. Every stage collects its
// problems; a file moves to the next stage only when the previous one found no error (later stages would
// only echo it). A file's result depends on its name and bytes only: it is cached under their hash
// (src/cache.ts), and the parsing modules are imported only for a file the cache does not hold.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheKey, readCache, writeCache } from '../cache.ts';
import { EtlError } from '../errors.ts';
import { checkContractSet } from './check-contract-set.ts';
import type { Contract } from './model.ts';
import type { ExpressionSites } from './context.ts';
import { decodeLoadedFile, encodeLoadedFile, type CachedFile } from './contract-cache.ts';
import { hasErrors, sortProblems, type Problem } from './problem.ts';
import type { LoadedFile } from './parse-contract.ts';

function readText(file: string): { text?: string; problem?: Problem } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'contract file not found' : code === 'EISDIR' ? 'is a directory, not a contract file' : `cannot read the contract: ${(err as Error).message}`;
    return { problem: { code: 'CONTRACT_NOT_FOUND', severity: 'error', message, hint: 'check the path (contracts are YAML files, e.g. contracts/orders.source.yaml)', file } };
  }
}

async function loadOne(file: string): Promise<LoadedFile> {
  const { text, problem } = readText(file);
  if (text === undefined) return { contracts: [], problems: problem ? [problem] : [], sites: new Map(), derived: new Set() };
  const key = cacheKey('contract', [file, text]);
  const hit = readCache<CachedFile>(key);
  if (hit) {
    try {
      return decodeLoadedFile(hit);
    } catch {
      // an entry of another shape: parse again
    }
  }
  const { parseContract } = await import('./parse-contract.ts');
  const loaded = parseContract(text, file);
  const encoded = encodeLoadedFile(loaded);
  if (encoded) writeCache(key, encoded);
  return loaded;
}

/** Load one contract file on its own (references to datasets not in the file are not checked). */
export async function loadContractFile(file: string): Promise<{ contract?: Contract[]; problems: Problem[] }> {
  const loaded = await loadOne(file);
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
      problems.push({ code: 'CONTRACT_NOT_FOUND', severity: 'error', message: 'no such file or directory', hint: 'check the path; the default is contracts/ in the current folder (the package\'s own: --contracts node_modules/etl/contracts)', file: p });
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
  const loaded = await Promise.all(files.map(loadOne));
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
      const l = await loadOne(f);
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
  // A contracts folder that is not there explains the rest (gold contracts citing datasets nobody declares).
  const first = errors.find((p) => p.code === 'CONTRACT_NOT_FOUND') ?? errors[0];
  if (!first) return contracts;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''}; run \`etl contracts lint\`)` : '';
  throw new EtlError(first.code, `${first.message}${more}`, {
    ...(first.hint ? { hint: first.hint } : { hint: 'run `etl contracts lint` to see every problem' }),
    location: { file: first.file, ...(first.line !== undefined ? { line: first.line, col: first.col } : {}) },
  });
}
