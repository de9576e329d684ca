// Statuses through the real CLI (issue 9, points 7, 8 and 10): WARNING when a lenient run publishes
// past a failed error gate (every report opens with it, exit 0), the default freshness rule against
// --as-of, a refused SQL rule as a contract error (exit 2), the upstream rule named for an order whose
// product was quarantined, composite keys as tuples, and a run id that follows the contracts' content.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { withEngine } from '../../src/engine/engine.ts';
import { sql } from '../../src/sql/sql.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-status-');
const data = join(work, 'data');

function run(name: string, extra: string[], opts: { data?: string; contracts?: string } = {}) {
  const out = join(work, `${name}-out`);
  const reports = join(work, `${name}-reports`);
  const r = runCli(['run', '--data', opts.data ?? data, '--contracts', opts.contracts ?? join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
    '--out', out, '--reports', reports, '--log-level', 'warn', ...extra]);
  return { ...r, out, reports, read: (f: string) => readFileSync(join(reports, f), 'utf8') };
}

interface Check { id: string; status: string; value?: number | null; threshold?: string; message?: string; sample_keys?: string[] }
const checksOf = (text: string): Check[] => (JSON.parse(text) as { checks: Check[] }).checks;

beforeAll(() => {
  const gen = runCli(['generate', '--out', data, '--orders', '400', '--seed', '17', '--defect-rate', '0', '--as-of', AS_OF, '--no-optional']);
  expect(gen.code, gen.stderr).toBe(0);
});

describe('a lenient run whose orders were all quarantined', () => {
  // --as-of months before the first order: every order lies in the future and is quarantined.
  let r: ReturnType<typeof run>;
  beforeAll(() => {
    r = run('empty', ['--as-of', '2024-06-30']);
  });

  it('publishes with status WARNING and exit 0, not a dashboard of zeros as SUCCESS', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/: WARNING$/);
    expect(r.stdout).toMatch(/gate: orders\.orders_quarantine_rate failed: 100 \(expected <= 5 %\)/);
    const q = JSON.parse(r.read('quality_report.json')) as { status: string; sources: Record<string, { records_in: number; rows_quarantined: number }> };
    expect(q.status).toBe('WARNING');
    expect(q.sources['orders']!.rows_quarantined).toBe(q.sources['orders']!.records_in);
    const gate = checksOf(r.read('quality_report.json')).find((c) => c.id === 'orders.orders_quarantine_rate');
    expect(gate).toMatchObject({ status: 'failed', value: 100, threshold: '<= 5 %' });
  });

  it('every text report opens with the WARNING and kpis.json, the dashboard and the run record carry it', () => {
    for (const f of ['sales_report.txt', 'kpis_dashboard.txt', 'quality_report.txt']) {
      const text = r.read(f);
      expect(text.split('\n')[0], f).toMatch(/^STATUS: WARNING: published although error-severity dataset rules failed/);
      expect(text, f).toMatch(/orders\.orders_quarantine_rate failed: 100 \(expected <= 5 %\)/);
    }
    const kpis = JSON.parse(r.read('kpis.json')) as { status: string; order_count: number };
    expect(kpis.status).toBe('WARNING');
    expect(kpis.order_count).toBe(0);
    expect(r.read('dashboard.html')).toMatch(/<title>etl dashboard · 2024-06-30 · WARNING<\/title>/);
    const records = readdirSync(join(r.out, '_runs')).filter((f) => f.endsWith('.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(r.out, '_runs', records[0]!), 'utf8')) as { status: string; reason: string };
    expect(record.status).toBe('WARNING');
    expect(record.reason).toMatch(/orders\.orders_quarantine_rate/);
  });
});

describe('the default freshness rule (orders.orders_freshness, against --as-of, not the clock)', () => {
  it('holds at the data\'s as-of: SUCCESS, no banner', () => {
    const r = run('fresh', ['--as-of', AS_OF, '--strict']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/: SUCCESS$/);
    expect(checksOf(r.read('quality_report.json')).find((c) => c.id === 'orders.orders_freshness')).toMatchObject({ status: 'passed', threshold: '<= 336 hours' });
    expect(r.read('sales_report.txt').split('\n')[0]).toBe('SALES REPORT');
    expect((JSON.parse(r.read('kpis.json')) as { status: string }).status).toBe('SUCCESS');
  });

  it('--strict --as-of far after the data exits 1 on the freshness gate alone', () => {
    const r = run('stale', ['--as-of', '2027-03-01', '--strict']);
    expect(r.code, r.stderr).toBe(1);
    const failed = checksOf(r.read('quality_report.json')).filter((c) => c.status === 'failed' || c.status === 'error');
    expect(failed.map((c) => c.id)).toEqual(['orders.orders_freshness']);
    expect(failed[0]!.value).toBeGreaterThan(100 * 24);
    expect(r.stdout).toMatch(/gate: orders\.orders_freshness failed: \d+(\.\d\d?)? \(expected <= 336 hours\)/);
  });
});

