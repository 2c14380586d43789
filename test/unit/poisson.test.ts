import { describe, expect, it } from 'vitest';
import { poissonUpperTail } from '../../shared/domain/poisson.js';

describe('poissonUpperTail', () => {
  // Reference values from scipy.stats.poisson.sf(observed - 1, expected).
  it.each([
    [1, 1, 0.6321205588285577],
    [2, 0.4, 0.061551935550105],
    [3, 0.4, 0.007926331867253838],
    [4, 0.4, 0.0007762513762070155],
    [1, 0.05, 0.04877057549928599],
    [10, 3, 0.0011024881301154815],
    [20, 10, 0.0034543419758568334],
    [3, 3, 0.5768099188731566],
    [5, 10, 0.9707473119230389],
    [30, 5, 2.817517615577943e-14],
    [100, 50, 3.2000653245851495e-10],
  ])('gives P(X >= %i) for a mean of %d as %d', (observed, expected, reference) => {
    // Prepare
    const tolerance = 1e-9;

    // Act
    const p = poissonUpperTail(observed, expected);

    // Assess: to a relative error of one in a billion, far tails included
    expect(Math.abs(p - reference) / reference).toBeLessThan(tolerance);
  });

  it('is 1 for a count of 0, and 0 for any count where none is expected', () => {
    // Act
    const none = poissonUpperTail(0, 2);
    const impossible = poissonUpperTail(1, 0);

    // Assess
    expect(none).toBe(1);
    expect(impossible).toBe(0);
  });

  it('falls as the count rises and rises with the mean', () => {
    // Act
    const byCount = [1, 2, 3, 4, 5].map((k) => poissonUpperTail(k, 1.5));
    const byMean = [0.5, 1, 2, 4].map((m) => poissonUpperTail(3, m));

    // Assess
    expect(byCount).toEqual([...byCount].sort((a, b) => b - a));
    expect(byMean).toEqual([...byMean].sort((a, b) => a - b));
  });

  it('refuses a count that is not whole and a negative mean', () => {
    // Assess
    expect(() => poissonUpperTail(1.5, 1)).toThrow(RangeError);
    expect(() => poissonUpperTail(1, -1)).toThrow(RangeError);
  });
});
