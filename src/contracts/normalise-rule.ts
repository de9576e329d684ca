// A raw ODCS quality entry → a QualityRule of the model (library, sql, custom etl row/dataset, text).
import type { FileContext } from './context.ts';
import type { CustomDatasetRule, LibraryRule, Operator, QualityRule } from './model.ts';
import type { DocPath } from './parse-yaml.ts';
import { OPERATOR_KEYS } from './profile.ts';
import { toSeverity } from './severity.ts';

type Raw = Record<string, unknown>;

/** The one operator of a rule (the profile has already checked there is exactly one). */
export function readOperator(raw: Raw): Operator | undefined {
  for (const op of OPERATOR_KEYS) {
    const v = raw[op];
    if (v === undefined) continue;
    if (op === 'mustBeBetween' || op === 'mustNotBeBetween') {
      return Array.isArray(v) && v.length === 2 ? { op, value: [Number(v[0]), Number(v[1])] } : undefined;
    }
    return typeof v === 'number' ? { op, value: v } : undefined;
  }
  return undefined;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export interface RuleScope {
  dataset: string;
  property?: string;
}

/** Normalise one quality entry; returns undefined only when the profile already reported it. */
export function normaliseRule(ctx: FileContext, raw: Raw, path: DocPath, scope: RuleScope): QualityRule | undefined {
  const rule = readRule(ctx, raw, path, scope);
  if (rule && typeof raw.id !== 'string') ctx.derived.add(rule);
  return rule;
}

function readRule(ctx: FileContext, raw: Raw, path: DocPath, scope: RuleScope): QualityRule | undefined {
  const type = asString(raw.type) ?? (raw.metric !== undefined ? 'library' : 'text');
  const rawSeverity = raw.severity;
  const severity = toSeverity(rawSeverity) ?? 'error';
  const base = {
    id: asString(raw.id) ?? '',
    severity,
    ...(scope.property !== undefined ? { property: scope.property } : {}),
    ...(typeof raw.description === 'string' ? { description: raw.description } : typeof raw.name === 'string' ? { description: raw.name } : {}),
    loc: ctx.loc(path),
  };
  const derive = (name: string): string => [scope.dataset, scope.property, name].filter((x) => x !== undefined).join('.');

  switch (type) {
    case 'library': {
      const operator = readOperator(raw);
      if (!operator) return undefined;
      const args = (raw.arguments && typeof raw.arguments === 'object' ? raw.arguments : {}) as Raw;
      const rule: LibraryRule = {
        ...base,
        id: base.id || derive(String(raw.metric)),
        type: 'library',
        metric: raw.metric as LibraryRule['metric'],
        operator,
        unit: raw.unit === 'percent' ? 'percent' : 'rows',
        arguments: {
          ...(Array.isArray(args.validValues) ? { validValues: args.validValues as (string | number | null)[] } : {}),
          ...(Array.isArray(args.missingValues) ? { missingValues: args.missingValues as (string | number | null)[] } : {}),
          ...(typeof args.pattern === 'string' ? { pattern: args.pattern } : {}),
        },
      };
      if (rule.arguments.pattern !== undefined) checkPattern(ctx, rule.arguments.pattern, [...path, 'arguments', 'pattern']);
      if (rule.metric !== 'rowCount' && scope.property === undefined && rule.metric !== 'duplicateValues') {
        ctx.report(path, `metric ${rule.metric} needs a column: put the rule under the property's quality`, { severity: 'warning' });
      }
      return rule;
    }
    case 'sql': {
      const operator = readOperator(raw);
      if (!operator) return undefined;
      return { ...base, id: base.id || derive('sql'), type: 'sql', query: String(raw.query), operator };
    }
    case 'custom': {
      if (raw.engine !== 'etl') {
        ctx.report(path, `custom rule for engine '${String(raw.engine)}' is not executed by etl: reported as skipped`, {
          severity: 'warning',
          hint: "use engine: etl with an implementation {kind: row | filter | quarantineRate | freshness | reconciliation}, or type: sql",
        });
        return { ...base, id: base.id || derive('custom'), type: 'text', skipped: `engine ${String(raw.engine)} is not supported` };
      }
      const impl = raw.implementation as Raw;
      const implPath = [...path, 'implementation'];
      if (impl.kind === 'row' || impl.kind === 'filter') {
        const rule: QualityRule =
          impl.kind === 'row'
            ? { ...base, id: base.id || derive('custom'), type: 'custom-row', expression: String(impl.expression) }
            : { ...base, id: base.id || derive('filter'), type: 'filter', expression: String(impl.expression) };
        const site = ctx.source.info([...implPath, 'expression']);
        ctx.sites.set(rule, site ? { expression: site } : {});
        return rule;
      }
      const operator = readOperator(impl);
      if (!operator) return undefined;
      const kind = impl.kind as CustomDatasetRule['metric'];
      const unitDefault = kind === 'quarantineRate' ? 'percent' : kind === 'freshness' ? 'hours' : 'absolute';
      const unit = (asString(impl.unit) ?? asString(raw.unit) ?? unitDefault) as CustomDatasetRule['unit'];
      const rule: CustomDatasetRule = { ...base, id: base.id || derive(kind), type: 'custom-dataset', metric: kind, operator, unit };
      if (kind === 'freshness') rule.column = String(impl.column);
      if (kind === 'reconciliation') {
        rule.expression = String(impl.expression);
        const cmp = impl.compareTo as Raw;
        rule.compareTo = { dataset: String(cmp.dataset), expression: String(cmp.expression) };
        const expression = ctx.source.info([...implPath, 'expression']);
        const compareTo = ctx.source.info([...implPath, 'compareTo', 'expression']);
        ctx.sites.set(rule, { ...(expression ? { expression } : {}), ...(compareTo ? { compareTo } : {}) });
      }
      return rule;
    }
    default:
      return { ...base, id: base.id || derive('text'), type: 'text' };
  }
}

/** A pattern must compile (JavaScript syntax is close to DuckDB's RE2 for the patterns contracts use). */
export function checkPattern(ctx: FileContext, pattern: string, path: DocPath): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    ctx.report(path, `pattern does not compile: ${(err as Error).message}`, { hint: 'escape special characters with a backslash, e.g. \\. for a dot' });
  }
}
