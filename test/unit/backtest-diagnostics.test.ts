import { describe, expect, it } from 'vitest';
import {
  alarmMonths,
  brierScore,
  calibrationTable,
  type EvaluationWindows,
  flicker,
  groupRateAuc,
  likelihoodAuc,
  type ScoredMonth,
  sustainedLead,
  type Track,
} from '../../shared/domain/backtest-metrics.js';
import { addMonths } from '../../shared/domain/dates.js';
import type { Band, IsoDate } from '../../shared/domain/model.js';

const windows: EvaluationWindows = { failuresFrom: '2022-01-01', failuresTo: '2024-12-31', alarmsFrom: '2022-01-01', alarmsTo: '2023-12-31', horizonMonths: 12 };
const G = 'Green' as const;
const A = 'Amber' as const;
const R = 'Red' as const;

/** Monthly scores from `from`, one band a month. */
const monthsFrom = (from: IsoDate, bands: readonly Band[]): ScoredMonth[] =>
  bands.map((band, i) => ({ on: addMonths(from, i), band, likelihood: band === 'Red' ? 80 : band === 'Amber' ? 50 : 10 }));

const predictions = (pairs: readonly [number, boolean][]) => pairs.map(([predicted, positive]) => ({ predicted, positive }));

describe('calibrationTable', () => {
  it('cuts distinct predictions into ten deciles of equal count, each with its observed share', () => {
    // Prepare: 20 predictions 0.01..0.20; the top two deciles hold the positives
    const points = predictions(Array.from({ length: 20 }, (_, i) => [(i + 1) / 100, i >= 16 && i !== 17]));

    // Act
    const bins = calibrationTable(points);

    // Assess
    expect(bins.map((b) => b.deciles)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]));
    expect(bins.every((b) => b.locationMonths === 2)).toBe(true);
    expect(bins[9]).toMatchObject({ deciles: [10, 10], predicted: { from: 0.19, to: 0.2 }, locationMonths: 2, events: 2, observed: 1 });
    expect(bins[9]!.predicted.mean).toBeCloseTo(0.195, 12);
    expect(bins[8]).toMatchObject({ events: 1, observed: 0.5 });
    expect(bins.slice(0, 8).every((b) => b.events === 0)).toBe(true);
  });

  it('never splits equal predictions: a shared value spans the deciles it covers in one bin', () => {
    // Prepare: 10 points, the lowest four tied at 0 (deciles 1-4), one of them positive
    const points = predictions([
      [0, false],
      [0, true],
      [0, false],
      [0, false],
      [0.5, false],
      [0.6, true],
      [0.7, false],
      [0.8, true],
      [0.9, true],
      [0.95, true],
    ]);

    // Act
    const bins = calibrationTable(points);

    // Assess
    expect(bins[0]).toEqual({ deciles: [1, 4], predicted: { from: 0, to: 0, mean: 0 }, locationMonths: 4, events: 1, observed: 0.25 });
    expect(bins.slice(1).map((b) => b.deciles)).toEqual([
      [5, 5],
      [6, 6],
      [7, 7],
      [8, 8],
      [9, 9],
      [10, 10],
    ]);
    expect(bins.reduce((sum, b) => sum + b.locationMonths, 0)).toBe(10);
  });

  it('gives one bin of all ten deciles when every prediction is equal, and none without points', () => {
    // Prepare
    const tied = predictions([
      [0.3, true],
      [0.3, false],
      [0.3, false],
    ]);

    // Act
    const bins = calibrationTable(tied);

    // Assess
    expect(bins).toMatchObject([{ deciles: [1, 10], predicted: { from: 0.3, to: 0.3 }, locationMonths: 3, events: 1, observed: 1 / 3 }]);
    expect(bins[0]!.predicted.mean).toBeCloseTo(0.3, 12);
    expect(calibrationTable([])).toEqual([]);
  });
});

describe('brierScore', () => {
  it('is the mean squared difference between prediction and outcome, null without points', () => {
    // Prepare: (0.8 - 1)^2 = 0.04, (0.2 - 0)^2 = 0.04, (1 - 0)^2 = 1, (0 - 0)^2 = 0
    const points = predictions([
      [0.8, true],
      [0.2, false],
      [1, false],
      [0, false],
    ]);

    // Act
    const scores = [brierScore(points), brierScore([])];

    // Assess
    expect(scores[0]).toBeCloseTo(1.08 / 4, 12);
    expect(scores[1]).toBeNull();
  });
});

