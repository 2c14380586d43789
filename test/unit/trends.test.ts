import { describe, expect, it } from 'vitest';
import { cusumFall, ewmaRise, mean, median, standardDeviation } from '../../shared/domain/trends.js';

const EWMA = { lambda: 0.2, L: 3 };
const CUSUM = { k: 0.5, h: 4 };

describe('ewmaRise', () => {
  it('signals on a sustained rise above the target', () => {
    // Prepare: a year at the target of 1 a month, then six months at 3 a month
    const series = [...Array<number>(12).fill(1), ...Array<number>(6).fill(3)];

    // Act
    const result = ewmaRise(series, 1, 1, EWMA);

    // Assess
    expect(result.signalled).toBe(true);
    expect(result.statistic).toBeGreaterThan(result.limit);
  });

  it('does not signal on a flat series at the target', () => {
    // Prepare
    const series = Array<number>(24).fill(1);

    // Act
    const result = ewmaRise(series, 1, 1, EWMA);

    // Assess
    expect(result.signalled).toBe(false);
    expect(result.statistic).toBeCloseTo(1, 10);
  });

  it('does not signal on a noisy but stable series around the target', () => {
    // Prepare: counts scattered around a mean of 1 with no shift
    const series = [1, 2, 0, 1, 2, 0, 1, 1, 2, 0, 1, 1, 0, 2, 1, 1, 0, 2, 1, 0, 2, 1, 1, 1];

    // Act
    const result = ewmaRise(series, 1, 1, EWMA);

    // Assess
    expect(mean(series)).toBeCloseTo(1, 10);
    expect(result.signalled).toBe(false);
  });

  it('uses the exact time-varying limit at t = 1', () => {
    // Prepare
    const target = 5;
    const sigma = 2;
    const { lambda, L } = EWMA;
    const expectedLimit = sigma * L * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** 2)) + target;

    // Act
    const result = ewmaRise([10], target, sigma, EWMA);

    // Assess: sqrt(0.2 / 1.8 * 0.36) = 0.2, so the limit is 5 + 3 * 2 * 0.2 = 6.2
    expect(expectedLimit).toBeCloseTo(6.2, 10);
    expect(result.limit).toBeCloseTo(expectedLimit, 10);
    expect(result.statistic).toBeCloseTo(0.2 * 10 + 0.8 * 5, 10);
    expect(result.signalled).toBe(false);
  });

  it('signals at t = 1 only once the first point lifts the statistic past the limit', () => {
    // Prepare: z = 0.2 x + 0.8 * 5 exceeds 6.2 only for x > 11 (10.9 gives 6.18, 12 gives 6.4)

    // Act
    const below = ewmaRise([10.9], 5, 2, EWMA);
    const above = ewmaRise([12], 5, 2, EWMA);

    // Assess
    expect(below.signalled).toBe(false);
    expect(above.signalled).toBe(true);
    expect(above.statistic).toBeCloseTo(6.4, 10);
  });

  it('never signals on an empty series or a zero sigma', () => {
    // Prepare
    const rising = [5, 6, 7, 8];

    // Act
    const empty = ewmaRise([], 1, 1, EWMA);
    const noSpread = ewmaRise(rising, 1, 0, EWMA);

    // Assess
    expect(empty.signalled).toBe(false);
    expect(noSpread.signalled).toBe(false);
  });
});

describe('cusumFall', () => {
  it('signals on a steady decline below the target', () => {
    // Prepare: occupancy falling a point a month from 90%
    const series = [90, 89, 88, 87, 86, 85, 84, 83];

    // Act
    const result = cusumFall(series, 90, 2, CUSUM);

    // Assess: k sigma = 1, so S = 0, 0, 1, 3, 6, 10, 15, 21 against h sigma = 8
    expect(result.statistic).toBeCloseTo(21, 10);
    expect(result.limit).toBe(8);
    expect(result.signalled).toBe(true);
  });

  it('does not signal on a single dip that recovers', () => {
    // Prepare: one deep dip (S reaches 11 > 8 at that point), then back at or above target
    const series = [90, 90, 78, 90, 91, 90, 90];

    // Act
    const atDip = cusumFall(series.slice(0, 3), 90, 2, CUSUM);
    const result = cusumFall(series, 90, 2, CUSUM);

    // Assess: S = 0, 0, 11, 10, 8, 7, 6
    expect(atDip.signalled).toBe(true);
    expect(result.statistic).toBeCloseTo(6, 10);
    expect(result.signalled).toBe(false);
  });

  it('computes the statistic of a 4-point series by hand', () => {
    // Prepare: target 90, sigma 2, k sigma = 1
    const series = [89, 86, 85, 88];

    // Act
    const result = cusumFall(series, 90, 2, CUSUM);

    // Assess: S1 = max(0, 0 + 1 - 1) = 0; S2 = 0 + 4 - 1 = 3; S3 = 3 + 5 - 1 = 7; S4 = 7 + 2 - 1 = 8
    expect(result.statistic).toBe(8);
    expect(result.limit).toBe(8);
    // The limit must be exceeded, not reached
    expect(result.signalled).toBe(false);
  });

  it('signals once the sum passes the decision interval', () => {
    // Prepare: as above with a last point one lower, so S4 = 7 + 3 - 1 = 9
    const series = [89, 86, 85, 87];

    // Act
    const result = cusumFall(series, 90, 2, CUSUM);

    // Assess
    expect(result.statistic).toBe(9);
    expect(result.signalled).toBe(true);
  });

  it('never signals with a zero sigma', () => {
    // Prepare
    const series = [50, 40, 30];

    // Act
    const result = cusumFall(series, 90, 0, CUSUM);

    // Assess
    expect(result.signalled).toBe(false);
  });
});

describe('median, mean and standardDeviation', () => {
  it('takes the middle value of an odd-length series and the mean of the middle two of an even one', () => {
    // Prepare
    const odd = [3, 1, 2];
    const even = [4, 1, 3, 2];

    // Act
    const oddMedian = median(odd);
    const evenMedian = median(even);

    // Assess: and leaves the input unsorted
    expect(oddMedian).toBe(2);
    expect(evenMedian).toBe(2.5);
    expect(odd).toEqual([3, 1, 2]);
  });

  it('sorts numerically, not as strings', () => {
    // Prepare
    const values = [10, 9, 100];

    // Act
    const result = median(values);

    // Assess
    expect(result).toBe(10);
  });

  it('returns 0 for empty inputs', () => {
    // Prepare
    const empty: number[] = [];

    // Act
    const results = [median(empty), mean(empty), standardDeviation(empty)];

    // Assess
    expect(results).toEqual([0, 0, 0]);
  });

  it('uses the sample standard deviation (n - 1)', () => {
    // Prepare: mean 5, sum of squared deviations 32
    const values = [2, 4, 4, 4, 5, 5, 7, 9];

    // Act
    const sd = standardDeviation(values);

    // Assess
    expect(mean(values)).toBe(5);
    expect(sd).toBeCloseTo(Math.sqrt(32 / 7), 10);
    expect(standardDeviation([5])).toBe(0);
  });
});
