import { describe, expect, it } from 'vitest';
import type { MarketBaseline } from '../../shared/domain/baseline.js';
import { addMonths, monthOf } from '../../shared/domain/dates.js';
import { ADASS_REGIONS, type RiskAssessment, SERVICE_KINDS, type Signal } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { rollUp } from '../../shared/domain/roll-up.js';
import { bandOf } from '../../shared/domain/scoring.js';
import { baseline, capacityReturn, concern, financial, LEEDS, location, rating, registration, score } from '../support/fixtures.js';

const V2 = riskModel('risk-model-2');
const V3 = riskModel('risk-model-3');

/**
 * The fixtures' neutral baseline with what version 3 reads: a concern a year per 10 beds (or per community
 * service) and 0.3 s.42 enquiries, as England's 162,000 enquiries from 541,000 concerns; Leeds's 10,000 care
 * home beds half nursing, half residential, all of them reporting to Capacity Tracker.
 */
function v3Baseline(overrides: Partial<MarketBaseline> = {}): MarketBaseline {
  const rate = { concerns: 1, enquiries: 0.3 };
  const kinds = Object.fromEntries(SERVICE_KINDS.map((k) => [k, rate]));
  return baseline({
    safeguardingRatesByKind: Object.fromEntries(ADASS_REGIONS.map((r) => [r, kinds])) as NonNullable<MarketBaseline['safeguardingRatesByKind']>,
    councilBedsByKind: { [`${LEEDS}#nursing-home`]: 5_000, [`${LEEDS}#residential-home`]: 5_000 },
    councilReportingBeds: { [LEEDS]: 10_000 },
    ...overrides,
  });
}

/** The same baseline in a region where concerns are rare: a tenth of a concern a year per 10 beds. */
function quietBaseline(overrides: Partial<MarketBaseline> = {}): MarketBaseline {
  const quiet = v3Baseline();
  const rates = quiet.safeguardingRatesByKind!;
  const yorkshire = Object.fromEntries(SERVICE_KINDS.map((k) => [k, { concerns: 0.1, enquiries: 0.03 }]));
  return { ...quiet, safeguardingRatesByKind: { ...rates, 'Yorkshire and Humber': yorkshire as (typeof rates)['Yorkshire and Humber'] }, ...overrides };
}

/** The fixture home (20 residential beds in Leeds) holding 13% of the council's residential beds. */
const scarceResidential = (base: MarketBaseline): MarketBaseline => ({ ...base, councilBedsByKind: { ...base.councilBedsByKind, [`${LEEDS}#residential-home`]: 150 } });

const safeguardingFactors = (a: RiskAssessment) => a.factors.filter((f) => f.family === 'safeguarding');
const raisedFlags = (a: RiskAssessment) => a.flags.filter((f) => f.startsWith('Band raised'));

/** A healthy home: Good, about 94% full for a year, its company sound. */
const months = Array.from({ length: 12 }, (_, i) => monthOf(addMonths('2024-10-01', i)));
const healthyReturns = (): Signal[] => months.map((m) => capacityReturn(m, { maxCapacity: 100, usedBeds: 94 }));
const healthy = (): Signal[] => [rating('Good', { describedOn: '2024-11-01', publishedOn: '2024-11-01' }), ...healthyReturns()];
const soundCompany = (): Signal[] => [financial({ describedOn: '2025-09-25' })];

