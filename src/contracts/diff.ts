// `etl contracts diff`: what changed between two sets of normalised contracts, each change classified
// for consumers by the table in diff-kinds.ts. Works on the Contract model only (never on YAML).
// Contracts are paired by id, else by dataset + layer; properties by name, a removed and an added
// property reading the same column (or at the same position with the same type) count as a rename.
import { EtlError } from '../errors.ts';
import { CHANGE_KINDS, classOf, type ChangeClass, type ChangeKind } from './diff-kinds.ts';
import { allQualityRules, type Contract, type LogicalType, type Property, type QualityRule } from './model.ts';

export interface Change {
  kind: ChangeKind;
  class: ChangeClass;
  /** Contract id (the new one's when both exist). */
  contract: string;
  dataset: string;
  layer: string;
  /** Property or rule the change is about; absent for contract-level changes. */
  subject?: string;
  from?: string;
  to?: string;
  message: string;
  /** Where to look: the new file (the old one for removals). */
  file: string;
  line?: number;
}

export interface VersionWarning {
  contract: string;
  file: string;
  from: string;
  to: string;
  message: string;
}

export interface ContractDiff {
  changes: Change[];
  warnings: VersionWarning[];
  summary: Record<ChangeClass, number>;
  /** Contracts compared (paired), added and removed. */
  compared: number;
}

type Side = Pick<Contract, 'id' | 'dataset' | 'layer' | 'file'>;

// Description and tags are documentation: read them when the model carries them (optional fields).
function docOf(x: object): string | undefined {
  const d = (x as { description?: unknown }).description;
  return typeof d === 'string' ? d : undefined;
}
function tagsOf(x: object): string[] {
  const t = (x as { tags?: unknown }).tags;
  return Array.isArray(t) ? t.map(String).sort() : [];
}
/** The column (or JSON key) a property reads: physicalName when the model carries a mapping. */
export function physicalNameOf(p: Property): string {
  const s = (p as { source?: { kind?: string; column?: string; expression?: string } }).source;
  if (s?.kind === 'column' && typeof s.column === 'string') return s.column;
  if (s?.kind === 'transform') return `transformLogic: ${s.expression ?? ''}`;
  return p.name;
}

/** The date/timestamp pattern (logicalTypeOptions.format) when the model carries one; ISO 8601 otherwise. */
export function dateFormatOf(p: Property): string | undefined {
  const f = (p as { dateFormat?: unknown }).dateFormat;
  return typeof f === 'string' ? f : undefined;
}

/** Every value of `from` is a value of `to`. */
const WIDENINGS: Record<LogicalType, LogicalType[]> = {
  integer: ['number', 'string'],
  number: ['string'],
  boolean: ['string'],
  date: ['timestamp', 'string'],
  timestamp: ['string'],
  time: ['string'],
  string: [],
  object: [],
  array: [],
};

