// products.parquet: the catalogue (≈12 categories, varied prices and margins, popularity by rank),
// plus the injected defects on extra products that nothing else references.
import type { Engine } from '../engine/engine.ts';
import { join, literal, sql } from '../sql/sql.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { formatId } from './text.ts';

/** Brands, picked per product (a brand sells in several categories, as real ones do). */
const BRANDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Tyrell', 'Soylent', 'Wonka'];
const ADJECTIVES = ['Classic', 'Premium', 'Eco', 'Smart', 'Compact', 'Deluxe', 'Pro', 'Mini', 'Ultra', 'Essential'];
/** Per category (same order as CATEGORIES): a typical price and three nouns. */
const CATEGORY_TRAITS: Record<string, { price: number; nouns: [string, string, string] }> = {
  Automotive: { price: 45, nouns: ['Car Charger', 'Seat Cover', 'Dash Cam'] },
  Beauty: { price: 18, nouns: ['Face Cream', 'Lipstick', 'Hair Dryer'] },
  Books: { price: 16, nouns: ['Novel', 'Cookbook', 'Travel Guide'] },
  Clothing: { price: 35, nouns: ['T-Shirt', 'Jacket', 'Sneakers'] },
  Electronics: { price: 180, nouns: ['Headphones', 'Tablet', 'Smartwatch'] },
  Garden: { price: 40, nouns: ['Hose', 'Planter', 'Pruner'] },
  Grocery: { price: 8, nouns: ['Coffee Beans', 'Olive Oil', 'Tea Set'] },
  Health: { price: 22, nouns: ['Vitamins', 'Yoga Mat', 'Thermometer'] },
  'Home & Kitchen': { price: 60, nouns: ['Blender', 'Pan', 'Knife Set'] },
  Office: { price: 25, nouns: ['Notebook', 'Desk Lamp', 'Chair Cushion'] },
  Sports: { price: 55, nouns: ['Football', 'Racket', 'Water Bottle'] },
  Toys: { price: 28, nouns: ['Puzzle', 'Robot Kit', 'Plush Bear'] },
};

function stringList(values: readonly string[]) {
  return sql`[${join(values.map((v) => literal(v)), ', ')}]`;
}

/** Creates gen.products (clean catalogue, one row per product index) and gen.category_leaders. */
export async function buildProducts(engine: Engine, plan: GenerationPlan): Promise<void> {
  const s = plan.seed;
  const cats = plan.categories;
  const prices = sql`[${join(cats.map((c) => literal(CATEGORY_TRAITS[c]?.price ?? 20)), ', ')}]`;
  const nouns = stringList(cats.flatMap((c) => CATEGORY_TRAITS[c]?.nouns ?? ['Item', 'Item', 'Item']));
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.products AS
    WITH r AS (
      SELECT rank, CAST((rank * ${plan.productStride} + ${plan.productOffset}) % ${plan.products} AS BIGINT) AS idx
      FROM range(${plan.products}) t(rank)
    ), c AS (
      SELECT rank, idx, CAST(floor(${uniform(s, 'p.cat', sql`idx`)} * ${cats.length}) AS BIGINT) AS cat
      FROM r
    ), p AS (
      SELECT rank, idx, cat,
        round(${prices}[cat + 1] * (0.35 + 1.65 * ${uniform(s, 'p.price', sql`idx`)}), 2) AS price,
        0.35 + 0.45 * ${uniform(s, 'p.cost', sql`idx`)} AS cost_share
      FROM c
    )
    SELECT idx, rank, ${formatId('P', plan.widths.product, sql`idx`)} AS product_id,
      ${stringList(ADJECTIVES)}[CAST(floor(${uniform(s, 'p.adj', sql`idx`)} * ${ADJECTIVES.length}) AS BIGINT) + 1]
        || ' ' || ${nouns}[cat * 3 + CAST(floor(${uniform(s, 'p.noun', sql`idx`)} * 3) AS BIGINT) + 1]
        || ' ' || CAST(idx + 1 AS VARCHAR) AS name,
      ${stringList(cats)}[cat + 1] AS category,
      ${stringList(BRANDS)}[CAST(floor(${uniform(s, 'p.brand', sql`idx`)} * ${BRANDS.length}) AS BIGINT) + 1] AS brand,
      CAST(price AS DOUBLE) AS price,
      CAST(round(price * cost_share, 2) AS DOUBLE) AS cost
    FROM p`);
  // Products whose rank is ≡ 0 (mod 4) can be the first line of any order: promotions target them.
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.category_leaders AS
    SELECT category, rank, CAST(row_number() OVER (PARTITION BY category ORDER BY rank) - 1 AS BIGINT) AS pos,
           CAST(count(*) OVER (PARTITION BY category) AS BIGINT) AS n
    FROM gen.products WHERE rank % 4 = 0`);
}

/** Writes products.parquet: the catalogue plus defective extra products, in a fixed order. */
export async function writeProducts(engine: Engine, plan: GenerationPlan, file: string): Promise<void> {
  const s = plan.seed;
  const d = plan.defects.products;
  const p = plan.products;
  const np = d['negative_price'] ?? 0;
  const nc = d['negative_cost'] ?? 0;
  const mk = d['missing_key'] ?? 0;
  const ck = d['conflicting_key'] ?? 0;
  // Defective products get fresh ids after the catalogue, so no order, stock or return points at them.
  const id = (offset: number) => formatId('P', plan.widths.product, sql`${p + offset} + k`);
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${p}) + 0.5`;
  await engine.exec(sql`
    COPY (
      SELECT product_id, name, category, brand, price, cost FROM (
        SELECT product_id, name, category, brand, price, cost, CAST(idx AS DOUBLE) AS pos, 0 AS tie FROM gen.products
        UNION ALL
        SELECT ${id(0)}, 'Defect Item ' || k, 'Toys', 'Acme', -round(1 + 50 * ${uniform(s, 'pd.np', sql`k`)}, 2), 3.5,
               ${pos('pd.np.pos')}, 1000000 + k FROM range(${np}) t(k)
        UNION ALL
        SELECT ${id(np)}, 'Defect Item ' || k, 'Books', 'Globex', round(5 + 50 * ${uniform(s, 'pd.nc', sql`k`)}, 2), -2.25,
               ${pos('pd.nc.pos')}, 2000000 + k FROM range(${nc}) t(k)
        UNION ALL
        SELECT NULL, 'Unnamed Item ' || k, 'Office', NULL, 12.5 + k, 6.0, ${pos('pd.mk.pos')}, 3000000 + k FROM range(${mk}) t(k)
        UNION ALL
        SELECT ${id(np + nc)}, 'Twin Item ' || k || CASE WHEN c = 0 THEN ' A' ELSE ' B' END, 'Garden', 'Wonka',
               CASE WHEN c = 0 THEN 19.99 ELSE 24.99 END, 9.5, ${pos('pd.ck.pos')} + c, 4000000 + 2 * k + c
        FROM range(${ck}) t(k), range(2) u(c)
      ) ORDER BY pos, tie
    ) TO ${file} (FORMAT parquet)`);
}
