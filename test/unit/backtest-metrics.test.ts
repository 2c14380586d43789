import { describe, expect, it } from 'vitest';
import {
  auc,
  bandMetrics,
  type EvaluationWindows,
  firstWarning,
  leadTimeDays,
  likelihoodAuc,
  percentile,
  type ScoredMonth,
  type Track,
  warns,
} from '../../shared/domain/backtest-metrics.js';
import { addMonths } from '../../shared/domain/dates.js';
import type { Band, IsoDate } from '../../shared/domain/model.js';

const points = (positives: number[], negatives: number[]) => [
  ...positives.map((score) => ({ score, positive: true })),
  ...negatives.map((score) => ({ score, positive: false })),
];

/** Monthly scores from `from`, one band (and likelihood) a month. */
const monthsFrom = (from: IsoDate, bands: readonly Band[], likelihoods: readonly number[] = bands.map((b) => (b === 'Red' ? 80 : b === 'Amber' ? 50 : 10))): ScoredMonth[] =>
  bands.map((band, i) => ({ on: addMonths(from, i), band, likelihood: likelihoods[i]! }));

describe('auc', () => {
  it.each([
    { name: 'perfect separation', positives: [0.9, 0.8], negatives: [0.3, 0.1], expected: 1 },
    { name: 'perfectly wrong', positives: [0.1, 0.2], negatives: [0.8, 0.9], expected: 0 },
    { name: 'every score tied', positives: [5, 5], negatives: [5, 5, 5], expected: 0.5 },
    // Pairs: 0.8>0.5, 0.8>0.2, 0.5=0.5 (a half), 0.5>0.2: 3.5 of 4.
    { name: 'one tie across the classes', positives: [0.8, 0.5], negatives: [0.5, 0.2], expected: 0.875 },
    // Pairs: 3>2, 3>1, 2=2 (a half), 2>1, 2=2 (a half), 2>1: 5 of 6.
    { name: 'ties within and across the classes', positives: [3, 2, 2], negatives: [2, 1], expected: 5 / 6 },
  ])('$name gives $expected', ({ positives, negatives, expected }) => {
    // Prepare
    const scored = points(positives, negatives);

    // Act
    const value = auc(scored);

    // Assess
    expect(value).toBeCloseTo(expected, 12);
  });

  it('does not depend on the order of the points', () => {
    // Prepare
    const scored = points([3, 2, 2, 7], [2, 1, 7, 0]);

    // Act
    const forward = auc(scored);
    const backward = auc([...scored].reverse());

    // Assess: of 16 pairs the positive wins 11.5 (3 beats 2, 1, 0; each 2 beats 1, 0 and ties 2; 7 beats 2, 1, 0 and ties 7)
    expect(forward).toBeCloseTo(11.5 / 16, 12);
    expect(backward).toBe(forward);
  });

  it('is undefined (null) without both classes', () => {
    // Prepare
    const onlyPositive = points([1, 2], []);
    const onlyNegative = points([], [1, 2]);

    // Act
    const values = [auc(onlyPositive), auc(onlyNegative), auc([])];

    // Assess
    expect(values).toEqual([null, null, null]);
  });
});

describe('percentile', () => {
  it('interpolates linearly between order statistics, whatever the input order', () => {
    // Prepare
    const values = [4, 1, 3, 2];

    // Act
    const result = { p0: percentile(values, 0), p25: percentile(values, 25), p50: percentile(values, 50), p100: percentile(values, 100) };

    // Assess
    expect(result).toEqual({ p0: 1, p25: 1.75, p50: 2.5, p100: 4 });
  });

  it('gives the middle value of an odd count, the value itself for one value, and null for none', () => {
    // Prepare
    const odd = [30, 10, 20];

    // Act
    const results = [percentile(odd, 50), percentile([7], 25), percentile([], 50)];

    // Assess
    expect(results).toEqual([20, 7, null]);
  });
});

