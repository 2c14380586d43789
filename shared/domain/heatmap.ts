// Area aggregates for the heat maps: every council, every ADASS region and England, counts only (no personal data).
import * as z from 'zod/mini';
import { COUNCILS } from './councils.js';
import type { LocationMarketFacts } from './market-facts.js';
import { addMonths } from './dates.js';
import {
  ADASS_REGIONS,
  AdassRegion,
  type Band,
  IsoDate,
  isCareHome,
  type Location,
  type Rating,
  type RegistrationLink,
  type RiskAssessment,
  SIZE_BANDS,
  type SuccessionKind,
} from './model.js';
import { successionAt } from './succession.js';

export const ENGLAND_CODE = 'E92000001';

/** Safeguarding trend: a change of at least 20% and at least 3 concerns either way; anything less is steady. */
export const TREND_MIN_RELATIVE_CHANGE = 0.2;
export const TREND_MIN_CONCERNS_CHANGE = 3;

const POOR_RATINGS: ReadonlySet<Rating | null> = new Set<Rating | null>(['Requires improvement', 'Inadequate']);

const Count = z.int().check(z.nonnegative());

export const AreaLevel = z.enum(['council', 'region', 'england']);
export type AreaLevel = z.infer<typeof AreaLevel>;

export const Area = z.object({
  level: AreaLevel,
  /** GSS code for councils and England; the region's name for ADASS regions (they have no GSS code). */
  code: z.string(),
  name: z.string(),
  /** Null for England. */
  region: z.nullable(AdassRegion),
});
export type Area = z.infer<typeof Area>;

export const BandCounts = z.object({ Green: Count, Amber: Count, Red: Count, unassessed: Count });
export type BandCounts = z.infer<typeof BandCounts>;

/** A proportion with its parts, so a reader can see when it rests on small numbers; null when nothing to divide by. */
export const Share = z.object({
  numerator: Count,
  denominator: Count,
  share: z.nullable(z.number().check(z.gte(0), z.lte(1))),
});
export type Share = z.infer<typeof Share>;

export const Trend = z.enum(['rising', 'falling', 'steady']);
export type Trend = z.infer<typeof Trend>;

/**
 * What a withheld safeguarding count reads as, for audiences that may not see small numbers (shared/domain/
 * small-numbers.ts): a count from 1 to 4 reads "fewer than 5"; a count of 5 or more withheld so that a smaller
 * one cannot be worked out from a total by subtraction reads "withheld". Zero is shown, unless it is withheld
 * (as "fewer than 5") to blur a small region whose every count is small.
 */
export const FEWER_THAN_5 = 'fewer than 5';
export const WITHHELD = 'withheld';
export const SuppressedCount = z.object({ suppressed: z.literal(true), display: z.enum([FEWER_THAN_5, WITHHELD]) });
export type SuppressedCount = z.infer<typeof SuppressedCount>;
/** A count as built (a number), or withheld from an aggregate audience. */
export const SafeguardingCount = z.union([Count, SuppressedCount]);
export type SafeguardingCount = z.infer<typeof SafeguardingCount>;

// prettier-ignore
export const SAFEGUARDING_COUNTS = ['concernsLast12Months', 'concernsPrevious12Months', 'section42EnquiriesLast12Months', 'careHomeConcernsLast12Months', 'careHomeConcernsPrevious12Months'] as const;
export type SafeguardingCountField = (typeof SAFEGUARDING_COUNTS)[number];
// prettier-ignore
export const SAFEGUARDING_DERIVED = ['per100BedsLast12Months', 'per100BedsPrevious12Months', 'perLocationLast12Months', 'perLocationPrevious12Months', 'trend'] as const;
export const SafeguardingFigure = z.enum([...SAFEGUARDING_COUNTS, ...SAFEGUARDING_DERIVED]);
export type SafeguardingFigure = z.infer<typeof SafeguardingFigure>;

/** The number behind a count, or null when it is withheld. */
export const countValue = (count: SafeguardingCount): number | null => (typeof count === 'number' ? count : null);

