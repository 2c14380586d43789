import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { addMonths, monthOf } from '../../shared/domain/dates.js';
import { type Family, type FamilyResult, IsoDate, type RiskAssessment, RiskAssessment as RiskAssessmentSchema, type Signal, Source } from '../../shared/domain/model.js';
import { bandOf, HARD_TRIGGERS, likelihoodOf } from '../../shared/domain/scoring.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import {
  AS_OF,
  baseline,
  BRADFORD,
  capacityReturn,
  commissionerAction,
  concern,
  financial,
  LEEDS,
  location,
  MODEL,
  onProvider,
  rating,
  registration,
  score,
} from '../support/fixtures.js';

const familyScore = (assessment: RiskAssessment, family: Family): number | null | undefined =>
  assessment.families.find((f) => f.family === family)?.score;

const indicators = (assessment: RiskAssessment, family: Family): string[] =>
  assessment.factors.filter((f) => f.family === family).map((f) => f.indicator);

/** A calm, well-run home: Good, 95% full and accepting, with a healthy company behind it. */
const calmSignals = (): Signal[] => [rating('Good', { describedOn: '2025-06-01' }), capacityReturn('2025-09', { usedBeds: 19, maxCapacity: 20 })];
const calmProviderSignals = (): Signal[] => [financial({ describedOn: '2025-09-01' })];

describe('scoreLocation: hard triggers', () => {
  const cases: { name: string; trigger: string; signals: Signal[]; providerSignals: Signal[] }[] = [
    { name: 'an Inadequate overall rating', trigger: HARD_TRIGGERS.inadequateOverall, signals: [rating('Inadequate', { describedOn: '2025-08-01' })], providerSignals: [] },
    { name: 'Inadequate in Safe', trigger: HARD_TRIGGERS.inadequateSafe, signals: [rating('Good', { safe: 'Inadequate', describedOn: '2025-08-01' })], providerSignals: [] },
    { name: 'Inadequate in Well-led', trigger: HARD_TRIGGERS.inadequateWellLed, signals: [rating('Good', { wellLed: 'Inadequate', describedOn: '2025-08-01' })], providerSignals: [] },
    { name: 'a Deregistered registration', trigger: HARD_TRIGGERS.deregistered, signals: [registration({ status: 'Deregistered', describedOn: '2025-10-01' })], providerSignals: [] },
    { name: 'a company in administration', trigger: HARD_TRIGGERS.insolvency, signals: [], providerSignals: [financial({ companyStatus: 'administration', describedOn: '2025-10-01' })] },
    { name: 'a company in liquidation', trigger: HARD_TRIGGERS.insolvency, signals: [], providerSignals: [financial({ companyStatus: 'liquidation', describedOn: '2025-10-01' })] },
    { name: 'an s.56 notice', trigger: HARD_TRIGGERS.s56Notice, signals: [], providerSignals: [commissionerAction('s56-notice', { ...onProvider(), describedOn: '2025-10-01' })] },
    { name: 'a suspended contract', trigger: HARD_TRIGGERS.contractSuspended, signals: [commissionerAction('contract-suspended', { describedOn: '2025-10-01' })], providerSignals: [] },
  ];

  it.each(cases)('$name forces Red whatever the likelihood', ({ trigger, signals, providerSignals }) => {
    // Prepare
    const own = [...calmSignals(), ...signals];
    const company = providerSignals.length > 0 ? providerSignals : calmProviderSignals();

    // Act
    const result = score({ signals: own, providerSignals: company });

    // Assess: the likelihood alone would be Green at this (Low) impact
    expect(result.hardTriggers).toEqual([trigger]);
    expect(result.band).toBe('Red');
    expect(result.monitoringLevel).toBe('Enhanced');
    expect(result.impact).toBe('Low');
    expect(result.likelihood).toBeLessThan(MODEL.bands.amberFrom);
    expect(bandOf(result.likelihood, result.impact, false, MODEL)).toBe('Green');
  });

  it('has no trigger and is Green for the calm background alone', () => {
    // Prepare
    const own = calmSignals();

    // Act
    const result = score({ signals: own, providerSignals: calmProviderSignals() });

    // Assess: quality 10 (weight 0.3); safeguarding, financial and occupancy 0: 3 / 0.9
    expect(result.hardTriggers).toEqual([]);
    expect(result.likelihood).toBe(3.3);
    expect(result.band).toBe('Green');
  });

  it('does not trigger on a suspension the same council has since reinstated', () => {
    // Prepare
    const own = [
      ...calmSignals(),
      commissionerAction('contract-suspended', { councilGss: LEEDS, describedOn: '2025-07-01' }),
      commissionerAction('contract-reinstated', { councilGss: LEEDS, describedOn: '2025-09-01' }),
    ];

    // Act
    const result = score({ signals: own, providerSignals: calmProviderSignals() });

    // Assess
    expect(result.hardTriggers).toEqual([]);
    expect(result.band).toBe('Green');
  });

  it('still triggers when a different council reinstates its own contract', () => {
    // Prepare
    const own = [
      ...calmSignals(),
      commissionerAction('contract-suspended', { councilGss: LEEDS, describedOn: '2025-07-01' }),
      commissionerAction('contract-reinstated', { councilGss: BRADFORD, describedOn: '2025-09-01' }),
    ];

    // Act
    const result = score({ signals: own, providerSignals: calmProviderSignals() });

    // Assess
    expect(result.hardTriggers).toEqual([HARD_TRIGGERS.contractSuspended]);
    expect(result.band).toBe('Red');
  });

  it('triggers again on a suspension made after a reinstatement', () => {
    // Prepare
    const own = [
      ...calmSignals(),
      commissionerAction('contract-suspended', { describedOn: '2025-03-01' }),
      commissionerAction('contract-reinstated', { describedOn: '2025-05-01' }),
      commissionerAction('contract-suspended', { describedOn: '2025-09-01' }),
    ];

    // Act
    const result = score({ signals: own });

    // Assess
    expect(result.hardTriggers).toEqual([HARD_TRIGGERS.contractSuspended]);
  });
});

