// Everything about a generation that follows from the options alone (sizes, period, id widths,
// anomaly days, defect counts), computed in JS before any SQL runs. Pure and unit-tested.
import { countDefects, type DefectCounts } from './defect-kinds.ts';

export interface GenerateOptions {
  /** Number of clean order lines. */
  orders: number;
  seed: number;
  /** Share of records with an injected defect (0..1). */
  defectRate: number;
  /** Last day of the generated period, YYYY-MM-DD. */
  asOf: string;
  /** Also generate promotions, returns and web events. */
  optional: boolean;
  /** Orders (and web sessions) generated and written per block; default BLOCK_ORDERS. Tests make it small. */
  blockOrders?: number;
}

export interface GenerationPlan extends GenerateOptions {
  blockOrders: number;
  days: number;
  periodStart: string;
  customers: number;
  /** Customers registered before the period starts (always at least one). */
  customersBefore: number;
  products: number;
  /** Popularity rank → product index is the bijection (rank × stride + offset) mod products. */
  productStride: number;
  productOffset: number;
  categories: readonly string[];
  /** Weekly stock counts per warehouse over the period. */
  weeks: number;
  /** Warehouses W1…Wn; W1 stocks every product, the others a part of the catalogue. */
  warehouses: number;
  promotions: number;
  sessions: number;
  /** Days of the last 90 with a sales spike (the anomalies a detector should find). */
  spikeDays: string[];
  widths: { order: number; customer: number; product: number };
  defects: { orders: DefectCounts; customers: DefectCounts; products: DefectCounts; inventory: DefectCounts; promotions: DefectCounts };
}

export const CATEGORIES = [
  'Automotive', 'Beauty', 'Books', 'Clothing', 'Electronics', 'Garden',
  'Grocery', 'Health', 'Home & Kitchen', 'Office', 'Sports', 'Toys',
] as const;

const PERIOD_DAYS = 730;
const SNAPSHOT_WEEKS = 105;
const WAREHOUSES = 3;
/** About 4 M order lines per block: what one block's tables and sort hold (≈ 1 GB), whatever --orders is. */
export const BLOCK_ORDERS = 2_000_000;

export function addDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** A small integer mixer (splitmix-like) so that plan choices depend on the seed only. */
export function mixSeed(seed: number, salt: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Digits needed so that every real id sits in the lower half of the range (orphans take the top). */
function idWidth(maxIndex: number, min: number): number {
  return Math.max(min, String(2 * maxIndex + 2000).length);
}

function sumCounts(c: DefectCounts): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

export function planGeneration(opts: GenerateOptions): GenerationPlan {
  const n = opts.orders;
  const customers = Math.max(50, Math.round(n / 20));
  const products = Math.min(20_000, Math.max(50, Math.floor(n / 2000)));
  let stride = Math.max(1, Math.round(products * 0.618));
  while (gcd(stride, products) !== 1) stride += 1;
  const promotions = Math.min(150, Math.max(12, Math.round(products / 4)));

  const o1 = 5 + (mixSeed(opts.seed, 1) % 80);
  let o2 = 5 + (mixSeed(opts.seed, 2) % 80);
  if (Math.abs(o1 - o2) < 7) o2 = 5 + ((o1 - 5 + 40) % 80);

  const defects = {
    orders: countDefects('orders', n, opts.defectRate),
    customers: countDefects('customers', customers, opts.defectRate),
    products: countDefects('products', products, opts.defectRate),
    inventory: countDefects('inventory', products * SNAPSHOT_WEEKS * WAREHOUSES, opts.defectRate),
    promotions: countDefects('promotions', promotions, opts.defectRate),
  };
  return {
    ...opts,
    blockOrders: Math.max(1, Math.floor(opts.blockOrders ?? BLOCK_ORDERS)),
    days: PERIOD_DAYS,
    periodStart: addDays(opts.asOf, -(PERIOD_DAYS - 1)),
    customers,
    customersBefore: Math.max(1, Math.floor(customers * 0.2)),
    products,
    productStride: stride,
    productOffset: opts.seed % products,
    categories: CATEGORIES,
    weeks: SNAPSHOT_WEEKS,
    warehouses: WAREHOUSES,
    promotions,
    sessions: Math.max(200, Math.ceil(n / 4)),
    spikeDays: [addDays(opts.asOf, -o1), addDays(opts.asOf, -o2)].sort(),
    widths: {
      order: idWidth(n + 2 * sumCounts(defects.orders), 7),
      customer: idWidth(customers + 2 * sumCounts(defects.customers), 5),
      product: idWidth(products + 2 * sumCounts(defects.products), 4),
    },
    defects,
  };
}
