// What a run will read: one entry per dataset that has a source contract, with the file found in --data.
// Only orders must be there; every other source is optional: without its file the gold models that
// need it are skipped and the KPIs that need them say "not available (no <source>)".
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Contract } from '../contracts/model.ts';
import { EtlError } from '../errors.ts';
import { detectFormat, type SourceFormat } from '../io/read-source.ts';

/** The datasets a run cannot do without (a contract and a file). */
export const REQUIRED_DATASETS = ['orders'] as const;

export interface DatasetPlan {
  dataset: string;
  source?: Contract;
  silver?: Contract;
  file: string;
  format: SourceFormat;
  jsonLayout?: 'ndjson' | 'array';
}

export interface RunPlan {
  datasets: DatasetPlan[];
  /** Datasets with a source contract but no file in --data (every one but orders may be absent). */
  absent: string[];
  gold: Contract[];
}

export function planRun(contracts: Contract[], dataDir: string): RunPlan {
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
    if (!byDataset.get(core)?.source) {
      throw new EtlError('CONTRACT_NOT_FOUND', `no source contract for the required dataset ${core}`, {
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
    const name = server?.path ? basename(server.path) : undefined;
    if (!name) {
      throw new EtlError('CONTRACT_PROFILE_INVALID', `source contract of ${dataset} names no file`, {
        location: source.loc,
        hint: 'add a servers entry with `path: ../data/<file>` and `format`',
      });
    }
    const file = join(dataDir, name);
    if (!existsSync(file)) {
      if ((REQUIRED_DATASETS as readonly string[]).includes(dataset)) {
        throw new EtlError('SOURCE_NOT_FOUND', `missing source file for ${dataset}: ${file}`, {
          location: { file },
          hint: 'run `etl generate` for demo data, or pass --data DIR pointing at your exports',
        });
      }
      absent.push(dataset);
      continue;
    }
    const format = server?.format ?? detectFormat(file);
    if (!format) {
      throw new EtlError('SOURCE_UNREADABLE', `cannot tell the format of ${file}`, { location: { file }, hint: 'set `format` on the contract server' });
    }
    const layout = server?.delimiter === 'new_line' ? 'ndjson' : server?.delimiter === 'array' ? 'array' : undefined;
    datasets.push({ dataset, source, ...(silver ? { silver } : {}), file, format, ...(layout ? { jsonLayout: layout } : {}) });
  }
  return { datasets, absent, gold };
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
    for (const r of rels) {
      const target = byName.get(r.toDataset);
      if (target && target !== p) visit(target, [...path, p.dataset]);
    }
    done.add(p.dataset);
    out.push(p);
  };
  for (const p of plans) visit(p, []);
  return out;
}
