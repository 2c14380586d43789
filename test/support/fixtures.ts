// Small hand-made fixtures for the domain unit tests: a location factory, one signal factory per signal
// kind, a market baseline factory, and factories for assessments and escalation inputs. Defaults are
// chosen to be neutral (no points, no hard trigger, Low impact) so each test states only what it varies.
import { ADASS_REGIONS, type AdassRegion, type IsoDate, type Location, type Provider, type RegistrationLink, type RiskAssessment, type Signal, type Subject } from '../../shared/domain/model.js';
import type { MarketBaseline } from '../../shared/domain/baseline.js';
import { buildHeatMap, type HeatMap } from '../../shared/domain/heatmap.js';
import type { LocationMarketFacts } from '../../shared/domain/market-facts.js';
import { type MarketContext, marketContextOf } from '../../shared/domain/market-context.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { type LocationScoringInput, scoreLocation } from '../../shared/domain/scoring.js';

export const AS_OF = '2025-10-15';
export const MODEL = riskModel('risk-model-1');

export const LEEDS = 'E08000035'; // Yorkshire and Humber
export const BRADFORD = 'E08000032'; // Yorkshire and Humber
export const MANCHESTER = 'E08000003'; // North West
export const CAMDEN = 'E09000007'; // Greater London

const REGION_OF: Record<string, AdassRegion> = {
  [LEEDS]: 'Yorkshire and Humber',
  [BRADFORD]: 'Yorkshire and Humber',
  [MANCHESTER]: 'North West',
  [CAMDEN]: 'Greater London',
};

export const PROVIDER_ID = '1-900000001';
export const LOCATION_ID = '1-100000001';

/** A 20-bed residential home in Leeds, with no specialisms (so no scarce-specialism impact). */
export function location(overrides: Partial<Location> = {}): Location {
  const councilGss = overrides.councilGss ?? LEEDS;
  const locationId = overrides.locationId ?? LOCATION_ID;
  return {
    locationId,
    providerId: PROVIDER_ID,
    name: `Home ${locationId}`,
    councilGss,
    region: REGION_OF[councilGss] ?? 'Yorkshire and Humber',
    serviceKind: 'residential-home',
    beds: 20,
    sizeBand: 'small',
    specialisms: [],
    registeredOn: '2015-01-01',
    ...overrides,
  };
}

export function provider(overrides: Partial<Provider> = {}): Provider {
  return {
    providerId: PROVIDER_ID,
    name: 'Acme Care Ltd',
    companyNumber: '01234567',
    ownershipType: 'Organisation',
    groupId: null,
    ...overrides,
  };
}

/** CQC's statement that the fixture's location passed to 1-100000002 by a change of owner on 2025-06-01. */
export function registrationLink(overrides: Partial<RegistrationLink> = {}): RegistrationLink {
  return {
    predecessorId: LOCATION_ID,
    successorId: '1-100000002',
    linkedOn: '2025-06-01',
    kind: 'ownership-change',
    reason: 'Change of ownership',
    evidence: 'cqc-relationship',
    confidence: 1,
    source: 'cqc-api',
    origin: '2025-06-05/cqc-api/locations/1-100000002.json',
    receivedOn: '2025-06-05',
    ...overrides,
  };
}

