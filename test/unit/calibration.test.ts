import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Calibration,
  type CalibrationFeatures,
  contributionsOf,
  FAMILY_FEATURES,
  familyFeatures,
  logit,
  probabilityBand,
  probabilityOf,
  RATING_FEATURES,
  ratingFeatures,
  ratingHistory,
} from '../../shared/domain/calibration.js';
import { daysBetween } from '../../shared/domain/dates.js';
import type { Factor, FamilyResult, RiskAssessment, Signal } from '../../shared/domain/model.js';

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const CALIBRATION: Calibration = Calibration.parse({
  version: 'risk-model-3',
  fittedOn: { date: '2025-01-01', command: 'npm run fit -- --real test.csv', data: [{ part: 'rating', source: 'test.csv', description: 'hand-made', split: 'none', rows: 10, positives: 1 }] },
  target: 'failure within 12 months',
  ratingPart: { target: 'rated Inadequate within 12 months', intercept: -5, coefficients: { ...zeros(RATING_FEATURES), requiresImprovement: 2, monthsSinceRating: 0.2 }, unratedLogOdds: -4.5 },
  familyPart: {
    familyScoresFrom: 'risk-model-2',
    interceptByServiceKind: { 'nursing-home': 1, 'residential-home': 1.2, 'home-care': 2, 'community-other': 1.5 },
    coefficients: { ...zeros(FAMILY_FEATURES), qualityActions: 3, financial: 1.5, occupancyTrend: -0.5 },
  },
  bands: { amberFrom: 0.1, redFrom: 0.3, rule: 'test' },
  evaluation: { ratingPartHeldOutAuc: 0.7 },
  notes: [],
});

const features = (family: Partial<CalibrationFeatures['family']> = {}): CalibrationFeatures => ({
  rating: { ...zeros(RATING_FEATURES), requiresImprovement: 1, good: 0, monthsSinceRating: Math.log1p(12) },
  family: { ...zeros(FAMILY_FEATURES), ...family },
});

const family = (name: FamilyResult['family'], score: number | null): FamilyResult => ({ family: name, score, weight: 0.2, lastDataOn: null, stale: false });
const scored = (families: FamilyResult[], factors: Factor[] = []): Pick<RiskAssessment, 'families' | 'factors'> => ({ families, factors });

describe('ratingFeatures', () => {
  it('reads a hand-built rating history: current rating, downgrades, months since the rating and registration age', () => {
    // Prepare
    const ratings = [
      { overall: 'Good', publishedOn: '2018-03-01' },
      { overall: 'Requires improvement', publishedOn: '2020-06-15' },
      { overall: 'Good', publishedOn: '2021-01-10' },
      { overall: 'Requires improvement', publishedOn: '2022-05-01' },
    ] as const;

    // Act
    const result = ratingFeatures({ ratings, registeredOn: '2015-01-01', asOf: '2023-05-01' });

    // Assess
    expect(result).toEqual({
      requiresImprovement: 1,
      good: 0,
      everDowngraded: 1,
      downgradedAtLatest: 1,
      monthsSinceRating: Math.log1p(12),
      registrationYears: Math.log1p(daysBetween('2015-01-01', '2023-05-01') / 365.25),
    });
  });

  it('caps the months since the rating and the registration age, and says nothing of a location never rated', () => {
    // Prepare
    const ratings = [
      { overall: 'Outstanding', publishedOn: '2001-01-01' },
      { overall: 'Good', publishedOn: '2002-01-01' },
    ] as const;

    // Act
    const old = ratingFeatures({ ratings, registeredOn: '1990-01-01', asOf: '2024-01-01' });
    const unrated = ratingFeatures({ ratings: [], registeredOn: '2020-01-01', asOf: '2024-01-01' });

    // Assess: Outstanding to Good is a downgrade, at the latest rating
    expect(old).toMatchObject({ good: 1, requiresImprovement: 0, everDowngraded: 1, downgradedAtLatest: 1, monthsSinceRating: Math.log1p(120), registrationYears: Math.log1p(20) });
    expect(unrated).toBeNull();
  });

  it('takes from signals only the dated ratings known at the date, one a publication date', () => {
    // Prepare
    const rating = (publishedOn: string | null, describedOn: string, receivedOn: string, overall: 'Good' | 'Inadequate'): Signal => ({
      source: publishedOn ? 'cqc-api' : 'cqc-register',
      naturalId: `1-101#${describedOn}#${receivedOn}`,
      subject: { type: 'location', id: '1-101' },
      describedOn,
      receivedOn,
      facts: { kind: 'rating', overall, safe: null, effective: null, caring: null, responsive: null, wellLed: null, publishedOn },
    });
    const signals = [
      rating('2022-01-10', '2022-01-10', '2022-01-12', 'Good'),
      rating('2022-01-10', '2022-01-10', '2022-02-01', 'Good'),
      rating(null, '2023-01-01', '2023-01-05', 'Good'),
      rating('2023-03-01', '2023-03-01', '2023-04-10', 'Inadequate'),
    ];

    // Act
    const history = ratingHistory(signals, '2023-04-01');

    // Assess: the register extract has no publication date; the Inadequate was not yet received
    expect(history).toEqual([{ overall: 'Good', publishedOn: '2022-01-10' }]);
  });
});

