// `etl generate`: deterministic demo data with optional injected defects (see src/generate/).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withEngine } from '../engine/engine.ts';
import { EtlError, EXIT } from '../errors.ts';
import { generateData } from '../generate/generate-data.ts';
import { createLogger } from '../log.ts';

export interface GenerateCommandOptions {
  out: string;
  orders: number;
  seed: number;
  defectRate: number;
  asOf: string;
  optional: boolean;
  logLevel?: string;
  logFormat?: string;
}

function checkOptions(opts: GenerateCommandOptions): void {
  const bad = (message: string) => new EtlError('USAGE_INVALID', message, { hint: 'see `etl generate --help`' });
  if (!Number.isInteger(opts.orders) || opts.orders <= 0) throw bad(`--orders must be a positive integer, got ${opts.orders}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw bad(`--seed must be a non-negative integer, got ${opts.seed}`);
  if (!(opts.defectRate >= 0 && opts.defectRate <= 1)) throw bad(`--defect-rate must be between 0 and 1, got ${opts.defectRate}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf) || Number.isNaN(Date.parse(`${opts.asOf}T00:00:00Z`))) {
    throw bad(`--as-of must be a date YYYY-MM-DD, got ${opts.asOf}`);
  }
}

export async function generateCommand(opts: GenerateCommandOptions): Promise<number> {
  checkOptions(opts);
  const log = createLogger(opts);
  const started = Date.now();
  try {
    await mkdir(opts.out, { recursive: true });
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot create the output directory ${opts.out}`, { cause, hint: 'choose a writable --out' });
  }
  // Large generations spill to disk next to the output rather than to wherever the process runs.
  const spill = join(opts.out, '.generate-spill');
  const manifest = await withEngine(
    (engine) =>
      generateData(engine, { orders: opts.orders, seed: opts.seed, defectRate: opts.defectRate, asOf: opts.asOf, optional: opts.optional !== false }, opts.out),
    { tempDirectory: spill },
  ).finally(() => rm(spill, { recursive: true, force: true }));
  const records = Object.fromEntries(Object.entries(manifest.datasets).map(([d, m]) => [d, m.expected.records_in]));
  log.info({ out: opts.out, records, seconds: (Date.now() - started) / 1000 }, 'generated demo data');
  return EXIT.OK;
}