// ---- Signals -------------------------------------------------------------------------------------------

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${++sequence}`;

interface SignalOptions {
  /** Defaults to the fixture's location (or, for provider-level kinds, its provider). */
  subject?: Subject;
  describedOn?: IsoDate;
  /** Defaults to describedOn: received the day it describes. */
  receivedOn?: IsoDate;
  naturalId?: string;
}

const locationSubject = (): Subject => ({ type: 'location', id: LOCATION_ID });

/** Signal options placing a signal on another location than the fixture's default. */
export const at = (locationId: string): { subject: Subject } => ({ subject: { type: 'location', id: locationId } });
/** Signal options placing a signal on a provider. */
export const onProvider = (providerId: string = PROVIDER_ID): { subject: Subject } => ({ subject: { type: 'provider', id: providerId } });
const providerSubject = (): Subject => ({ type: 'provider', id: PROVIDER_ID });

function signal(source: Signal['source'], facts: Signal['facts'], options: SignalOptions, defaultSubject: Subject): Signal {
  const describedOn = options.describedOn ?? '2025-09-30';
  return {
    source,
    naturalId: options.naturalId ?? nextId(facts.kind),
    subject: options.subject ?? defaultSubject,
    describedOn,
    receivedOn: options.receivedOn ?? describedOn,
    facts,
  };
}

type RatingFacts = Extract<Signal['facts'], { kind: 'rating' }>;
export function rating(overall: RatingFacts['overall'], options: SignalOptions & Partial<Omit<RatingFacts, 'kind' | 'overall'>> = {}): Signal {
  const { safe = null, effective = null, caring = null, responsive = null, wellLed = null, publishedOn = null, ...rest } = options;
  return signal('cqc-api', { kind: 'rating', overall, safe, effective, caring, responsive, wellLed, publishedOn }, rest, locationSubject());
}

type RegistrationFacts = Extract<Signal['facts'], { kind: 'registration' }>;
export function registration(options: SignalOptions & Partial<Omit<RegistrationFacts, 'kind'>> = {}): Signal {
  const { status = 'Registered', dormant = false, registeredManagerAbsentSince = null, ...rest } = options;
  return signal('cqc-register', { kind: 'registration', status, dormant, registeredManagerAbsentSince }, rest, locationSubject());
}

type SafeguardingFacts = Extract<Signal['facts'], { kind: 'safeguarding-concern' }>;
export function concern(describedOn: IsoDate, options: SignalOptions & Partial<Omit<SafeguardingFacts, 'kind'>> = {}): Signal {
  const { abuseType = 'neglect-and-acts-of-omission', section42Enquiry = false, reportingCouncilGss = LEEDS, ...rest } = options;
  return signal('safeguarding-return', { kind: 'safeguarding-concern', abuseType, section42Enquiry, reportingCouncilGss }, { describedOn, ...rest }, locationSubject());
}

type CapacityFacts = Extract<Signal['facts'], { kind: 'capacity-return' }>;
/** A monthly Capacity Tracker return for `period` (YYYY-MM), described on the 28th of that month. */
export function capacityReturn(period: string, options: SignalOptions & Partial<Omit<CapacityFacts, 'kind' | 'period'>> = {}): Signal {
  const {
    maxCapacity = 20,
    usedBeds = 19,
    declaredVacancies = 1,
    acceptingAdmissions = true,
    staffAbsencePct = null,
    agencyHoursPct = null,
    agencyHours,
    ...rest
  } = options;
  return signal(
    'capacity-tracker',
    { kind: 'capacity-return', period, maxCapacity, usedBeds, declaredVacancies, acceptingAdmissions, staffAbsencePct, agencyHoursPct, ...(agencyHours === undefined ? {} : { agencyHours }) },
    { describedOn: `${period}-28`, ...rest },
    locationSubject(),
  );
}

type FinancialFacts = Extract<Signal['facts'], { kind: 'financial-indicator' }>;
/** A healthy Companies House snapshot for the provider's company unless overridden. */
export function financial(options: SignalOptions & Partial<Omit<FinancialFacts, 'kind'>> = {}): Signal {
  const {
    companyNumber = '01234567',
    companyStatus = 'active',
    accountsOverdueDays = 0,
    confirmationStatementOverdue = false,
    insolvencyCases = 0,
    newChargeWithin12Months = false,
    creditScore = 80,
    ...rest
  } = options;
  return signal(
    'companies-house',
    { kind: 'financial-indicator', companyNumber, companyStatus, accountsOverdueDays, confirmationStatementOverdue, insolvencyCases, newChargeWithin12Months, creditScore },
    rest,
    providerSubject(),
  );
}

type CommissionerFacts = Extract<Signal['facts'], { kind: 'commissioner-action' }>;
export function commissionerAction(action: CommissionerFacts['action'], options: SignalOptions & { councilGss?: string } = {}): Signal {
  const { councilGss = LEEDS, ...rest } = options;
  return signal('commissioner-action', { kind: 'commissioner-action', action, councilGss }, rest, locationSubject());
}

// ---- Baseline ------------------------------------------------------------------------------------------

/**
 * A baseline against which a fixture location is Low impact: the council has plenty of beds and
 * admittable vacancies, and every region has one concern a year per 10 beds and per community service.
 */
export function baseline(overrides: Partial<MarketBaseline> = {}): MarketBaseline {
  const safeguardingRates = Object.fromEntries(ADASS_REGIONS.map((r) => [r, { per10Beds: 1, perCommunityService: 1 }])) as MarketBaseline['safeguardingRates'];
  return {
    version: 'baseline-test-1',
    asOf: AS_OF,
    safeguardingRates,
    councilBeds: { [LEEDS]: 10_000, [BRADFORD]: 10_000, [MANCHESTER]: 10_000, [CAMDEN]: 10_000 },
    councilAdmittableVacancies: { [LEEDS]: 1_000, [BRADFORD]: 1_000, [MANCHESTER]: 1_000, [CAMDEN]: 1_000 },
    specialistHomes: {},
    ...overrides,
  };
}

/** Scores one location with the current model and a neutral baseline unless overridden. */
export function score(input: Partial<LocationScoringInput> = {}): RiskAssessment {
  return scoreLocation({
    location: location(),
    signals: [],
    providerSignals: [],
    baseline: baseline(),
    asOf: AS_OF,
    model: MODEL,
    ...input,
  });
}

// ---- Assessments and escalation inputs -----------------------------------------------------------------

/** A hand-made provider assessment: Red, local (one council, one region, few beds, Low impact). */
export function assessment(overrides: Partial<RiskAssessment> = {}): RiskAssessment {
  const made: RiskAssessment = {
    subject: { type: 'provider', id: PROVIDER_ID },
    name: 'Acme Care Ltd',
    asOf: AS_OF,
    likelihood: 75,
    impact: 'Low',
    band: 'Red',
    monitoringLevel: 'Enhanced',
    hardTriggers: [],
    factors: [],
    families: [],
    confidence: 0.9,
    modelVersion: MODEL.version,
    baselineVersion: 'baseline-test-1',
    flags: [],
    councils: [LEEDS],
    regions: ['Yorkshire and Humber'],
    beds: 40,
    bedsByCouncil: {},
    sharedAcrossCouncils: false,
    ...overrides,
  };
  // Unless a test says otherwise, all the beds sit in the first council.
  return { ...made, bedsByCouncil: overrides.bedsByCouncil ?? { [made.councils[0]!]: made.beds } };
}

/** What the escalation step knows about the market: the provider's locations and who places at them. */
export function marketContext(locations: readonly Location[] = [location()], placingCouncils: Record<string, string[]> = {}, providers: readonly Provider[] = [provider()]): MarketContext {
  const placements = Object.entries(placingCouncils).flatMap(([locationId, councils]) => councils.map((councilGss) => ({ councilGss, locationId })));
  return marketContextOf(locations, providers, placements);
}

/** A heat map of one stale, Inadequate 40-bed Leeds nursing home run by a Red provider. */
export function heatMapOfOneRedHome(): HeatMap {
  const home = location({ serviceKind: 'nursing-home', beds: 40, sizeBand: 'medium' });
  const facts: LocationMarketFacts = {
    locationId: home.locationId,
    asOf: '2025-10-01',
    latestReturn: null,
    monthsSinceLastReturn: null,
    staleReturn: true,
    concernsLast12Months: 3,
    concernsPrevious12Months: 0,
    section42EnquiriesLast12Months: 1,
    latestOverallRating: 'Inadequate',
    deregisteredOn: null,
  };
  const red = assessment({ asOf: '2025-10-01', likelihood: 80, impact: 'High', modelVersion: 'model-7', bedsByCouncil: {} });
  return buildHeatMap({
    asOf: '2025-10-01',
    modelVersion: 'model-7',
    locations: [home],
    facts: new Map([[home.locationId, facts]]),
    locationAssessments: [{ ...red, subject: { type: 'location', id: home.locationId } }],
    providerAssessments: [red],
  });
}