export function typeChangeKind(from: LogicalType, to: LogicalType): ChangeKind {
  if (WIDENINGS[from].includes(to)) return 'type_widened';
  if (WIDENINGS[to].includes(from)) return 'type_narrowed';
  return 'type_changed';
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

class Collector {
  readonly changes: Change[] = [];
  constructor(
    private readonly a: Side,
    private readonly b: Side,
  ) {}
  add(kind: ChangeKind, message: string, at: { subject?: string; from?: unknown; to?: unknown; line?: number; old?: boolean }): void {
    const side = at.old ? this.a : this.b;
    this.changes.push({
      kind,
      class: classOf(kind),
      contract: this.b.id,
      dataset: this.b.dataset,
      layer: this.b.layer,
      ...(at.subject !== undefined ? { subject: at.subject } : {}),
      ...(at.from !== undefined ? { from: show(at.from) } : {}),
      ...(at.to !== undefined ? { to: show(at.to) } : {}),
      message,
      file: side.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
    });
  }
}

type BoundKey = 'minimum' | 'exclusiveMinimum' | 'minLength' | 'maximum' | 'exclusiveMaximum' | 'maxLength';
const LOWER: BoundKey[] = ['minimum', 'exclusiveMinimum', 'minLength'];
const UPPER: BoundKey[] = ['maximum', 'exclusiveMaximum', 'maxLength'];

function diffBounds(out: Collector, a: Property, b: Property): void {
  for (const key of [...LOWER, ...UPPER]) {
    const x = a.options[key];
    const y = b.options[key];
    if (x === y) continue;
    const lower = LOWER.includes(key);
    // Adding a bound tightens; removing one loosens; moving it is judged by direction.
    const tighter = x === undefined ? true : y === undefined ? false : lower ? y > x : y < x;
    out.add(tighter ? 'bound_tightened' : 'bound_loosened', `${b.name}: ${key} ${show(x)} → ${show(y)}`, { subject: b.name, from: x, to: y, line: b.loc.line });
  }
}

function diffValidValues(out: Collector, a: Property, b: Property): void {
  const x = a.options.enum;
  const y = b.options.enum;
  if (x === undefined && y === undefined) return;
  const xs = new Set((x ?? []).map(String));
  const ys = new Set((y ?? []).map(String));
  if (x !== undefined && y !== undefined && xs.size === ys.size && [...xs].every((v) => ys.has(v))) return;
  const removed = [...xs].filter((v) => !ys.has(v)).sort();
  const added = [...ys].filter((v) => !xs.has(v)).sort();
  // No list accepts everything; a list that lost a value rejects records that passed.
  const tighter = x === undefined || (y !== undefined && removed.length > 0);
  const what = x === undefined ? 'valid values added' : y === undefined ? 'valid values removed' : [removed.length ? `removed ${removed.join(', ')}` : '', added.length ? `added ${added.join(', ')}` : ''].filter(Boolean).join('; ');
  out.add(tighter ? 'valid_values_tightened' : 'valid_values_loosened', `${b.name}: ${what}`, { subject: b.name, from: x, to: y, line: b.loc.line });
}

function diffProperty(out: Collector, a: Property, b: Property): void {
  const at = { subject: b.name, line: b.loc.line };
  if (a.logicalType !== b.logicalType) {
    out.add(typeChangeKind(a.logicalType, b.logicalType), `${b.name}: logicalType ${a.logicalType} → ${b.logicalType}`, { ...at, from: a.logicalType, to: b.logicalType });
  }
  if ((a.physicalType ?? '').toLowerCase() !== (b.physicalType ?? '').toLowerCase()) {
    out.add('physical_type_changed', `${b.name}: physicalType ${show(a.physicalType)} → ${show(b.physicalType)}`, { ...at, from: a.physicalType, to: b.physicalType });
  }
  if (physicalNameOf(a) !== physicalNameOf(b)) {
    out.add('physical_name_changed', `${b.name}: reads ${physicalNameOf(a)} → ${physicalNameOf(b)}`, { ...at, from: physicalNameOf(a), to: physicalNameOf(b) });
  }
  if (a.required !== b.required) out.add(b.required ? 'required_added' : 'required_removed', `${b.name}: required ${a.required} → ${b.required}`, { ...at, from: a.required, to: b.required });
  if (a.unique !== b.unique) out.add(b.unique ? 'unique_added' : 'unique_removed', `${b.name}: unique ${a.unique} → ${b.unique}`, { ...at, from: a.unique, to: b.unique });
  diffBounds(out, a, b);
  diffValidValues(out, a, b);
  if (a.options.pattern !== b.options.pattern) {
    out.add(b.options.pattern === undefined ? 'pattern_removed' : 'pattern_changed', `${b.name}: pattern ${show(a.options.pattern)} → ${show(b.options.pattern)}`, { ...at, from: a.options.pattern, to: b.options.pattern });
  }
  if (a.options.format !== b.options.format) {
    out.add(b.options.format === undefined ? 'format_removed' : 'format_added', `${b.name}: format ${show(a.options.format)} → ${show(b.options.format)}`, { ...at, from: a.options.format, to: b.options.format });
  }
  if (dateFormatOf(a) !== dateFormatOf(b)) {
    // Another spelling is accepted, and the old one refused: breaking either way.
    out.add('date_format_changed', `${b.name}: date format ${dateFormatOf(a) ?? 'ISO 8601'} → ${dateFormatOf(b) ?? 'ISO 8601'}`, { ...at, from: dateFormatOf(a) ?? 'ISO 8601', to: dateFormatOf(b) ?? 'ISO 8601' });
  }
  if (a.severity !== b.severity) {
    out.add(b.severity === 'error' ? 'severity_raised' : 'severity_lowered', `${b.name}: row rules' severity ${a.severity} → ${b.severity}`, { ...at, from: a.severity, to: b.severity });
  }
  if ((a.classification ?? '') !== (b.classification ?? '') || (a.mask ?? '') !== (b.mask ?? '')) {
    out.add('classification_changed', `${b.name}: classification ${show(a.classification)}/${show(a.mask)} → ${show(b.classification)}/${show(b.mask)}`, { ...at, from: `${show(a.classification)}/${show(a.mask)}`, to: `${show(b.classification)}/${show(b.mask)}` });
  }
  if (docOf(a) !== docOf(b)) out.add('description_changed', `${b.name}: description changed`, at);
  if (tagsOf(a).join('\u0000') !== tagsOf(b).join('\u0000')) out.add('tags_changed', `${b.name}: tags ${show(tagsOf(a))} → ${show(tagsOf(b))}`, { ...at, from: tagsOf(a), to: tagsOf(b) });
}

/** Pair properties by name; then an unpaired old and new property reading the same column, or at the
 * same position with the same type, are one property renamed. */
function pairProperties(a: Property[], b: Property[]): { pairs: [Property, Property][]; renamed: [Property, Property][]; removed: Property[]; added: Property[] } {
  const byName = new Map(b.map((p) => [p.name, p]));
  const pairs: [Property, Property][] = [];
  const removed: Property[] = [];
  for (const p of a) {
    const q = byName.get(p.name);
    if (q) pairs.push([p, q]);
    else removed.push(p);
  }
  const paired = new Set(pairs.map(([, q]) => q));
  let added = b.filter((q) => !paired.has(q));
  const renamed: [Property, Property][] = [];
  for (const p of [...removed]) {
    const q =
      added.find((x) => physicalNameOf(x) === physicalNameOf(p) && physicalNameOf(p) !== p.name) ??
      added.find((x) => b.indexOf(x) === a.indexOf(p) && x.logicalType === p.logicalType);
    if (!q) continue;
    renamed.push([p, q]);
    removed.splice(removed.indexOf(p), 1);
    added = added.filter((x) => x !== q);
  }
  return { pairs, renamed, removed, added };
}

function ruleKey(r: QualityRule): string {
  return r.id;
}

/** JSON with object keys sorted at every level (a stable text to compare two values by). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What a rule checks, without where it is written or how it is described. */
function ruleBody(r: QualityRule): string {
  const { loc: _loc, description: _d, severity: _s, id: _id, ...rest } = r;
  return canonical(rest);
}

/** A threshold moved: tighter when the accepted range shrank (same metric and operator only). */
function thresholdMove(a: QualityRule, b: QualityRule): 'tightened' | 'loosened' | undefined {
  if (!('operator' in a) || !('operator' in b)) return undefined;
  const { loc: _la, description: _da, severity: _sa, id: _ia, operator: oa, ...ra } = a;
  const { loc: _lb, description: _db, severity: _sb, id: _ib, operator: ob, ...rb } = b;
  if (canonical(ra) !== canonical(rb) || oa.op !== ob.op) return undefined;
  if (typeof oa.value !== 'number' || typeof ob.value !== 'number') return undefined;
  if (oa.op === 'mustBeLessThan' || oa.op === 'mustBeLessOrEqualTo') return ob.value < oa.value ? 'tightened' : 'loosened';
  if (oa.op === 'mustBeGreaterThan' || oa.op === 'mustBeGreaterOrEqualTo') return ob.value > oa.value ? 'tightened' : 'loosened';
  return undefined;
}

function thresholdOf(r: QualityRule): string | undefined {
  if (!('operator' in r)) return undefined;
  return `${r.operator.op} ${Array.isArray(r.operator.value) ? r.operator.value.join('..') : r.operator.value}`;
}

function diffRules(out: Collector, a: QualityRule[], b: QualityRule[]): void {
  const olds = new Map(a.map((r) => [ruleKey(r), r]));
  const news = new Map(b.map((r) => [ruleKey(r), r]));
  for (const [key, r] of olds) {
    if (!news.has(key)) out.add(r.type === 'text' ? 'description_changed' : 'rule_removed', `rule ${key} removed`, { subject: key, line: r.loc.line, old: true });
  }
  for (const [key, r] of news) {
    const o = olds.get(key);
    const at = { subject: key, line: r.loc.line };
    if (!o) {
      const kind: ChangeKind = r.type === 'text' ? 'description_changed' : r.severity === 'error' ? 'rule_added' : 'rule_added_warning';
      out.add(kind, `rule ${key} added${r.type === 'text' ? ' (documentation)' : ''}`, { ...at, to: thresholdOf(r) });
      continue;
    }
    if (ruleBody(o) !== ruleBody(r)) {
      const move = thresholdMove(o, r);
      const kind: ChangeKind = r.type === 'text' ? 'description_changed' : move === 'loosened' ? 'bound_loosened' : move === 'tightened' ? 'bound_tightened' : 'rule_changed';
      out.add(kind, `rule ${key} ${move ? `threshold ${move}` : 'changed'}`, { ...at, from: thresholdOf(o), to: thresholdOf(r) });
    }
    if (o.severity !== r.severity && r.type !== 'text') {
      out.add(r.severity === 'error' ? 'severity_raised' : 'severity_lowered', `rule ${key}: severity ${o.severity} → ${r.severity}`, { ...at, from: o.severity, to: r.severity });
    }
    if (docOf(o) !== docOf(r)) out.add('description_changed', `rule ${key}: description changed`, at);
  }
}

function relationshipKey(r: Contract['relationships'][number]): string {
  return `${r.from.join(',')} → ${r.toDataset}(${r.to.join(',')})`;
}

/** Every change between two versions of one contract. */
export function diffContract(a: Contract, b: Contract): Change[] {
  const out = new Collector(a, b);
  const { pairs, renamed, removed, added } = pairProperties(a.properties, b.properties);
  for (const p of removed) out.add('property_removed', `property ${p.name} removed`, { subject: p.name, from: p.name, line: p.loc.line, old: true });
  for (const [p, q] of renamed) {
    out.add('property_renamed', `property ${p.name} renamed to ${q.name}`, { subject: q.name, from: p.name, to: q.name, line: q.loc.line });
    // A rename without a physicalName on either side moves the file column with it: one change, the rename.
    const sameColumnRule = physicalNameOf(p) === p.name && physicalNameOf(q) === q.name;
    diffProperty(out, { ...p, name: q.name, ...(sameColumnRule && q.source ? { source: q.source } : {}) }, q);
  }
  for (const q of added) {
    out.add(q.required ? 'property_added_required' : 'property_added_optional', `property ${q.name} added${q.required ? ' (required)' : ''}`, { subject: q.name, to: q.logicalType, line: q.loc.line });
  }
  for (const [p, q] of pairs) diffProperty(out, p, q);
  if (a.primaryKey.join(',') !== b.primaryKey.join(',')) {
    out.add('primary_key_changed', `primary key (${a.primaryKey.join(', ')}) → (${b.primaryKey.join(', ')})`, { from: a.primaryKey.length ? a.primaryKey : undefined, to: b.primaryKey.length ? b.primaryKey : undefined, line: b.loc.line });
  }
  const ra = new Map(a.relationships.map((r) => [relationshipKey(r), r]));
  const rb = new Map(b.relationships.map((r) => [relationshipKey(r), r]));
  for (const [k, r] of ra) if (!rb.has(k)) out.add('relationship_removed', `foreign key ${k} removed`, { subject: k, line: r.loc.line, old: true });
  for (const [k, r] of rb) {
    const o = ra.get(k);
    if (!o) out.add(r.severity === 'error' ? 'relationship_added' : 'rule_added_warning', `foreign key ${k} added`, { subject: k, line: r.loc.line });
    else if (o.severity !== r.severity) out.add(r.severity === 'error' ? 'severity_raised' : 'severity_lowered', `foreign key ${k}: severity ${o.severity} → ${r.severity}`, { subject: k, from: o.severity, to: r.severity, line: r.loc.line });
  }
  // Property-level rules that came with a renamed property keep their ids' meaning: compare by id.
  diffRules(out, allQualityRules(a), allQualityRules(b));
  const servers = (c: Contract) => JSON.stringify(c.servers.map((s) => ({ name: s.name, type: s.type, format: s.format, delimiter: s.delimiter, path: s.path })));
  if (servers(a) !== servers(b)) out.add('server_changed', 'servers changed', { line: b.loc.line });
  if (docOf(a) !== docOf(b)) out.add('description_changed', 'contract description changed', { line: b.loc.line });
  if (tagsOf(a).join('\u0000') !== tagsOf(b).join('\u0000')) out.add('tags_changed', `tags ${show(tagsOf(a))} → ${show(tagsOf(b))}`, { from: tagsOf(a), to: tagsOf(b), line: b.loc.line });
  return out.changes;
}

function parseSemver(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The warning when the version bump does not match the worst class of the changes, if any. */
export function checkVersionBump(a: Contract, b: Contract, changes: readonly Change[]): VersionWarning | undefined {
  const worst: ChangeClass | undefined = changes.some((c) => c.class === 'breaking') ? 'breaking' : changes.some((c) => c.class === 'non-breaking') ? 'non-breaking' : changes.length ? 'info' : undefined;
  if (!worst) return undefined;
  const x = parseSemver(a.version);
  const y = parseSemver(b.version);
  const base = { contract: b.id, file: b.file, from: a.version, to: b.version };
  if (!x || !y) return { ...base, message: `version ${a.version} → ${b.version} is not semantic (MAJOR.MINOR.PATCH): the bump cannot be checked` };
  const major = y[0] > x[0];
  const minor = major || (y[0] === x[0] && y[1] > x[1]);
  const any = minor || (y[0] === x[0] && y[1] === x[1] && y[2] > x[2]);
  if (worst === 'breaking' && !major) return { ...base, message: `breaking changes without a major version bump (${a.version} → ${b.version})` };
  if (worst === 'non-breaking' && !minor) return { ...base, message: `non-breaking changes without a minor version bump (${a.version} → ${b.version})` };
  if (worst === 'info' && !any) return { ...base, message: `documentation changes without a patch version bump (${a.version} → ${b.version})` };
  if (worst !== 'breaking' && major) return { ...base, message: `a major version bump (${a.version} → ${b.version}) without a breaking change` };
  return undefined;
}

const CLASS_ORDER: Record<ChangeClass, number> = { breaking: 0, 'non-breaking': 1, info: 2 };

function pairKey(c: Contract): string {
  return `${c.dataset}\u0000${c.layer}`;
}

/** Pair two sets of contracts (by id, else dataset + layer) and diff every pair. */
export function diffContractSets(olds: readonly Contract[], news: readonly Contract[]): ContractDiff {
  const pairs: [Contract, Contract][] = [];
  const leftNew = [...news];
  const removedContracts: Contract[] = [];
  for (const a of olds) {
    const i = leftNew.findIndex((b) => b.id === a.id && b.object === a.object);
    const j = i >= 0 ? i : leftNew.findIndex((b) => b.id === a.id);
    const k = j >= 0 ? j : leftNew.findIndex((b) => pairKey(b) === pairKey(a));
    if (k < 0) removedContracts.push(a);
    else pairs.push([a, leftNew.splice(k, 1)[0]!]);
  }
  if (pairs.length === 0 && olds.length > 0 && news.length > 0) {
    const a = olds[0]!;
    const b = news[0]!;
    throw new EtlError('USAGE_INVALID', `the contracts are unrelated: no contract id or dataset+layer in common (old ${a.id}: ${a.dataset}/${a.layer}, new ${b.id}: ${b.dataset}/${b.layer})`, {
      hint: 'diff two versions of the same contract (same id, or same dataset and layer), e.g. two git revisions of contracts/',
      location: { file: b.file },
    });
  }
  const changes: Change[] = [];
  const warnings: VersionWarning[] = [];
  for (const [a, b] of pairs) {
    const found = diffContract(a, b);
    changes.push(...found);
    const w = checkVersionBump(a, b, found);
    if (w) warnings.push(w);
  }
  for (const a of removedContracts) {
    changes.push({ kind: 'contract_removed', class: classOf('contract_removed'), contract: a.id, dataset: a.dataset, layer: a.layer, message: `contract ${a.id} (${a.dataset}/${a.layer}) removed`, file: a.file, ...(a.loc.line !== undefined ? { line: a.loc.line } : {}) });
  }
  for (const b of leftNew) {
    changes.push({ kind: 'contract_added', class: classOf('contract_added'), contract: b.id, dataset: b.dataset, layer: b.layer, message: `contract ${b.id} (${b.dataset}/${b.layer}) added`, file: b.file, ...(b.loc.line !== undefined ? { line: b.loc.line } : {}) });
  }
  // Stable order: class, contract, subject, kind.
  changes.sort(
    (x, y) =>
      CLASS_ORDER[x.class] - CLASS_ORDER[y.class] ||
      x.contract.localeCompare(y.contract) ||
      (x.subject ?? '').localeCompare(y.subject ?? '') ||
      x.kind.localeCompare(y.kind),
  );
  const summary: Record<ChangeClass, number> = { breaking: 0, 'non-breaking': 0, info: 0 };
  for (const c of changes) summary[c.class] += 1;
  return { changes, warnings, summary, compared: pairs.length };
}

export { CHANGE_KINDS };
