// `npm start` (`etl start`): the demo. Generates demo data when data/ has none, runs the pipeline, prints a
// summary; in a folder without contracts/ (a production install's), on the package's own contracts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../stages/pipeline-dirs.ts';
import { createLogger } from '../log.ts';
import { generateCommand } from './generate.ts';
import { runCommand } from './run.ts';

const DEMO_AS_OF = '2026-11-20';

export async function startCommand(opts: { logLevel?: string; logFormat?: string }): Promise<number> {
  const logger = createLogger({ ...(opts.logLevel ? { logLevel: opts.logLevel } : {}), ...(opts.logFormat ? { logFormat: opts.logFormat } : {}) });
  const empty = !existsSync('data') || readdirSync('data').filter((f) => !f.startsWith('.')).length === 0;
  if (empty) {
    logger.info({ dir: 'data' }, 'data/ is empty: generating demo data');
    const code = await generateCommand({ out: 'data', orders: 20_000, seed: 42, defectRate: 0.01, asOf: DEMO_AS_OF, optional: true, ...opts });
    if (code !== 0) return code;
  }
  // A folder of its own (the repository, a shop's project) has contracts/; anywhere else (after `npm install
  // etl`), the demo runs on the package's own contracts, as it does on its own models and config.
  const contracts = existsSync('contracts') ? 'contracts' : join(packageRoot(), 'contracts');
  if (contracts !== 'contracts') logger.info({ contracts }, 'no contracts/ here: the package\'s own contracts');
  return runCommand({
    data: 'data',
    contracts,
    pipeline: 'pipeline',
    out: 'output',
    reports: 'reports',
    strict: false,
    asOf: DEMO_AS_OF,
    ...opts,
  });
}
