// Run history: the run records in output/_runs/*.json, oldest first, each with what changed since the run
// before it (input fingerprints, contract versions, counts). Read-only; small JSON files, plain JS.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceCounts } from '../checks/result.ts';
import type { Fingerprint } from '../stages/fingerprint.ts';

export interface StoredRun {
  run_id: string;
  status: string;
  strict: boolean;
  as_of: string;
  started_at: string;
  finished_at: string;
  reason?: string;
  counts: Record<string, SourceCounts>;
  contracts: Record<string, string>;
  inputs: Fingerprint[];
  deliveries?: { channel: string; ok: boolean; error: string | null }[];
}

export interface RunChanges {
  previous: string | null;
  inputs: { added: string[]; changed: string[]; removed: string[] };
  contracts: { id: string; from: string | null; to: string | null }[];
  counts: Record<string, { records_in: number; rows_out: number; rows_quarantined: number }>;
}

export interface RunSummary {
  run_id: string;
  status: string;
  as_of: string;
  strict: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  reason: string | null;
  records_in: number;
  rows_quarantined: number;
  sources: Record<string, SourceCounts & { quarantine_rate: number }>;
  deliveries: { channel: string; ok: boolean; error: string | null }[];
  changes: RunChanges;
}

export interface RunHistory {
  runs: RunSummary[];
  /** Files in _runs that are not run records (unreadable JSON, missing fields): skipped, named here. */
  skipped: string[];
}

function isRun(x: unknown): x is StoredRun {
  const r = x as StoredRun;
  return typeof r === 'object' && r !== null && typeof r.run_id === 'string' && typeof r.started_at === 'string' && typeof r.counts === 'object' && r.counts !== null;
}

export async function readRunRecords(out: string): Promise<{ records: StoredRun[]; skipped: string[] }> {
  const dir = join(out, '_runs');
  if (!existsSync(dir)) return { records: [], skipped: [] };
  const records: StoredRun[] = [];
  const skipped: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
      if (isRun(parsed)) records.push(parsed);
      else skipped.push(name);
    } catch {
      skipped.push(name);
    }
  }
  records.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.run_id.localeCompare(b.run_id));
  return { records, skipped };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function changesSince(prev: StoredRun | undefined, run: StoredRun): RunChanges {
  const before = new Map((prev?.inputs ?? []).map((f) => [f.file, f.sha256]));
  const now = new Map((run.inputs ?? []).map((f) => [f.file, f.sha256]));
  const inputs = {
    added: [...now.keys()].filter((f) => !before.has(f)).sort(),
    changed: [...now.keys()].filter((f) => before.has(f) && before.get(f) !== now.get(f)).sort(),
    removed: prev ? [...before.keys()].filter((f) => !now.has(f)).sort() : [],
  };
  const contracts: RunChanges['contracts'] = [];
  if (prev) {
    const ids = [...new Set([...Object.keys(prev.contracts ?? {}), ...Object.keys(run.contracts ?? {})])].sort();
    for (const id of ids) {
      const from = prev.contracts?.[id] ?? null;
      const to = run.contracts?.[id] ?? null;
      if (from !== to) contracts.push({ id, from, to });
    }
  }
  const counts: RunChanges['counts'] = {};
  const sources = [...new Set([...Object.keys(prev?.counts ?? {}), ...Object.keys(run.counts)])].sort();
  for (const s of sources) {
    const a = prev?.counts[s];
    const b = run.counts[s];
    counts[s] = {
      records_in: (b?.records_in ?? 0) - (a?.records_in ?? 0),
      rows_out: (b?.rows_out ?? 0) - (a?.rows_out ?? 0),
      rows_quarantined: (b?.rows_quarantined ?? 0) - (a?.rows_quarantined ?? 0),
    };
  }
  return { previous: prev?.run_id ?? null, inputs, contracts, counts };
}

export function summarizeRun(run: StoredRun, prev: StoredRun | undefined): RunSummary {
  const sources = Object.fromEntries(
    Object.entries(run.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, c]) => [name, { ...c, quarantine_rate: c.records_in > 0 ? round(c.rows_quarantined / c.records_in) : 0 }]),
  );
  const counts = Object.values(run.counts);
  return {
    run_id: run.run_id,
    status: run.status,
    as_of: run.as_of,
    strict: run.strict,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_ms: Date.parse(run.finished_at) - Date.parse(run.started_at),
    reason: run.reason ?? null,
    records_in: counts.reduce((s, c) => s + c.records_in, 0),
    rows_quarantined: counts.reduce((s, c) => s + c.rows_quarantined, 0),
    sources,
    deliveries: run.deliveries ?? [],
    changes: changesSince(prev, run),
  };
}

