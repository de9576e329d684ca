// Seeded, order-independent randomness for generation SQL: a value is a pure function of
// (seed, salt, row keys), so results do not depend on threads or scan order (random() would).
import { join, sql, type Sql, type SqlPart } from '../sql/sql.ts';

/**
 * A uniform DOUBLE in [0, 1) from DuckDB's 64-bit hash of (seed, keys…, salt). The outer hash is
 * needed: DuckDB combines the hashes of several arguments with a multiply and an XOR, so values that
 * differ only by salt would be XOR-related (strongly correlated); re-hashing the result decorrelates them.
 */
export function uniform(seed: number, salt: string, ...keys: SqlPart[]): Sql {
  return sql`((hash(hash(${seed}, ${join(keys, ', ')}, ${salt})) >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** A uniform BIGINT in [0, n) (n an SQL expression or number). */
export function uniformInt(seed: number, salt: string, n: SqlPart, ...keys: SqlPart[]): Sql {
  return sql`CAST(floor(${uniform(seed, salt, ...keys)} * ${n}) AS BIGINT)`;
}
