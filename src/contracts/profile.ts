// Stage 3: this project's profile of ODCS — what etl can execute — as zod schemas over the raw
// document (already valid against the official schema). Loose objects: keys ODCS allows and etl
// does not use are ignored here; only what etl reads is constrained.
import { z } from 'zod';
import { SEVERITY_WORDS, toSeverity } from './severity.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATOR_KEYS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'] as const;
export type OperatorKey = (typeof OPERATOR_KEYS)[number];
export { OPERATOR_KEYS };

const severityWord = z.string().refine((s) => toSeverity(s) !== undefined, {
  error: `unknown severity; use error or warning (also accepted: ${SEVERITY_WORDS.filter((w) => w !== 'error' && w !== 'warning').join(', ')})`,
});

/** customProperties: a list of {property, value}; the values etl reads are checked by name. */
function customProperties(checks: Record<string, z.ZodType>) {
  return z.array(
    z.looseObject({ property: z.string(), value: z.unknown() }).superRefine((cp, ctx) => {
      const check = Object.hasOwn(checks, cp.property) ? checks[cp.property] : undefined;
      if (!check) return;
      const r = check.safeParse(cp.value);
      if (!r.success) {
        for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: `customProperties ${cp.property}: ${issue.message}`, path: ['value', ...issue.path] });
      }
    }),
  );
}

const datasetProperties = customProperties({
  dataset: z.string().regex(NAME, { error: 'must be a plain name (letters, digits, _), e.g. orders' }),
  layer: z.enum(['source', 'silver', 'gold'], { error: 'must be source, silver or gold' }),
});

const propertyCustomProperties = customProperties({
  mask: z.enum(['hash', 'initials', 'redact'], { error: 'must be hash, initials or redact' }),
  severity: severityWord,
  validValues: z.array(z.union([z.string(), z.number()]), { error: 'must be a list of strings or numbers' }).min(1),
});

const operatorValues = {
  mustBe: z.number({ error: 'must be a number' }).optional(),
  mustNotBe: z.number({ error: 'must be a number' }).optional(),
  mustBeGreaterThan: z.number({ error: 'must be a number' }).optional(),
  mustBeGreaterOrEqualTo: z.number({ error: 'must be a number' }).optional(),
  mustBeLessThan: z.number({ error: 'must be a number' }).optional(),
  mustBeLessOrEqualTo: z.number({ error: 'must be a number' }).optional(),
  mustBeBetween: z.tuple([z.number(), z.number()], { error: 'must be [low, high]' }).optional(),
  mustNotBeBetween: z.tuple([z.number(), z.number()], { error: 'must be [low, high]' }).optional(),
};

/** Exactly one operator, and a range written low → high. */
function checkOperators(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const present = OPERATOR_KEYS.filter((k) => value[k] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: present.length === 0 ? `needs exactly one operator (${OPERATOR_KEYS.join(', ')})` : `takes exactly one operator, found ${present.length}: ${present.join(', ')}`,
      path: present.length > 1 ? [present[1] as string] : [],
    });
  }
  for (const k of ['mustBeBetween', 'mustNotBeBetween'] as const) {
    const range = value[k];
    if (Array.isArray(range) && typeof range[0] === 'number' && typeof range[1] === 'number' && range[0] > range[1]) {
      ctx.addIssue({ code: 'custom', message: `${k} must be [low, high], found [${range[0]}, ${range[1]}]`, path: [k] });
    }
  }
}

const expression = z.string({ error: 'must be an expression (text)' }).min(1, { error: 'must not be empty' });

const implementation = z.discriminatedUnion(
  'kind',
  [
    z.looseObject({ kind: z.literal('row'), expression }),
    z.looseObject({ kind: z.literal('filter'), expression }),
    z.looseObject({ kind: z.literal('quarantineRate'), unit: z.enum(['percent', 'rows'], { error: 'must be percent or rows' }).optional(), ...operatorValues }).superRefine(checkOperators),
    z
      .looseObject({
        kind: z.literal('freshness'),
        column: z.string({ error: 'must name a date or timestamp column' }),
        unit: z.literal('hours', { error: 'must be hours' }).optional(),
        ...operatorValues,
      })
      .superRefine(checkOperators),
    z
      .looseObject({
        kind: z.literal('reconciliation'),
        expression,
        compareTo: z.looseObject({ dataset: z.string().regex(NAME, { error: 'must be a dataset name' }), expression }, { error: 'must be {dataset, expression}' }),
        unit: z.enum(['absolute', 'percent'], { error: 'must be absolute or percent' }).optional(),
        ...operatorValues,
      })
      .superRefine(checkOperators),
  ],
  { error: 'implementation.kind must be row, filter, quarantineRate, freshness or reconciliation' },
);

