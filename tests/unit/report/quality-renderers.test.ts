import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeXml, renderJunit } from '../../../src/report/junit.ts';
import { renderQualityJson } from '../../../src/report/quality-json.ts';
import { renderQualityText } from '../../../src/report/quality-text.ts';
import { writeQualityReports } from '../../../src/report/write-quality-reports.ts';
import { expectGolden } from './golden.ts';
import { sampleReport } from './sample-report.ts';
import { checkXmlWellFormed } from './xml-well-formed.ts';

describe('renderQualityJson', () => {
  it('matches the golden file', () => {
    expectGolden('quality_report.json', renderQualityJson(sampleReport()));
  });

  it('is independent of the input order of checks, sources and reasons', () => {
    const a = sampleReport();
    const b = sampleReport();
    b.checks.reverse();
    b.top_reasons.reverse();
    b.sources = Object.fromEntries(Object.entries(b.sources).reverse());
    expect(renderQualityJson(b)).toBe(renderQualityJson(a));
  });

  it('sorts checks by dataset, layer in pipeline order, then id, and keeps schemaVersion first', () => {
    const parsed = JSON.parse(renderQualityJson(sampleReport())) as { checks: { id: string }[] };
    expect(Object.keys(parsed)[0]).toBe('schemaVersion');
    expect(parsed.checks.map((c) => c.id)).toEqual([
      'customers.customer_id.unique',
      'customers.email.format',
      'orders.amounts_positive',
      'orders.quantity.minimum',
      'orders.quarantine_rate',
      'orders.notes',
    ]);
  });
});

describe('renderQualityText', () => {
  it('matches the golden file', () => {
    expectGolden('quality_report.txt', renderQualityText(sampleReport()));
  });

  it('aligns the source counts in columns', () => {
    const lines = renderQualityText(sampleReport()).split('\n');
    const start = lines.indexOf('Sources');
    const table = lines.slice(start + 1, start + 4);
    expect(table[1]).toMatch(/^ {2}customers +50 +50 +0 +0 +0 +2$/);
    expect(table[2]).toMatch(/^ {2}orders +200 +180 +12 +8 +0 +0$/);
    // right-aligned numbers end in the same column as their header
    expect(table[1]!.length).toBe(table[0]!.length);
    expect(table[2]!.length).toBe(table[0]!.length);
  });

  it('says PASSED with warnings for a validate report with warnings only', () => {
    const r = sampleReport();
    r.command = 'validate';
    r.status = 'SUCCESS';
    expect(renderQualityText(r).split('\n')[1]).toBe('status: PASSED with warnings');
  });
});

describe('renderJunit', () => {
  it('matches the golden file', () => {
    expectGolden('junit.xml', renderJunit(sampleReport()));
  });

  it('is well-formed XML despite metacharacters, newlines and control characters in messages', () => {
    expect(checkXmlWellFormed(renderJunit(sampleReport()))).toEqual([]);
  });

  it('has one testsuite per dataset+layer and one testcase per check', () => {
    const xml = renderJunit(sampleReport());
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)"/g)].map((m) => m.slice(1));
    expect(suites).toEqual([
      ['customers.source', '2', '0', '0'],
      ['orders.source', '2', '2', '0'],
      ['orders.silver', '1', '1', '0'],
      ['orders.gold', '1', '0', '1'],
    ]);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml.match(/<failure /g)).toHaveLength(3);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
    expect(xml.match(/<system-out>/g)).toHaveLength(1);
    expect(xml).toContain('<testcase classname="orders.source" name="orders.quantity.minimum">');
    expect(xml).toContain('<testsuites name="etl run" tests="6" failures="3" errors="0" skipped="1">');
  });

  it('the well-formedness checker rejects broken XML (so the assertion above can fail)', () => {
    expect(checkXmlWellFormed('<a><b></a>')).not.toEqual([]);
    expect(checkXmlWellFormed('<a x="1 & 2"/>')).not.toEqual([]);
    expect(checkXmlWellFormed('<a>1 < 2</a>')).not.toEqual([]);
    expect(checkXmlWellFormed('<a/><b/>')).not.toEqual([]);
    expect(checkXmlWellFormed('<a>\u0001</a>')).not.toEqual([]);
  });

  it('escapes the five metacharacters and replaces forbidden characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>\u0000`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;\uFFFD');
  });
});

describe('writeQualityReports', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the three renderings into the directory (created if needed), and a run its dashboard', async () => {
    dir = mkdtempSync(join(tmpdir(), 'etl-reports-'));
    const out = join(dir, 'nested', 'reports');
    const report = sampleReport();
    await writeQualityReports(report, out);
    expect(readdirSync(out).sort()).toEqual(['dashboard.html', 'junit.xml', 'quality_report.json', 'quality_report.txt']);
    expect(readFileSync(join(out, 'quality_report.json'), 'utf8')).toBe(renderQualityJson(report));
    expect(readFileSync(join(out, 'quality_report.txt'), 'utf8')).toBe(renderQualityText(report));
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toBe(renderJunit(report));
  });
});
