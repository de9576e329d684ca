// The dashboard's data and its HTML shell: escaping, masking, run history, what a failed run shows.
// (The page itself is tested in a real browser: tests/e2e/dashboard.test.ts.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { collectDashboardData, COVER_ROWS, maskSampleKey, slimKpis, TREND_RUNS } from '../../../src/report/dashboard-data.ts';
import { escapeJsonForHtml, escapeScript, loadDashboardAssets, renderDashboardHtml } from '../../../src/report/dashboard-html.ts';
import { DASHBOARD_CLIENT } from '../../../src/report/dashboard/client.ts';
import { sampleReport } from './sample-report.ts';

const assets = { d3: 'var d3 = {};', plot: 'var Plot = { s: "</script><!--" };', client: '/* client */', style: 'body{}' };

describe('escapeJsonForHtml', () => {
  it('reads back unchanged and holds no character that could end or comment out its script element', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.string(), (value, text) => {
      for (const v of [value, { text, nested: [`</script>${text}`, '<!--', '\u2028\u2029', '&lt;'] }]) {
        const out = escapeJsonForHtml(v);
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(v)));
      }
    }));
  });
});

describe('the page\'s assets', () => {
  it('the client is a script that parses, kept byte for byte (backslashes included), and both libraries are found', () => {
    expect(() => new Function(DASHBOARD_CLIENT)).not.toThrow();
    expect(DASHBOARD_CLIENT).toContain(String.fromCharCode(92) + 'u0000');
    const assets = loadDashboardAssets();
    expect(assets.d3).toMatch(/^\/\/ https:\/\/d3js.org v7/);
    expect(assets.plot).toMatch(/^\/\/ @observablehq\/plot v0\.6/);
    expect(assets.d3.length + assets.plot.length + assets.client.length + assets.style.length).toBeLessThan(1_000_000);
  });
});

describe('escapeScript', () => {
  it('keeps a library from closing its script element, whatever the case', () => {
    expect(escapeScript('a = "</script>"; b = "</SCRIPT >"; c = "<!--";')).toBe('a = "<\\/script>"; b = "<\\/SCRIPT >"; c = "<\\!--";');
  });
});