describe('risk-model-3: safeguarding against exposure', () => {
  it('does not make a home Red, nor Amber by impact, on two concerns without an s.42 enquiry', () => {
    // Prepare: a High impact home in a quiet region, where two concerns in a year are far above the 0.2 expected
    const signals = [...healthy(), concern('2025-02-10'), concern('2025-08-10')];
    const v2Baseline = baseline({ councilBeds: { [LEEDS]: 150 }, safeguardingRates: { ...baseline().safeguardingRates, 'Yorkshire and Humber': { per10Beds: 0.1, perCommunityService: 0.1 } } });

    // Act
    const before = score({ signals, providerSignals: soundCompany(), baseline: v2Baseline, model: V2 });
    const after = score({ signals, providerSignals: soundCompany(), baseline: scarceResidential(quietBaseline()), model: V3 });

    // Assess: version 2 made it Red (100 points, 60 of likelihood, Amber lifted by impact); version 3 keeps it Green
    expect(before.band).toBe('Red');
    expect(after.impact).toBe('High');
    expect(after.band).toBe('Green');
    expect(raisedFlags(after)).toEqual([]);
    expect(safeguardingFactors(after)).toEqual([
      expect.objectContaining({ indicator: 'Safeguarding concerns above expected (p = 0.018), unconfirmed', points: V3.safeguarding.exposure!.unconfirmedMaxPoints }),
    ]);
    expect(after.likelihood).toBeLessThan(V3.bands.amberFrom);
  });

  it('scores a cluster of three concerns within 90 days in full, and three spread over the year as unconfirmed', () => {
    // Prepare: against 0.2 concerns expected, three are p = 0.0011
    const cluster = [concern('2025-06-01'), concern('2025-07-15'), concern('2025-08-29')];
    const spread = [concern('2025-01-10'), concern('2025-05-10'), concern('2025-09-10')];

    // Act
    const clustered = score({ signals: cluster, baseline: quietBaseline(), model: V3 });
    const apart = score({ signals: spread, baseline: quietBaseline(), model: V3 });

    // Assess: 89 days from first to last is a cluster, and earns the p < 0.01 points
    expect(safeguardingFactors(clustered).map((f) => [f.indicator, f.points])).toContainEqual(['Safeguarding concerns above expected (p = 0.0011)', 60]);
    expect(safeguardingFactors(apart).map((f) => [f.indicator, f.points])).toEqual([['Safeguarding concerns above expected (p = 0.0011), unconfirmed', 30]]);
  });

  it.each([
    [5, 0], // p = 0.053
    [6, 30], // p = 0.017
    [7, 60], // p = 0.0045
    [9, 100], // p = 0.00024
  ])('gives %i concerns (one with an s.42 enquiry) against 2 expected %i points', (count, points) => {
    // Prepare: the fixture home's 20 beds at a concern a year per 10 beds; the enquiry is 1 against 0.6 expected
    const signals = Array.from({ length: count }, (_, i) => concern(`2025-${String(i + 1).padStart(2, '0')}-05`, { section42Enquiry: i === 0 }));

    // Act
    const result = score({ signals, baseline: v3Baseline(), model: V3 });

    // Assess
    const excess = safeguardingFactors(result).find((f) => f.indicator.includes('above expected'));
    expect(excess?.points ?? 0).toBe(points);
  });

  it('judges s.42 enquiries against their own, lower, expected count', () => {
    // Prepare: three concerns (2 expected), each with an enquiry (0.6 expected): P(X >= 3) = 0.023
    const signals = ['2025-02-10', '2025-05-10', '2025-08-10'].map((d) => concern(d, { section42Enquiry: true }));

    // Act
    const result = score({ signals, baseline: v3Baseline(), model: V3 });

    // Assess
    expect(safeguardingFactors(result).map((f) => [f.indicator, f.points])).toEqual([['Safeguarding s.42 enquiries above expected (p = 0.023)', 30]]);
    expect(safeguardingFactors(result)[0]?.evidence[0]?.value).toBe(
      '3 concerns, 3 s.42 enquiries in 12 months; expected 2.00 and 0.60 for 20 beds of its kind in Yorkshire and Humber',
    );
  });

  it('judges by the regional ratio, with a flag, when the baseline has no rates by kind', () => {
    // Prepare: a baseline made before the rates by kind
    const signals = [concern('2025-02-10'), concern('2025-05-10'), concern('2025-08-10')];

    // Act
    const result = score({ signals, baseline: baseline(), model: V3 });

    // Assess
    expect(safeguardingFactors(result).map((f) => f.indicator)).toEqual(['Safeguarding concerns 1.5x the regional rate']);
    expect(result.flags).toContain('Baseline baseline-test-1 has no safeguarding rates by service kind: concerns judged by the regional ratio');
  });
});