describe('scoreLocation: quality family', () => {
  it.each([
    ['Outstanding', 0],
    ['Good', 10],
    ['Requires improvement', 60],
    ['Inadequate', 100],
  ] as const)('scores an overall %s rating at %i points', (overall, points) => {
    // Prepare
    const signals = [rating(overall, { describedOn: '2025-08-01' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'quality')).toBe(points);
  });

  it('adds downgrade points when the rating falls', () => {
    // Prepare
    const signals = [rating('Good', { describedOn: '2023-05-01' }), rating('Requires improvement', { describedOn: '2025-08-01' })];

    // Act
    const result = score({ signals });

    // Assess: 60 for the rating and 20 for the downgrade, with both ratings as evidence
    expect(familyScore(result, 'quality')).toBe(80);
    const downgrade = result.factors.find((f) => f.indicator === 'Downgraded from Good');
    expect(downgrade?.points).toBe(MODEL.quality.downgradePoints);
    expect(downgrade?.evidence.map((e) => e.date)).toEqual(['2023-05-01', '2025-08-01']);
  });

  it('adds no downgrade points when the rating improves', () => {
    // Prepare
    const signals = [rating('Requires improvement', { describedOn: '2023-05-01' }), rating('Good', { describedOn: '2025-08-01' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'quality')).toBe(10);
    expect(indicators(result, 'quality')).toEqual(['Overall rating Good']);
  });
});

describe('scoreLocation: rating age', () => {
  it.each([
    ['2023-04-15', false], // exactly 30 months before asOf
    ['2023-03-15', true], // 31 months
  ])('treats a Requires improvement rating published on %s as over 30 months old: %s', (publishedOn, stale) => {
    // Prepare
    const signals = [rating('Requires improvement', { describedOn: publishedOn, publishedOn })];

    // Act
    const result = score({ signals });

    // Assess
    expect(result.families.find((f) => f.family === 'quality')?.stale).toBe(stale);
    expect(familyScore(result, 'quality')).toBe(stale ? 75 : 60);
    expect(result.flags.some((f) => f.startsWith('Rating is'))).toBe(stale);
  });

  it('treats a rating published 30 months and 14 days ago as over 30 months old', () => {
    // Prepare: published 1 April 2023, as of 15 October 2025
    const signals = [rating('Requires improvement', { describedOn: '2023-04-01', publishedOn: '2023-04-01' })];

    // Act
    const result = score({ signals });

    // Assess: stale, with the 15 points for Requires improvement over 30 months
    expect(result.families.find((f) => f.family === 'quality')?.stale).toBe(true);
    expect(indicators(result, 'quality')).toContain('Requires improvement for over 30 months');
    expect(familyScore(result, 'quality')).toBe(75);
  });
});

describe('scoreLocation: ratings from the register and the CQC API together', () => {
  it('dates the rating by its publication in the API, not by the register snapshot that repeats it', () => {
    // Prepare: Good in 2019, Requires improvement published April 2023; the September register repeats it undated
    const signals = [
      rating('Good', { describedOn: '2019-06-01', publishedOn: '2019-06-01' }),
      rating('Requires improvement', { describedOn: '2023-04-01', publishedOn: '2023-04-01' }),
      { ...rating('Requires improvement', { describedOn: '2025-09-01' }), source: 'cqc-register' as const },
    ];

    // Act
    const result = score({ signals });

    // Assess: the downgrade and the 30 months both count
    expect(indicators(result, 'quality')).toEqual(['Overall rating Requires improvement', 'Downgraded from Good', 'Requires improvement for over 30 months']);
    expect(result.flags).toContain('Rating is 30 months old (published 2023-04-01)');
  });
});

describe('scoreLocation: occupancy family', () => {
  it.each([
    [90, 0],
    [89, 30],
    [85, 30],
    [84, 60],
    [80, 60],
    [79, 100],
  ])('scores %i of 100 places used at %i points', (usedBeds, points) => {
    // Prepare: 100 places, so used beds are the percentage
    const signals = [capacityReturn('2025-09', { maxCapacity: 100, usedBeds })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'occupancy')).toBe(points);
  });

  it('adds points when the home is not accepting admissions', () => {
    // Prepare
    const signals = [capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 95, acceptingAdmissions: false })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'occupancy')).toBe(MODEL.occupancy.notAcceptingAdmissionsPoints);
  });

  it('adds falling-trend points when occupancy declines steadily after a stable half-year', () => {
    // Prepare: six months at 95%, then 93, 91, 89, 87, 86, 85
    const used = [95, 95, 95, 95, 95, 95, 93, 91, 89, 87, 86, 85];
    const signals = used.map((usedBeds, i) => capacityReturn(monthOf(addMonths('2024-10-01', i)), { maxCapacity: 100, usedBeds }));

    // Act
    const result = score({ signals });

    // Assess: 30 for 85% plus 20 for the CUSUM trend
    expect(signals.at(-1)?.facts).toMatchObject({ period: '2025-09' });
    expect(indicators(result, 'occupancy')).toContain('Falling occupancy (CUSUM)');
    expect(familyScore(result, 'occupancy')).toBe(50);
  });
});

