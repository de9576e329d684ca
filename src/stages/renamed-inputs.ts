// The same inputs named otherwise than in the state: `--data data` one day and `--data /srv/shop/data` the
// next (a manual run beside the cron job), or `--contracts` spelled otherwise. The quarantine's
// `_source_file` and the stored checks (descriptions, messages, `contract.file`) cite the files by the names
// the earlier runs gave them, where a full rebuild cites this run's. Rather than rebuild in full, an
// incremental run renames them in its copy of the state: the result is a full rebuild's, byte for byte
// (tests/e2e/incremental.test.ts).
import { dirname, join, relative, sep } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { join as joinSql, sql, type Sql } from '../sql/sql.ts';
import type { DatasetState } from './state.ts';

/** Old name → new name of every input and contract file whose name changed. */
export type Renames = Map<string, string>;

/** The longest folder the paths share, as written (`contracts` for `contracts/a.yaml`, `contracts/gold/b.yaml`;
 * `.` for relative paths with no folder in common, `/` for absolute ones). */
export function commonDir(paths: readonly string[]): string {
  if (paths.length === 0) return '/';
  const under = (d: string, p: string) => d === '.' ? !p.startsWith(sep) : p.startsWith(d.endsWith(sep) ? d : `${d}${sep}`);
  let common = dirname(paths[0]!);
  while (!paths.every((p) => under(common, p)) && dirname(common) !== common) common = dirname(common);
  return common;
}

/** Each name keyed by its path below the folder the names share. */
function keyedByCommonDir(names: string[]): Map<string, string> {
  const common = commonDir(names);
  return new Map(names.map((n) => [relative(common, n), n]));
}

/**
 * The renames from the state's names to this run's, or why there can be none. Input files are named
 * `join(--data, file)` (plan.ts); the contract files are matched by their path below the folder they share
 * (the definitions' hashes, compared before, say their contents are the same).
 */
export function renamesOf(
  previous: { data: string; inputs: Record<string, { file: string }[]>; contract_files: string[] },
  now: { dataDir: string; contractFiles: string[] },
): Renames | string {
  const renames: Renames = new Map();
  const rename = (from: string, to: string) => {
    if (from !== to) renames.set(from, to);
  };
  if (previous.data !== now.dataDir) {
    for (const files of Object.values(previous.inputs)) for (const f of files) rename(join(previous.data, f.file), join(now.dataDir, f.file));
  }
  const before = keyedByCommonDir(previous.contract_files);
  const after = keyedByCommonDir(now.contractFiles);
  for (const [key, name] of before) {
    const renamed = after.get(key);
    if (renamed === undefined) return `--contracts names the contract files otherwise than the state's checks do, and not one for one (${name} → none)`;
    rename(name, renamed);
  }
  if (after.size !== before.size) {
    const extra = [...after].find(([key]) => !before.has(key))!;
    return `--contracts names the contract files otherwise than the state's checks do, and not one for one (none → ${extra[1]})`;
  }
  return renames;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every string of the stored checks with the old names replaced: a name counts where it stands alone
 * (not inside a longer path), the longest first. */
export function renameInChecks(state: DatasetState, renames: Renames): DatasetState {
  if (renames.size === 0) return state;
  const names = [...renames.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const pattern = new RegExp(`(?<![\\w./-])(?:${names.map(escapeRegExp).join('|')})(?!\\.?[\\w/-])`, 'g');
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(pattern, (m) => renames.get(m) ?? m);
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    return v;
  };
  return rewrite(state) as DatasetState;
}

/** The quarantine's lineage renamed in place (a table of the state copy). */
export async function renameQuarantine(engine: Engine, quarantine: Sql, renames: Renames): Promise<void> {
  if (renames.size === 0) return;
  const pairs = joinSql([...renames].map(([from, to]) => sql`(${from}, ${to})`), ', ');
  await engine.exec(sql`UPDATE ${quarantine} AS q SET "_source_file" = r.name_now FROM (VALUES ${pairs}) AS r(name_before, name_now) WHERE q."_source_file" = r.name_before`);
}