describe('risk-model-3: a home in decline is Red before any Inadequate rating', () => {
  it('puts Requires improvement, a manager gap, falling occupancy under 80% and excess enquiries in Red', () => {
    // Prepare
    const used = [92, 92, 92, 92, 92, 92, 90, 88, 86, 83, 81, 78];
    const signals = [
      rating('Good', { describedOn: '2023-03-01', publishedOn: '2023-03-01' }),
      rating('Requires improvement', { describedOn: '2025-04-01', publishedOn: '2025-04-01', wellLed: 'Requires improvement' }),
      registration({ registeredManagerAbsentSince: '2025-06-01', describedOn: '2025-10-01' }),
      ...used.map((usedBeds, i) => capacityReturn(months[i]!, { maxCapacity: 100, usedBeds })),
      ...['2025-02-10', '2025-05-10', '2025-08-10'].map((d) => concern(d, { section42Enquiry: true })),
    ];

    // Act
    const result = score({ signals, providerSignals: soundCompany(), baseline: v3Baseline(), model: V3 });

    // Assess: Red on the likelihood alone, at Low impact, with no hard trigger and no Inadequate anywhere
    expect(result.hardTriggers).toEqual([]);
    expect(result.impact).toBe('Low');
    expect(result.likelihood).toBeGreaterThanOrEqual(V3.bands.redFrom);
    expect(result.band).toBe('Red');
    expect(result.factors.map((f) => f.indicator)).toEqual(
      expect.arrayContaining(['Overall rating Requires improvement', 'Registered manager absent 4 months', 'Occupancy 78%', 'Falling occupancy (CUSUM)', 'Safeguarding s.42 enquiries above expected (p = 0.023)']),
    );
  });
});

describe('risk-model-3: passing trouble leaves a healthy home Green', () => {
  it.each([
    ['a one-month occupancy dip', [...healthy().slice(0, -1), capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 83 })]],
    ['one late Capacity Tracker return', healthy().slice(0, -1)],
    ['one concern, with an s.42 enquiry', [...healthy(), concern('2025-09-01', { section42Enquiry: true })]],
  ])('after %s', (_, signals) => {
    // Act
    const result = score({ signals, providerSignals: soundCompany(), baseline: v3Baseline(), model: V3 });

    // Assess
    expect(result.band).toBe('Green');
    expect(result.likelihood).toBeLessThan(V3.bands.amberFrom);
  });
});

