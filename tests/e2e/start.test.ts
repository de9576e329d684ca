// `etl start` (what `npm start` runs) where a user of the package runs it: a folder with nothing in it. It
// generates the demo data, runs on the package's own contracts, models and config, and prints the summary;
// a second start reads the same data again (not generated anew) and publishes the same run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

describe('etl start in an empty folder', () => {
  it('generates data/, runs on the package\'s contracts to SUCCESS, and a second start gives the same run', () => {
    const cwd = tempDir('etl-e2e-start-');
    const first = runCli(['start', '--log-level', 'warn'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^etl run (20261120-[0-9a-f]{10}) \(as of 2026-11-20\): SUCCESS$/m);
    expect(first.stdout).toMatch(/^orders\s+20216\s+20000\s+198\s+18\s+0$/m);
    expect(readdirSync(join(cwd, 'data')).sort()).toEqual(['_defects.json', 'customers.json', 'inventory.csv', 'orders.csv', 'products.parquet', 'promotions.csv', 'returns.csv', 'web_events.csv']);
    expect(existsSync(join(cwd, 'contracts'))).toBe(false);
    const quality = JSON.parse(readFileSync(join(cwd, 'reports', 'quality_report.json'), 'utf8')) as { status: string; run_id: string };
    expect(quality.status).toBe('SUCCESS');
    const runId = /^etl run (\S+)/m.exec(first.stdout)![1];
    expect(quality.run_id).toBe(runId);
    const second = runCli(['start', '--log-level', 'warn'], { cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(/^etl run (\S+)/m.exec(second.stdout)![1]).toBe(runId);
  }, 180_000);
});
