// Rounding rules of the KPI outputs: money to cents, ratios to 4 decimals, percents to 2 decimals.
// Rounding happens once, when results leave the engine, so every rendering shows the same numbers.

function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  // toPrecision(15) removes the binary noise first (1.005 × 100 = 100.49999… → 100.5).
  const r = (Math.sign(value) * Math.round(Number((Math.abs(value) * f).toPrecision(15)))) / f;
  return Object.is(r, -0) ? 0 : r;
}

const nullable = (digits: number) => (v: unknown): number | null => (v === null || v === undefined ? null : roundTo(Number(v), digits));

/** Currency amounts: cents. */
export const money = nullable(2);
/** Shares and rates in [0, 1] (retention, conversion, support …): 4 decimals. */
export const ratio = nullable(4);
/** Percent values (deltas, MAPE): 2 decimals. */
export const pct = nullable(2);
/** Other measures (days of cover, rotation, frequency, z-scores): 2 decimals. */
export const num = nullable(2);

export function int(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
