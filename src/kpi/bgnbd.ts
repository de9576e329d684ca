// BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while alive, a customer
// buys as a Poisson process of rate λ ~ Gamma(r, α); after each purchase they drop out with probability
// p ~ Beta(a, b). Fitted by maximum likelihood on per-customer summaries (x = repeat purchases,
// tx = time of the last purchase, T = time observed, both from the first purchase, in one unit).
import { hyp2f1, lnBeta, lnGamma } from './special.ts';
import { minimizeNelderMead } from './optimize.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer summary, or `count` customers sharing it. */
export interface PurchaseSummary {
  x: number;
  tx: number;
  T: number;
  count?: number;
}

function logAddExp(u: number, v: number): number {
  if (u === Number.NEGATIVE_INFINITY) return v;
  if (v === Number.NEGATIVE_INFINITY) return u;
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** ln L of one summary (equation 6 of the paper, factored for numerical stability). */
export function bgnbdLogLikelihoodOne(p: BgNbdParams, s: PurchaseSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  const common = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  const droppedAfterLast = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return common + logAddExp(stillAlive, droppedAfterLast);
}

/**
 * Σ ln L over the summaries (each weighted by its count). The Γ and B terms depend on x only: they are
 * computed once per distinct x, which keeps a fit on many customers to a few logarithms per customer.
 */
export function bgnbdLogLikelihood(p: BgNbdParams, data: readonly PurchaseSummary[]): number {
  const { r, alpha, a, b } = p;
  const byX = new Map<number, number>();
  const lnBetaAB = lnBeta(a, b);
  const lnGammaR = lnGamma(r);
  const lnAlpha = Math.log(alpha);
  let ll = 0;
  for (const s of data) {
    let common = byX.get(s.x);
    if (common === undefined) {
      common = lnGamma(r + s.x) - lnGammaR + r * lnAlpha + lnBeta(a, b + s.x) - lnBetaAB;
      byX.set(s.x, common);
    }
    const stillAlive = -(r + s.x) * Math.log(alpha + s.T);
    const dropped = s.x > 0 ? Math.log(a) - Math.log(b + s.x - 1) - (r + s.x) * Math.log(alpha + s.tx) : Number.NEGATIVE_INFINITY;
    ll += (s.count ?? 1) * (common + logAddExp(stillAlive, dropped));
  }
  return ll;
}

export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/** Maximum likelihood fit: Nelder-Mead on the logs of the four (positive) parameters, from (1, 1, 1, 1). */
export function fitBgNbd(data: readonly PurchaseSummary[]): FitResult<BgNbdParams> {
  const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const customers = data.reduce((n, s) => n + (s.count ?? 1), 0);
  // Scaled by the number of customers so that the tolerance is per customer.
  const objective = (v: number[]) => -bgnbdLogLikelihood(toParams(v), data) / Math.max(1, customers);
  // Log-parameters are kept within ±20 (e^20 ≈ 5·10⁸): on data without dropouts the likelihood keeps
  // rising slowly as a, b → ∞ (BG/NBD tends to NBD), and the search must still end.
  const bounded = (v: number[]) => (v.some((u) => Math.abs(u) > 20) ? Number.POSITIVE_INFINITY : objective(v));
  const res = minimizeNelderMead(bounded, [0, 0, 0, 0], { tolerance: 1e-11, maxIterations: 3000 });
  const params = toParams(res.x);
  return { params, logLikelihood: bgnbdLogLikelihood(params, data), customers, iterations: res.iterations, converged: res.converged };
}

/** ln of the odds ratio that the customer dropped out right after the last purchase (−∞ when x = 0). */
function lnDropOdds(p: BgNbdParams, s: PurchaseSummary): number {
  if (s.x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(p.a) - Math.log(p.b + s.x - 1) + (p.r + s.x) * (Math.log(p.alpha + s.T) - Math.log(p.alpha + s.tx));
}

/** P(alive at T | x, tx, T) = 1 / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+tx))^(r+x)). */
export function bgnbdProbabilityAlive(p: BgNbdParams, s: PurchaseSummary): number {
  return 1 / (1 + Math.exp(lnDropOdds(p, s)));
}

/**
 * E[purchases in (T, T + t] | x, tx, T] (equation 10 of the paper):
 * (a+b+x−1)/(a−1) × [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+tx))^(r+x)).
 */
export function bgnbdExpectedPurchases(p: BgNbdParams, s: PurchaseSummary, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const { x, T } = s;
  const z = t / (alpha + T + t);
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const decay = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - decay * hyp);
  return numerator / (1 + Math.exp(lnDropOdds(p, s)));
}
