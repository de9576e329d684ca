// Stage 2: the document against the official ODCS v3.1.0 JSON Schema (ajv, draft 2019-09, all errors),
// with ajv's combinator noise (oneOf / anyOf / if-then branches) reduced to the errors a person can act on.
import { readFileSync } from 'node:fs';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { formatPath, type DocPath, type YamlSource } from './parse-yaml.ts';
import type { Problem } from './problem.ts';
import { suggestClosest } from './suggest.ts';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const ODCS_SCHEMA_URL = new URL('../../schemas/odcs/odcs-json-schema-v3.1.0.json', import.meta.url);

type JsonSchema = Record<string, unknown>;

let compiled: { validate: ValidateFunction; root: JsonSchema } | undefined;

/** Compiled once per process: the schema is ~100 KB and compiling it costs more than validating many files. */
function odcsValidator(): { validate: ValidateFunction; root: JsonSchema } {
  if (!compiled) {
    const root = JSON.parse(readFileSync(ODCS_SCHEMA_URL, 'utf8')) as JsonSchema;
    // strict: false — the official schema has container objects under $defs (ServerSource) that strict mode rejects.
    const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true, logger: false });
    addFormats(ajv);
    compiled = { validate: ajv.compile(root), root };
  }
  return compiled;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

/** Every key a schema declares, through $ref, allOf/anyOf/oneOf and if-then branches. */
function declaredKeys(root: JsonSchema, schema: unknown, out = new Set<string>(), seen = new Set<unknown>()): Set<string> {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') declaredKeys(root, resolveRef(root, s.$ref), out, seen);
  if (s.properties && typeof s.properties === 'object') for (const k of Object.keys(s.properties)) out.add(k);
  for (const comb of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[comb];
    if (Array.isArray(list)) for (const sub of list) declaredKeys(root, sub, out, seen);
  }
  for (const branch of ['then', 'else'] as const) declaredKeys(root, s[branch], out, seen);
  return out;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

const OPERATORS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'];

interface Draft {
  path: DocPath;
  at: 'key' | 'value';
  message: string;
  hint?: string;
}

function describeValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

function keyName(path: DocPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') return `item ${last} of ${String(path[path.length - 2] ?? 'the list')}`;
  return last === undefined ? 'the document' : `'${last}'`;
}

/** The parts of the official schema whose errors get a message of their own (found by identity: ajv's
 * schemaPath is relative to the $ref it is in, so it cannot name them reliably). */
function landmarks(root: JsonSchema) {
  const defs = (root.$defs ?? {}) as Record<string, JsonSchema>;
  const at = (name: string, ...rest: (string | number)[]): unknown => {
    let node: unknown = defs[name];
    for (const r of rest) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[r] : undefined;
    return node;
  };
  const operatorBranches = new Set<unknown>((at('DataQualityOperators', 'oneOf') as unknown[] | undefined) ?? []);
  return {
    operators: at('DataQualityOperators'),
    inOperators: (e: ErrorObject) => e.parentSchema === at('DataQualityOperators') || operatorBranches.has(e.parentSchema),
    relationshipForm: at('RelationshipSchemaLevel', 'allOf', 2),
    propertyLevelFrom: at('RelationshipPropertyLevel', 'allOf', 2),
    references: new Set([at('ShorthandReference'), at('FullyQualifiedReference')]),
    stableId: at('StableId'),
  };
}

/** Turn ajv's raw errors into the few problems that matter. */
export function reduceAjvErrors(errors: readonly ErrorObject[], root: JsonSchema, data: unknown): Draft[] {
  const drafts: Draft[] = [];
  const handledOneOf = new Set<string>();
  const marks = landmarks(root);
  const typoKeys = new Map<string, string>(); // instancePath → suggested key of an unknown key there

  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    switch (e.keyword) {
      case 'unevaluatedProperties':
      case 'additionalProperties': {
        const key = String(e.params.unevaluatedProperty ?? e.params.additionalProperty);
        const allowed = e.keyword === 'additionalProperties' ? declaredKeys(root, e.parentSchema) : declaredKeys(root, e.parentSchema);
        // ajv does not count keys of a failed subschema as evaluated: a valid key reported here is
        // noise caused by another error, which is reported on its own.
        if (e.keyword === 'unevaluatedProperties' && allowed.has(key)) break;
        const suggestion = suggestClosest(key, allowed);
        if (suggestion) typoKeys.set(e.instancePath, suggestion);
        const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
        drafts.push({
          path: [...path, key],
          at: 'key',
          message: `unknown key '${key}' ${where}`,
          hint: suggestion
            ? `did you mean '${suggestion}'?`
            : allowed.size > 0
              ? `allowed keys here: ${[...allowed].sort().join(', ')}; project-specific settings go in customProperties`
              : 'project-specific settings go in customProperties',
        });
        break;
      }
      case 'required': {
        if (marks.inOperators(e)) break;
        const missing = String(e.params.missingProperty);
        drafts.push({ path, at: 'value', message: `missing required key '${missing}'${path.length ? ` in ${formatPath(path)}` : ''}` });
        break;
      }
      case 'oneOf': {
        const passing = e.params.passingSchemas as number[] | null | undefined;
        if (marks.inOperators(e)) {
          if (handledOneOf.has(e.instancePath)) break;
          handledOneOf.add(e.instancePath);
          const value = valueAt(data, path);
          const present = value && typeof value === 'object' ? OPERATORS.filter((o) => o in (value as object)) : [];
          if (Array.isArray(passing) || present.length > 1) {
            drafts.push({
              path: [...path, present[1] ?? present[0] ?? ''],
              at: 'key',
              message: `a quality rule takes exactly one operator, found ${present.length}: ${present.join(', ')}`,
              hint: 'split it into two rules (each with its own id), or use mustBeBetween',
            });
          } else if (present.length === 0) {
            drafts.push({
              path,
              at: 'value',
              message: `the quality rule has no operator`,
              hint: `add exactly one of ${OPERATORS.join(', ')}`,
            });
          }
          // present.length === 1 but oneOf failed: the operator's own value is wrong (reported by its type error).
          break;
        }
        if (e.parentSchema === marks.relationshipForm) {
          drafts.push({ path, at: 'value', message: `'from' and 'to' must both be strings or both be lists (composite key)` });
          break;
        }
        if (Array.isArray(passing)) drafts.push({ path, at: 'value', message: `${keyName(path)} matches more than one allowed form` });
        // No alternative matched: the branches' own errors say why (type, pattern, required …).
        break;
      }
      case 'anyOf':
      case 'if':
      case 'allOf':
        break;
      case 'not':
        if (e.parentSchema === marks.propertyLevelFrom) {
          drafts.push({
            path: [...path, 'from'],
            at: 'key',
            message: `'from' is not allowed in a property-level relationship`,
            hint: 'the property itself is the source; remove from (or move the relationship to the schema object)',
          });
        } else {
          drafts.push({ path, at: 'value', message: `${keyName(path)} ${e.message ?? 'is not allowed'}` });
        }
        break;
      case 'type':
        if (isRelationshipFormNoise(e, errors, marks.relationshipForm)) break;
        drafts.push({ path, at: 'value', message: `${keyName(path)} must be ${String(e.params.type)}, found ${describeValue(valueAt(data, path))}` });
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]).map(String);
        const value = valueAt(data, path);
        const suggestion = typeof value === 'string' ? suggestClosest(value, allowed) : undefined;
        drafts.push({
          path,
          at: 'value',
          message: `${keyName(path)} is ${describeValue(value)}; expected one of ${allowed.join(', ')}`,
          ...(suggestion ? { hint: `did you mean '${suggestion}'?` } : {}),
        });
        break;
      }
      case 'const':
        drafts.push({ path, at: 'value', message: `${keyName(path)} must be ${describeValue(e.params.allowedValue)}` });
        break;
      case 'pattern': {
        const message = marks.references.has(e.parentSchema)
          ? `${keyName(path)} must reference a column as table.column (e.g. customers.customer_id), found ${describeValue(valueAt(data, path))}`
          : e.parentSchema === marks.stableId
            ? `${keyName(path)} may only contain letters, digits, '_' and '-', found ${describeValue(valueAt(data, path))}`
            : `${keyName(path)} must match ${String(e.params.pattern)}`;
        drafts.push({ path, at: 'value', message });
        break;
      }
      default:
        drafts.push({ path, at: 'value', message: `${keyName(path)} ${e.message ?? `fails ${e.keyword}`}` });
    }
  }

  // A misspelt operator makes the rule look operator-less: keep only the "unknown key" problem.
  const filtered = drafts.filter((d) => {
    if (d.message !== 'the quality rule has no operator') return true;
    const pointer = d.path.length ? `/${d.path.join('/')}` : '';
    const s = typoKeys.get(pointer);
    return !(s && OPERATORS.includes(s));
  });

  // A value whose type matched one alternative but failed its pattern/enum: the other alternatives'
  // "must be <type>" errors are noise.
  const specific = new Set(drafts.filter((d) => !/ must be \w+, found /.test(d.message)).map((d) => d.path.join('/')));
  const focused = filtered.filter((d) => !(/ must be \w+, found /.test(d.message) && specific.has(d.path.join('/'))));

  // Merge alternatives' type errors at one path ("must be string", "must be array" → "must be string or array").
  const byKey = new Map<string, Draft>();
  for (const d of focused) {
    const k = `${d.path.join('/')}|${d.at}`;
    const prev = byKey.get(`${k}|${d.message}`);
    if (prev) continue;
    const typeMatch = /^(.*) must be (\w+), found (.*)$/.exec(d.message);
    const prevType = byKey.get(`${k}|type`);
    if (typeMatch && prevType) {
      const m = /^(.*) must be (.+), found (.*)$/.exec(prevType.message);
      if (m && !m[2]!.split(' or ').includes(typeMatch[2]!)) prevType.message = `${m[1]} must be ${m[2]} or ${typeMatch[2]}, found ${m[3]}`;
      continue;
    }
    byKey.set(typeMatch ? `${k}|type` : `${k}|${d.message}`, d);
  }
  return [...byKey.values()];
}

