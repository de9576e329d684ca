// The pipeline configuration (pipeline/config.yaml): thresholds of the gold models and KPIs, the PII
// masking salt and the publish plan. Loose YAML is validated once here into a strict, typed config;
// every problem becomes CONFIG_INVALID with file:line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { EtlError } from './errors.ts';

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const tableName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a table name is lower_snake_case');

const PipelineConfigSchema = z
  .object({
    version: z.literal(1).default(1),
    premium: z
      .object({
        // Loyalty tiers that make a customer premium where the shop has tiers (matched case-insensitively).
        tiers: z.array(z.string().trim().min(1)).default(['gold', 'platinum']),
        min_lifetime_revenue: nonNegative,
      })
      .strict(),
    low_stock: z.object({ threshold: nonNegative }).strict(),
    inventory: z.object({ cover_window_days: positiveInt.default(28) }).strict().default({ cover_window_days: 28 }),
    clv: z
      .object({
        lifespan_months: positive.default(12),
        // Tenure floor of the seed's CLV: a new customer's frequency is orders / at least this many months.
        min_tenure_months: positive.default(6),
        // Predictive CLV (BG/NBD + Gamma-Gamma): the horizon, and the fewest repeat customers to fit on.
        predictive_horizon_days: positiveInt.default(365),
        min_repeat_customers: positiveInt.default(20),
      })
      .strict()
      .default({ lifespan_months: 12, min_tenure_months: 6, predictive_horizon_days: 365, min_repeat_customers: 20 }),
    basket: z
      .object({ min_pair_orders: positiveInt.default(2), top_pairs: positiveInt.default(20) })
      .strict()
      .default({ min_pair_orders: 2, top_pairs: 20 }),
    anomalies: z
      .object({
        window_days: positiveInt,
        z_threshold: positive,
        min_history_days: positiveInt,
        // Seasonal baseline: the same weekday of the previous season_weeks weeks; level shifts: the median
        // residual of the last level_shift_days days against level_shift_z.
        season_weeks: positiveInt.default(8),
        level_shift_days: positiveInt.default(7),
        level_shift_z: positive.default(6),
      })
      .strict()
      .refine((a) => a.min_history_days <= a.window_days, { message: 'min_history_days must be ≤ window_days', path: ['min_history_days'] }),
    forecast: z
      .object({
        // auto: the model with the lowest rolling-backtest error (holt_winters or seasonal_naive).
        method: z.enum(['auto', 'holt_winters', 'seasonal_naive']).default('auto'),
        season_days: positiveInt.default(7),
        horizons: z.array(positiveInt).min(1).default([7, 30, 90]),
        backtest_days: positiveInt.default(28),
        backtest_origins: positiveInt.default(6),
        backtest_step_days: positiveInt.default(14),
      })
      .strict(),
    pii: z.object({ salt: z.string().min(1) }).strict(),
    // Alert delivery after each run (src/alerts/deliver.ts): a webhook (JSON) and/or an e-mail (text).
    // Header values and the URL may name environment variables as ${NAME}, resolved at send time.
    alerts: z
      .object({
        max_alerts: positiveInt.default(20),
        webhook: z
          .object({
            url: z.string().regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL'),
            headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), z.string()).default({}),
            timeout_seconds: positive.default(10),
          })
          .strict()
          .optional(),
        email: z
          .object({
            host: z.string().min(1),
            port: positiveInt.max(65535).default(25),
            from: z.string().regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an e-mail address'),
            to: z.array(z.string().regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an e-mail address')).min(1),
            subject_prefix: z.string().regex(/^[^\r\n]*$/, 'one line').default('[etl]'),
            timeout_seconds: positive.default(10),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    publish: z
      .object({
        lake: z.record(tableName, z.object({ partition_by: z.array(z.string().min(1)).default([]) }).strict()).default({}),
        aggregates: z.array(tableName).default([]),
        warehouse: z.array(tableName).default([]),
        exports: z.array(tableName).default([]),
      })
      .strict(),
  })
  .strict();

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type ModelVars = Record<string, string | number | boolean | readonly string[]>;

export const CONFIG_FILE = 'config.yaml';

/** Read and validate <pipelineDir>/config.yaml. */
export async function loadPipelineConfig(pipelineDir: string): Promise<PipelineConfig> {
  const file = join(pipelineDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EtlError('CONFIG_INVALID', `cannot read the pipeline config: ${(cause as Error).message}`, {
      location: { file },
      hint: 'pass --pipeline DIR pointing at a folder with config.yaml and models/',
      cause,
    });
  }
  return parsePipelineConfig(text, file);
}

/** Validate the text of a pipeline config (file is used for error locations only). */
export function parsePipelineConfig(text: string, file: string): PipelineConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw new EtlError('CONFIG_INVALID', `invalid YAML: ${yamlError.message.split('\n')[0]}`, {
      location: { file, line: pos.line, col: pos.col },
      hint: 'fix the YAML syntax of the pipeline config',
    });
  }
  const parsed = PipelineConfigSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  // Point at the deepest node that exists on the issue's path (a missing key points at its parent).
  let line: number | undefined;
  let col: number | undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      ({ line, col } = lineCounter.linePos(node.range[0]));
      break;
    }
  }
  const where = path.length > 0 ? path.join('.') : '(root)';
  throw new EtlError('CONFIG_INVALID', `${where}: ${issue.message}`, {
    location: { file, ...(line !== undefined ? { line, col } : {}) },
    hint: 'see pipeline/README.md for the keys of config.yaml and their types',
  });
}

/** The {{ placeholders }} the SQL models may use: as_of plus the scalar thresholds of the config. */
export function modelVars(config: PipelineConfig, asOf: string): ModelVars {
  return {
    as_of: asOf,
    premium_min_revenue: config.premium.min_lifetime_revenue,
    premium_tiers: config.premium.tiers.map((t) => t.toLowerCase()),
    low_stock_threshold: config.low_stock.threshold,
    cover_window_days: config.inventory.cover_window_days,
    clv_lifespan_months: config.clv.lifespan_months,
    clv_min_tenure_months: config.clv.min_tenure_months,
    basket_min_pair_orders: config.basket.min_pair_orders,
    basket_top_pairs: config.basket.top_pairs,
  };
}
