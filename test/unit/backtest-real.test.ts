import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measure, type ScoredQuarter, assessLocationQuarter } from '../../cli/backtest/real-backtest.js';
import { BASELINE_RANK, baselineAuc, readRatingHistory, sampleLocationQuarters } from '../../cli/backtest/real-history.js';
import { runRealBacktest } from '../../cli/backtest/real-report.js';
import { inTrainingHalf } from '../../cli/fit/split.js';
import { riskModel } from '../../shared/domain/risk-model.js';

const DATES = ['2016-01-01', '2016-04-01', '2016-07-01'];

// Row numbers count the header as row 1.
const FILE = [
  'location_id,report_date,overall_rating,ownership,registered_on,deregistered_on',
  // A: Good, downgraded between two dates, then rated Inadequate.
  '1-000000001,2015-06-01,Good,For-profit,2014-01-01,', // row 2
  '1-000000001,2016-02-15,Requires improvement,For-profit,2014-01-01,',
  '1-000000001,2016-09-10,Inadequate,For-profit,2014-01-01,',
  // B: deregistered on a scoring date.
  '1-000000002,2015-03-01,Outstanding,Third sector,2014-01-01,2016-04-01', // row 5
  // C: Good throughout.
  '1-000000003,2015-05-01,Good,For-profit,2014-01-01,',
  // D: "Requires Improvement" as the file sometimes spells it, then Good.
  '1-000000004,2015-08-01,Requires Improvement,Local Authority,2015-01-01,',
  '1-000000004,2016-05-01,Good,Local Authority,2015-01-01,',
  // E: first rated after the first date.
  '1-000000005,2016-03-01,Good,For-profit,2015-01-01,', // row 9
  // F: registered after its rating (as in the real file): scored only once registered.
  '1-000000006,2015-10-01,Good,For-profit,2016-05-01,',
  // G: Inadequate until re-rated.
  '1-000000007,2015-11-01,Inadequate,For-profit,2014-01-01,',
  '1-000000007,2016-06-01,Good,For-profit,2014-01-01,', // row 12
  // Bad rows.
  '1-000000003,2016-02-30,Good,For-profit,2014-01-01,', // row 13: no such day
  '1-000000003,2016-08-01,Excellent,For-profit,2014-01-01,', // row 14: no such rating
  '1-000000003,2016-09-01,Good,For-profit,2013-01-01,', // row 15: disagrees with C's registration
  '1-000000001,2016-02-15,Good,For-profit,2014-01-01,', // row 16: a second rating of A that day
].join('\n');

const read = () => readRatingHistory(FILE, { origin: 'tiny.csv', receivedOn: '2025-01-01' });
const keyOf = (q: { locationId: string; on: string }) => `${q.locationId.slice(-1)}@${q.on}`;

describe('readRatingHistory', () => {
  it('quarantines each bad row with its row and field, and keeps the rest', () => {
    // Prepare
    const text = FILE;

    // Act
    const history = readRatingHistory(text, { origin: 'tiny.csv', receivedOn: '2025-01-01' });

    // Assess
    expect(history.quarantine.map((q) => [q.row, q.field])).toEqual([
      [13, 'report_date'],
      [14, 'overall_rating'],
      [15, 'registered_on'],
      [16, 'report_date'],
    ]);
    expect(history.quarantine[0]!.reason).toContain('not a real date');
    expect(history.quarantine[3]!.reason).toContain('duplicate of row 3');
    expect(history.rows).toBe(15);
    expect(history.ratings).toBe(11);
    expect(history.locations.find((l) => l.locationId === '1-000000004')!.ratings[0]!.overall).toBe('Requires improvement');
  });

  it('quarantines a date after the day the file was read and a deregistration before the registration', () => {
    // Prepare
    const text = [
      'location_id,report_date,overall_rating,ownership,registered_on,deregistered_on',
      '1-000000001,2026-01-01,Good,For-profit,2014-01-01,',
      '1-000000002,2016-01-01,Good,For-profit,2014-01-01,2013-01-01',
      '1-000000003,2016-01-01,Good,For-profit',
    ].join('\n');

    // Act
    const history = readRatingHistory(text, { origin: 'tiny.csv', receivedOn: '2025-01-01' });

    // Assess
    expect(history.quarantine.map((q) => [q.row, q.field])).toEqual([
      [2, 'report_date'],
      [3, 'deregistered_on'],
      [4, null],
    ]);
    expect(history.locations).toEqual([]);
  });
});