describe('scoreLocation: safeguarding family', () => {
  // The fixture home has 20 beds and its region 1 concern a year per 10 beds: 2 expected in the window.
  const spread = ['2024-12-10', '2025-02-10', '2025-04-10', '2025-06-10', '2025-08-10'];

  it.each([
    [2, 0],
    [3, 50],
    [4, 50],
    [5, 100],
  ])('scores %i concerns against 2 expected at %i points', (count, points) => {
    // Prepare
    const signals = spread.slice(0, count).map((d) => concern(d));

    // Act
    const result = score({ signals });

    // Assess: above 1x the regional rate is 50, above 2x is 100 (exactly 1x or 2x is not above)
    expect(familyScore(result, 'safeguarding')).toBe(points);
    expect(indicators(result, 'safeguarding').some((i) => i.startsWith('Rising'))).toBe(false);
  });

  it('counts an s.42 enquiry as a second concern', () => {
    // Prepare: 2 concerns, one with an enquiry: 3 against 2 expected
    const signals = [concern('2025-01-10', { section42Enquiry: true }), concern('2025-05-10')];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'safeguarding')).toBe(50);
    expect(indicators(result, 'safeguarding')).toEqual(['Safeguarding concerns 1.5x the regional rate']);
  });

  it('needs the minimum number of concerns however high the ratio', () => {
    // Prepare: a region at a quarter of a concern a year per 10 beds: 0.5 expected for 20 beds
    const rates = baseline().safeguardingRates;
    const quiet = baseline({ safeguardingRates: { ...rates, 'Yorkshire and Humber': { per10Beds: 0.25, perCommunityService: 0.25 } } });
    const one = [concern('2025-01-10', { section42Enquiry: true })];
    const two = [concern('2025-01-10', { section42Enquiry: true }), concern('2025-05-10')];

    // Act
    const withOne = score({ signals: one, baseline: quiet });
    const withTwo = score({ signals: two, baseline: quiet });

    // Assess: one concern (weighted 2, 4x expected) is below the minimum; two (weighted 3, 6x) score 100
    expect(MODEL.safeguarding.minimumConcerns).toBe(2);
    expect(familyScore(withOne, 'safeguarding')).toBe(0);
    expect(familyScore(withTwo, 'safeguarding')).toBe(100);
  });

  it('leaves out concerns older than the window', () => {
    // Prepare: three concerns, one exactly 12 months before asOf
    const signals = [concern('2024-10-15'), concern('2025-02-10'), concern('2025-06-10')];

    // Act
    const result = score({ signals });

    // Assess: 2 in the window against 2 expected
    expect(familyScore(result, 'safeguarding')).toBe(0);
  });
});

