// A loaded contract file as JSON, for the cache of parsed contracts (src/cache.ts, load-contract.ts).
import { allQualityRules, type Contract } from './model.ts';
import type { NodeInfo } from './parse-yaml.ts';
import type { LoadedFile } from './parse-contract.ts';
import type { Problem } from './problem.ts';

/** A loaded file as JSON: the expression sites and derived ids are keyed by object identity, so they are
 * stored as references (contract index, rule or relationship index) into the contracts. */
export interface CachedFile {
  contracts: Contract[];
  problems: Problem[];
  sites: [Ref, { expression?: NodeInfo; compareTo?: NodeInfo }][];
  derived: Ref[];
}
type Ref = [number, 'rule' | 'relationship', number];

function objectsOf(contracts: Contract[]): Map<object, Ref> {
  const refs = new Map<object, Ref>();
  contracts.forEach((c, ci) => {
    allQualityRules(c).forEach((r, i) => refs.set(r, [ci, 'rule', i]));
    c.relationships.forEach((r, i) => refs.set(r, [ci, 'relationship', i]));
  });
  return refs;
}

export function encodeLoadedFile(l: LoadedFile): CachedFile | undefined {
  const refs = objectsOf(l.contracts);
  const sites: CachedFile['sites'] = [];
  for (const [rule, site] of l.sites) {
    const ref = refs.get(rule);
    if (!ref) return undefined;
    sites.push([ref, site]);
  }
  const derived: Ref[] = [];
  for (const o of l.derived) {
    const ref = refs.get(o);
    if (!ref) return undefined;
    derived.push(ref);
  }
  return { contracts: l.contracts, problems: l.problems, sites, derived };
}

export function decodeLoadedFile(c: CachedFile): LoadedFile {
  const at = ([ci, kind, i]: Ref): object => {
    const contract = c.contracts[ci]!;
    const o = kind === 'rule' ? allQualityRules(contract)[i] : contract.relationships[i];
    if (!o) throw new Error('stale cache entry');
    return o;
  };
  return {
    contracts: c.contracts,
    problems: c.problems,
    sites: new Map(c.sites.map(([ref, site]) => [at(ref) as never, site])),
    derived: new Set(c.derived.map(at)),
  };
}
