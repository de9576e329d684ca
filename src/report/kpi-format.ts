// Text helpers of the KPI reports: aligned tables and number formats (money with cents, rates in %).
// Every number is already rounded in the KPI model; these only format.

export type Align = 'left' | 'right';
export interface Column {
  title: string;
  align?: Align;
}

/** An aligned plain-text table: header, a rule, rows; numbers right-aligned by the caller's choice. */
export function renderTable(columns: Column[], rows: string[][], indent = '  '): string {
  if (rows.length === 0) return `${indent}(none)`;
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent + cells.map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Label/value pairs with the values aligned. */
export function renderPairs(pairs: [string, string][], indent = '  '): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

export function section(title: string, body: string): string {
  return `${title}\n${'-'.repeat(title.length)}\n${body}\n`;
}

/** 1234.5 → "1,234.50"; null → "n/a". */
export function fmtMoney(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A ratio in [0, 1] as a percent with 2 decimals: 0.38 → "38.00 %". */
export function fmtRatio(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return `${(v * 100).toFixed(2)} %`;
}

/** A value already in percent: 166.67 → "+166.67 %". */
export function fmtPct(v: number | null | undefined, signed = false): string {
  if (v === null || v === undefined) return 'n/a';
  return `${signed && v > 0 ? '+' : ''}${v.toFixed(2)} %`;
}

export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return 'n/a';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtInt(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

export function notAvailable(reason: string): string {
  return `  not available (${reason})`;
}

export const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