const qualityRule = z
  .looseObject({
    type: z.string().optional(),
    metric: z.string().optional(),
    unit: z.string().optional(),
    severity: severityWord.optional(),
    engine: z.string().optional(),
    implementation: z.unknown().optional(),
    ...operatorValues,
  })
  .superRefine((rule, ctx) => {
    const type = rule.type ?? (rule.metric !== undefined ? 'library' : 'text');
    if ((type === 'library' || type === 'sql') && rule.unit !== undefined && rule.unit !== 'rows' && rule.unit !== 'percent') {
      ctx.addIssue({ code: 'custom', message: `unit must be rows or percent, found '${rule.unit}'`, path: ['unit'] });
    }
    if (type === 'library' || type === 'sql') checkOperators(rule, ctx);
    if (type === 'custom' && rule.engine === 'etl') {
      const r = implementation.safeParse(rule.implementation);
      if (!r.success) {
        for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['implementation', ...issue.path] });
      }
    }
  });

const logicalTypeOptions = z.looseObject({
  format: z.string().optional(),
  pattern: z.string().optional(),
});

const property = z
  .looseObject({
    name: z.string().regex(/^[^\u0000]+$/, { error: 'must not be empty' }),
    logicalType: z.string().optional(),
    logicalTypeOptions: logicalTypeOptions.optional(),
    customProperties: propertyCustomProperties.optional(),
    quality: z.array(qualityRule).optional(),
  })
  .superRefine((p, ctx) => {
    const format = p.logicalTypeOptions?.format;
    if ((p.logicalType ?? 'string') === 'string' && format !== undefined && format !== 'email') {
      ctx.addIssue({ code: 'custom', message: `format '${format}' is not supported by etl (only email)`, path: ['logicalTypeOptions', 'format'] });
    }
  });

const oneCharacter = z.string().length(1, { error: 'must be one character' });

/** Reading options ODCS has no key for (the server's own `format` and `delimiter` are ODCS keys). */
const serverCustomProperties = customProperties({
  quote: oneCharacter,
  escape: oneCharacter,
  header: z.boolean({ error: 'must be true or false' }),
  encoding: z.enum(['utf-8', 'utf-16', 'latin-1'], { error: 'must be utf-8, utf-16 or latin-1' }),
  nullValues: z.array(z.string(), { error: 'must be a list of texts, e.g. [NA, NULL]' }).min(1),
});

const FORMATS = ['csv', 'json', 'ndjson', 'parquet'];

const server = z
  .looseObject({ type: z.string().optional(), format: z.string().optional(), delimiter: z.string().optional(), customProperties: serverCustomProperties.optional() })
  .superRefine((s, ctx) => {
    if (s.type === 'local' && s.format !== undefined && !FORMATS.includes(s.format)) {
      ctx.addIssue({ code: 'custom', message: `format '${s.format}' is not supported for local files (${FORMATS.join(', ')})`, path: ['format'] });
    }
    const d = s.delimiter;
    if (d === undefined) return;
    if (s.format === 'json' || s.format === 'ndjson') {
      if (d !== 'new_line' && d !== 'array') ctx.addIssue({ code: 'custom', message: `delimiter '${d}' of a json server must be new_line or array`, path: ['delimiter'] });
    } else if (s.format === 'parquet') {
      ctx.addIssue({ code: 'custom', message: 'a parquet server takes no delimiter', path: ['delimiter'] });
    } else if (d !== 'new_line' && d !== 'array' && d.length !== 1 && d !== '\\t' && d !== 'tab') {
      ctx.addIssue({ code: 'custom', message: `CSV delimiter '${d}' must be one character (or tab)`, path: ['delimiter'] });
    }
  });

export const ContractProfile = z.looseObject({
  apiVersion: z.string(),
  customProperties: datasetProperties.optional(),
  servers: z.array(server).optional(),
  schema: z
    .array(
      z.looseObject({
        name: z.string().regex(NAME, { error: 'a schema object name must be a plain table name (letters, digits, _)' }),
        customProperties: datasetProperties.optional(),
        properties: z.array(property, { error: 'a schema object needs properties: a list of its columns' }).min(1, { error: 'a schema object needs at least one property' }),
        quality: z.array(qualityRule).optional(),
      }),
      { error: 'a contract needs a schema: a list with at least one table' },
    )
    .min(1, { error: 'a contract needs at least one schema object' }),
});

export type ProfileIssue = { message: string; path: (string | number)[] };

/** Check a document (already valid ODCS) against the etl profile. */
export function checkProfile(data: unknown): ProfileIssue[] {
  const r = ContractProfile.safeParse(data);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ message: i.message, path: i.path.filter((p): p is string | number => typeof p !== 'symbol') }));
}