export const HeatMapCell = z.object({
  area: Area,
  locations: Count,
  careHomes: Count,
  beds: Count,
  careHomeBeds: Count,
  providers: Count,
  locationsByBand: BandCounts,
  bedsByBand: BandCounts,
  /** Each provider once per area it has a location in, with its provider band. */
  providersByBand: BandCounts,
  /** Providers here that also have locations in another council. */
  sharedProviders: Count,
  /** Beds at Red-band locations over all beds. */
  redBeds: Share,
  /** Beds whose latest overall rating is Requires improvement or Inadequate, over beds with an overall rating. */
  poorlyRatedBeds: z.object({
    overall: Share,
    byKind: z.object({ 'nursing-home': Share, 'residential-home': Share }),
    bySize: z.object({ small: Share, medium: Share, large: Share }),
  }),
  /** Could the area's other care homes take in the residents of its Red providers' locations? */
  absorption: z.object({
    bedsAtRedProviders: Count,
    /** Declared vacancies in the latest return of care homes accepting admissions, not run by a Red provider. */
    admittableVacancies: Count,
    /** bedsAtRedProviders / admittableVacancies; null when there are no admittable vacancies. */
    ratio: z.nullable(z.number().check(z.gte(0))),
    exceedsVacancies: z.boolean(),
  }),
  safeguarding: z.object({
    concernsLast12Months: SafeguardingCount,
    concernsPrevious12Months: SafeguardingCount,
    section42EnquiriesLast12Months: SafeguardingCount,
    careHomeConcernsLast12Months: SafeguardingCount,
    careHomeConcernsPrevious12Months: SafeguardingCount,
    /** Care home concerns per 100 care home beds; null without care home beds or when the count is withheld. */
    per100BedsLast12Months: z.nullable(z.number().check(z.gte(0))),
    per100BedsPrevious12Months: z.nullable(z.number().check(z.gte(0))),
    /** All concerns per location; null without locations. */
    perLocationLast12Months: z.nullable(z.number().check(z.gte(0))),
    perLocationPrevious12Months: z.nullable(z.number().check(z.gte(0))),
    /** Null when either period's count is withheld. */
    trend: z.nullable(Trend),
    /** The figures withheld for small numbers: counts read as their `display`, rates and the trend are null. */
    suppressed: z.array(SafeguardingFigure),
  }),
  /** Care homes with a stale Capacity Tracker return, over care homes whose facts are known. */
  staleReturns: Share,
  /**
   * Registrations cancelled in the 12 months to the date, by what happened: a service that passed to a
   * successor (a change of owner, a move) is not a closure. Those that passed on count in no other figure:
   * the service counts once, under its successor.
   */
  deregistrations: z.object({ ownershipChanges: Count, moves: Count, otherSuccessions: Count, closures: Count }),
});
export type HeatMapCell = z.infer<typeof HeatMapCell>;

export const HeatMap = z.object({
  asOf: IsoDate,
  modelVersion: z.string(),
  cells: z.array(HeatMapCell),
});
export type HeatMap = z.infer<typeof HeatMap>;

export interface BuildHeatMapInput {
  asOf: IsoDate;
  modelVersion: string;
  locations: readonly Location[];
  /** Keyed by location id; a location missing here adds nothing to the fact-based figures. */
  facts: ReadonlyMap<string, LocationMarketFacts>;
  locationAssessments: readonly RiskAssessment[];
  providerAssessments: readonly RiskAssessment[];
  /** Links between registrations: which cancelled registrations passed to a successor. */
  links?: readonly RegistrationLink[];
}

type DeregistrationKind = keyof HeatMapCell['deregistrations'];
const DEREGISTRATION_OF: Record<SuccessionKind, DeregistrationKind> = {
  'ownership-change': 'ownershipChanges',
  move: 'moves',
  'nhs-transfer': 'otherSuccessions',
  other: 'otherSuccessions',
};

type BandKey = Band | 'unassessed';
type Ratio = { numerator: number; denominator: number };
const POOR_KEYS = ['overall', 'nursing-home', 'residential-home', ...SIZE_BANDS] as const;
type PoorKey = (typeof POOR_KEYS)[number];

/** One location's part in every area it belongs to, worked out once. */
interface Contribution {
  location: Location;
  band: BandKey;
  careHome: boolean;
  /** Keys of the poorly-rated shares this location's beds count towards (empty when unrated or without facts). */
  ratedIn: PoorKey[];
  poorlyRated: boolean;
  atRedProvider: boolean;
  admittableVacancies: number;
  facts: LocationMarketFacts | undefined;
}

interface Tally {
  area: Area;
  locations: number;
  careHomes: number;
  careHomesWithFacts: number;
  beds: number;
  careHomeBeds: number;
  locationsByBand: Record<BandKey, number>;
  bedsByBand: Record<BandKey, number>;
  providerIds: Set<string>;
  poorlyRated: Record<PoorKey, Ratio>;
  bedsAtRedProviders: number;
  admittableVacancies: number;
  concernsLast12Months: number;
  concernsPrevious12Months: number;
  section42EnquiriesLast12Months: number;
  careHomeConcernsLast12Months: number;
  careHomeConcernsPrevious12Months: number;
  staleReturns: number;
  deregistrations: Record<DeregistrationKind, number>;
}

const zeroBands = (): Record<BandKey, number> => ({ Green: 0, Amber: 0, Red: 0, unassessed: 0 });

