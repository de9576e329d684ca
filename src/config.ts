// The pipeline configuration (pipeline/config.yaml): thresholds of the gold models and KPIs, the PII
// masking salt and the publish plan. Loose YAML is validated once here into a strict, typed config;
// every problem becomes CONFIG_INVALID with file:line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { EtlError } from './errors.ts';
import { CONFIG_FILE } from './config-file.ts';

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
    // The seed's extensions (pipeline/README.md, Definitions): every threshold here, none in the models.
    fraud: z
      .object({ z_threshold: positive.default(3.5), new_account_days: positiveInt.default(7), first_basket_factor: positive.default(3) })
      .strict()
      .default({ z_threshold: 3.5, new_account_days: 7, first_basket_factor: 3 }),
    return_outliers: z
      .object({ z_threshold: positive.default(3.5), min_sold_units: positiveInt.default(5) })
      .strict()
      .default({ z_threshold: 3.5, min_sold_units: 5 }),
    recommendations: z
      .object({
        min_pair_orders: positiveInt.default(2),
        min_confidence: z.number().min(0).max(1).default(0.05),
        min_lift: nonNegative.default(1),
        top_n: positiveInt.default(5),
      })
      .strict()
      .default({ min_pair_orders: 2, min_confidence: 0.05, min_lift: 1, top_n: 5 }),
    promote: z
      .object({
        min_margin_rate: z.number().min(0).max(1).default(0.3),
        min_stock: positiveInt.default(1),
        recent_days: positiveInt.default(28),
        slow_quantile: z.number().min(0).max(1).default(0.25),
      })
      .strict()
      .default({ min_margin_rate: 0.3, min_stock: 1, recent_days: 28, slow_quantile: 0.25 }),
    stockout: z
      .object({ window_days: positiveInt.default(28), lead_time_days: positiveInt.default(7), target_cover_days: positiveInt.default(28) })
      .strict()
      .default({ window_days: 28, lead_time_days: 7, target_cover_days: 28 }),
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
        // A table name (one file), or {table, partition_by}: one file per partition value, in hive folders as
        // the lake's (the warehouse fact by year/month, so that a run that adds a day rewrites one month).
        warehouse: z
          .array(z.union([tableName, z.object({ table: tableName, partition_by: z.array(z.string().min(1)).min(1) }).strict()]))
          .default([]),
        // A table name, or {table, order_by: ["rank", "revenue desc"]}: the row order of the CSV/JSON export
        // (default: its rank column, else a date column, else its key; see src/stages/export-plan.ts).
        exports: z
          .array(z.union([
            tableName,
            z.object({ table: tableName, order_by: z.array(z.string().regex(/^[a-z_][a-z0-9_]*( (asc|desc))?$/, 'a column name, optionally followed by asc or desc')).min(1) }).strict(),
          ]))
          .default([]),
      })
      .strict(),
  })
  .strict();

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type ModelVars = Record<string, string | number | boolean | readonly string[]>;

export { CONFIG_FILE };

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
    fraud_z_threshold: config.fraud.z_threshold,
    fraud_new_account_days: config.fraud.new_account_days,
    fraud_first_basket_factor: config.fraud.first_basket_factor,
    return_outlier_z_threshold: config.return_outliers.z_threshold,
    return_outlier_min_sold_units: config.return_outliers.min_sold_units,
    reco_min_pair_orders: config.recommendations.min_pair_orders,
    reco_min_confidence: config.recommendations.min_confidence,
    reco_min_lift: config.recommendations.min_lift,
    reco_top_n: config.recommendations.top_n,
    promote_min_margin_rate: config.promote.min_margin_rate,
    promote_min_stock: config.promote.min_stock,
    promote_recent_days: config.promote.recent_days,
    promote_slow_quantile: config.promote.slow_quantile,
    stockout_window_days: config.stockout.window_days,
    stockout_lead_time_days: config.stockout.lead_time_days,
    stockout_target_cover_days: config.stockout.target_cover_days,
  };
}
