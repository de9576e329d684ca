// One contract file's text → YAML with positions → apiVersion → ODCS JSON Schema (ajv) → etl profile (zod)
// → normalised Contract model. Imported only when a file is not in the cache (src/cache.ts): YAML,
// the schema validator and zod are most of what `etl contracts lint` would load otherwise.
import { FileContext, type ExpressionSites } from './context.ts';
import type { Contract } from './model.ts';
import { normaliseContract } from './normalise-contract.ts';
import { formatPath, parseYaml } from './parse-yaml.ts';
import { hasErrors, type Problem } from './problem.ts';
import { checkProfile } from './profile.ts';
import { validateAgainstOdcsSchema } from './validate-schema.ts';

const SUPPORTED_API = /^v3\.(1\.0|0\.\d+)$/;

export interface LoadedFile {
  contracts: Contract[];
  problems: Problem[];
  sites: ExpressionSites;
  derived: Set<object>;
}

export function parseContract(text: string, file: string): LoadedFile {
  const empty = (problems: Problem[]): LoadedFile => ({ contracts: [], problems, sites: new Map(), derived: new Set() });
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
