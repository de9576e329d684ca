// Stage 5: checks across the contracts loaded together — relationships point at known tables and
// columns, custom expressions compile in their scope, dataset/layer pairs and rule ids are unique.
import { columnsOutsideAggregates, compileExpression, isPredicate, parseExpression } from '../expr/index.ts';
import type { SourceLocation } from '../errors.ts';
import { expressionLocation, type ExpressionSites } from './context.ts';
import { buildAggregateScope, buildRowRuleScope, findDatasetContract, type TrackedScope } from './expr-scope.ts';
import { allQualityRules, type Contract, type QualityRule } from './model.ts';
import type { Problem } from './problem.ts';
import { suggestClosest } from './suggest.ts';

export interface SetCheckOptions {
  /** false when a single file is checked alone: references to datasets not loaded are not errors. */
  strict: boolean;
  sites: ExpressionSites;
  /** Rules/relationships with a derived id (see FileContext.derived). */
  derived?: Set<object>;
}

function problem(loc: SourceLocation, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): Problem {
  return { code: 'CONTRACT_PROFILE_INVALID', severity, message, ...(hint ? { hint } : {}), file: loc.file, ...(loc.line !== undefined ? { line: loc.line, col: loc.col } : {}) };
}

function knownDatasets(contracts: readonly Contract[]): string[] {
  return [...new Set(contracts.map((c) => c.dataset))].sort();
}

export function checkContractSet(contracts: readonly Contract[], options: SetCheckOptions): Problem[] {
  const problems: Problem[] = [];

  // One contract per (dataset, layer): the pipeline looks contracts up by that pair.
  const byPair = new Map<string, Contract>();
  for (const c of contracts) {
    const key = `${c.dataset}\u0000${c.layer}`;
    const first = byPair.get(key);
    if (first) problems.push(problem(c.loc, `a second ${c.layer} contract for dataset ${c.dataset} (the first is in ${first.file})`, 'give each contract its own dataset (customProperties dataset) or layer'));
    else byPair.set(key, c);
  }

  // Rule ids name checks in every report: they must be unique across the whole set. A derived id that
  // clashes (the same metric on source and silver) is made unique; a clash of written ids is a problem.
  const ids = new Map<string, SourceLocation>();
  for (const c of contracts) {
    for (const r of [...allQualityRules(c), ...c.relationships]) {
      const first = ids.get(r.id);
      if (first && options.derived?.has(r)) {
        const prefix = `${c.dataset}.`;
        let id = r.id.startsWith(prefix) ? `${c.dataset}.${c.layer}.${r.id.slice(prefix.length)}` : `${c.layer}.${r.id}`;
        for (let n = 2; ids.has(id); n++) id = `${id.replace(/_\d+$/, '')}_${n}`;
        r.id = id;
        ids.set(id, r.loc);
      } else if (first) {
        problems.push(problem(r.loc, `duplicate rule id '${r.id}' (first at ${[first.file, first.line, first.col].filter((x) => x !== undefined).join(':')})`, 'rule ids must be unique across all contracts'));
      } else ids.set(r.id, r.loc);
    }
  }

  for (const c of contracts) {
    for (const rel of c.relationships) {
      const target = findDatasetContract(contracts, rel.toDataset);
      if (!target) {
        if (!options.strict) continue;
        const s = suggestClosest(rel.toDataset, knownDatasets(contracts));
        problems.push(problem(rel.loc, `relationship to unknown dataset ${rel.toDataset}`, s ? `did you mean '${s}'?` : `known datasets: ${knownDatasets(contracts).join(', ')}`));
        continue;
      }
      for (const col of rel.to) {
        const names = target.properties.map((p) => p.name);
        if (names.includes(col)) continue;
        const s = suggestClosest(col, names);
        problems.push(problem(rel.loc, `relationship to unknown column ${rel.toDataset}.${col}`, s ? `did you mean '${rel.toDataset}.${s}'?` : `${rel.toDataset} has the columns ${names.join(', ')}`));
      }
    }
    for (const rule of allQualityRules(c)) problems.push(...checkRuleExpressions(c, rule, contracts, options));
  }
  return problems;
}

function compileProblem(rule: QualityRule, scope: TrackedScope, text: string, site: 'expression' | 'compareTo', options: SetCheckOptions, what: string): Problem | undefined {
  const r = compileExpression(text, scope);
  const where = (offset: number): SourceLocation => {
    const s = options.sites.get(rule)?.[site];
    return s ? expressionLocation(rule.loc.file, s, offset) : rule.loc;
  };
  if (!r.ok) {
    const miss = r.message.startsWith('unknown column') ? scope.lastMiss() : undefined;
    const hint = miss ?? (r.message.startsWith('unknown function') ? undefined : 'the expression language is SQL-like: col > 0, a IS NOT NULL, b IN (\'x\', \'y\'), date(col) <= as_of()');
    return problem(where(r.offset), `${what} of rule ${rule.id} does not compile: ${r.message} (at character ${r.offset + 1})`, hint);
  }
  const parsed = parseExpression(text);
  if (!parsed.ok) return undefined;
  if (scope.allowAggregates) {
    const bare = columnsOutsideAggregates(parsed.ast)[0];
    if (bare) return problem(where(bare.offset), `${what} of rule ${rule.id} uses ${bare.column} outside an aggregate`, 'a reconciliation compares one number per dataset: wrap columns in sum(), count(), min(), max() or avg()');
  } else if (!isPredicate(parsed.ast)) {
    return problem(where(0), `${what} of rule ${rule.id} is not a condition`, 'a row rule must be true for a valid row, e.g. quantity > 0');
  }
  return undefined;
}

function checkRuleExpressions(c: Contract, rule: QualityRule, contracts: readonly Contract[], options: SetCheckOptions): Problem[] {
  const out: Problem[] = [];
  if (rule.type === 'custom-row' || rule.type === 'filter') {
    const p = compileProblem(rule, buildRowRuleScope(c, contracts, {}, options.strict), rule.expression, 'expression', options, 'the expression');
    if (p) out.push(p);
  }
  if (rule.type === 'custom-dataset' && rule.metric === 'reconciliation' && rule.expression !== undefined && rule.compareTo) {
    const p = compileProblem(rule, buildAggregateScope(c), rule.expression, 'expression', options, 'the expression');
    if (p) out.push(p);
    const other = findDatasetContract(contracts, rule.compareTo.dataset, c.layer);
    if (!other) {
      if (options.strict) {
        const s = suggestClosest(rule.compareTo.dataset, knownDatasets(contracts));
        out.push(problem(rule.loc, `reconciliation compares with unknown dataset ${rule.compareTo.dataset}`, s ? `did you mean '${s}'?` : `known datasets: ${knownDatasets(contracts).join(', ')}`));
      }
    } else {
      const q = compileProblem(rule, buildAggregateScope(other), rule.compareTo.expression, 'compareTo', options, 'compareTo.expression');
      if (q) out.push(q);
    }
  }
  return out;
}
