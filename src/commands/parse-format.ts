// The --format option of the contracts commands: one of a fixed list, else a usage error (exit 2).
import { EtlError } from '../errors.ts';

export function parseFormat<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EtlError('USAGE_INVALID', `unknown format '${value}'`, { hint: `use --format ${allowed.join(' | ')}` });
}
