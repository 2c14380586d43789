import { describe, expect, it } from 'vitest';
import { auc, aucOfCounts, clusterBootstrap, recallAtPrecision, scoreCounts } from '../../shared/domain/backtest-metrics.js';


describe('aucOfCounts', () => {
  it('gives the rank-sum AUC of the points it counts, ties a half', () => {
    // Prepare: scores in few values, so most pairs tie.
    const points = Array.from({ length: 300 }, (_, i) => ({ score: (i * 7) % 5, positive: (i * 13) % 11 < 3 + ((i * 7) % 5) }));

    // Act
    const fromCounts = aucOfCounts(scoreCounts(points));

    // Assess
    expect(fromCounts).toBeCloseTo(auc(points)!, 12);
  });

  it('is null without both classes', () => {
    // Prepare
    const counts = [{ score: 1, positives: 3, negatives: 0 }];

    // Act
    const value = aucOfCounts(counts);

    // Assess
    expect(value).toBeNull();
  });
});

describe('recallAtPrecision', () => {
  it('gives the best recall among the thresholds precise enough', () => {
    // Prepare: at >= 3 precision 2/2 and 1 of 4 events; at >= 2, 3/6 and 3 of 4; at >= 1, 4/14.
    const counts = [
      { score: 3, positives: 2, negatives: 0 },
      { score: 2, positives: 1, negatives: 3 },
      { score: 1, positives: 1, negatives: 7 },
    ];

    // Act
    const half = recallAtPrecision(counts, [3, 2, 2, 1], 0.5);
    const strict = recallAtPrecision(counts, [3, 2, 2, 1], 0.9);
    const none = recallAtPrecision(counts, [3, 2, 2, 1], 1.1);

    // Assess
    expect(half).toEqual({ recall: 0.75, threshold: 2 });
    expect(strict).toEqual({ recall: 0.25, threshold: 3 });
    expect(none).toBeNull();
  });
});

describe('clusterBootstrap', () => {
  it('draws whole clusters and gives the statistic on the full sample with its percentile interval', () => {
    // Prepare: two clusters of two points each; the draws alternate all-first, all-second.
    const clusters = [
      [1, 1],
      [3, 3],
    ];
    const draws = [0, 0, 1, 1];
    let next = 0;
    const mean = (sample: readonly number[][]) => {
      const values = sample.flat();
      return { mean: values.reduce((a, b) => a + b, 0) / values.length, empty: null };
    };

    // Act
    const estimates = clusterBootstrap(clusters, mean, { resamples: 2, drawIndex: () => draws[next++]! });

    // Assess
    expect(estimates.mean).toEqual({ value: 2, interval: [1.05, 2.95], undefinedIn: 0 });
    expect(estimates.empty).toEqual({ value: null, interval: null, undefinedIn: 2 });
  });
});