describe('sustainedLead', () => {
  it('measures from the start of the last unbroken in-band run, 0 when the band lapsed before the event, over warned failures only', () => {
    // Prepare
    const tracks: Track[] = [
      // Red, a Green break, then Red from 2022-04-01 to the event on 2022-07-01: held 91 days (Red lead time 181).
      { id: 'held', months: monthsFrom('2022-01-01', [R, G, G, R, R, R]), outcome: { on: '2022-07-01', kind: 'closure', hadPrecursor: true } },
      // Red early, Green for the last two months before the event: warned, not held.
      { id: 'lapsed', months: monthsFrom('2022-01-01', [G, R, R, G, G]), outcome: { on: '2022-06-01', kind: 'inadequate', hadPrecursor: true } },
      // Amber only: not warned at Red, held 61 days at Amber or Red.
      { id: 'amber', months: monthsFrom('2022-01-01', [G, G, G, A, A]), outcome: { on: '2022-06-01', kind: 'insolvency', hadPrecursor: true } },
      { id: 'calm', months: monthsFrom('2022-01-01', [G, G, G]), outcome: null },
    ];

    // Act
    const red = sustainedLead(tracks, 'Red', windows);
    const amber = sustainedLead(tracks, 'Amber+', windows);

    // Assess: Red days [91, 0]; Amber+ days [91, 0, 61]
    expect(red).toEqual({ warned: 2, heldToEvent: 1, median: 45.5, p25: 22.75 });
    expect(amber).toEqual({ warned: 3, heldToEvent: 2, median: 61, p25: 30.5 });
  });

  it('counts the run within the horizon only, like the lead time', () => {
    // Prepare: Red for 18 unbroken months up to the event on 2023-07-01
    const tracks: Track[] = [{ id: 'long', months: monthsFrom('2022-01-01', Array<Band>(18).fill(R)), outcome: { on: '2023-07-01', kind: 'closure', hadPrecursor: true } }];

    // Act
    const red = sustainedLead(tracks, 'Red', windows);

    // Assess: from the first monthly score within 12 months, 2022-07-01, to the event
    expect(red.median).toBe(365);
  });
});

describe('flicker', () => {
  it('counts returns to the band within the return months, and episodes of one month among those whose end was seen', () => {
    // Prepare
    const tracks: Track[] = [
      // Red, Green, Red: a return after 2 months, then a 2-month episode ended by Green. Episodes 1 and 2 both observed.
      { id: 'flickers', months: monthsFrom('2022-01-01', [R, G, R, R, G, G]), outcome: null },
      // Red, then Green for 3 months, Red again 4 months later: no return within 3 months. The last Red is cut short by the track's end.
      { id: 'slow', months: monthsFrom('2022-01-01', [R, G, G, G, R]), outcome: { on: '2022-06-01', kind: 'closure', hadPrecursor: true } },
      // Red, Green, Green, Red: back exactly 3 months later counts.
      { id: 'edge', months: monthsFrom('2022-01-01', [R, G, G, R, G]), outcome: null },
    ];

    // Act
    const red = flicker(tracks, 'Red', windows, 3);

    // Assess: episodes seen ending: flickers 2 (lengths 1, 2), slow 1 (length 1), edge 2 (lengths 1, 1)
    expect(red).toEqual({ locationMonths: 16, returns: 2, returnsPer1000LocationMonths: 125, episodes: 5, singleMonthEpisodes: 4, singleMonthShare: 0.8 });
  });

  it('counts only returns and episode starts dated in the alarm window', () => {
    // Prepare: the window opens on 2022-03-01; the first Red and its return fall before it
    const late: EvaluationWindows = { ...windows, alarmsFrom: '2022-03-01' };
    const tracks: Track[] = [{ id: 'early', months: monthsFrom('2022-01-01', [R, G, R, R, G, A, R, G]), outcome: null }];

    // Act
    const red = flicker(tracks, 'Red', late, 3);
    const amber = flicker(tracks, 'Amber+', late, 3);

    // Assess: Red returns on 2022-03-01 (in the window, after the Red of 2022-01-01) and 2022-07-01;
    // episodes starting from March: 2022-03 (2 months) and 2022-07 (1 month). Amber+ runs 2022-06..07 as one episode.
    expect(red).toMatchObject({ locationMonths: 6, returns: 2, episodes: 2, singleMonthEpisodes: 1 });
    expect(amber).toMatchObject({ returns: 2, episodes: 2, singleMonthEpisodes: 0 });
  });
});

describe('groupRateAuc', () => {
  it('ranks each point by its group’s own share of positives', () => {
    // Prepare: group a has 2 positives in 4, group b none in 4
    const points = [
      ...['a', 'a', 'a', 'a'].map((group, i) => ({ group, positive: i < 2 })),
      ...['b', 'b', 'b', 'b'].map((group) => ({ group, positive: false })),
    ];

    // Act
    const result = groupRateAuc(points);

    // Assess: 2 positives x 6 negatives; each positive beats the 4 of b and ties the 2 of a: 10 of 12
    expect(result.auc).toBeCloseTo(10 / 12, 12);
    expect(result.rates).toEqual({ a: { points: 4, positives: 2, rate: 0.5 }, b: { points: 4, positives: 0, rate: 0 } });
  });

  it('is undefined (null) without both classes', () => {
    // Prepare
    const points = [{ group: 'a', positive: false }];

    // Act
    const result = groupRateAuc(points);

    // Assess
    expect(result.auc).toBeNull();
  });
});

describe('alarmMonths', () => {
  it('keeps the alarm window’s months with whether the event followed, as likelihoodAuc counts them', () => {
    // Prepare: scored from 2021-11-01; the event on 2022-03-15
    const tracks: Track[] = [{ id: 'fails', months: monthsFrom('2021-11-01', [G, A, R, R, R]), outcome: { on: '2022-03-15', kind: 'closure', hadPrecursor: true } }];

    // Act
    const months = alarmMonths(tracks, windows);

    // Assess: 2021's months are before the window
    expect(months.map((m) => [m.month.on, m.positive])).toEqual([
      ['2022-01-01', true],
      ['2022-02-01', true],
      ['2022-03-01', true],
    ]);
    expect(likelihoodAuc(tracks, windows)).toMatchObject({ locationMonths: 3, positives: 3 });
  });
});
