// What a run will read: one entry per dataset that has a source contract, with the file found in --data.
// Only orders must be there; every other source is optional: without its file the gold models that
// need it are skipped and the KPIs that need them say "not available (no <source>)".
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Contract, Server } from '../contracts/model.ts';
import { EtlError } from '../errors.ts';
import { detectFormat, type SourceFormat } from '../io/read-source.ts';
import type { StagingModel } from './staging.ts';
import { isGlob, matchFiles } from '../io/glob-files.ts';

/** The datasets a run cannot do without (a contract and a file, or a staging model). */
export const REQUIRED_DATASETS = ['orders'] as const;

export interface DatasetPlan {
  dataset: string;
  source?: Contract;
  silver?: Contract;
  /** The file, or the glob pattern, in --data; for a staged dataset, its staging model's SQL file. */
  file: string;
  /** The files to read (the glob's matches, sorted; [file] otherwise). */
  files?: string[];
  /** The server entry read (its reading options: delimiter, header, null markers …). */
  server?: Server;
  /** Absent for a staged dataset. */
  format?: SourceFormat;
  jsonLayout?: 'ndjson' | 'array';
  /** Set when the dataset is shaped by a staging model from raw sources instead of read from a file. */
  staging?: StagingModel;
  /** A raw source read by a staging model: its silver keeps lineage and is exposed as raw.<dataset>. */
  raw?: boolean;
}

/** The server path inside --data: `../data/` (or `data/`, `./data/`) is replaced by --data, keeping
 * subfolders and globs after it; any other path keeps only its file name (as before). */
export function dataRelativePath(path: string): string {
  const m = /^(?:\.\.\/|\.\/)?data\/(.+)$/.exec(path.replace(/\\/g, '/'));
  return m ? m[1]! : basename(path);
}

export interface RunPlan {
  datasets: DatasetPlan[];
  /** Datasets with a source contract but no file in --data (every one but orders may be absent). */
  absent: string[];
  gold: Contract[];
}

export function planRun(contracts: Contract[], dataDir: string, staging: StagingModel[] = []): RunPlan {
  const staged = new Map(staging.map((m) => [m.name, m]));
  const rawSources = new Set(staging.flatMap((m) => m.reads));
  const byDataset = new Map<string, { source?: Contract; silver?: Contract }>();
  const gold: Contract[] = [];
  for (const c of contracts) {
    if (c.layer === 'gold') {
      gold.push(c);
      continue;
    }
    const entry = byDataset.get(c.dataset) ?? {};
    entry[c.layer] = c;
    byDataset.set(c.dataset, entry);
  }
  for (const core of REQUIRED_DATASETS) {
    if (!byDataset.get(core)?.source && !staged.has(core)) {
      throw new EtlError('CONTRACT_NOT_FOUND', `no source contract (nor staging model) for the required dataset ${core}`, {
        hint: `add contracts/${core}.source.yaml (see the shipped contracts)`,
      });
    }
  }
  if (!existsSync(dataDir)) {
    throw new EtlError('SOURCE_NOT_FOUND', `the data directory ${dataDir} does not exist`, {
      location: { file: dataDir },
      hint: 'run `etl generate` for demo data, or pass --data DIR pointing at your exports',
    });
  }
  const datasets: DatasetPlan[] = [];
  const absent: string[] = [];
  for (const [dataset, { source, silver }] of [...byDataset.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!source) continue;
    const server = source.servers.find((s) => s.path) ?? source.servers[0];
    const name = server?.path ? dataRelativePath(server.path) : undefined;
    if (!name) {
      throw new EtlError('CONTRACT_PROFILE_INVALID', `source contract of ${dataset} names no file`, {
        location: source.loc,
        hint: 'add a servers entry with `path: ../data/<file>` and `format`',
      });
    }
    const file = join(dataDir, name);
    const files = isGlob(name) ? matchFiles(file) : existsSync(file) ? [file] : [];
    if (files.length === 0) {
      if ((REQUIRED_DATASETS as readonly string[]).includes(dataset)) {
        throw new EtlError('SOURCE_NOT_FOUND', `missing source file for ${dataset}: ${file}`, {
          location: { file },
          hint: 'run `etl generate` for demo data, or pass --data DIR pointing at your exports',
        });
      }
      absent.push(dataset);
      continue;
    }
    const format = server?.format ?? detectFormat(files[0]!);
    if (!format) {
      throw new EtlError('SOURCE_UNREADABLE', `cannot tell the format of ${file}`, { location: { file }, hint: 'set `format` on the contract server' });
    }
    const layout = server?.delimiter === 'new_line' ? 'ndjson' : server?.delimiter === 'array' ? 'array' : undefined;
    datasets.push({ dataset, source, ...(silver ? { silver } : {}), file, files, ...(server ? { server } : {}), format, ...(layout ? { jsonLayout: layout } : {}), ...(rawSources.has(dataset) ? { raw: true } : {}) });
  }
  // Staged datasets: built when every raw source their model reads is present.
  const read = new Set(datasets.map((d) => d.dataset));
  for (const m of staging) {
    const silver = byDataset.get(m.name)?.silver;
    const lacking = m.reads.filter((r) => !read.has(r));
    if (lacking.length > 0 || !silver) {
      if ((REQUIRED_DATASETS as readonly string[]).includes(m.name) && silver) {
        throw new EtlError('SOURCE_NOT_FOUND', `${m.name} cannot be staged: its raw source${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')} ${lacking.length > 1 ? 'are' : 'is'} missing`, {
          location: { file: m.file },
          hint: 'check --data and the servers of the raw source contracts',
        });
      }
      absent.push(m.name);
      continue;
    }
    datasets.push({ dataset: m.name, silver, file: m.file, staging: m });
  }
  datasets.sort((a, b) => a.dataset.localeCompare(b.dataset));
  return { datasets, absent: absent.sort(), gold };
}

/** Datasets ordered so that every relationship's target comes before its source. */
export function dependencyOrder(plans: DatasetPlan[]): DatasetPlan[] {
  const byName = new Map(plans.map((p) => [p.dataset, p]));
  const done = new Set<string>();
  const out: DatasetPlan[] = [];
  const visit = (p: DatasetPlan, path: string[]) => {
    if (done.has(p.dataset)) return;
    if (path.includes(p.dataset)) {
      throw new EtlError('CONTRACT_PROFILE_INVALID', `relationships form a cycle: ${[...path, p.dataset].join(' → ')}`, {
        hint: 'foreign keys must point from facts to dimensions',
      });
    }
    const rels = [...(p.source?.relationships ?? []), ...(p.silver?.relationships ?? [])];
    const upstream = [...rels.map((r) => r.toDataset), ...(p.staging?.reads ?? [])];
    for (const name of upstream) {
      const target = byName.get(name);
      if (target && target !== p) visit(target, [...path, p.dataset]);
    }
    done.add(p.dataset);
    out.push(p);
  };
  for (const p of plans) visit(p, []);
  return out;
}
