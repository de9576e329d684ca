// `etl contracts init --from FILE [--dataset NAME] [--out FILE]`: profile a data file in DuckDB and
// write a draft ODCS source contract (stdout by default). Exit 0, or 2 when the file cannot be read.
import { writeOutput } from './write-output.ts';
import { accessSync, constants, statSync } from 'node:fs';
import { draftContract, datasetNameOf } from '../contracts/draft-contract.ts';
import { profileFile } from '../contracts/profile-file.ts';
import { withEngine } from '../engine/engine.ts';
import { EtlError, EXIT } from '../errors.ts';

export interface InitCommandOptions {
  from: string;
  dataset?: string;
  out?: string;
}

function checkReadable(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
    accessSync(file, constants.R_OK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new EtlError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (cause as Error).message}`, {
      location: { file },
      hint: 'give a readable CSV, NDJSON, JSON array or Parquet file to --from',
      cause,
    });
  }
  if (!isFile) throw new EtlError('SOURCE_UNREADABLE', `${file} is not a file`, { location: { file }, hint: 'give one data file to --from, not a folder' });
}

export async function initCommand(opts: InitCommandOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  checkReadable(opts.from);
  const dataset = opts.dataset ?? datasetNameOf(opts.from);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(dataset)) {
    throw new EtlError('USAGE_INVALID', `dataset name '${dataset}' is not a plain table name`, { hint: 'use letters, digits and _ (starting with a letter or _), e.g. --dataset orders' });
  }
  const profile = await withEngine((engine) => profileFile(engine, opts.from));
  const text = draftContract(profile, { dataset, ...(opts.out !== undefined ? { outFile: opts.out } : {}) });
  if (!writeOutput(text, opts.out, write)) return EXIT.OK;
  process.stderr.write(`wrote ${opts.out}: draft contract for ${dataset} (${profile.columns.length} properties, ${profile.records} records profiled${profile.primaryKey.length ? `, key ${profile.primaryKey.join(' + ')}` : ''})\n`);
  return EXIT.OK;
}
