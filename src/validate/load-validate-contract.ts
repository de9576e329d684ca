// The contract `etl validate` tests a file against: one ODCS file, loaded on its own (relationships to
// datasets outside the file are not resolved: validate reads one file), with one schema object.
import { loadContractFile } from '../contracts/index.ts';
import type { Contract } from '../contracts/model.ts';
import { EtlError } from '../errors.ts';

export async function loadValidateContract(file: string): Promise<Contract> {
  const { contract, problems } = await loadContractFile(file);
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  if (first || !contract) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''}; run \`etl contracts lint\`)` : '';
    throw new EtlError(first?.code ?? 'CONTRACT_SCHEMA_INVALID', `${first?.message ?? 'the contract could not be loaded'}${more}`, {
      hint: first?.hint ?? 'run `etl contracts lint` to see every problem',
      location: { file: first?.file ?? file, ...(first?.line !== undefined ? { line: first.line, col: first.col } : {}) },
    });
  }
  if (contract.length !== 1) {
    throw new EtlError('USAGE_INVALID', `validate tests one data file against one schema object; the contract declares ${contract.length}`, {
      location: { file },
      hint: 'split the contract into one file per schema object',
    });
  }
  return contract[0]!;
}
