import { describe, expect, it } from 'vitest';
import { generateHistory } from '../../cli/backtest/history.js';
import { chooseBands, fitRatingPart } from '../../cli/fit/fit.js';
import { familyRows, fitDates } from '../../cli/fit/history-part.js';
import { fitLogistic } from '../../cli/fit/logistic.js';
import { readRatingHistory } from '../../cli/backtest/real-history.js';
import { locationQuarters } from '../../cli/fit/real-ratings.js';
import { inTrainingHalf } from '../../cli/fit/split.js';
import { Dice } from '../../cli/sample/dice.js';
import { addMonths } from '../../shared/domain/dates.js';
import { riskModel } from '../../shared/domain/risk-model.js';

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

describe('fitLogistic', () => {
  it('recovers known coefficients from data drawn from them, with an offset', () => {
    // Prepare: intercept -1.5, a continuous feature 0.8, an indicator -1.2, and a known offset per row
    const dice = new Dice(7);
    const truth = [-1.5, 0.8, -1.2];
    const rows = Array.from({ length: 40_000 }, () => [1, dice.between(-2, 2), dice.chance(0.3) ? 1 : 0]);
    const offset = rows.map(() => dice.between(-0.5, 0.5));
    const y = rows.map((x, i) => (dice.chance(sigmoid(offset[i]! + x.reduce((s, v, j) => s + v * truth[j]!, 0))) ? 1 : 0));

    // Act
    const fit = fitLogistic(rows, y, { offset, l2: 0 });

    // Assess: within three standard errors and 0.1 of the truth
    expect(fit.converged).toBe(true);
    truth.forEach((b, j) => {
      expect(Math.abs(fit.coefficients[j]! - b)).toBeLessThan(Math.min(0.1, 3 * fit.standardErrors[j]!) + 1e-9);
    });
  });

  it('shrinks a penalised coefficient toward 0 and leaves an unpenalised intercept free', () => {
    // Prepare: a separable indicator, which without a penalty would run off to infinity
    const rows = [...Array.from({ length: 50 }, () => [1, 1]), ...Array.from({ length: 50 }, () => [1, 0])];
    const y = [...Array.from({ length: 50 }, () => 1), ...Array.from({ length: 50 }, (_, i) => (i < 10 ? 1 : 0))];

    // Act
    const fit = fitLogistic(rows, y, { l2: 1, penalised: [false, true] });

    // Assess
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[1]).toBeGreaterThan(2);
    expect(fit.coefficients[1]).toBeLessThan(10);
  });
});

describe('inTrainingHalf', () => {
  it('is stable and splits ids about in half', () => {
    // Prepare
    const ids = Array.from({ length: 10_000 }, (_, i) => `1-${1_000_000_000 + i}`);

    // Act
    const first = ids.map(inTrainingHalf);
    const second = ids.map(inTrainingHalf);

    // Assess
    expect(second).toEqual(first);
    const share = first.filter(Boolean).length / ids.length;
    expect(share).toBeGreaterThan(0.48);
    expect(share).toBeLessThan(0.52);
  });
});

