import { describe, expect, it } from 'vitest';
import { COUNCILS } from '../../shared/domain/councils.js';
import {
  buildHeatMap,
  ENGLAND_CODE,
  type HeatMap,
  HeatMap as HeatMapSchema,
  type HeatMapCell,
  trendOf,
} from '../../shared/domain/heatmap.js';
import { type LocationMarketFacts, marketFactsFor } from '../../shared/domain/market-facts.js';
import { ADASS_REGIONS, type Band, type Location, type RiskAssessment, type Signal, type SignalFacts } from '../../shared/domain/model.js';

const AS_OF = '2025-10-15';
const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';
const MANCHESTER = 'E08000003';

const P1 = '1-000000001'; // Red, in Leeds and Bradford
const P2 = '1-000000002'; // Green, Leeds only
const P3 = '1-000000003'; // Amber, Manchester only
const P4 = '1-000000004'; // not assessed, Manchester only

function location(overrides: Partial<Location> & Pick<Location, 'locationId' | 'providerId' | 'councilGss'>): Location {
  return {
    name: `Service ${overrides.locationId}`,
    region: overrides.councilGss === MANCHESTER ? 'North West' : 'Yorkshire and Humber',
    serviceKind: 'residential-home',
    beds: 0,
    sizeBand: null,
    specialisms: [],
    registeredOn: '2015-01-01',
    ...overrides,
  };
}

function facts(locationId: string, overrides: Partial<LocationMarketFacts> = {}): LocationMarketFacts {
  return {
    locationId,
    asOf: AS_OF,
    latestReturn: null,
    monthsSinceLastReturn: null,
    staleReturn: false,
    concernsLast12Months: 0,
    concernsPrevious12Months: 0,
    section42EnquiriesLast12Months: 0,
    latestOverallRating: null,
    deregisteredOn: null,
    ...overrides,
  };
}

const capacityReturn = (declaredVacancies: number, acceptingAdmissions: boolean) => ({
  period: '2025-09',
  maxCapacity: 40,
  usedBeds: 30,
  declaredVacancies,
  acceptingAdmissions,
  describedOn: '2025-09-30',
});

function assessment(type: 'location' | 'provider', id: string, band: Band): RiskAssessment {
  return {
    subject: { type, id },
    name: `Subject ${id}`,
    asOf: AS_OF,
    likelihood: 50,
    impact: 'Medium',
    band,
    monitoringLevel: 'Standard',
    hardTriggers: [],
    factors: [],
    families: [],
    confidence: 1,
    modelVersion: 'test-1',
    baselineVersion: 'baseline-1',
    flags: [],
    councils: [],
    regions: [],
    beds: 0,
    bedsByCouncil: {},
    sharedAcrossCouncils: false,
  };
}

// Leeds: a Red provider's nursing home (P1) and a Green provider's home. Bradford: P1's other home.
// Manchester: an Amber provider's home and home-care service (P3), and an unassessed provider's home (P4).
const LOCATIONS: Location[] = [
  location({ locationId: '1-100000001', providerId: P1, councilGss: LEEDS, serviceKind: 'nursing-home', beds: 40, sizeBand: 'medium' }),
  location({ locationId: '1-100000002', providerId: P2, councilGss: LEEDS, beds: 20, sizeBand: 'small' }),
  location({ locationId: '1-100000003', providerId: P1, councilGss: BRADFORD, beds: 30, sizeBand: 'medium' }),
  location({ locationId: '1-100000004', providerId: P3, councilGss: MANCHESTER, beds: 10, sizeBand: 'small' }),
  location({ locationId: '1-100000005', providerId: P3, councilGss: MANCHESTER, serviceKind: 'home-care' }),
  location({ locationId: '1-100000006', providerId: P4, councilGss: MANCHESTER, beds: 15, sizeBand: 'large' }),
];

const FACTS = new Map(
  [
    facts('1-100000001', {
      latestOverallRating: 'Inadequate',
      latestReturn: capacityReturn(5, true),
      concernsLast12Months: 4,
      concernsPrevious12Months: 1,
      section42EnquiriesLast12Months: 2,
    }),
    facts('1-100000002', { latestOverallRating: 'Good', latestReturn: capacityReturn(6, true), concernsLast12Months: 2, staleReturn: true }),
    facts('1-100000003', { latestOverallRating: 'Requires improvement', latestReturn: capacityReturn(3, true) }),
    facts('1-100000004', { latestReturn: capacityReturn(4, true), concernsLast12Months: 1, concernsPrevious12Months: 6, staleReturn: true }),
    facts('1-100000005', { latestOverallRating: 'Good', concernsLast12Months: 2, section42EnquiriesLast12Months: 1 }),
    facts('1-100000006', { latestOverallRating: 'Outstanding', latestReturn: capacityReturn(7, false) }),
  ].map((f) => [f.locationId, f]),
);

