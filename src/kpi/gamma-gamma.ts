// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves"; Fader &
// Hardie's note "The Gamma-Gamma Model of Monetary Value"): a customer's purchase values are
// Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of the purchase process. Fitted by
// maximum likelihood on the customers with at least one repeat purchase: x = repeat purchases and
// m = the mean value of those repeat purchases.
import { lnGamma } from './special.ts';
import { minimizeNelderMead } from './optimize.ts';
import type { FitResult } from './bgnbd.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export interface SpendSummary {
  /** Repeat purchases (≥ 1). */
  x: number;
  /** Mean value of the repeat purchases (> 0). */
  m: number;
}

/** ln L of one customer: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(x m + v). */
export function gammaGammaLogLikelihoodOne(g: GammaGammaParams, s: SpendSummary): number {
  const { p, q, v } = g;
  const px = p * s.x;
  return lnGamma(px + q) - lnGamma(px) - lnGamma(q) + q * Math.log(v) + (px - 1) * Math.log(s.m) + px * Math.log(s.x) - (px + q) * Math.log(s.x * s.m + v);
}

/** Σ ln L; the Γ terms depend on x only and are computed once per distinct x. */
export function gammaGammaLogLikelihood(g: GammaGammaParams, data: readonly SpendSummary[]): number {
  const { p, q, v } = g;
  const byX = new Map<number, number>();
  const constant = -lnGamma(q) + q * Math.log(v);
  let ll = 0;
  for (const s of data) {
    const px = p * s.x;
    let gx = byX.get(s.x);
    if (gx === undefined) {
      gx = lnGamma(px + q) - lnGamma(px) + px * Math.log(s.x);
      byX.set(s.x, gx);
    }
    ll += gx + constant + (px - 1) * Math.log(s.m) - (px + q) * Math.log(s.x * s.m + v);
  }
  return ll;
}

/** Maximum likelihood fit: Nelder-Mead on the logs of (p, q, v), from (1, 1, 1). */
export function fitGammaGamma(data: readonly SpendSummary[]): FitResult<GammaGammaParams> {
  const toParams = (u: number[]): GammaGammaParams => ({ p: Math.exp(u[0]!), q: Math.exp(u[1]!), v: Math.exp(u[2]!) });
  const n = Math.max(1, data.length);
  // Bounded log-parameters, as in fitBgNbd: without spend heterogeneity q, v → ∞ and the search must still end.
  const objective = (u: number[]) => (u.some((x) => Math.abs(x) > 30) ? Number.POSITIVE_INFINITY : -gammaGammaLogLikelihood(toParams(u), data) / n);
  const res = minimizeNelderMead(objective, [0, 0, 0], { tolerance: 1e-11, maxIterations: 3000 });
  const params = toParams(res.x);
  return { params, logLikelihood: gammaGammaLogLikelihood(params, data), customers: data.length, iterations: res.iterations, converged: res.converged };
}

/**
 * E[mean purchase value | x, m] = p (v + x m) / (p x + q − 1): a weighted mean of the population mean
 * p v / (q − 1) and the customer's own mean m (needs q > 1). For x = 0 it is the population mean.
 */
export function gammaGammaExpectedValue(g: GammaGammaParams, s: { x: number; m: number }): number {
  const m = s.x > 0 ? s.m : 0;
  return (g.p * (g.v + s.x * m)) / (g.p * s.x + g.q - 1);
}