describe('renderDashboardHtml', () => {
  it('inlines everything: four scripts, one style, the data as JSON that a value cannot break out of', () => {
    const html = renderDashboardHtml({
      schemaVersion: 1,
      quality: { status: 'FAILED', as_of: '2026-11-20', checks: [{ id: '</script><script>alert(1)</script>' }] },
      kpis: null,
      kpis_note: 'nothing was published by this run',
      runs: [],
      runs_note: null,
    }, assets);
    expect(html.match(/<script/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    expect(html).not.toMatch(/<!--/);
    expect(html).not.toMatch(/\bsrc=|<link/);
    expect(html).toContain(`default-src 'none'`);
    const data = html.match(/<script type="application\/json" id="etl-data">([^<]*)<\/script>/)![1]!;
    expect(JSON.parse(data).quality.checks[0].id).toBe('</script><script>alert(1)</script>');
    expect(html).toContain('<title>etl dashboard · 2026-11-20 · FAILED</title>');
  });
});

describe('maskSampleKey', () => {
  it('masks an e-mail inside a key and leaves other keys alone', () => {
    expect(maskSampleKey('jane.doe@example.com')).toBe('j***@***');
    expect(maskSampleKey('C-1, jane@x.org')).toBe('C-1, j***@***');
    expect(maskSampleKey('O0001, P0027')).toBe('O0001, P0027');
    expect(maskSampleKey('record 59')).toBe('record 59');
  });
});

describe('collectDashboardData', () => {
  let dir = '';
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
  const record = (runId: string, finished: string, quarantined: number) => ({
    schemaVersion: '1.0.0', run_id: runId, status: 'SUCCESS', as_of: '2026-11-19', finished_at: finished,
    counts: { orders: { records_in: 100, rows_out: 100 - quarantined, rows_quarantined: quarantined, duplicates_dropped: 0, rows_flagged: 0 } },
  });

  it('a failed run shows no KPIs (nothing was published), whatever kpis.json lies beside it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'etl-dash-'));
    writeFileSync(join(dir, 'kpis.json'), JSON.stringify({ total_revenue: 1 }));
    const data = await collectDashboardData(sampleReport(), { kpisFile: join(dir, 'kpis.json') });
    expect(data.kpis).toBeNull();
    expect(data.kpis_note).toBe('nothing was published by this run');
    expect(data.quality['status']).toBe('FAILED');
  });

  it('reads kpis.json of a published run and masks e-mails in the sample keys', async () => {
    dir = mkdtempSync(join(tmpdir(), 'etl-dash-'));
    writeFileSync(join(dir, 'kpis.json'), JSON.stringify({ total_revenue: 12.5 }));
    const report = { ...sampleReport(), status: 'SUCCESS' as const };
    report.top_reasons = [{ dataset: 'customers', rule_id: 'customers.email.format', reason: 'r', count: 1, sample_keys: ['ann@example.com'] }];
    const data = await collectDashboardData(report, { kpisFile: join(dir, 'kpis.json') });
    expect(data.kpis).toEqual({ total_revenue: 12.5 });
    expect((data.quality['top_reasons'] as { sample_keys: string[] }[])[0]!.sample_keys).toEqual(['a***@***']);
    expect(JSON.stringify(data)).not.toContain('ann@example.com');
  });

  it('trends the last runs by when they finished, this run last; an earlier record of this run id and unreadable files are left out', async () => {
    dir = mkdtempSync(join(tmpdir(), 'etl-dash-'));
    const runs = join(dir, '_runs');
    mkdirSync(runs);
    const report = sampleReport();
    writeFileSync(join(runs, 'b.json'), JSON.stringify(record('run-b', '2026-11-19T10:00:00Z', 5)));
    writeFileSync(join(runs, 'a.json'), JSON.stringify(record('run-a', '2026-11-19T11:00:00Z', 2)));
    writeFileSync(join(runs, `${report.run_id}.json`), JSON.stringify(record(report.run_id, '2026-11-19T12:00:00Z', 50)));
    writeFileSync(join(runs, 'torn.json'), '{"run_id": ');
    writeFileSync(join(runs, 'notes.txt'), 'not a record');
    const data = await collectDashboardData(report, { runsDir: runs });
    expect(data.runs.map((r) => [r.run_id, r.current, r.sources['orders']?.rows_quarantined])).toEqual([
      ['run-b', false, 5], ['run-a', false, 2], [report.run_id, true, 12],
    ]);
    expect(data.runs_note).toBeNull();
    expect(JSON.stringify(data)).not.toContain('2026-11-19T1');
  });

  it(`keeps at most ${TREND_RUNS} runs, and says when there is no history`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'etl-dash-'));
    const runs = join(dir, '_runs');
    mkdirSync(runs);
    for (let i = 0; i < TREND_RUNS + 5; i++) writeFileSync(join(runs, `r${i}.json`), JSON.stringify(record(`r${String(i).padStart(2, '0')}`, `2026-11-19T10:${String(i).padStart(2, '0')}:00Z`, i)));
    const data = await collectDashboardData(sampleReport(), { runsDir: runs });
    expect(data.runs).toHaveLength(TREND_RUNS);
    expect(data.runs[0]!.run_id).toBe('r06');
    const none = await collectDashboardData(sampleReport(), { runsDir: join(dir, 'missing') });
    expect(none.runs).toHaveLength(1);
    expect(none.runs_note).toBe('no earlier run records in output/_runs');
  });
});

describe('slimKpis', () => {
  it('keeps the page small for a large catalogue: the lowest days of cover, no per-product tables it does not draw', () => {
    const products = Array.from({ length: 20_000 }, (_, i) => `P${String(i).padStart(5, '0')}`);
    const kpis = {
      total_revenue: 10,
      inventory: {
        out_of_stock_products: 3,
        days_of_cover: products.map((p, i) => ({ product_id: p, days_of_cover: i % 7 === 0 ? null : (i * 7919) % 1000 })),
        stock_rotation: products.map((p) => ({ product_id: p, rotation: 1 })),
        out_of_stock: products.map((p) => ({ product_id: p })),
      },
      returns: { return_rate: 0.1, by_category: [{ category: 'A', return_rate: 0.1 }], by_product: products.map((p) => ({ product_id: p })) },
      conversion: { conversion_rate: 0.1, daily: products.map((p) => ({ date: p })) },
      market_basket: { pairs: products.map((p) => ({ product_a: p })) },
      forecast: { not_available: 'no orders', horizons: null },
    };
    const slim = slimKpis(kpis) as Record<string, any>;
    expect(JSON.stringify(slim).length).toBeLessThan(20_000);
    expect(slim['inventory'].days_of_cover).toHaveLength(COVER_ROWS);
    expect(slim['inventory'].days_of_cover.map((r: any) => r.days_of_cover)).toEqual(
      kpis.inventory.days_of_cover.map((r) => r.days_of_cover).filter((v): v is number => v !== null).sort((a, b) => a - b).slice(0, COVER_ROWS));
    expect(slim['inventory'].stock_rotation).toBeUndefined();
    expect(slim['inventory'].out_of_stock_products).toBe(3);
    expect(slim['returns']).toEqual({ return_rate: 0.1, by_category: [{ category: 'A', return_rate: 0.1 }] });
    expect(slim['conversion']).toEqual({ conversion_rate: 0.1 });
    expect(slim['market_basket']).toBeUndefined();
    expect(slim['forecast']).toEqual({ not_available: 'no orders', horizons: null });
    expect(slim['total_revenue']).toBe(10);
  });
});