describe('a product quarantined upstream', () => {
  let r: ReturnType<typeof run>;
  beforeAll(async () => {
    const bad = join(work, 'data-bad-product');
    cpSync(data, bad, { recursive: true });
    await withEngine(async (e) => {
      const from = join(data, 'products.parquet');
      await e.exec(sql`COPY (SELECT * REPLACE (CASE WHEN product_id = 'P0004' THEN -1 ELSE price END AS price) FROM read_parquet(${from}))
        TO ${join(bad, 'products.parquet')} (FORMAT parquet)`);
    });
    r = run('upstream', ['--as-of', AS_OF], { data: bad });
  });

  it('the failing relationship names the upstream rule; sample keys are (order_id, product_id) tuples', () => {
    expect(r.code, r.stderr).toBe(0);
    const rel = checksOf(r.read('quality_report.json')).find((c) => c.id === 'orders.product_id.relationship')!;
    expect(rel.status).toBe('failed');
    expect(rel.message).toMatch(/^\d+ of \d+ rows? references? a row quarantined upstream: product_id P0004 was quarantined in products by products\.price\.minimum/);
    expect(rel.sample_keys!.length).toBeGreaterThan(0);
    for (const k of rel.sample_keys!) expect(k).toMatch(/^\(O\d+, P0004\)$/);
    expect(r.read('quality_report.txt')).toMatch(/↳ \d+ of \d+ rows? references? a row quarantined upstream: product_id P0004 was quarantined in products by products\.price\.minimum/);
  });

  it('the quarantined order lines carry it in their reason', async () => {
    const dir = join(r.out, 'quarantine', 'orders');
    const rows = await withEngine((e) => e.rows(sql`SELECT product_id, _reasons FROM read_parquet(${join(dir, '*.parquet')}) WHERE list_contains(_rule_ids, 'orders.product_id.relationship')`));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row['product_id']).toBe('P0004');
      expect((row['_reasons'] as string[]).join(' | ')).toMatch(/product_id not found in products\.product_id \(product_id P0004 was quarantined in products by products\.price\.minimum\)/);
    }
  });
});

describe('contracts as input', () => {
  it('a refused SQL rule is a lint error with file:line (exit 2) and stops a run with exit 2', () => {
    const contracts = join(work, 'contracts-refused');
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
    const file = join(contracts, 'orders.silver.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('    quality:\n      - id: orders_quarantine_rate', [
      '    quality:',
      '      - id: orders_sneaky',
      '        type: sql',
      "        query: SELECT count(*) FROM read_csv('/etc/passwd')",
      '        mustBeGreaterThan: 0',
      '        severity: error',
      '      - id: orders_quarantine_rate',
    ].join('\n')));
    const line = text.split('\n').findIndex((l) => l === '    quality:') + 2;
    const lint = runCli(['contracts', 'lint', '--contracts', contracts, '--pipeline', join(ROOT, 'pipeline'), file]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(2);
    expect(lint.stdout).toContain(`${file}:${line}`);
    expect(lint.stdout).toMatch(/SQL rule orders\.orders_sneaky of orders is refused: reads a table function \(read_csv\)/);
    const r = run('refused', ['--as-of', AS_OF], { contracts });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^CONTRACT_PROFILE_INVALID: SQL rule orders\\.orders_sneaky .*refused.*\\(${file.replaceAll('.', '\\.')}:${line}\\)`));
    expect(existsSync(join(r.reports, 'quality_report.json'))).toBe(false);
  });

  it('the run id follows the contracts\' content: one edited threshold gives a new id and keeps the previous record', () => {
    const contracts = join(work, 'contracts-edit');
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
    const args = ['--as-of', AS_OF];
    const first = run('runid', args, { contracts });
    const again = run('runid', args, { contracts });
    const idOf = (stdout: string) => /^etl run (\S+) /.exec(stdout)![1]!;
    expect(first.code, first.stderr).toBe(0);
    expect(idOf(again.stdout)).toBe(idOf(first.stdout));
    const file = join(contracts, 'orders.silver.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('mustBeLessOrEqualTo: 5\n');
    writeFileSync(file, text.replace('mustBeLessOrEqualTo: 5\n', 'mustBeLessOrEqualTo: 6\n'));
    const edited = run('runid', args, { contracts });
    expect(edited.code, edited.stderr).toBe(0);
    expect(idOf(edited.stdout)).not.toBe(idOf(first.stdout));
    const records = readdirSync(join(edited.out, '_runs')).filter((f) => f.endsWith('.json')).sort();
    expect(records).toEqual([`${idOf(first.stdout)}.json`, `${idOf(edited.stdout)}.json`].sort());
    // --strict is part of the id too.
    expect(idOf(run('runid-strict', [...args, '--strict'], { contracts }).stdout)).not.toBe(idOf(edited.stdout));
  });
});