function newTally(area: Area): Tally {
  return {
    area,
    locations: 0,
    careHomes: 0,
    careHomesWithFacts: 0,
    beds: 0,
    careHomeBeds: 0,
    locationsByBand: zeroBands(),
    bedsByBand: zeroBands(),
    providerIds: new Set(),
    poorlyRated: Object.fromEntries(POOR_KEYS.map((key) => [key, { numerator: 0, denominator: 0 }])) as Record<
      PoorKey,
      Ratio
    >,
    bedsAtRedProviders: 0,
    admittableVacancies: 0,
    concernsLast12Months: 0,
    concernsPrevious12Months: 0,
    section42EnquiriesLast12Months: 0,
    careHomeConcernsLast12Months: 0,
    careHomeConcernsPrevious12Months: 0,
    staleReturns: 0,
    deregistrations: { ownershipChanges: 0, moves: 0, otherSuccessions: 0, closures: 0 },
  };
}

function contributionOf(
  location: Location,
  facts: LocationMarketFacts | undefined,
  locationBands: Map<string, Band>,
  providerBands: Map<string, Band>,
): Contribution {
  const careHome = isCareHome(location);
  const atRedProvider = providerBands.get(location.providerId) === 'Red';
  const rating = facts?.latestOverallRating ?? null;
  const ratedIn: PoorKey[] = [];
  if (rating !== null) {
    ratedIn.push('overall');
    if (location.serviceKind === 'nursing-home' || location.serviceKind === 'residential-home') {
      ratedIn.push(location.serviceKind);
    }
    if (location.sizeBand !== null) ratedIn.push(location.sizeBand);
  }
  const latestReturn = facts?.latestReturn;
  return {
    location,
    band: locationBands.get(location.locationId) ?? 'unassessed',
    careHome,
    ratedIn,
    poorlyRated: POOR_RATINGS.has(rating),
    atRedProvider,
    // Only homes open to admissions and not themselves at risk can take in displaced residents.
    admittableVacancies:
      careHome && !atRedProvider && latestReturn?.acceptingAdmissions ? latestReturn.declaredVacancies : 0,
    facts,
  };
}

function add(tally: Tally, c: Contribution): void {
  const { beds, providerId } = c.location;
  tally.locations += 1;
  tally.beds += beds;
  tally.locationsByBand[c.band] += 1;
  tally.bedsByBand[c.band] += beds;
  tally.providerIds.add(providerId);
  for (const key of c.ratedIn) {
    tally.poorlyRated[key].denominator += beds;
    if (c.poorlyRated) tally.poorlyRated[key].numerator += beds;
  }
  if (c.atRedProvider) tally.bedsAtRedProviders += beds;
  tally.admittableVacancies += c.admittableVacancies;
  if (c.careHome) {
    tally.careHomes += 1;
    tally.careHomeBeds += beds;
  }
  if (!c.facts) return;
  tally.concernsLast12Months += c.facts.concernsLast12Months;
  tally.concernsPrevious12Months += c.facts.concernsPrevious12Months;
  tally.section42EnquiriesLast12Months += c.facts.section42EnquiriesLast12Months;
  if (c.careHome) {
    tally.careHomesWithFacts += 1;
    tally.careHomeConcernsLast12Months += c.facts.concernsLast12Months;
    tally.careHomeConcernsPrevious12Months += c.facts.concernsPrevious12Months;
    if (c.facts.staleReturn) tally.staleReturns += 1;
  }
}

const share = (numerator: number, denominator: number): Share => ({
  numerator,
  denominator,
  share: denominator > 0 ? numerator / denominator : null,
});

const rate = (count: number, per: number, scale = 1): number | null => (per > 0 ? (count / per) * scale : null);

export function trendOf(last: number, previous: number): Trend {
  const change = last - previous;
  if (Math.abs(change) < TREND_MIN_CONCERNS_CHANGE) return 'steady';
  if (change > 0 && last >= previous * (1 + TREND_MIN_RELATIVE_CHANGE)) return 'rising';
  if (change < 0 && last <= previous * (1 - TREND_MIN_RELATIVE_CHANGE)) return 'falling';
  return 'steady';
}

