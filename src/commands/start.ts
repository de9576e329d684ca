// `npm start`: the demo. Generates demo data when data/ has none, runs the pipeline, prints a summary.
import { existsSync, readdirSync } from 'node:fs';
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
  return runCommand({
    data: 'data',
    contracts: 'contracts',
    pipeline: 'pipeline',
    out: 'output',
    reports: 'reports',
    strict: false,
    asOf: DEMO_AS_OF,
    ...opts,
  });
}