describe('risk-model-3: impact', () => {
  it('lifts an Amber home to Red at High impact and says so', () => {
    // Prepare: Requires improvement, 60% occupancy and a manager gone four months: Amber on the fitted chance
    const signals = [
      rating('Requires improvement', { describedOn: '2025-08-01', publishedOn: '2025-08-01' }),
      capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 60 }),
      registration({ registeredManagerAbsentSince: '2025-05-20' }),
    ];

    // Act
    const low = score({ signals, baseline: v3Baseline(), model: V3 });
    const high = score({ signals, baseline: scarceResidential(v3Baseline()), model: V3 });

    // Assess
    expect([low.impact, low.band]).toEqual(['Low', 'Amber']);
    expect([high.likelihood, high.impact, high.band]).toEqual([low.likelihood, 'High', 'Red']);
    expect(high.flags).toContain("Band raised from Amber to Red by High impact: 13% of the council's residential home beds");
    expect(high.flags.filter((f) => f.startsWith('High impact'))).toEqual([]);
  });

  it('never lifts a Green home to Amber, and names its High impact', () => {
    // Prepare
    const signals = healthy();

    // Act
    const result = score({ signals, providerSignals: soundCompany(), baseline: scarceResidential(v3Baseline()), model: V3 });

    // Assess
    expect(result.impact).toBe('High');
    expect(result.band).toBe('Green');
    expect(raisedFlags(result)).toEqual([]);
    expect(result.flags).toContain("High impact: 13% of the council's residential home beds");
  });

  it.each([
    [0, 'Green'],
    [V3.bands.amberFrom - 0.1, 'Green'],
    [V3.bands.amberFrom, 'Red'],
    [V3.bands.redFrom, 'Red'],
  ] as const)('puts likelihood %d at High impact in %s', (likelihood, band) => {
    // Act
    const result = bandOf(likelihood, 'High', false, V3);

    // Assess
    expect(result).toBe(band);
  });

  it('judges a share of beds against the beds of the home kind', () => {
    // Prepare: 150 residential beds of Leeds's 10,000; a 20-bed residential home and a 20-bed nursing home
    const thin = scarceResidential(v3Baseline());
    const residential = location();
    const nursing = location({ serviceKind: 'nursing-home' });

    // Act
    const [v2Residential, v3Residential, v3Nursing] = [
      score({ location: residential, baseline: thin, model: V2 }),
      score({ location: residential, baseline: thin, model: V3 }),
      score({ location: nursing, baseline: thin, model: V3 }),
    ];

    // Assess: 0.2% of all beds is nothing; 13% of the residential ones is High; 0.4% of the nursing ones is not
    expect(v2Residential.impact).toBe('Low');
    expect(v3Residential.impact).toBe('High');
    expect(v3Nursing.impact).toBe('Low');
  });

  it('weighs residents against vacancies only where half the council beds report', () => {
    // Prepare: no admittable vacancies in Leeds; its reporting homes hold 4,000 or 6,000 of its 10,000 beds
    const signals = [capacityReturn('2025-09', { maxCapacity: 20, usedBeds: 19 })];
    const full = (reportingBeds: number) => v3Baseline({ councilAdmittableVacancies: { [LEEDS]: 0 }, councilReportingBeds: { [LEEDS]: reportingBeds } });

    // Act
    const sparse = score({ signals, baseline: full(4_000), model: V3 });
    const covered = score({ signals, baseline: full(6_000), model: V3 });
    const v2 = score({ signals, baseline: full(4_000), model: V2 });

    // Assess
    expect(sparse.impact).toBe('Low');
    expect(covered.impact).toBe('High');
    expect(covered.flags).toContain('High impact: 19 residents against 0 admittable vacancies in the council');
    expect(v2.impact).toBe('High');
  });

  it('keeps one of at most two homes for a scarce specialism High', () => {
    // Prepare
    const home = location({ specialisms: ['Dementia'] });

    // Act
    const result = score({ location: home, baseline: v3Baseline({ specialistHomes: { [`${LEEDS}#Dementia`]: 2 } }), model: V3 });

    // Assess
    expect(result.impact).toBe('High');
    expect(result.flags).toContain('High impact: one of at most two care homes for Dementia in the council');
  });
});