describe('scoreLocation: financial family', () => {
  it.each([
    ['accounts 30 days overdue', { accountsOverdueDays: 30 }, 0],
    ['accounts 31 days overdue', { accountsOverdueDays: 31 }, 15],
    ['a credit score of 26', { creditScore: 26 }, 0],
    ['a credit score of 25', { creditScore: 25 }, 100],
    ['no credit score', { creditScore: null }, 0],
    ['a new charge', { newChargeWithin12Months: true }, 15],
    ['an overdue confirmation statement', { confirmationStatementOverdue: true }, 10],
    ['overdue accounts and a new charge', { accountsOverdueDays: 45, newChargeWithin12Months: true }, 30],
  ] as const)('scores %s', (_name, facts, points) => {
    // Prepare
    const providerSignals = [financial({ describedOn: '2025-09-01', ...facts })];

    // Act
    const result = score({ providerSignals });

    // Assess
    expect(familyScore(result, 'financial')).toBe(points);
    expect(result.hardTriggers).toEqual([]);
  });

  it('uses the latest company snapshot', () => {
    // Prepare
    const providerSignals = [financial({ describedOn: '2025-09-01', creditScore: 20 }), financial({ describedOn: '2025-03-01', creditScore: 90 })];

    // Act
    const result = score({ providerSignals });

    // Assess
    expect(familyScore(result, 'financial')).toBe(100);
  });
});

describe('scoreLocation: workforce family', () => {
  const months = ['2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'];
  const withAgencyHours = (hours: number[]) => hours.map((h, i) => capacityReturn(months[i]!, { agencyHours: h }));

  it.each([
    ['doubles against its own usual month', [120, 140, 110, 130, 125, 135, 300], true],
    ['stays within its own usual range', [120, 140, 110, 130, 125, 135, 200], false],
    ['doubles but from very few hours', [10, 20, 15, 10, 20, 15, 60], false],
  ])('flags agency hours in returns without a total when the home %s (risk-model-2)', (_, hours, flagged) => {
    // Prepare
    const signals = withAgencyHours(hours);

    // Act
    const result = score({ signals, model: riskModel('risk-model-2') });

    // Assess
    expect(indicators(result, 'workforce').some((i) => i.startsWith('Agency hours'))).toBe(flagged);
  });

  it.each([
    ['2025-07-15', 0], // exactly 3 months
    ['2025-06-15', 50], // 4 months
    ['2025-04-15', 50], // exactly 6 months
    ['2025-03-15', 100], // 7 months
  ])('scores a registered manager absent since %s at %i points', (since, points) => {
    // Prepare
    const signals = [registration({ registeredManagerAbsentSince: since, describedOn: '2025-10-01' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'workforce')).toBe(points);
  });

  it('counts a manager absent for 3 months and 25 days as absent more than 3 months', () => {
    // Prepare: absent since 20 June, as of 15 October
    const signals = [registration({ registeredManagerAbsentSince: '2025-06-20', describedOn: '2025-10-01' })];

    // Act
    const result = score({ signals });

    // Assess: more than 3 months (but not more than 6) is 50 points
    expect(familyScore(result, 'workforce')).toBe(50);
  });

  it('counts a manager absent for 6 months and 14 days as absent more than 6 months', () => {
    // Prepare: absent since 1 April, as of 15 October
    const signals = [registration({ registeredManagerAbsentSince: '2025-04-01', describedOn: '2025-10-01' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'workforce')).toBe(100);
  });

  it.each([
    [{ agencyHoursPct: 24.9, staffAbsencePct: 9.9 }, 0],
    [{ agencyHoursPct: 25, staffAbsencePct: 9.9 }, 30],
    [{ agencyHoursPct: 24.9, staffAbsencePct: 10 }, 30],
    [{ agencyHoursPct: 25, staffAbsencePct: 10 }, 60],
  ])('scores staffing %o at %i points', (staffing, points) => {
    // Prepare
    const signals = [capacityReturn('2025-09', staffing)];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'workforce')).toBe(points);
  });
});

