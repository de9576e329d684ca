// A contract set as a Markdown data dictionary: one section per contract, one row per property
// (type, required, key, constraints, classification), then its foreign keys and quality rules.
import { datasetKindOf } from '../checks/dataset-metrics.ts';
import { allQualityRules, type Contract, type Property, type QualityRule } from './model.ts';
import { physicalNameOf } from './diff.ts';

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function constraints(p: Property): string {
  const o = p.options;
  const out: string[] = [];
  if (o.minimum !== undefined) out.push(`>= ${o.minimum}`);
  if (o.exclusiveMinimum !== undefined) out.push(`> ${o.exclusiveMinimum}`);
  if (o.maximum !== undefined) out.push(`<= ${o.maximum}`);
  if (o.exclusiveMaximum !== undefined) out.push(`< ${o.exclusiveMaximum}`);
  if (o.minLength !== undefined) out.push(`length >= ${o.minLength}`);
  if (o.maxLength !== undefined) out.push(`length <= ${o.maxLength}`);
  if (o.pattern !== undefined) out.push(`pattern \`${o.pattern}\``);
  if (o.format !== undefined) out.push(`format ${o.format}`);
  if (o.enum !== undefined) out.push(`one of ${o.enum.map(String).join(', ')}`);
  if (p.severity === 'warning' && out.length) out.push('(warning)');
  return out.join('; ');
}

function threshold(r: QualityRule): string {
  if (!('operator' in r)) return '';
  const v = r.operator.value;
  return `${r.operator.op} ${Array.isArray(v) ? v.join('..') : v}${'unit' in r && r.unit ? ` ${r.unit}` : ''}`;
}

/** What a rule checks, as the dictionary shows it: a dataset rule's metric kind (one table names them,
 * checks/dataset-metrics.ts), a row rule's expression, else the rule's type. */
function ruleWhat(r: QualityRule): string {
  if (r.type === 'custom-row') return `row: \`${r.expression}\``;
  return datasetKindOf(r) ?? (r as { type: string }).type;
}

function renderContract(c: Contract): string {
  const out: string[] = [`## ${c.dataset} (${c.layer})`, '', `Contract \`${c.id}\` version ${c.version}, table \`${c.object}\`, file \`${c.file}\`.`];
  const doc = (c as { description?: unknown }).description;
  if (typeof doc === 'string') out.push('', doc);
  if (c.primaryKey.length) out.push('', `Primary key: ${c.primaryKey.map((k) => `\`${k}\``).join(', ')}.`);
  out.push('', '| property | column | type | required | unique | constraints | classification | description |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of c.properties) {
    const description = (p as { description?: unknown }).description;
    const key = p.primaryKey ? 'key' : p.unique ? 'yes' : '';
    const cls = p.classification ? `${p.classification}${p.mask ? ` (${p.mask})` : ''}` : '';
    const column = physicalNameOf(p);
    out.push(`| \`${cell(p.name)}\` | ${column === p.name ? '' : `\`${cell(column)}\``} | ${p.logicalType} | ${p.required ? 'yes' : ''} | ${key} | ${cell(constraints(p))} | ${cell(cls)} | ${cell(typeof description === 'string' ? description : '')} |`);
  }
  if (c.relationships.length) {
    out.push('', 'Foreign keys:', '');
    for (const r of c.relationships) out.push(`- ${r.from.map((f) => `\`${f}\``).join(', ')} → \`${r.toDataset}\` (${r.to.map((t) => `\`${t}\``).join(', ')})${r.severity === 'warning' ? ' (warning)' : ''}`);
  }
  const rules = allQualityRules(c);
  if (rules.length) {
    out.push('', '| rule | on | checks | threshold | severity | description |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of rules) out.push(`| \`${cell(r.id)}\` | ${cell(r.property ?? c.object)} | ${cell(ruleWhat(r))} | ${cell(threshold(r))} | ${r.severity} | ${cell(r.description ?? '')} |`);
  }
  return out.join('\n');
}

export function renderMarkdownDictionary(contracts: readonly Contract[]): string {
  return `# Data dictionary\n\n${contracts.map(renderContract).join('\n\n')}\n`;
}