/** Type errors from the from/to string-or-list alternatives are replaced by one message on the relationship. */
function isRelationshipFormNoise(e: ErrorObject, errors: readonly ErrorObject[], form: unknown): boolean {
  if (!/\/(from|to)$/.test(e.instancePath)) return false;
  const parent = e.instancePath.replace(/\/(from|to)$/, '');
  return errors.some((x) => x.keyword === 'oneOf' && x.instancePath === parent && x.parentSchema === form);
}

function valueAt(data: unknown, path: DocPath): unknown {
  let node: unknown = data;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}

/** Validate a parsed contract against the official ODCS JSON Schema; problems carry file:line:col. */
export function validateAgainstOdcsSchema(source: YamlSource): Problem[] {
  const { validate, root } = odcsValidator();
  if (validate(source.data)) return [];
  return reduceAjvErrors(validate.errors ?? [], root, source.data).map((d) => {
    const pos = source.locate(d.path, d.at);
    return {
      code: 'CONTRACT_SCHEMA_INVALID',
      severity: 'error',
      message: d.message,
      ...(d.hint ? { hint: d.hint } : { hint: 'see the ODCS v3.1.0 reference: https://bitol-io.github.io/open-data-contract-standard/' }),
      file: source.file,
      ...(pos ? { line: pos.line, col: pos.col } : {}),
      path: formatPath(d.path),
    };
  });
}