function toCell(
  tally: Tally,
  providerBands: Map<string, Band>,
  providerCouncils: Map<string, Set<string>>,
): HeatMapCell {
  const providersByBand = zeroBands();
  let sharedProviders = 0;
  for (const providerId of tally.providerIds) {
    providersByBand[providerBands.get(providerId) ?? 'unassessed'] += 1;
    if ((providerCouncils.get(providerId)?.size ?? 0) >= 2) sharedProviders += 1;
  }
  const poor = (key: PoorKey): Share => share(tally.poorlyRated[key].numerator, tally.poorlyRated[key].denominator);
  return {
    area: tally.area,
    locations: tally.locations,
    careHomes: tally.careHomes,
    beds: tally.beds,
    careHomeBeds: tally.careHomeBeds,
    providers: tally.providerIds.size,
    locationsByBand: tally.locationsByBand,
    bedsByBand: tally.bedsByBand,
    providersByBand,
    sharedProviders,
    redBeds: share(tally.bedsByBand.Red, tally.beds),
    poorlyRatedBeds: {
      overall: poor('overall'),
      byKind: { 'nursing-home': poor('nursing-home'), 'residential-home': poor('residential-home') },
      bySize: { small: poor('small'), medium: poor('medium'), large: poor('large') },
    },
    absorption: {
      bedsAtRedProviders: tally.bedsAtRedProviders,
      admittableVacancies: tally.admittableVacancies,
      ratio: rate(tally.bedsAtRedProviders, tally.admittableVacancies),
      exceedsVacancies: tally.bedsAtRedProviders > tally.admittableVacancies,
    },
    safeguarding: {
      concernsLast12Months: tally.concernsLast12Months,
      concernsPrevious12Months: tally.concernsPrevious12Months,
      section42EnquiriesLast12Months: tally.section42EnquiriesLast12Months,
      careHomeConcernsLast12Months: tally.careHomeConcernsLast12Months,
      careHomeConcernsPrevious12Months: tally.careHomeConcernsPrevious12Months,
      per100BedsLast12Months: rate(tally.careHomeConcernsLast12Months, tally.careHomeBeds, 100),
      per100BedsPrevious12Months: rate(tally.careHomeConcernsPrevious12Months, tally.careHomeBeds, 100),
      perLocationLast12Months: rate(tally.concernsLast12Months, tally.locations),
      perLocationPrevious12Months: rate(tally.concernsPrevious12Months, tally.locations),
      trend: trendOf(tally.concernsLast12Months, tally.concernsPrevious12Months),
      suppressed: [],
    },
    staleReturns: share(tally.staleReturns, tally.careHomesWithFacts),
    deregistrations: tally.deregistrations,
  };
}

function bandsBySubject(assessments: readonly RiskAssessment[], type: 'location' | 'provider'): Map<string, Band> {
  const bands = new Map<string, Band>();
  for (const assessment of assessments) {
    if (assessment.subject.type === type) bands.set(assessment.subject.id, assessment.band);
  }
  return bands;
}

/**
 * One cell for each of the 153 councils (GSS order; empty councils get zeros), each ADASS region (alphabetical)
 * and England (last). One pass over the locations; a location whose council is not one of the 153 still counts
 * in its region and England.
 */
export function buildHeatMap(input: BuildHeatMapInput): HeatMap {
  const locationBands = bandsBySubject(input.locationAssessments, 'location');
  const providerBands = bandsBySubject(input.providerAssessments, 'provider');

  const councilTallies = new Map(
    [...COUNCILS]
      .sort((a, b) => (a.gss < b.gss ? -1 : 1))
      .map((c) => [c.gss, newTally({ level: 'council', code: c.gss, name: c.name, region: c.region })]),
  );
  const regionTallies = new Map(
    [...ADASS_REGIONS].sort().map((r) => [r, newTally({ level: 'region', code: r, name: r, region: r })]),
  );
  const england = newTally({ level: 'england', code: ENGLAND_CODE, name: 'England', region: null });

  const succession = successionAt(input.links ?? [], input.asOf);
  const yearAgo = addMonths(input.asOf, -12);
  const providerCouncils = new Map<string, Set<string>>();
  for (const location of input.locations) {
    const tallies = [councilTallies.get(location.councilGss), regionTallies.get(location.region), england].filter((t) => t !== undefined);
    const passedTo = succession.successorOf(location.locationId);
    if (passedTo) {
      if (passedTo.linkedOn > yearAgo) for (const tally of tallies) tally.deregistrations[DEREGISTRATION_OF[passedTo.kind]] += 1;
      continue;
    }
    const closedOn = input.facts.get(location.locationId)?.deregisteredOn ?? null;
    if (closedOn !== null && closedOn > yearAgo) for (const tally of tallies) tally.deregistrations.closures += 1;
    const councils = providerCouncils.get(location.providerId) ?? new Set<string>();
    councils.add(location.councilGss);
    providerCouncils.set(location.providerId, councils);

    const c = contributionOf(location, input.facts.get(location.locationId), locationBands, providerBands);
    for (const tally of tallies) add(tally, c);
  }

  const tallies = [...councilTallies.values(), ...regionTallies.values(), england];
  return {
    asOf: input.asOf,
    modelVersion: input.modelVersion,
    cells: tallies.map((tally) => toCell(tally, providerBands, providerCouncils)),
  };
}