const LOCATION_ASSESSMENTS = [
  assessment('location', '1-100000001', 'Red'),
  assessment('location', '1-100000002', 'Green'),
  assessment('location', '1-100000003', 'Amber'),
  assessment('location', '1-100000004', 'Amber'),
  assessment('location', '1-100000006', 'Green'),
];
const PROVIDER_ASSESSMENTS = [
  assessment('provider', P1, 'Red'),
  assessment('provider', P2, 'Green'),
  assessment('provider', P3, 'Amber'),
];

const build = (): HeatMap =>
  buildHeatMap({
    asOf: AS_OF,
    modelVersion: 'test-1',
    locations: LOCATIONS,
    facts: FACTS,
    locationAssessments: LOCATION_ASSESSMENTS,
    providerAssessments: PROVIDER_ASSESSMENTS,
  });

const cellFor = (heatMap: HeatMap, code: string): HeatMapCell => {
  const cell = heatMap.cells.find((c) => c.area.code === code);
  if (!cell) throw new Error(`no cell ${code}`);
  return cell;
};

const share = (numerator: number, denominator: number) => ({
  numerator,
  denominator,
  share: denominator > 0 ? numerator / denominator : null,
});

describe('buildHeatMap', () => {
  it('has one cell per council, per ADASS region and for England, in a fixed order', () => {
    // Prepare
    const councilCodes = COUNCILS.map((c) => c.gss).sort();

    // Act
    const heatMap = build();

    // Assess
    expect(heatMap.cells).toHaveLength(153 + 9 + 1);
    expect(heatMap.cells.slice(0, 153).map((c) => c.area.code)).toEqual(councilCodes);
    expect(heatMap.cells.slice(153, 162).map((c) => c.area.name)).toEqual([...ADASS_REGIONS].sort());
    expect(heatMap.cells[162]?.area).toEqual({ level: 'england', code: ENGLAND_CODE, name: 'England', region: null });
    expect(HeatMapSchema.safeParse(heatMap).success).toBe(true);
  });

  it('gives a council with no locations zeros, not gaps', () => {
    // Prepare
    const york = 'E06000014';

    // Act
    const cell = cellFor(build(), york);

    // Assess
    expect(cell.locations).toBe(0);
    expect(cell.bedsByBand).toEqual({ Green: 0, Amber: 0, Red: 0, unassessed: 0 });
    expect(cell.providersByBand).toEqual({ Green: 0, Amber: 0, Red: 0, unassessed: 0 });
    expect(cell.redBeds).toEqual(share(0, 0));
    expect(cell.absorption).toEqual({ bedsAtRedProviders: 0, admittableVacancies: 0, ratio: null, exceedsVacancies: false });
    expect(cell.safeguarding.trend).toBe('steady');
    expect(cell.staleReturns).toEqual(share(0, 0));
  });

  it('sums a council with a Red provider: bands, rated shares, absorption, safeguarding and stale returns', () => {
    // Prepare
    const heatMap = build();

    // Act
    const leeds = cellFor(heatMap, LEEDS);

    // Assess
    expect(leeds.area).toEqual({ level: 'council', code: LEEDS, name: 'Leeds', region: 'Yorkshire and Humber' });
    expect([leeds.locations, leeds.beds, leeds.careHomes, leeds.careHomeBeds, leeds.providers]).toEqual([2, 60, 2, 60, 2]);
    expect(leeds.locationsByBand).toEqual({ Green: 1, Amber: 0, Red: 1, unassessed: 0 });
    expect(leeds.bedsByBand).toEqual({ Green: 20, Amber: 0, Red: 40, unassessed: 0 });
    expect(leeds.providersByBand).toEqual({ Green: 1, Amber: 0, Red: 1, unassessed: 0 });
    expect(leeds.sharedProviders).toBe(1);
    expect(leeds.redBeds).toEqual(share(40, 60));
    expect(leeds.poorlyRatedBeds).toEqual({
      overall: share(40, 60),
      byKind: { 'nursing-home': share(40, 40), 'residential-home': share(0, 20) },
      bySize: { small: share(0, 20), medium: share(40, 40), large: share(0, 0) },
    });
    // The Red provider's own 5 vacancies cannot take in its residents.
    expect(leeds.absorption).toEqual({ bedsAtRedProviders: 40, admittableVacancies: 6, ratio: 40 / 6, exceedsVacancies: true });
    expect(leeds.safeguarding).toEqual({
      concernsLast12Months: 6,
      concernsPrevious12Months: 1,
      section42EnquiriesLast12Months: 2,
      careHomeConcernsLast12Months: 6,
      careHomeConcernsPrevious12Months: 1,
      per100BedsLast12Months: 10,
      per100BedsPrevious12Months: (1 / 60) * 100,
      perLocationLast12Months: 3,
      perLocationPrevious12Months: 0.5,
      trend: 'rising',
      // As built, nothing is withheld: suppressSmallNumbers does that for aggregate audiences.
      suppressed: [],
    });
    expect(leeds.staleReturns).toEqual(share(1, 2));
  });

  it('flags a council whose only beds are at a Red provider with no admittable vacancies', () => {
    // Prepare
    const heatMap = build();

    // Act
    const bradford = cellFor(heatMap, BRADFORD);

    // Assess
    expect(bradford.bedsByBand).toEqual({ Green: 0, Amber: 30, Red: 0, unassessed: 0 });
    expect(bradford.redBeds).toEqual(share(0, 30));
    expect(bradford.poorlyRatedBeds.overall).toEqual(share(30, 30));
    expect(bradford.absorption).toEqual({ bedsAtRedProviders: 30, admittableVacancies: 0, ratio: null, exceedsVacancies: true });
    expect(bradford.safeguarding.trend).toBe('steady');
    expect(bradford.staleReturns).toEqual(share(0, 1));
  });

  it('sums a council without Red providers, leaving out unrated beds and homes not accepting admissions', () => {
    // Prepare
    const heatMap = build();

    // Act
    const manchester = cellFor(heatMap, MANCHESTER);

    // Assess
    expect([manchester.locations, manchester.beds, manchester.careHomes, manchester.careHomeBeds]).toEqual([3, 25, 2, 25]);
    expect(manchester.locationsByBand).toEqual({ Green: 1, Amber: 1, Red: 0, unassessed: 1 });
    expect(manchester.bedsByBand).toEqual({ Green: 15, Amber: 10, Red: 0, unassessed: 0 });
    expect(manchester.providersByBand).toEqual({ Green: 0, Amber: 1, Red: 0, unassessed: 1 });
    expect(manchester.sharedProviders).toBe(0);
    expect(manchester.poorlyRatedBeds).toEqual({
      overall: share(0, 15),
      byKind: { 'nursing-home': share(0, 0), 'residential-home': share(0, 15) },
      bySize: { small: share(0, 0), medium: share(0, 0), large: share(0, 15) },
    });
    expect(manchester.absorption).toEqual({ bedsAtRedProviders: 0, admittableVacancies: 4, ratio: 0, exceedsVacancies: false });
    expect(manchester.safeguarding).toMatchObject({
      concernsLast12Months: 3,
      concernsPrevious12Months: 6,
      section42EnquiriesLast12Months: 1,
      careHomeConcernsLast12Months: 1,
      per100BedsLast12Months: 4,
      per100BedsPrevious12Months: 24,
      trend: 'falling',
    });
    expect(manchester.staleReturns).toEqual(share(1, 2));
  });

  it('counts a provider in two councils in both councils but once in their region and in England', () => {
    // Prepare
    const heatMap = build();

    // Act
    const [leeds, bradford, region, england] = [LEEDS, BRADFORD, 'Yorkshire and Humber', ENGLAND_CODE].map((code) =>
      cellFor(heatMap, code),
    );

    // Assess
    expect(leeds?.providersByBand.Red).toBe(1);
    expect(bradford?.providersByBand.Red).toBe(1);
    expect(region?.providers).toBe(2);
    expect(region?.providersByBand).toEqual({ Green: 1, Amber: 0, Red: 1, unassessed: 0 });
    expect(region?.sharedProviders).toBe(1);
    expect(england?.providers).toBe(4);
    expect(england?.providersByBand).toEqual({ Green: 1, Amber: 1, Red: 1, unassessed: 1 });
  });

  it('sums region and England cells from their locations', () => {
    // Prepare
    const heatMap = build();

    // Act
    const region = cellFor(heatMap, 'Yorkshire and Humber');
    const england = cellFor(heatMap, ENGLAND_CODE);

    // Assess
    expect(region.area).toEqual({ level: 'region', code: 'Yorkshire and Humber', name: 'Yorkshire and Humber', region: 'Yorkshire and Humber' });
    expect(region.bedsByBand).toEqual({ Green: 20, Amber: 30, Red: 40, unassessed: 0 });
    expect(region.poorlyRatedBeds).toEqual({
      overall: share(70, 90),
      byKind: { 'nursing-home': share(40, 40), 'residential-home': share(30, 50) },
      bySize: { small: share(0, 20), medium: share(70, 70), large: share(0, 0) },
    });
    expect(region.absorption).toEqual({ bedsAtRedProviders: 70, admittableVacancies: 6, ratio: 70 / 6, exceedsVacancies: true });
    expect(region.safeguarding.per100BedsLast12Months).toBeCloseTo((6 / 90) * 100, 10);
    expect(region.safeguarding.trend).toBe('rising');
    expect(region.staleReturns).toEqual(share(1, 3));

    expect([england.locations, england.beds]).toEqual([6, 115]);
    expect(england.bedsByBand).toEqual({ Green: 35, Amber: 40, Red: 40, unassessed: 0 });
    expect(england.poorlyRatedBeds.overall).toEqual(share(70, 105));
    expect(england.absorption).toEqual({ bedsAtRedProviders: 70, admittableVacancies: 10, ratio: 7, exceedsVacancies: true });
    expect(england.safeguarding).toMatchObject({ concernsLast12Months: 9, concernsPrevious12Months: 7, trend: 'steady' });
    expect(england.staleReturns).toEqual(share(2, 5));
  });

  it('aggregates a national-size market of 15,000 locations (its speed is measured by npm run bench)', () => {
    // Prepare
    const locations = Array.from({ length: 15_000 }, (_, i) => {
      const council = COUNCILS[i % COUNCILS.length]!;
      return location({
        locationId: `1-${String(200_000_000 + i)}`,
        providerId: `1-${String(300_000_000 + (i % 4_000))}`,
        councilGss: council.gss,
        region: council.region,
        beds: i % 60,
        sizeBand: 'medium',
      });
    });
    const manyFacts = new Map(locations.map((l) => [l.locationId, facts(l.locationId, { latestOverallRating: 'Good' })]));
    const bands: Band[] = ['Green', 'Amber', 'Red'];
    const locationAssessments = locations.map((l, i) => assessment('location', l.locationId, bands[i % 3]!));
    const providerAssessments = Array.from({ length: 4_000 }, (_, i) =>
      assessment('provider', `1-${String(300_000_000 + i)}`, bands[i % 3]!),
    );

    // Act
    const heatMap = buildHeatMap({ asOf: AS_OF, modelVersion: 'test-1', locations, facts: manyFacts, locationAssessments, providerAssessments });

    // Assess
    expect(cellFor(heatMap, ENGLAND_CODE).locations).toBe(15_000);
    expect(heatMap.cells).toHaveLength(153 + 9 + 1);
  });
});

