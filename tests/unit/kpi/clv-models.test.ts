// BG/NBD and Gamma-Gamma at known parameters against values computed independently in python3
// (standard library only: math.lgamma, the 2F1 series summed to 1e-17; script in the comments below).
import { describe, expect, it } from 'vitest';
import { bgnbdExpectedPurchases, bgnbdLogLikelihoodOne, bgnbdProbabilityAlive, type BgNbdParams } from '../../../src/kpi/bgnbd.ts';
import { gammaGammaExpectedValue, gammaGammaLogLikelihoodOne } from '../../../src/kpi/gamma-gamma.ts';
import { minimizeNelderMead } from '../../../src/kpi/optimize.ts';
import { hyp2f1, lnGamma } from '../../../src/kpi/special.ts';

// python3: ll = lgamma(r+x)-lgamma(r)+r*log(al)+lb(a,b+x)-lb(a,b)+log(exp(-(r+x)*log(al+T)) + (x>0)*a/(b+x-1)*exp(-(r+x)*log(al+tx)))
const P: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const CASES = [
  // [x, tx, T] → [ln L, P(alive), E[purchases in the next 39 weeks]]
  { s: { x: 0, tx: 0, T: 38.86 }, ll: -0.5547132764381585, alive: 1, e39: 0.19509805201125396 },
  { s: { x: 2, tx: 30.43, T: 38.86 }, ll: -9.458606307066269, alive: 0.726578570080673, e39: 1.226028174767135 },
  { s: { x: 1, tx: 1.71, T: 38.86 }, ll: -4.46909327503259, alive: 0.2121009853773791, e39: 0.20318698707975696 },
  { s: { x: 7, tx: 29.43, T: 35.14 }, ll: -21.400277658129333, alive: 0.7745237708357157, e39: 4.331918639647563 },
];

describe('special functions', () => {
  it('lnGamma matches math.lgamma', () => {
    expect(lnGamma(0.3)).toBeCloseTo(1.0957979948180752, 12);
    expect(lnGamma(7.5)).toBeCloseTo(7.534364236758734, 12);
    expect(lnGamma(123.25)).toBeCloseTo(468.6144829505166, 10);
    expect(lnGamma(1)).toBeCloseTo(0, 14);
  });
  it('hyp2f1 sums its series: 2F1(1, 1; 2; z) = −ln(1 − z) / z', () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hyp2f1(1, 1, 2, 0.95)).toBeCloseTo(-Math.log(0.05) / 0.95, 10);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe('BG/NBD at the published CDNOW parameters', () => {
  for (const c of CASES) {
    it(`x=${c.s.x}, tx=${c.s.tx}, T=${c.s.T}`, () => {
      expect(bgnbdLogLikelihoodOne(P, c.s)).toBeCloseTo(c.ll, 10);
      expect(bgnbdProbabilityAlive(P, c.s)).toBeCloseTo(c.alive, 12);
      expect(bgnbdExpectedPurchases(P, c.s, 39)).toBeCloseTo(c.e39, 10);
    });
  }
  it('expects nothing over an empty horizon and more over a longer one', () => {
    const s = CASES[1]!.s;
    expect(bgnbdExpectedPurchases(P, s, 0)).toBe(0);
    expect(bgnbdExpectedPurchases(P, s, 78)).toBeGreaterThan(bgnbdExpectedPurchases(P, s, 39));
  });
});

describe('Gamma-Gamma', () => {
  const G = { p: 6.25, q: 3.74, v: 15.45 };
  it('log-likelihood matches python', () => {
    expect(gammaGammaLogLikelihoodOne(G, { x: 1, m: 11.77 })).toBeCloseTo(-3.738958952863957, 10);
    expect(gammaGammaLogLikelihoodOne(G, { x: 2, m: 22.35 })).toBeCloseTo(-3.551595405348813, 10);
    expect(gammaGammaLogLikelihoodOne(G, { x: 5, m: 40 })).toBeCloseTo(-4.31287439588246, 10);
  });
  it('expected value: population mean p v / (q − 1) without repeats, shrunk towards the own mean with them', () => {
    // 6.25 × 15.45 / 2.74 = 35.2417…; x=5, m=40: 6.25 × (15.45 + 200) / (31.25 + 2.74) = 39.6311…
    expect(gammaGammaExpectedValue(G, { x: 0, m: 0 })).toBeCloseTo(35.24178832116788, 10);
    expect(gammaGammaExpectedValue(G, { x: 5, m: 40 })).toBeCloseTo((6.25 * 215.45) / 33.99, 12);
  });
});

describe('minimizeNelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = minimizeNelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], { tolerance: 1e-16 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });
  it('treats non-finite values as +∞', () => {
    const r = minimizeNelderMead(([x]) => (x! < 0 ? Number.NaN : (x! - 2) ** 2), [1]);
    expect(r.x[0]).toBeCloseTo(2, 4);
  });
});