/** Every run, oldest first, each compared with the one before it. */
export async function readRunHistory(out: string): Promise<RunHistory> {
  const { records, skipped } = await readRunRecords(out);
  return { runs: records.map((r, i) => summarizeRun(r, records[i - 1])), skipped };
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The run ids closest to a mistyped one (by edit distance, then newest first). */
export function nearestRunIds(id: string, ids: readonly string[], n = 3): string[] {
  return ids
    .map((x, i) => ({ x, i, d: levenshtein(id, x) }))
    .sort((a, b) => a.d - b.d || b.i - a.i)
    .slice(0, n)
    .map((e) => e.x);
}

/** A run by its full id or a unique prefix of it; undefined when none or ambiguous. */
export function findRun(runs: readonly RunSummary[], id: string): RunSummary | undefined {
  const exact = runs.find((r) => r.run_id === id);
  if (exact) return exact;
  const prefixed = runs.filter((r) => r.run_id.startsWith(id));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, rightAligned.has(i))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

function changeSummary(c: RunChanges): string {
  if (c.previous === null) return 'first run';
  const parts: string[] = [];
  const { added, changed, removed } = c.inputs;
  if (added.length + changed.length + removed.length > 0) parts.push(`inputs +${added.length} ~${changed.length} -${removed.length}`);
  if (c.contracts.length > 0) parts.push(`contracts ${c.contracts.length}`);
  const delta = Object.values(c.counts).reduce((s, d) => s + d.records_in, 0);
  if (delta !== 0) parts.push(`records ${delta > 0 ? '+' : ''}${delta}`);
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

/** `etl runs list`: newest first, one line per run. */
export function renderRunList(runs: readonly RunSummary[]): string {
  const header = ['run_id', 'status', 'as_of', 'strict', 'started_at', 'duration', 'records_in', 'quarantined', 'rate', 'changes'];
  const rows = runs.map((r) => [
    r.run_id,
    r.status,
    r.as_of,
    r.strict ? 'yes' : 'no',
    r.started_at.replace(/\.\d+Z$/, 'Z'),
    fmtDuration(r.duration_ms),
    String(r.records_in),
    String(r.rows_quarantined),
    pct(r.records_in > 0 ? r.rows_quarantined / r.records_in : 0),
    changeSummary(r.changes),
  ]);
  return `${table(header, rows, new Set([5, 6, 7, 8])).join('\n')}\n`;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** `etl runs show ID`: one run in full. */
export function renderRunDetail(r: RunSummary): string {
  const lines: string[] = [];
  lines.push(`run ${r.run_id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
  lines.push(`as of ${r.as_of}, ${r.strict ? 'strict' : 'not strict'}`);
  lines.push(`started ${r.started_at}, finished ${r.finished_at} (${fmtDuration(r.duration_ms)})`);
  lines.push('');
  const header = ['source', 'records_in', 'rows_out', 'quarantined', 'duplicates', 'excluded', 'rate', 'Δ records_in', 'Δ quarantined'];
  const rows = Object.entries(r.sources).map(([name, c]) => {
    const d = r.changes.counts[name] ?? { records_in: 0, rows_quarantined: 0 };
    return [name, String(c.records_in), String(c.rows_out), String(c.rows_quarantined), String(c.duplicates_dropped), String(c.rows_excluded ?? 0), pct(c.quarantine_rate), signed(d.records_in), signed(d.rows_quarantined)];
  });
  lines.push(...table(header, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8])));
  lines.push('');
  const c = r.changes;
  if (c.previous === null) {
    lines.push('changes: first run recorded');
  } else {
    lines.push(`changes since ${c.previous}:`);
    const { added, changed, removed } = c.inputs;
    if (added.length + changed.length + removed.length === 0) lines.push('  inputs: unchanged');
    for (const f of added) lines.push(`  input added:   ${f}`);
    for (const f of changed) lines.push(`  input changed: ${f}`);
    for (const f of removed) lines.push(`  input removed: ${f}`);
    if (c.contracts.length === 0) lines.push('  contracts: unchanged');
    for (const k of c.contracts) lines.push(`  contract ${k.id}: ${k.from ?? '(absent)'} → ${k.to ?? '(absent)'}`);
  }
  if (r.deliveries.length > 0) {
    lines.push('');
    for (const d of r.deliveries) lines.push(`alert ${d.channel}: ${d.ok ? 'delivered' : `failed (${d.error})`}`);
  }
  return `${lines.join('\n')}\n`;
}