describe('likelihoodOf under risk-model-2 (noisy-OR)', () => {
  const model = riskModel('risk-model-2');
  const family = (name: Family, score: number | null) => ({ family: name, score, weight: model.weights[name], lastDataOn: null, stale: false });

  it('lets one strong family carry the likelihood instead of averaging it away', () => {
    // Prepare: safeguarding at 100, quality and financial at 0, the rest without data
    const families = [family('quality', 0), family('safeguarding', 100), family('financial', 0), family('occupancy', null), family('workforce', null)];

    // Act
    const likelihood = likelihoodOf(families, model);

    // Assess: 1 - (1 - 0.6 x 1) = 60, where the weighted mean would give 100 x 0.2 / 0.7 = 28.6
    expect(likelihood).toBe(60);
    expect(likelihoodOf(families, riskModel('risk-model-1'))).toBeCloseTo(28.6, 1);
  });

  it('combines two families as independent chances', () => {
    // Prepare
    const families = [family('financial', 100), family('occupancy', 60)];

    // Act
    const likelihood = likelihoodOf(families, model);

    // Assess: 1 - (1 - 0.75)(1 - 0.6 x 0.6) = 0.84
    expect(likelihood).toBe(84);
  });

  it('is 0 with no data at all, and a family without data changes nothing', () => {
    // Assess
    expect(likelihoodOf([family('quality', null)], model)).toBe(0);
    expect(likelihoodOf([family('quality', 40), family('workforce', null)], model)).toBe(likelihoodOf([family('quality', 40)], model));
  });
});

describe('bandOf and likelihoodOf', () => {
  it.each([
    [39.9, 'Low', 'Green'],
    [40, 'Low', 'Amber'],
    [69.9, 'Medium', 'Amber'],
    [70, 'Low', 'Red'],
    [0, 'High', 'Amber'],
    [39.9, 'High', 'Amber'],
    [40, 'High', 'Red'],
    [100, 'High', 'Red'],
  ] as const)('puts likelihood %d at %s impact in %s', (likelihood, impact, band) => {
    // Prepare
    const hardTriggered = false;

    // Act
    const result = bandOf(likelihood, impact, hardTriggered, MODEL);

    // Assess
    expect(result).toBe(band);
  });

  it('puts any hard-triggered subject in Red', () => {
    // Prepare
    const likelihood = 0;

    // Act
    const result = bandOf(likelihood, 'Low', true, MODEL);

    // Assess
    expect(result).toBe('Red');
  });

  it('takes the weighted mean of only the families with data', () => {
    // Prepare
    const families: FamilyResult[] = [
      { family: 'quality', score: 60, weight: 0.3, lastDataOn: AS_OF, stale: false },
      { family: 'safeguarding', score: 0, weight: 0.2, lastDataOn: null, stale: false },
      { family: 'financial', score: null, weight: 0.25, lastDataOn: null, stale: false },
      { family: 'occupancy', score: 100, weight: 0.15, lastDataOn: AS_OF, stale: false },
      { family: 'workforce', score: null, weight: 0.1, lastDataOn: null, stale: false },
    ];

    // Act
    const result = likelihoodOf(families, MODEL);

    // Assess: (18 + 0 + 15) / 0.65 = 50.77, to one decimal
    expect(result).toBe(50.8);
  });

  it('raises an Amber location one band when it is High impact', () => {
    // Prepare: RI (60) and 79% occupancy (100): (18 + 15) / 0.65 = 50.8, Amber; 20 of 150 council beds is 13%
    const signals = [rating('Requires improvement', { describedOn: '2025-08-01' }), capacityReturn('2025-09', { maxCapacity: 100, usedBeds: 79 })];
    const scarce = baseline({ councilBeds: { [LEEDS]: 150 } });

    // Act
    const low = score({ signals });
    const high = score({ signals, baseline: scarce });

    // Assess
    expect(low.likelihood).toBe(50.8);
    expect(low.impact).toBe('Low');
    expect(low.band).toBe('Amber');
    expect(high.likelihood).toBe(50.8);
    expect(high.impact).toBe('High');
    expect(high.band).toBe('Red');
    expect(high.flags.some((f) => f.startsWith('High impact: 13% of the council'))).toBe(true);
  });
});