describe('familyFeatures', () => {
  it('scores families over 100, leaves the rating factors out of quality, and takes trends only where both dates have data', () => {
    // Prepare
    const embargo: Factor = { family: 'quality', indicator: 'Placement embargo by E10000008', points: 100, evidence: [{ source: 'commissioner-action', date: '2024-01-01', value: 'placement-embargo' }] };
    const ratingFactor: Factor = { family: 'quality', indicator: 'Overall rating Requires improvement', points: 40, evidence: [{ source: 'cqc-api', date: '2023-01-01', value: 'Requires improvement' }] };
    const now = scored([family('quality', 100), family('safeguarding', 50), family('financial', 40), family('occupancy', null), family('workforce', 30)], [embargo, ratingFactor]);
    const before = scored([family('quality', 40), family('safeguarding', 0), family('financial', null), family('occupancy', null), family('workforce', 60)], [ratingFactor]);

    // Act
    const result = familyFeatures(now, before);

    // Assess
    expect(result).toEqual({
      qualityActions: 1,
      safeguarding: 0.5,
      financial: 0.4,
      occupancy: 0,
      workforce: 0.3,
      hasFinancial: 1,
      hasOccupancy: 0,
      hasWorkforce: 1,
      qualityActionsTrend: 1,
      safeguardingTrend: 0.5,
      financialTrend: 0,
      occupancyTrend: 0,
      workforceTrend: -0.3,
    });
    expect(familyFeatures(now).workforceTrend).toBe(0);
  });
});

describe('probabilityOf and contributionsOf', () => {
  it('rises with a feature whose coefficient is positive and with that coefficient', () => {
    // Prepare
    const levels = [0, 0.2, 0.4, 0.6, 0.8, 1];
    const stronger = Calibration.parse({ ...CALIBRATION, familyPart: { ...CALIBRATION.familyPart, coefficients: { ...CALIBRATION.familyPart.coefficients, financial: 3 } } });

    // Act
    const byLevel = levels.map((financial) => probabilityOf(features({ financial, hasFinancial: 1 }), CALIBRATION, 'home-care'));
    const byCoefficient = [CALIBRATION, stronger].map((c) => probabilityOf(features({ financial: 0.5, hasFinancial: 1 }), c, 'home-care'));

    // Assess
    byLevel.slice(1).forEach((p, i) => expect(p).toBeGreaterThan(byLevel[i]!));
    expect(byCoefficient[1]).toBeGreaterThan(byCoefficient[0]!);
  });

  it.each([
    { name: 'a rated location', rated: true },
    { name: 'a location never rated', rated: false },
  ])('gives contributions that add up to the log-odds, for $name', ({ rated }) => {
    // Prepare
    const input = { ...features({ qualityActions: 1, financial: 0.4, hasFinancial: 1, occupancyTrend: -0.2 }), ...(rated ? {} : { rating: null }) };

    // Act
    const contributions = contributionsOf(input, CALIBRATION, 'nursing-home');
    const p = probabilityOf(input, CALIBRATION, 'nursing-home');

    // Assess: nursing-home 1, rating -5 + 2 + 0.2 ln 13 (or unrated -4.5), quality actions 3, financial 0.6, occupancy trend 0.1
    const expected = 1 + (rated ? -5 + 2 + 0.2 * Math.log1p(12) : -4.5) + 3 + 0.6 + 0.1;
    expect(contributions.reduce((sum, c) => sum + c.logOdds, 0)).toBeCloseTo(logit(p), 10);
    expect(logit(p)).toBeCloseTo(expected, 10);
    expect(contributions.find((c) => c.term === 'qualityActions')).toEqual({ part: 'family', term: 'qualityActions', value: 1, logOdds: 3 });
  });

  it('bands a probability by the stated cut-offs', () => {
    // Act
    const bands = [0.05, 0.1, 0.29, 0.3, 0.9].map((p) => probabilityBand(p, CALIBRATION));

    // Assess
    expect(bands).toEqual(['Green', 'Amber', 'Amber', 'Red', 'Red']);
  });
});

describe('the fitted calibration', () => {
  const file = new URL('../../shared/config/risk-model-v3-calibration.json', import.meta.url);

  it('is a valid calibration fitted on both parts', () => {
    // Act
    const calibration = Calibration.parse(JSON.parse(readFileSync(file, 'utf8')));

    // Assess
    expect(calibration.version).toBe('risk-model-3');
    expect(calibration.fittedOn.data.map((d) => d.part)).toEqual(['rating', 'family']);
    expect(calibration.bands.amberFrom).toBeLessThan(calibration.bands.redFrom);
  });
});
