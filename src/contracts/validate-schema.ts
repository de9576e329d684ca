// Stage 2: the document against the official ODCS v3.1.0 JSON Schema (ajv, draft 2019-09, all errors),
// with ajv's combinator noise (oneOf / anyOf / if-then branches) reduced to the errors a person can act on.
// The schema is compiled once, at build time: scripts/build.js writes odcsStandaloneCode() beside the
// compiled module (dist/contracts/odcs-validator.cjs). Run from the sources (tests), it is compiled here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatPath, type DocPath, type YamlSource } from './parse-yaml.ts';
import type { Problem } from './problem.ts';
import { suggestClosest } from './suggest.ts';

export const ODCS_SCHEMA_URL = new URL('../../schemas/odcs/odcs-json-schema-v3.1.0.json', import.meta.url);
const STANDALONE_FILE = './odcs-validator.cjs';

type JsonSchema = Record<string, unknown>;
export interface OdcsValidator {
  validate: ValidateFunction;
  root: JsonSchema;
}

const require = createRequire(import.meta.url);

function readRoot(): JsonSchema {
  return JSON.parse(readFileSync(ODCS_SCHEMA_URL, 'utf8')) as JsonSchema;
}

function newAjv(standalone: boolean) {
  const { Ajv2019 } = require('ajv/dist/2019') as typeof import('ajv/dist/2019.js');
  // ajv-formats is CommonJS: its default export is module.exports.default.
  const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
  // strict: false — the official schema has container objects under $defs (ServerSource) that strict mode rejects.
  const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true, logger: false, ...(standalone ? { code: { source: true } } : {}) });
  addFormats(ajv);
  return ajv;
}

/** The validator compiled now (the slow path: ~0.3 s). */
export function compileOdcsValidator(): OdcsValidator {
  const root = readRoot();
  return { validate: newAjv(false).compile(root), root };
}

/** The validator as standalone CommonJS code (written at build time by scripts/build.js). */
export function odcsStandaloneCode(): string {
  const ajv = newAjv(true);
  const validate = ajv.compile(readRoot());
  const standalone = (require('ajv/dist/standalone') as { default: (a: unknown, v: unknown) => string }).default;
  return standalone(ajv, validate);
}

/** Load standalone validator code from a file. */
export function loadStandaloneOdcsValidator(file: string): OdcsValidator {
  const mod = require(file) as ValidateFunction | { default: ValidateFunction };
  return { validate: typeof mod === 'function' ? mod : mod.default, root: readRoot() };
}

let compiled: OdcsValidator | undefined;

/** Once per process: the build's standalone code when present, else compiled here. */
function odcsValidator(): OdcsValidator {
  if (!compiled) {
    let standalone: string | undefined;
    try {
      standalone = require.resolve(STANDALONE_FILE);
    } catch {
      standalone = undefined;
    }
    compiled = standalone ? loadStandaloneOdcsValidator(standalone) : compileOdcsValidator();
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

// A schema node in an error is the root's own object when the validator was compiled here, and a copy
// when it is the build's standalone code: nodes are compared by identity, then by content.
const schemaKeys = new WeakMap<object, string>();
function schemaKey(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  let key = schemaKeys.get(node);
  if (key === undefined) {
    key = JSON.stringify(node);
    schemaKeys.set(node, key);
  }
  return key;
}
function sameSchema(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const k = schemaKey(a);
  return k !== undefined && k === schemaKey(b);
}

/** The parts of the official schema whose errors get a message of their own (found by identity or content:
 * ajv's schemaPath is relative to the $ref it is in, so it cannot name them reliably). */
function landmarks(root: JsonSchema) {
  const defs = (root.$defs ?? {}) as Record<string, JsonSchema>;
  const at = (name: string, ...rest: (string | number)[]): unknown => {
    let node: unknown = defs[name];
    for (const r of rest) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[r] : undefined;
    return node;
  };
  const operators = at('DataQualityOperators');
  const operatorBranches = (at('DataQualityOperators', 'oneOf') as unknown[] | undefined) ?? [];
  const relationshipForm = at('RelationshipSchemaLevel', 'allOf', 2);
  const propertyLevelFrom = at('RelationshipPropertyLevel', 'allOf', 2);
  const references = [at('ShorthandReference'), at('FullyQualifiedReference')];
  const stableId = at('StableId');
  return {
    inOperators: (e: ErrorObject) => sameSchema(e.parentSchema, operators) || operatorBranches.some((b) => sameSchema(e.parentSchema, b)),
    isRelationshipForm: (node: unknown) => sameSchema(node, relationshipForm),
    isPropertyLevelFrom: (node: unknown) => sameSchema(node, propertyLevelFrom),
    isReference: (node: unknown) => references.some((r) => sameSchema(node, r)),
    isStableId: (node: unknown) => sameSchema(node, stableId),
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
        if (marks.isRelationshipForm(e.parentSchema)) {
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
        if (marks.isPropertyLevelFrom(e.parentSchema)) {
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
        if (isRelationshipFormNoise(e, errors, marks.isRelationshipForm)) break;
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
        const message = marks.isReference(e.parentSchema)
          ? `${keyName(path)} must reference a column as table.column (e.g. customers.customer_id), found ${describeValue(valueAt(data, path))}`
          : marks.isStableId(e.parentSchema)
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
function isRelationshipFormNoise(e: ErrorObject, errors: readonly ErrorObject[], isForm: (node: unknown) => boolean): boolean {
  if (!/\/(from|to)$/.test(e.instancePath)) return false;
  const parent = e.instancePath.replace(/\/(from|to)$/, '');
  return errors.some((x) => x.keyword === 'oneOf' && x.instancePath === parent && isForm(x.parentSchema));
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
export function validateAgainstOdcsSchema(source: YamlSource, validator: OdcsValidator = odcsValidator()): Problem[] {
  const { validate, root } = validator;
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
