// customers.json (NDJSON): customers sign up over the period in id order, each before the first
// order they can receive (orders pick among the customers signed up by then, see orders.ts).
import type { Engine } from '../engine/engine.ts';
import { join, literal, sql } from '../sql/sql.ts';
import { spreadOverCalendar } from './calendar.ts';
import type { GenerationPlan } from './plan.ts';
import { uniform } from './random.ts';
import { formatId, isoDate } from './text.ts';
import { writeLineBlocks } from './write-lines.ts';

const FIRST = ['Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Lucas', 'Mia', 'Mateo', 'Sofia', 'Elias', 'Chloé', 'Jonas', 'Zoë', 'Amir', 'Hana', 'Kenji', 'Ines', 'Oscar', 'Lea', 'Raj'];
/** Display name and its ASCII form for the e-mail address. */
const LAST: [string, string][] = [
  ['Smith', 'smith'], ['Müller', 'mueller'], ["O'Brien", 'obrien'], ['García', 'garcia'], ['Nguyen', 'nguyen'],
  ['Rossi', 'rossi'], ['Dubois', 'dubois'], ['Jansen', 'jansen'], ['Kowalski', 'kowalski'], ['Andersson', 'andersson'],
  ['Brown', 'brown'], ['Silva', 'silva'], ['Tanaka', 'tanaka'], ['Okafor', 'okafor'], ['Novák', 'novak'],
  ['Fischer', 'fischer'], ['Martin', 'martin'], ['Lopez', 'lopez'], ['Wilson', 'wilson'], ['Ahmed', 'ahmed'],
];
const FIRST_ASCII = ['emma', 'liam', 'olivia', 'noah', 'ava', 'lucas', 'mia', 'mateo', 'sofia', 'elias', 'chloe', 'jonas', 'zoe', 'amir', 'hana', 'kenji', 'ines', 'oscar', 'lea', 'raj'];
/** Weighted by repetition. */
const COUNTRIES = ['US', 'US', 'US', 'US', 'US', 'GB', 'GB', 'DE', 'DE', 'FR', 'FR', 'NL', 'ES', 'IT', 'CA', 'AU', 'SE', 'PL'];
/** Three cities per country (same order as the distinct countries above). */
export const CITIES: Record<string, [string, string, string]> = {
  US: ['New York', 'Chicago', 'Austin'], GB: ['London', 'Manchester', 'Leeds'], DE: ['Berlin', 'Munich', 'Köln'],
  FR: ['Paris', 'Lyon', 'Nantes'], NL: ['Amsterdam', 'Utrecht', 'Rotterdam'], ES: ['Madrid', 'Sevilla', 'Valencia'],
  IT: ['Roma', 'Milano', 'Torino'], CA: ['Toronto', 'Montréal', 'Calgary'], AU: ['Sydney', 'Melbourne', 'Perth'],
  SE: ['Stockholm', 'Göteborg', 'Malmö'], PL: ['Warszawa', 'Kraków', 'Gdańsk'],
};
/** Loyalty tiers, weighted by repetition; '' is a customer without a tier (NULL). */
const TIERS = ['', '', '', '', 'bronze', 'bronze', 'bronze', 'bronze', 'bronze', 'bronze', 'bronze', 'bronze',
  'silver', 'silver', 'silver', 'silver', 'gold', 'gold', 'gold', 'platinum'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net'];

function list(values: readonly string[]) {
  return sql`[${join(values.map((v) => literal(v)), ', ')}]`;
}

function pick(values: readonly string[], seed: number, salt: string) {
  return sql`${list(values)}[CAST(floor(${uniform(seed, salt, sql`idx`)} * ${values.length}) AS BIGINT) + 1]`;
}

/** Creates gen.customers; `orderCount` and `total` place sign-ups before the first possible order. */
export async function buildCustomers(engine: Engine, plan: GenerationPlan, orderCount: number, total: number): Promise<void> {
  const s = plan.seed;
  const c0 = plan.customersBefore;
  const span = Math.max(1, plan.customers - c0);
  const jMin = sql`GREATEST(0, LEAST(${orderCount - 1}, CAST(ceil((idx + 1 - ${c0}) * ${orderCount} / ${span}) AS BIGINT)))`;
  await engine.exec(sql`
    CREATE OR REPLACE TABLE gen.customers AS
    WITH c AS (
      SELECT idx,
        CAST(floor(${uniform(s, 'c.first', sql`idx`)} * ${FIRST.length}) AS BIGINT) + 1 AS fi,
        CAST(floor(${uniform(s, 'c.last', sql`idx`)} * ${LAST.length}) AS BIGINT) + 1 AS li,
        ${jMin} AS j_min
      FROM range(${plan.customers}) t(idx)
    )
    SELECT c.idx,
      ${formatId('C', plan.widths.customer, sql`c.idx`)} AS customer_id,
      ${list(FIRST)}[fi] || ' ' || ${list(LAST.map((l) => l[0]))}[li] AS name,
      ${list(FIRST_ASCII)}[fi] || '.' || ${list(LAST.map((l) => l[1]))}[li] || CAST(c.idx + 1 AS VARCHAR) || '@' || ${pick(DOMAINS, s, 'c.domain')} AS email,
      ${pick(COUNTRIES, s, 'c.country')} AS country,
      CAST(floor(${uniform(s, 'c.city', sql`idx`)} * 3) AS BIGINT) AS city_index,
      nullif(${pick(TIERS, s, 'c.tier')}, '') AS loyalty_tier,
      CASE WHEN c.idx < ${c0}
        THEN CAST(DATE ${plan.periodStart} - CAST(1 + floor(${uniform(s, 'c.old', sql`idx`)} * 365) AS INTEGER) AS DATE)
        ELSE CAST(d.day - CAST(floor(${uniform(s, 'c.lead', sql`idx`)} * 21) AS INTEGER) AS DATE)
      END AS registration_date
    FROM c JOIN ${spreadOverCalendar(orderCount, total)} d ON d.j = c.j_min`);
  const countries = Object.keys(CITIES);
  const cityOf = sql`${list(countries.flatMap((k) => CITIES[k]!))}[3 * (list_position(${list(countries)}, country) - 1) + city_index + 1]`;
  await engine.exec(sql`CREATE OR REPLACE TABLE gen.customers AS SELECT * EXCLUDE (city_index), ${cityOf} AS city FROM gen.customers`);
}

/** Writes customers.json: one JSON object per line, clean customers and defective extra records. */
export async function writeCustomers(engine: Engine, plan: GenerationPlan, file: string): Promise<void> {
  const s = plan.seed;
  const n = plan.customers;
  const d = plan.defects.customers;
  const ij = d['invalid_json'] ?? 0;
  const mk = d['missing_key'] ?? 0;
  const ud = d['unparsable_date'] ?? 0;
  const ck = d['conflicting_key'] ?? 0;
  const me = d['malformed_email'] ?? 0;
  const id = (offset: number) => formatId('C', plan.widths.customer, sql`${n + offset} + k`);
  const pos = (salt: string) => sql`floor(${uniform(s, salt, sql`k`)} * ${n}) + 0.5`;
  const json = (fields: ReturnType<typeof sql>) => sql`CAST(to_json(struct_pack(${fields})) AS VARCHAR)`;
  // Malformed e-mails alter existing customers (kept with a warning, so their orders stay valid).
  const flagged = sql`(SELECT CAST(floor((k + 0.5) * ${n} / ${Math.max(1, me)}) AS BIGINT) AS idx, k FROM range(${me}) t(k))`;
  const lines = sql`
    SELECT ${json(sql`customer_id := c.customer_id, name := c.name,
        email := CASE f.k % 3 WHEN 0 THEN replace(c.email, '@', '.') WHEN 1 THEN split_part(c.email, '@', 1) || '@'
                 WHEN 2 THEN replace(c.email, '@', '@@') ELSE c.email END,
        city := c.city, country := c.country, registration_date := ${isoDate(sql`c.registration_date`)}, loyalty_tier := c.loyalty_tier`)} AS line,
      CAST(c.idx AS DOUBLE) AS pos, 0 AS tie
    FROM gen.customers c LEFT JOIN ${flagged} f ON f.idx = c.idx
    UNION ALL
    SELECT CASE k % 3
        WHEN 0 THEN '{"customer_id":"' || ${id(0)} || '","name":"Broken Record'
        WHEN 1 THEN '{''customer_id'': ''' || ${id(0)} || ''', ''name'': ''Single Quotes''}'
        ELSE '{"customer_id" "' || ${id(0)} || '","name":"Missing Colon"}' END,
      ${pos('cd.ij')}, 1000000 + k FROM range(${ij}) t(k)
    UNION ALL
    SELECT CASE k % 2
        WHEN 0 THEN ${json(sql`name := 'Anonymous ' || k, email := 'anon' || k || '@example.com', country := 'US', registration_date := '2025-01-15'`)}
        ELSE ${json(sql`customer_id := NULL::VARCHAR, name := 'Nobody ' || k, email := 'nobody' || k || '@example.com', country := 'GB', registration_date := '2025-02-20'`)} END,
      ${pos('cd.mk')}, 2000000 + k FROM range(${mk}) t(k)
    UNION ALL
    SELECT ${json(sql`customer_id := ${id(ij)}, name := 'Dateless ' || k, email := 'dateless' || k || '@example.com', country := 'DE',
        registration_date := CASE k % 3 WHEN 0 THEN '2024-02-30' WHEN 1 THEN '03/15/2024' ELSE 'last tuesday' END`)},
      ${pos('cd.ud')}, 3000000 + k FROM range(${ud}) t(k)
    UNION ALL
    SELECT ${json(sql`customer_id := ${id(ij + ud)}, name := CASE WHEN c = 0 THEN 'Twin One ' ELSE 'Twin Two ' END || k,
        email := 'twin' || k || '.' || c || '@example.com', country := 'FR', registration_date := '2025-03-10'`)},
      ${pos('cd.ck')} + c, 4000000 + 2 * k + c FROM range(${ck}) t(k), range(2) u(c)`;
  // Written in blocks of customers: customer idx at pos idx, a defect at floor(u × n) + 0.5 (+ 1 for a
  // conflicting pair's second record, which may fall in the next block, where its pos puts it).
  const size = plan.blockOrders;
  await writeLineBlocks(engine, file, Math.max(1, Math.ceil(n / size)), (i) => {
    const [from, to] = [i * size, (i + 1) * size];
    return sql`SELECT * FROM (${lines}) WHERE pos >= ${from} AND ${i === Math.ceil(n / size) - 1 ? sql`true` : sql`pos < ${to}`}`;
  });
}
