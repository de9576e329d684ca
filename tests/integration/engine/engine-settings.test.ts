// The engine sets its own time zone and a bounded memory limit, whatever the process's TZ. Checked in a
// child process started under a time zone far from UTC (the compiled engine in dist/, built by globalSetup).
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit } from '../../../src/engine/memory-limit.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function settingsUnder(tz: string, options = '{}'): Record<string, unknown> {
  const script = `
    const { withEngine } = await import('./dist/engine/engine.js');
    const { trusted } = await import('./dist/sql/sql.js');
    const rows = await withEngine((e) => e.rows(trusted(\`SELECT current_setting('TimeZone') AS tz,
      CAST(TIMESTAMPTZ '2024-01-01 00:30:00+00' AS DATE) AS day, strftime(TIMESTAMPTZ '2024-01-01 00:30:00+00', '%H:%M') AS hm,
      current_setting('memory_limit') AS memory_limit\`)), ${options});
    process.stdout.write(JSON.stringify({ ...rows[0], processOffset: new Date(2024, 0, 1).getTimezoneOffset() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** DuckDB prints memory_limit in its own units (e.g. 7.6 GiB for 8192MB). */
function gib(setting: unknown): number {
  const m = /^([\d.]+) (KiB|MiB|GiB)$/.exec(String(setting));
  if (!m) throw new Error(`unexpected memory_limit ${String(setting)}`);
  return Number(m[1]) / ({ KiB: 1024 ** 2, MiB: 1024, GiB: 1 } as Record<string, number>)[m[2]!]!;
}

describe('engine settings', () => {
  it('reads timestamps in UTC even when the process runs in America/Los_Angeles', () => {
    const s = settingsUnder('America/Los_Angeles');
    expect(s['processOffset']).toBe(480); // the process really is 8 hours behind UTC
    expect(s).toMatchObject({ tz: 'UTC', day: '2024-01-01', hm: '00:30' });
  });

  it('bounds memory by default (the smaller of half the RAM and 8 GB), and takes an explicit limit', () => {
    const expectedGib = Number(defaultMemoryLimit().replace('MiB', '')) / 1024;
    expect(gib(settingsUnder('UTC')['memory_limit'])).toBeCloseTo(expectedGib, 1);
    expect(expectedGib).toBeLessThanOrEqual(Math.min(8, totalmem() / 2 / 1024 ** 3) + 0.01);
    expect(gib(settingsUnder('UTC', "{ memoryLimit: '1GB' }")['memory_limit'])).toBeCloseTo(0.93, 1);
  });
});