describe('fitRatingPart', () => {
  const candidates = Array.from({ length: 40 }, (_, i) => `1-${200_000_000 + i}`);
  const [t1, t2, t3, t4] = candidates.filter(inTrainingHalf);
  const [h1, h2] = candidates.filter((id) => !inTrainingHalf(id));
  const header = 'location_id,report_date,overall_rating,ownership,registered_on,deregistered_on';
  const trainingRows = [
    `${t1},2015-06-01,Good,For-profit,2014-01-01,`,
    `${t1},2017-02-01,Requires Improvement,For-profit,2014-01-01,`,
    `${t1},2017-09-01,Inadequate,For-profit,2014-01-01,`,
    `${t2},2015-01-01,Good,Third sector,2010-01-01,`,
    `${t2},2019-01-01,Good,Third sector,2010-01-01,`,
    `${t3},2015-05-01,Requires improvement,For-profit,2012-01-01,2020-01-01`,
    `${t3},2018-05-01,Inadequate,For-profit,2012-01-01,2020-01-01`,
    `${t4},2016-03-01,Outstanding,Local Authority,2016-01-01,`,
  ];
  const heldOutRows = [`${h1},2015-01-01,Good,For-profit,2013-01-01,`, `${h2},2016-01-01,Requires improvement,For-profit,2013-01-01,`];
  const csv = (rows: readonly string[]) => [header, ...rows].join('\n');
  const readRealRatings = (text: string) => readRatingHistory(text, { origin: 'ratings.csv', receivedOn: '2025-06-01' }).locations;

  it('learns from the training half only: changing the held-out half changes no coefficient', () => {
    // Prepare: the second file gives the held-out locations Inadequate ratings
    const original = readRealRatings(csv([...trainingRows, ...heldOutRows]));
    const changed = readRealRatings(csv([...trainingRows, ...heldOutRows, `${h1},2018-03-01,Inadequate,For-profit,2013-01-01,`, `${h2},2016-08-01,Inadequate,For-profit,2013-01-01,`]));

    // Act
    const a = fitRatingPart(original);
    const b = fitRatingPart(changed);

    // Assess
    expect(locationQuarters(original, 'training').every((q) => inTrainingHalf(q.locationId))).toBe(true);
    expect(new Set(locationQuarters(original, 'training').map((q) => q.locationId))).toEqual(new Set([t1, t2, t3, t4]));
    expect(b.part).toEqual(a.part);
    expect(b.training).toEqual(a.training);
    expect(a.heldOut.positives).toBe(0);
    expect(b.heldOut.positives).toBeGreaterThan(0);
  });

  it('counts location-quarters as the naive baseline does: registered, rated, not Inadequate, Inadequate within 12 months', () => {
    // Prepare
    const locations = readRealRatings(csv(trainingRows));

    // Act
    const quarters = locationQuarters(locations, 'training');

    // Assess: t1 is in the population until its Inadequate rating, positive from a year before it
    const first = quarters.filter((q) => q.locationId === t1);
    expect(first.map((q) => q.asOf)).toEqual(['2016-01-01', '2016-04-01', '2016-07-01', '2016-10-01', '2017-01-01', '2017-04-01', '2017-07-01']);
    expect(first.filter((q) => q.positive).map((q) => q.asOf)).toEqual(['2016-10-01', '2017-01-01', '2017-04-01', '2017-07-01']);
    // t3 leaves at its Inadequate rating; t4 is in from its first rating
    expect(quarters.filter((q) => q.locationId === t3).at(-1)?.asOf).toBe('2018-04-01');
    expect(quarters.find((q) => q.locationId === t4)?.asOf).toBe('2016-04-01');
  });

});

describe('chooseBands', () => {
  it('puts Red where the rows at or above reach the stated precision and Amber at twice the base rate', () => {
    // Prepare: 100 rows, base rate 10%; the top 10 rows hold 4 failures (40%), the top 20 hold 6 (30%), the top 30 hold 7
    const points = Array.from({ length: 100 }, (_, i) => ({ p: 1 - (i + 1) / 200, positive: [0, 2, 4, 6, 12, 15, 29, 50, 60, 70].includes(i) }));

    // Act
    const bands = chooseBands(points);

    // Assess
    expect(bands.redFrom).toBeCloseTo(1 - 20 / 200, 12);
    expect(bands.amberFrom).toBeCloseTo(0.2, 12);
  });
});

describe('familyRows', () => {
  const history = generateHistory({ seed: 31337, locations: 400, from: '2021-01-01', months: 48 });
  const rows = familyRows(history, riskModel('risk-model-2'));

  it('gives one row per location on each fit date, positive only when a failure follows within 12 months', () => {
    // Prepare
    const eventOn = new Map(history.events.map((e) => [e.locationId, e.on]));

    // Assess
    expect([...new Set(rows.map((r) => r.asOf))]).toEqual(fitDates(history));
    expect(fitDates(history)).toEqual(Array.from({ length: 12 }, (_, i) => addMonths('2022-01-01', i)));
    for (const row of rows) {
      const on = eventOn.get(row.serviceId);
      expect(row.positive).toBe(on !== undefined && on > row.asOf && on <= addMonths(row.asOf, 12));
    }
    expect(rows.some((r) => r.positive)).toBe(true);
    expect(rows.some((r) => r.family.safeguardingTrend !== 0 || r.family.occupancyTrend !== 0)).toBe(true);
  });
});