describe('warning rules', () => {
  const event: IsoDate = '2024-06-15';

  it.each([
    { name: 'a score on the event day does not count', scoredOn: '2024-06-15', counts: false },
    { name: 'a score after the event does not count', scoredOn: '2024-07-01', counts: false },
    { name: 'a score 13 months before does not count', scoredOn: '2023-05-15', counts: false },
    { name: 'a score a day more than 12 months before does not count', scoredOn: '2023-06-14', counts: false },
    { name: 'a score exactly 12 months before counts', scoredOn: '2023-06-15', counts: true },
    { name: 'a score the day before counts', scoredOn: '2024-06-14', counts: true },
  ])('$name', ({ scoredOn, counts }) => {
    // Prepare
    const horizonMonths = 12;

    // Act
    const result = warns(scoredOn, event, horizonMonths);

    // Assess
    expect(result).toBe(counts);
  });

  it('takes the first Red inside the 12 months as the warning and measures the lead time from it', () => {
    // Prepare: Red 13 months before (too early), Green, then Amber, Red 3 months before, and Red on the event day
    const months: ScoredMonth[] = [
      { on: '2023-05-01', band: 'Red', likelihood: 80 },
      { on: '2023-09-01', band: 'Green', likelihood: 10 },
      { on: '2024-01-01', band: 'Amber', likelihood: 50 },
      { on: '2024-03-01', band: 'Red', likelihood: 75 },
      { on: '2024-06-01', band: 'Red', likelihood: 90 },
    ];

    // Act
    const red = firstWarning(months, '2024-06-01', 'Red', 12);
    const amberOrWorse = firstWarning(months, '2024-06-01', 'Amber+', 12);

    // Assess
    expect(red?.on).toBe('2024-03-01');
    expect(leadTimeDays(red!, '2024-06-01')).toBe(92);
    expect(amberOrWorse?.on).toBe('2024-01-01');
    expect(leadTimeDays(amberOrWorse!, '2024-06-01')).toBe(152);
  });

  it('finds no warning when the only Red is on the event day or 13 months before', () => {
    // Prepare
    const months: ScoredMonth[] = [
      { on: '2023-05-01', band: 'Red', likelihood: 80 },
      { on: '2024-01-01', band: 'Green', likelihood: 10 },
      { on: '2024-06-01', band: 'Red', likelihood: 100 },
    ];

    // Act
    const warning = firstWarning(months, '2024-06-01', 'Red', 12);

    // Assess
    expect(warning).toBeNull();
  });
});

describe('bandMetrics and likelihoodAuc', () => {
  const windows: EvaluationWindows = { failuresFrom: '2022-01-01', failuresTo: '2024-12-31', alarmsFrom: '2022-01-01', alarmsTo: '2022-12-31', horizonMonths: 12 };
  const year = (bands: Band[]) => monthsFrom('2022-01-01', bands);
  const G = 'Green' as const;
  const A = 'Amber' as const;
  const R = 'Red' as const;
  const tracks: Track[] = [
    // Warned by Red four months ahead (and Amber six), with precursors.
    { id: 'warned', months: year([G, G, G, G, A, A, R, R, R, R]), outcome: { on: '2022-11-01', kind: 'closure', hadPrecursor: true } },
    // Sudden: Green to the end.
    { id: 'sudden', months: year([G, G, G, G, G, G]), outcome: { on: '2022-07-01', kind: 'insolvency', hadPrecursor: false } },
    // A false alarm: Red in two months, never fails.
    { id: 'alarm', months: year([G, R, R, G, G, G, G, G, G, G, G, G]), outcome: null },
    // Healthy throughout.
    { id: 'calm', months: year([G, G, G, G, G, G, G, G, G, G, G, G]), outcome: null },
  ];

  it('counts recall, precision, false alarms and lead times by their definitions', () => {
    // Prepare: the tracks above

    // Act
    const red = bandMetrics(tracks, 'Red', windows);
    const amber = bandMetrics(tracks, 'Amber+', windows);

    // Assess
    expect(red.recall).toEqual({ failures: 2, warned: 1, recall: 0.5 });
    expect(red.withPrecursor).toEqual({ failures: 1, warned: 1, recall: 1 });
    expect(red.withoutPrecursor).toEqual({ failures: 1, warned: 0, recall: 0 });
    expect(red.byKind).toEqual({ closure: { failures: 1, warned: 1, recall: 1 }, insolvency: { failures: 1, warned: 0, recall: 0 } });
    expect(red.precision).toEqual({ warnedLocations: 2, failedWithinHorizon: 1, precision: 0.5 });
    // 40 location-months; the false alarm's two Red months are the only in-band months not followed by an event.
    expect(red.falseAlarms).toEqual({ locationMonths: 40, falseAlarmMonths: 2, per1000LocationMonths: 50 });
    expect(red.leadTimeDays).toEqual({ n: 1, median: 123, p25: 123 });
    expect(amber.leadTimeDays.median).toBe(184);
  });

  it('scores the likelihood by whether an event follows within the horizon', () => {
    // Prepare: likelihood rises toward the failure; the healthy track stays low
    const scored: Track[] = [
      { id: 'fails', months: monthsFrom('2022-01-01', [G, A, R], [20, 50, 90]), outcome: { on: '2022-04-01', kind: 'inadequate', hadPrecursor: true } },
      { id: 'calm', months: monthsFrom('2022-01-01', [G, G, G], [10, 20, 5]), outcome: null },
    ];

    // Act
    const result = likelihoodAuc(scored, windows);

    // Assess: positives 20, 50, 90 against negatives 10, 20, 5: 8.5 of 9 pairs
    expect(result).toEqual({ auc: 8.5 / 9, locationMonths: 6, positives: 3 });
  });
});
