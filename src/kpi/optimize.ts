// Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard coefficients: reflection 1,
// expansion 2, contraction 0.5, shrink 0.5). Derivative-free, enough for the few-parameter maximum
// likelihood fits of the KPIs (BG/NBD, Gamma-Gamma, Holt-Winters), which optimise on unconstrained
// transforms of their parameters (log for positive ones, logit for those in (0, 1)).

export interface MinimizeOptions {
  /** Stop when the simplex's function values span less than this (absolute). */
  tolerance?: number;
  maxIterations?: number;
  /** Initial step along each axis. */
  step?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/** Minimise f from x0. Non-finite values of f count as +∞ (the simplex moves away from them). */
export function minimizeNelderMead(f: (x: number[]) => number, x0: readonly number[], opts: MinimizeOptions = {}): MinimizeResult {
  const tol = opts.tolerance ?? 1e-10;
  const maxIter = opts.maxIterations ?? 5000;
  const step = opts.step ?? 0.5;
  const n = x0.length;
  const g = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: g([...x0]) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = x[i]! + step;
    simplex.push({ x, v: g(x) });
  }
  const combine = (a: number[], b: number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i]! - ai));
  let iter = 0;
  let converged = false;
  // Stall test: on a flat ridge (a likelihood still rising towards a boundary) the simplex keeps making
  // vanishing progress; when the best value gains less than tolerance × 1000 over `stallWindow` iterations,
  // the search is over (converged: the optimum is at the ridge's end, to that precision).
  const stallWindow = 25 * n;
  let windowStart = Number.POSITIVE_INFINITY;
  // Restarting once from the best point guards against a collapsed simplex (a common NM failure).
  for (let restart = 0; restart < 2; restart++) {
    while (iter < maxIter) {
      simplex.sort((p, q) => p.v - q.v);
      const best = simplex[0]!;
      const worst = simplex[n]!;
      if (Math.abs(worst.v - best.v) <= tol * (1 + Math.abs(best.v)) && Number.isFinite(worst.v)) {
        converged = true;
        break;
      }
      iter++;
      if (iter % stallWindow === 0) {
        if (Number.isFinite(best.v) && windowStart - best.v <= 1000 * tol * (1 + Math.abs(best.v))) {
          converged = true;
          break;
        }
        windowStart = best.v;
      }
      const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i]!, 0) / n);
      const reflected = combine(centroid, worst.x, -1);
      const vr = g(reflected);
      if (vr < best.v) {
        const expanded = combine(centroid, worst.x, -2);
        const ve = g(expanded);
        simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      } else if (vr < simplex[n - 1]!.v) {
        simplex[n] = { x: reflected, v: vr };
      } else {
        const outside = vr < worst.v;
        const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
        const vc = g(contracted);
        if (vc < (outside ? vr : worst.v)) {
          simplex[n] = { x: contracted, v: vc };
        } else {
          simplex = simplex.map((p, i) => (i === 0 ? p : { x: combine(best.x, p.x, 0.5), v: g(combine(best.x, p.x, 0.5)) }));
        }
      }
    }
    if (restart === 0) {
      simplex.sort((p, q) => p.v - q.v);
      const b = simplex[0]!;
      simplex = [b, ...Array.from({ length: n }, (_, i) => {
        const x = [...b.x];
        x[i] = x[i]! + step / 10;
        return { x, v: g(x) };
      })];
      converged = false;
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations: iter, converged };
}