describe('risk-model-2 is unchanged', () => {
  // A 100-bed dementia home in decline: recorded from the committed scoring code before version 3 existed.
  const used = [95, 95, 94, 95, 96, 95, 93, 90, 88, 85, 82, 79];
  const decline = (): Signal[] => [
    rating('Good', { describedOn: '2023-05-01', publishedOn: '2023-05-01' }),
    rating('Requires improvement', { describedOn: '2025-07-01', publishedOn: '2025-07-01', wellLed: 'Requires improvement' }),
    concern('2025-03-10'),
    concern('2025-06-02', { section42Enquiry: true }),
    concern('2025-09-20'),
    ...used.map((usedBeds, i) => capacityReturn(months[i]!, { maxCapacity: 100, usedBeds, agencyHoursPct: i === 11 ? 16 : 5 })),
    registration({ registeredManagerAbsentSince: '2025-06-01', describedOn: '2025-10-01' }),
  ];
  const home = location({ beds: 100, sizeBand: 'large', specialisms: ['Dementia'] });
  const quietLeeds = { ...baseline().safeguardingRates, 'Yorkshire and Humber': { per10Beds: 0.15, perCommunityService: 1 } };
  const v2Baseline = baseline({ safeguardingRates: quietLeeds, councilBeds: { [LEEDS]: 800 }, specialistHomes: { [`${LEEDS}#Dementia`]: 5 } });

  it('scores a home in decline as before, whatever version 3 added to the baseline', () => {
    // Prepare
    const input = { location: home, signals: decline(), providerSignals: [financial({ describedOn: '2025-09-25', accountsOverdueDays: 45 })], model: V2 };

    // Act
    const result = score({ ...input, baseline: v2Baseline });
    const withV3Fields = score({ ...input, baseline: { ...v3Baseline(), safeguardingRates: quietLeeds, councilBeds: { [LEEDS]: 800 }, specialistHomes: v2Baseline.specialistHomes } });

    // Assess
    expect(withV3Fields).toEqual(result);
    expect([result.likelihood, result.impact, result.band, result.confidence]).toEqual([95.6, 'High', 'Red', 1]);
    expect(result.families.map((f) => [f.family, f.score])).toEqual([
      ['quality', 60],
      ['safeguarding', 100],
      ['financial', 40],
      ['occupancy', 80],
      ['workforce', 80],
    ]);
    expect(result.factors.map((f) => [f.indicator, f.points])).toEqual([
      ['Safeguarding concerns 2.7x the regional rate', 100],
      ['Occupancy 79%', 60],
      ['Registered manager absent 4 months', 50],
      ['Accounts 45 days overdue', 40],
      ['Overall rating Requires improvement', 40],
      ['High agency use (16% of hours)', 30],
      ['Falling occupancy (CUSUM)', 20],
      ['Downgraded from Good', 20],
    ]);
    expect(result.flags).toEqual(["High impact: 13% of the council's care home beds"]);
  });

  it('still lifts a Green home to Amber at High impact, without the flag of version 3', () => {
    // Prepare
    const signals = healthy();

    // Act
    const result = score({ signals, providerSignals: soundCompany(), baseline: baseline({ councilBeds: { [LEEDS]: 150 } }), model: V2 });

    // Assess
    expect([result.likelihood, result.impact, result.band]).toEqual([0, 'High', 'Amber']);
    expect(result.flags).toEqual(["High impact: 13% of the council's care home beds"]);
  });
});

describe('risk-model-3: a fitted chance of failure', () => {
  it('gives 100 x the fitted probability, higher for a worse history, and names its largest terms', () => {
    // Prepare
    const good = [rating('Good', { describedOn: '2024-06-01', publishedOn: '2024-06-01' }), capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 92 })];
    const worse = [rating('Good', { describedOn: '2022-06-01', publishedOn: '2022-06-01' }), rating('Requires improvement', { describedOn: '2024-06-01', publishedOn: '2024-06-01' }), capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 70 })];

    // Act
    const [a, b] = [good, worse].map((signals) => score({ signals, baseline: v3Baseline(), model: V3 }));

    // Assess
    expect(a!.likelihood).toBeGreaterThan(0);
    expect(b!.likelihood).toBeGreaterThan(a!.likelihood);
    expect(b!.flags[0]).toMatch(new RegExp(`^Fitted chance of failure within 12 months: ${b!.likelihood.toFixed(1)}% \\(risk-model-3; largest log-odds terms: .*requiresImprovement \\+`));
    // Points still explain it: the factors are the families' own.
    expect(b!.factors.map((f) => f.indicator)).toEqual(expect.arrayContaining(['Overall rating Requires improvement', 'Occupancy 70%']));
  });

  it('rolls a provider up to the bed-weighted mean of its homes', () => {
    // Prepare
    const homes = [
      score({ location: location({ locationId: '1-100000001', beds: 20 }), signals: [rating('Requires improvement', { describedOn: '2024-06-01', publishedOn: '2024-06-01' })], baseline: v3Baseline(), model: V3 }),
      score({ location: location({ locationId: '1-100000002', beds: 60 }), signals: [rating('Good', { describedOn: '2024-06-01', publishedOn: '2024-06-01' })], baseline: v3Baseline(), model: V3 }),
    ];

    // Act
    const provider = rollUp({ subject: { type: 'provider', id: '1-900000001' }, name: 'Acme Care Ltd', members: homes, baseline: v3Baseline(), asOf: homes[0]!.asOf, model: V3 });

    // Assess
    expect(provider.likelihood).toBeCloseTo((20 * homes[0]!.likelihood + 60 * homes[1]!.likelihood) / 80, 1);
  });
});
