// Run history over run records written to a real folder: ordering, changes since the previous run,
// records that are not runs, id lookup and the nearest-id hint.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRun, nearestRunIds, readRunHistory, renderRunList } from '../../../src/report/run-history.ts';
import { tempDir } from '../../helpers/cli.ts';

const counts = (records_in: number, rows_quarantined: number) => ({ records_in, rows_out: records_in - rows_quarantined, rows_quarantined, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 0 });
const fp = (file: string, sha256: string) => ({ file, bytes: 1, sha256 });

function writeRuns(): string {
  const out = tempDir('etl-history-');
  mkdirSync(join(out, '_runs'));
  const base = { schemaVersion: '1.0.0', strict: true, as_of: '2026-11-20', stages: {}, gold: {}, published: [] };
  // Written in an order unlike their start times: the history sorts by started_at.
  writeFileSync(join(out, '_runs', 'b.json'), JSON.stringify({ ...base, run_id: '20261121-bbbb', status: 'FAILED', reason: 'gate', started_at: '2026-11-21T02:30:00.000Z', finished_at: '2026-11-21T02:31:30.000Z', counts: { orders: counts(110, 11), web: counts(5, 0) }, contracts: { orders: '1.1.0' }, inputs: [fp('/d/orders.csv', 'x2'), fp('/d/web.csv', 'w')] }));
  writeFileSync(join(out, '_runs', 'a.json'), JSON.stringify({ ...base, run_id: '20261120-aaaa', status: 'SUCCESS', started_at: '2026-11-20T02:30:00.000Z', finished_at: '2026-11-20T02:30:10.000Z', counts: { orders: counts(100, 5), customers: counts(10, 0) }, contracts: { orders: '1.0.0', customers: '1.0.0' }, inputs: [fp('/d/orders.csv', 'x1'), fp('/d/customers.json', 'c')] }));
  writeFileSync(join(out, '_runs', 'broken.json'), '{ not json');
  writeFileSync(join(out, '_runs', 'other.json'), '{"hello": 1}');
  return out;
}

describe('run history', () => {
  it('orders runs by start and compares each with the one before', async () => {
    const h = await readRunHistory(writeRuns());
    expect(h.skipped).toEqual(['broken.json', 'other.json']);
    expect(h.runs.map((r) => r.run_id)).toEqual(['20261120-aaaa', '20261121-bbbb']);
    const [a, b] = h.runs;
    expect(a!.changes).toEqual({ previous: null, inputs: { added: ['/d/customers.json', '/d/orders.csv'], changed: [], removed: [] }, contracts: [], counts: { customers: { records_in: 10, rows_out: 10, rows_quarantined: 0 }, orders: { records_in: 100, rows_out: 95, rows_quarantined: 5 } } });
    expect(b!.changes.previous).toBe('20261120-aaaa');
    expect(b!.changes.inputs).toEqual({ added: ['/d/web.csv'], changed: ['/d/orders.csv'], removed: ['/d/customers.json'] });
    expect(b!.changes.contracts).toEqual([{ id: 'customers', from: '1.0.0', to: null }, { id: 'orders', from: '1.0.0', to: '1.1.0' }]);
    expect(b!.changes.counts).toEqual({ customers: { records_in: -10, rows_out: -10, rows_quarantined: 0 }, orders: { records_in: 10, rows_out: 4, rows_quarantined: 6 }, web: { records_in: 5, rows_out: 5, rows_quarantined: 0 } });
    expect(b!.duration_ms).toBe(90_000);
    expect(b!.records_in).toBe(115);
    expect(b!.sources['orders']!.quarantine_rate).toBe(0.1);
    expect(b!.reason).toBe('gate');
    const table = renderRunList([...h.runs].reverse()).split('\n');
    expect(table[1]).toMatch(/^20261121-bbbb\s+FAILED\s+2026-11-20\s+yes\s+2026-11-21T02:30:00Z\s+1 min 30 s\s+115\s+11\s+9\.57 %\s+inputs \+1 ~1 -1, contracts 2, records \+5$/);
    expect(table[2]).toMatch(/first run$/);
  });

  it('an empty or missing _runs is no runs', async () => {
    expect(await readRunHistory(tempDir('etl-history-empty-'))).toEqual({ runs: [], skipped: [] });
  });

  it('finds by id or unique prefix, and suggests the nearest ids', async () => {
    const { runs } = await readRunHistory(writeRuns());
    expect(findRun(runs, '20261121-bbbb')?.run_id).toBe('20261121-bbbb');
    expect(findRun(runs, '20261120')?.run_id).toBe('20261120-aaaa');
    expect(findRun(runs, '2026112')).toBeUndefined(); // ambiguous
    expect(nearestRunIds('20261121-bbbc', runs.map((r) => r.run_id), 1)).toEqual(['20261121-bbbb']);
    expect(nearestRunIds('x', [], 3)).toEqual([]);
  });
});
