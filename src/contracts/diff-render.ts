// Renderings of a ContractDiff: a plain-text table (terminal), Markdown (a pull-request comment) and
// JSON (tools). Detection is in diff.ts; this module only formats.
import type { ContractDiff } from './diff.ts';
import { CHANGE_KINDS } from './diff-kinds.ts';

export const DIFF_SCHEMA_VERSION = '1.0.0';
export type DiffFormat = 'text' | 'markdown' | 'json';
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];

function where(c: { file: string; line?: number }): string {
  return c.line !== undefined ? `${c.file}:${c.line}` : c.file;
}

function change(c: ContractDiff['changes'][number]): string {
  return c.from !== undefined || c.to !== undefined ? `${c.from ?? '—'} → ${c.to ?? '—'}` : '';
}

function summaryLine(d: ContractDiff): string {
  const n = d.changes.length;
  return `${n} change${n === 1 ? '' : 's'} (${d.summary.breaking} breaking, ${d.summary['non-breaking']} non-breaking, ${d.summary.info} info) in ${d.compared} contract${d.compared === 1 ? '' : 's'} compared`;
}

export function renderDiffText(d: ContractDiff): string {
  const rows = d.changes.map((c) => [c.class, c.contract, c.subject ?? '', CHANGE_KINDS[c.kind].title, change(c), where(c)]);
  const head = ['class', 'contract', 'subject', 'change', 'old → new', 'where'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd();
  const out: string[] = [];
  if (rows.length) out.push(line(head), ...rows.map(line), '');
  for (const w of d.warnings) out.push(`warning: ${w.contract}: ${w.message} (${w.file})`);
  out.push(summaryLine(d));
  return `${out.join('\n')}\n`;
}

function md(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderDiffMarkdown(d: ContractDiff): string {
  const out: string[] = ['## Contract changes', '', summaryLine(d), ''];
  if (d.changes.length) {
    out.push('| class | contract | subject | change | old → new | where |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of d.changes) {
      const cls = c.class === 'breaking' ? '**breaking**' : c.class;
      out.push(`| ${cls} | ${md(c.contract)} | ${md(c.subject ?? '')} | ${md(CHANGE_KINDS[c.kind].title)} | ${md(change(c))} | \`${md(where(c))}\` |`);
    }
    out.push('');
  }
  for (const w of d.warnings) out.push(`> **Warning** ${md(w.contract)}: ${md(w.message)}`, '');
  return `${out.join('\n')}`;
}

export function renderDiffJson(d: ContractDiff): string {
  return `${JSON.stringify({ schemaVersion: DIFF_SCHEMA_VERSION, summary: d.summary, compared: d.compared, changes: d.changes, warnings: d.warnings }, null, 2)}\n`;
}

export function renderDiff(d: ContractDiff, format: DiffFormat): string {
  return format === 'json' ? renderDiffJson(d) : format === 'markdown' ? renderDiffMarkdown(d) : renderDiffText(d);
}
