// A stop asked by SIGTERM/SIGINT (interrupt.ts) ends the statement DuckDB is running, on every session,
// and refuses the next one, with INTERRUPTED (exit 3). The statements here would run for hours: only the
// interrupt ends them. (Own file: the stop is process-wide and final.)
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { requestInterrupt } from '../../../src/interrupt.ts';
import { sql } from '../../../src/sql/sql.ts';

const HOURS = sql`SELECT sum(hash(i)) FROM range(1000000000000) t(i)`;

describe('interrupting the engine', () => {
  it('a stop ends the running statements of every session and refuses the next, with INTERRUPTED', async () => {
    await withEngine(async (e) => {
      await e.exec(sql`SET threads = 2`);
      const started = Date.now();
      // Two sessions, each in a statement of hours; the stop is asked while they run.
      const running = e.parallel([(s) => s.exec(HOURS), (s) => s.exec(HOURS)], 2);
      const settled = running.then(() => 'finished', (err: unknown) => err);
      await new Promise((r) => setTimeout(r, 300));
      requestInterrupt('SIGTERM');
      const err = await settled;
      expect(err).toBeInstanceOf(EtlError);
      expect((err as EtlError).code).toBe('INTERRUPTED');
      expect((err as EtlError).exitCode).toBe(3);
      expect((err as EtlError).message).toBe('the run was stopped by SIGTERM before it published; the previous output stands');
      expect(Date.now() - started).toBeLessThan(60_000);
      await expect(e.scalar(sql`SELECT 1`)).rejects.toMatchObject({ code: 'INTERRUPTED' });
    });
  }, 90_000);
});