describe('scoreLocation: missing and stale data', () => {
  it('leaves out a home care service occupancy family and renormalises the weights', () => {
    // Prepare
    const homeCare = location({ serviceKind: 'home-care', beds: 0, sizeBand: null });
    const careHome = location();
    const signals = [rating('Good', { describedOn: '2025-08-01' })];

    // Act
    const community = score({ location: homeCare, signals });
    const home = score({ location: careHome, signals: [...signals, capacityReturn('2025-09', { maxCapacity: 20, usedBeds: 19 })] });

    // Assess: quality 10 at 0.3 and safeguarding 0 at 0.2: 3 / 0.5 = 6 (not 3 / 0.65 = 4.6)
    expect(familyScore(community, 'occupancy')).toBeNull();
    expect(community.likelihood).toBe(6);
    expect(community.flags).not.toContain('No Capacity Tracker return on record');
    expect(community.confidence).toBe(0.5);
    expect(home.confidence).toBe(0.65);
    expect(community.confidence).toBeLessThan(home.confidence);
  });

  it('flags a care home with no Capacity Tracker return and leaves its occupancy out', () => {
    // Prepare
    const signals = [rating('Good', { describedOn: '2025-08-01' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(familyScore(result, 'occupancy')).toBeNull();
    expect(result.flags).toContain('No Capacity Tracker return on record');
  });

  it.each([
    ['2025-09', false, 0.65, null],
    ['2025-08', true, 0.575, 'No Capacity Tracker return for 2 months (last 2025-08): prompts contact'],
    ['2025-07', true, 0.5375, 'No Capacity Tracker return for 3 months (last 2025-07): risks a fine'],
  ] as const)('treats a last return for %s as stale: %s', (period, stale, confidence, flag) => {
    // Prepare: quality (0.3) and safeguarding (0.2) fresh; occupancy (0.15) at the return's freshness
    const signals = [rating('Good', { describedOn: '2025-08-01' }), capacityReturn(period, { maxCapacity: 20, usedBeds: 19 })];

    // Act
    const result = score({ signals });

    // Assess
    const occupancy = result.families.find((f) => f.family === 'occupancy');
    expect(occupancy?.stale).toBe(stale);
    expect(occupancy?.score).toBe(0);
    // Confidence is rounded to 2 decimals: 0.3 + 0.2 + 0.15 x freshness (1, 0.5, 0.25)
    expect(Math.abs(result.confidence - confidence)).toBeLessThanOrEqual(0.005 + 1e-9);
    const returnFlags = result.flags.filter((f) => f.startsWith('No Capacity Tracker return for'));
    expect(returnFlags).toEqual(flag === null ? [] : [flag]);
  });

  it('orders confidence fresh > 2 months stale > 3 months stale', () => {
    // Prepare
    const at = (period: string) => score({ signals: [rating('Good', { describedOn: '2025-08-01' }), capacityReturn(period)] });

    // Act
    const [fresh, stale, veryStale] = [at('2025-09'), at('2025-08'), at('2025-07')];

    // Assess
    expect(fresh.confidence).toBeGreaterThan(stale.confidence);
    expect(stale.confidence).toBeGreaterThan(veryStale.confidence);
  });
});

describe('scoreLocation: knownAt replay', () => {
  it('ignores a signal dated before asOf but received after it', () => {
    // Prepare: an Inadequate rating published on 1 October, received on 20 October
    const known = [rating('Good', { describedOn: '2025-06-01' }), capacityReturn('2025-09')];
    const late = rating('Inadequate', { describedOn: '2025-10-01', receivedOn: '2025-10-20' });
    const lateAccounts = financial({ describedOn: '2025-10-01', receivedOn: '2025-10-20', companyStatus: 'administration' });

    // Act
    const withLate = score({ signals: [...known, late], providerSignals: [lateAccounts] });
    const without = score({ signals: known, providerSignals: [] });
    const afterwards = score({ signals: [...known, late], providerSignals: [lateAccounts], asOf: '2025-10-20' });

    // Assess: identical as of the earlier date; Red once the late signals had been received
    expect(withLate).toEqual(without);
    expect(withLate.band).toBe('Green');
    expect(afterwards.band).toBe('Red');
    expect(afterwards.hardTriggers).toEqual([HARD_TRIGGERS.inadequateOverall, HARD_TRIGGERS.insolvency].sort());
  });

  it('ignores a signal describing a day after asOf', () => {
    // Prepare
    const known = [rating('Good', { describedOn: '2025-06-01' })];
    const future = registration({ status: 'Deregistered', describedOn: '2025-10-16', receivedOn: '2025-10-15' });

    // Act
    const withFuture = score({ signals: [...known, future] });
    const without = score({ signals: known });

    // Assess
    expect(withFuture).toEqual(without);
  });
});

describe('scoreLocation: explanation and provenance', () => {
  const everything = (): { signals: Signal[]; providerSignals: Signal[] } => ({
    signals: [
      rating('Good', { describedOn: '2023-05-01' }),
      rating('Requires improvement', { describedOn: '2025-08-01', safe: 'Inadequate', publishedOn: '2025-08-01' }),
      commissionerAction('placement-embargo', { describedOn: '2025-09-01' }),
      commissionerAction('cqc-enforcement', { describedOn: '2025-09-02' }),
      ...['2024-12-10', '2025-02-10', '2025-04-10', '2025-06-10', '2025-08-10'].map((d) => concern(d, { section42Enquiry: true })),
      capacityReturn('2025-09', { maxCapacity: 20, usedBeds: 15, acceptingAdmissions: false, agencyHoursPct: 30, staffAbsencePct: 12 }),
      registration({ registeredManagerAbsentSince: '2025-01-01', describedOn: '2025-10-01' }),
    ],
    providerSignals: [financial({ describedOn: '2025-09-15', accountsOverdueDays: 60, confirmationStatementOverdue: true, newChargeWithin12Months: true, creditScore: 12 })],
  });

  it('gives every factor dated evidence from a known source', () => {
    // Prepare
    const input = everything();

    // Act
    const result = score(input);

    // Assess
    const families = new Set(result.factors.map((f) => f.family));
    expect([...families].sort()).toEqual(['financial', 'occupancy', 'quality', 'safeguarding', 'workforce']);
    expect(result.factors.length).toBeGreaterThanOrEqual(12);
    for (const factor of result.factors) {
      expect(factor.points).toBeGreaterThan(0);
      expect(factor.evidence.length).toBeGreaterThan(0);
      for (const e of factor.evidence) {
        expect(Source.safeParse(e.source).success).toBe(true);
        expect(z.safeParse(IsoDate, e.date).success).toBe(true);
        expect(e.date <= AS_OF).toBe(true);
        expect(e.value.length).toBeGreaterThan(0);
      }
    }
  });

  it('records the model version and the baseline version, and is a valid assessment', () => {
    // Prepare
    const input = { ...everything(), baseline: baseline({ version: 'baseline-2025-10-01' }) };

    // Act
    const result = score(input);

    // Assess
    expect(result.modelVersion).toBe('risk-model-1');
    expect(result.baselineVersion).toBe('baseline-2025-10-01');
    expect(RiskAssessmentSchema.parse(result)).toEqual(result);
  });
});
