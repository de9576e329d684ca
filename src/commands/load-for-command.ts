// Contracts for the `contracts diff|export` commands: files or folders, every error-level problem
// refused as one EtlError (exit 2) pointing at the first one. A single file is resolved against the
// contracts beside it, so that its relationships find the datasets they reference.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadContracts, type Contract } from '../contracts/index.ts';
import { EtlError } from '../errors.ts';

export async function loadContractsForCommand(paths: string[]): Promise<Contract[]> {
  const context = paths.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }).map((p) => dirname(p));
  const { contracts, problems } = await loadContracts(paths, context.length ? { context } : {});
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  if (!first) return contracts;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run \`etl contracts lint\`)` : '';
  throw new EtlError(first.code, `${first.message}${more}`, {
    hint: first.hint ?? 'run `etl contracts lint` to see every problem',
    location: { file: first.file, ...(first.line !== undefined ? { line: first.line } : {}) },
  });
}