describe('trendOf', () => {
  it.each([
    [6, 1, 'rising'],
    [3, 0, 'rising'],
    [2, 0, 'steady'],
    [11, 10, 'steady'],
    [23, 20, 'steady'],
    [24, 20, 'rising'],
    [16, 20, 'falling'],
    [17, 20, 'steady'],
    [1, 6, 'falling'],
  ] as const)('calls %i concerns after %i %s', (last, previous, expected) => {
    // Prepare: the counts above

    // Act
    const trend = trendOf(last, previous);

    // Assess
    expect(trend).toBe(expected);
  });
});

describe('marketFactsFor', () => {
  const careHome = location({ locationId: '1-100000001', providerId: P1, councilGss: LEEDS, beds: 40 });
  const subject = { type: 'location' as const, id: careHome.locationId };
  let sequence = 0;
  const signal = (facts: SignalFacts, describedOn: string, receivedOn = describedOn): Signal => {
    sequence += 1;
    return { source: 'cqc-api', naturalId: `n-${sequence}`, subject, describedOn, receivedOn, facts };
  };
  const rating = (overall: 'Good' | 'Inadequate', describedOn: string, receivedOn?: string): Signal =>
    signal(
      { kind: 'rating', overall, safe: null, effective: null, caring: null, responsive: null, wellLed: null, publishedOn: null },
      describedOn,
      receivedOn,
    );
  const monthlyReturn = (period: string, declaredVacancies: number, receivedOn?: string): Signal =>
    signal(
      {
        kind: 'capacity-return',
        period,
        maxCapacity: 40,
        usedBeds: 40 - declaredVacancies,
        declaredVacancies,
        acceptingAdmissions: true,
        staffAbsencePct: null,
        agencyHoursPct: null,
      },
      `${period}-28`,
      receivedOn,
    );
  const concern = (describedOn: string, section42Enquiry: boolean): Signal =>
    signal(
      { kind: 'safeguarding-concern', abuseType: 'neglect-and-acts-of-omission', section42Enquiry, reportingCouncilGss: LEEDS },
      describedOn,
    );

  it('ignores a signal received after the as-of date, even one describing an earlier date', () => {
    // Prepare
    const signals = [rating('Good', '2025-03-01'), rating('Inadequate', '2025-09-01', '2025-10-20'), monthlyReturn('2025-09', 2, '2025-10-16')];

    // Act
    const result = marketFactsFor(careHome, signals, AS_OF);

    // Assess
    expect(result.latestOverallRating).toBe('Good');
    expect(result.latestReturn).toBeNull();
  });

  it('ignores signals describing a date after the as-of date', () => {
    // Prepare
    const signals = [rating('Good', '2025-03-01'), rating('Inadequate', '2025-11-01', '2025-10-01')];

    // Act
    const result = marketFactsFor(careHome, signals, AS_OF);

    // Assess
    expect(result.latestOverallRating).toBe('Good');
  });

  it.each([
    ['2025-09', 1, false],
    ['2025-08', 2, true],
    ['2025-07', 3, true],
  ] as const)('a care home whose latest return is for %s is %i months behind (stale: %s)', (period, months, stale) => {
    // Prepare
    const signals = [monthlyReturn('2025-05', 9), monthlyReturn(period, 4)];

    // Act
    const result = marketFactsFor(careHome, signals, AS_OF);

    // Assess
    expect(result.monthsSinceLastReturn).toBe(months);
    expect(result.staleReturn).toBe(stale);
    expect(result.latestReturn).toEqual({
      period,
      maxCapacity: 40,
      usedBeds: 36,
      declaredVacancies: 4,
      acceptingAdmissions: true,
      describedOn: `${period}-28`,
    });
  });

  it('counts a care home that never returned as stale once registered two months, and never a home-care service', () => {
    // Prepare
    const newHome = { ...careHome, registeredOn: '2025-09-20' };
    const homeCare = { ...careHome, serviceKind: 'home-care' as const };

    // Act
    const [longRegistered, justRegistered, notExpected] = [careHome, newHome, homeCare].map((l) => marketFactsFor(l, [], AS_OF));

    // Assess
    expect(longRegistered).toMatchObject({ latestReturn: null, monthsSinceLastReturn: null, staleReturn: true });
    expect(justRegistered).toMatchObject({ monthsSinceLastReturn: null, staleReturn: false });
    expect(notExpected).toMatchObject({ monthsSinceLastReturn: null, staleReturn: false });
  });

  it('counts safeguarding concerns in the last 12 months, the 12 before, and section 42 enquiries', () => {
    // Prepare
    const signals = [
      concern('2025-10-15', true),
      concern('2025-01-10', false),
      concern('2024-10-16', true),
      concern('2024-10-15', true),
      concern('2023-10-16', false),
      concern('2023-10-15', false),
    ];

    // Act
    const result = marketFactsFor(careHome, signals, AS_OF);

    // Assess
    expect(result.concernsLast12Months).toBe(3);
    expect(result.section42EnquiriesLast12Months).toBe(2);
    expect(result.concernsPrevious12Months).toBe(2);
  });

  it("leaves out other subjects' signals", () => {
    // Prepare
    const other = { ...rating('Inadequate', '2025-09-01'), subject: { type: 'location' as const, id: '1-999999999' } };

    // Act
    const result = marketFactsFor(careHome, [rating('Good', '2025-03-01'), other], AS_OF);

    // Assess
    expect(result.latestOverallRating).toBe('Good');
  });
});