describe('sampleLocationQuarters', () => {
  it('scores registered, rated, not-Inadequate locations only, and drops a location once deregistered', () => {
    // Prepare
    const { locations } = read();

    // Act
    const quarters = sampleLocationQuarters(locations, DATES);

    // Assess
    expect(quarters.map(keyOf)).toEqual([
      '1@2016-01-01', '1@2016-04-01', '1@2016-07-01',
      '2@2016-01-01',
      '3@2016-01-01', '3@2016-04-01', '3@2016-07-01',
      '4@2016-01-01', '4@2016-04-01', '4@2016-07-01',
      '5@2016-04-01', '5@2016-07-01',
      '6@2016-07-01',
      '7@2016-07-01',
    ]);
  });

  it('uses no rating published after the date', () => {
    // Prepare
    const quarters = sampleLocationQuarters(read().locations, DATES);
    const a = quarters.filter((q) => q.locationId === '1-000000001');

    // Act
    const assessments = a.map((q) => assessLocationQuarter(q, riskModel('risk-model-2')));

    // Assess
    expect(a.map((q) => q.known.map((r) => r.publishedOn))).toEqual([['2015-06-01'], ['2015-06-01', '2016-02-15'], ['2015-06-01', '2016-02-15']]);
    expect(a.map((q) => q.current)).toEqual(['Good', 'Requires improvement', 'Requires improvement']);
    for (const [i, assessment] of assessments.entries()) {
      const evidenceDates = assessment.factors.flatMap((f) => f.evidence.map((e) => e.date));
      expect(evidenceDates.every((date) => date <= a[i]!.on)).toBe(true);
    }
    expect(assessments[0]!.factors.map((f) => f.indicator)).not.toContain('Overall rating Requires improvement');
    expect(assessments[1]!.factors.map((f) => f.indicator)).toContain('Overall rating Requires improvement');
  });

  it('marks the outcomes of the following 12 months, the deregistration only before it happens', () => {
    // Prepare
    const quarters = sampleLocationQuarters(read().locations, DATES);

    // Act
    const inadequate = quarters.filter((q) => q.inadequateWithin).map(keyOf);
    const deregistered = quarters.filter((q) => q.deregisteredWithin).map(keyOf);

    // Assess
    expect(inadequate).toEqual(['1@2016-01-01', '1@2016-04-01', '1@2016-07-01']);
    expect(deregistered).toEqual(['2@2016-01-01']);
  });

  it('gives the baseline AUC counted by hand, ties a half', () => {
    // Prepare
    const quarters = sampleLocationQuarters(read().locations, DATES);

    // Act
    const value = baselineAuc(quarters, 'inadequate');

    // Assess: positives score Good, RI, RI; negatives one Outstanding, eight Good and two RI. The Good positive
    // beats 1 and ties 8 (5 of 11); each RI positive beats 9 and ties 2 (10 of 11): 25 of 33.
    expect(value).toBeCloseTo(25 / 33, 12);
    expect(baselineAuc(quarters, 'deregistration')).toBe(0);
  });
});

describe('measure', () => {
  it('gives precision, recall, lead time and recall at 50% precision by hand', () => {
    // Prepare: the model warns Amber exactly where the rating is Requires improvement, and scores the rank.
    const { locations } = read();
    const scored: ScoredQuarter[] = sampleLocationQuarters(locations, DATES).map((quarter) => ({
      quarter,
      score: BASELINE_RANK[quarter.current],
      band: quarter.current === 'Requires improvement' ? 'Amber' : 'Green',
      baselineScore: BASELINE_RANK[quarter.current],
    }));
    let next = 0;

    // Act
    const reports = measure(locations, scored, { resamples: 5, drawIndex: (size) => next++ % size });

    // Assess: A's Inadequate (2016-09-10) is the one event; A is first Amber on 2016-04-01, 162 days before.
    const { inadequate, deregistration } = reports;
    expect(inadequate.counts).toEqual({ locationQuarters: 14, positives: 3, events: 1 });
    expect(inadequate.auc).toBeCloseTo(25 / 33, 12);
    expect(inadequate.bands['Amber+']).toMatchObject({ precision: 2 / 4, recall: 1, leadTimeDays: { median: 162, n: 1 } });
    expect(inadequate.bands.Red).toMatchObject({ precision: null, recall: 0, leadTimeDays: { median: null, n: 0 } });
    // At "score >= RI" precision is 2 of 4, and the event's location reached it.
    expect(inadequate.recallAt50Precision.model).toBe(1);
    // B deregistered on 2016-04-01, 91 days after its only scored quarter, unwarned.
    expect(deregistration.counts).toEqual({ locationQuarters: 14, positives: 1, events: 1 });
    expect(deregistration.bands['Amber+']).toMatchObject({ precision: 0, recall: 0 });
    expect(deregistration.recallAt50Precision.model).toBeNull();
  });
});

describe('runRealBacktest --held-out', () => {
  it("measures only the locations outside the fit's training half", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'real-held-out-'));
    const file = join(dir, 'tiny.csv');
    await writeFile(file, FILE);
    const heldOut = read().locations.filter((l) => !inTrainingHalf(l.locationId)).map((l) => l.locationId);

    // Act
    const written = await runRealBacktest({ file, out: dir, model: 'risk-model-2', today: '2025-01-01', heldOut: true, log: () => {} });

    // Assess
    const report = JSON.parse(await readFile(written, 'utf8')) as { counts: { locationQuarters: number }; locations: string };
    const expected = sampleLocationQuarters(read().locations.filter((l) => heldOut.includes(l.locationId))).length;
    expect(heldOut.length).toBeGreaterThan(0);
    expect(heldOut.length).toBeLessThan(read().locations.length);
    expect(report.counts.locationQuarters).toBe(expected);
    expect(report.locations).toMatch(/^the held-out half only/);
    await rm(dir, { recursive: true, force: true });
  });
});
