// A deterministic multi-year history of a care market whose outcomes are known, for the backtest. Each
// location has a latent health trajectory: most stay healthy with noise and passing dips, some fail (an
// Inadequate rating, a closure, an insolvency), most of those after months of precursors and some suddenly.
// This module must not know how risk is scored (it imports no scoring code and no model configuration):
// the story comes only from the parameters below, each tied to a published figure or marked an assumption,
// so the backtest measures the model against the market rather than against itself.
import { Dice } from '../sample/dice.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { addDays, addMonths, daysBetween, monthOf } from '../../shared/domain/dates.js';
import {
  ABUSE_TYPES,
  type CommissionerActionType,
  type Council,
  type Group,
  isCareHome,
  type IsoDate,
  type KeyQuestion,
  type Location,
  type Provider,
  type Rating,
  type RegistrationLink,
  type ServiceKind,
  type Signal,
  signalKey,
} from '../../shared/domain/model.js';
import { SAMPLE_PARAMETERS } from '../sample/generate.js';
import { RE_REGISTRATION_PARAMETERS, reRegister, type ReRegistration } from './ownership-changes.js';

const S = SAMPLE_PARAMETERS;

/**
 * 30,000 locations is England's density (about 15,000 care homes and as many home-care services): at a tenth
 * of it every council looks thin, most homes hold a large share of its beds, and High impact is everywhere.
 */
export const HISTORY_DEFAULTS = { seed: 20210101, locations: 30_000, from: '2021-01-01', months: 48 } as const;

/** The generator's parameters, each with its published source or marked as an assumption. */
export const HISTORY_PARAMETERS = {
  /**
   * Shares of locations by kind. England has about 455,000 care home places (King's Fund, Social care 360,
   * 2022/23), 49% of them in nursing homes (Nuffield Trust QualityWatch, December 2023), in homes of 29.5 beds
   * on average (SCIE): roughly 4,500 nursing and 10,500 residential homes. CQC registered about 12,600
   * community social care locations in June 2024 (Homecare Association analysis of CQC data). Other
   * community services (Shared Lives, extra care without home care): an assumption.
   */
  serviceKinds: { 'nursing-home': 0.15, 'residential-home': 0.35, 'home-care': 0.44, 'community-other': 0.06 },
  /** About 50 beds in a nursing home and 22 in a residential home, from the figures above; the spreads are assumptions. */
  beds: {
    'nursing-home': { mean: 50, sd: 18, min: 15, max: 120 },
    'residential-home': { mean: 22, sd: 10, min: 3, max: 60 },
  },
  /** England's regulated adult social care locations, to scale national chains down to this market. From the counts above. */
  englandLocations: 30_000,
  /**
   * Shares of locations by their provider's number of locations, from the bundled CQC register rows
   * (data/cqc, 2025): 42% single-location, 26% with 2-5, 13% with 6-20 and 19% with more (national chains,
   * scaled down by this market's share of England).
   */
  providerSizes: [
    { share: 0.42, min: 1, max: 1, national: false },
    { share: 0.26, min: 2, max: 5, national: false },
    { share: 0.13, min: 6, max: 20, national: false },
    { share: 0.19, min: 21, max: 500, national: true },
  ],
  /** A provider's locations are mostly of one kind, and a chain's mostly in its home region. Assumptions. */
  sameKindShare: 0.85,
  homeRegionShare: 0.7,
  /**
   * Brands: 27% of the bundled register's locations carry one, nearly all in multi-location providers. Which
   * providers join a brand, and up to three providers a brand, are assumptions sized to match.
   */
  brandChance: { fromSixLocations: 0.8, twoToFive: 0.15 },
  providersPerBrand: { min: 1, max: 3 },
  /** 6.7% of the bundled register's locations belong to a provider with no company number (individuals, partnerships). */
  noCompanyShare: 0.067,
  /**
   * Councils weighted by population: ONS mid-year estimates put a county council at about 800,000 residents
   * on average and the other councils (unitary, metropolitan, London) at about 250,000-300,000.
   */
  countyCouncilWeight: 3,
  /**
   * Specialisms ("service users supported") of care homes and of community services, shares from the bundled
   * register rows.
   */
  specialisms: {
    careHome: { 'Caring for adults under 65 yrs': 0.69, 'Caring for adults over 65 yrs': 0.52, 'Learning Disabilities or autistic spectrum disorder': 0.62, 'Physical disabilities': 0.34, Dementia: 0.27, 'Mental health conditions': 0.27, 'Sensory impairment': 0.17 },
    community: { 'Caring for adults under 65 yrs': 0.87, 'Caring for adults over 65 yrs': 0.85, 'Physical disabilities': 0.77, Dementia: 0.69, 'Sensory impairment': 0.54, 'Mental health conditions': 0.54, 'Learning Disabilities or autistic spectrum disorder': 0.5 },
  },

  // Outcomes ---------------------------------------------------------------------------------------------

  /**
   * Closures a year. Home care: one agency in seven closed within a year (Allan, "Drivers of home care agency
   * closure: evidence from England", NIHR ASCRU, CQC data 2015-17). Care homes: 1,221 homes for older people
   * closed from January 2015 to September 2019, about 260 a year of some 11,000 (CSI Market Intelligence in Care
   * Management Matters, "Staying alive"): about 2%. Other community services: half the home care rate, an assumption.
   */
  closurePerYear: { 'nursing-home': 0.02, 'residential-home': 0.02, 'home-care': 0.14, 'community-other': 0.07 } satisfies Record<ServiceKind, number>,
  /**
   * Newly rated Inadequate a year. About 1-2% of care homes are rated Inadequate at a time (DHSC answer to PQ
   * 146902: 1.2-1.7% of residential homes, 2021-23; CQC: about 1% of adult social care locations); an
   * Inadequate service is re-inspected within six months and stays so for about a year (an assumption), so
   * the yearly flow is about the stock.
   */
  inadequatePerYear: 0.015,
  /**
   * Insolvency per provider company a year: 75 care home businesses in 2016 (Insolvency Service figures via FRP
   * Advisory) and 148 in 2017/18 (Moore Stephens), among some 5,500 care home providers (CMA, Care homes market
   * study, 2017): about 1.5-2.5%. Larger providers fail less often: an assumption.
   */
  insolvencyPerYear: { small: 0.015, fromSixLocations: 0.005 },
  /** Share of administrations among insolvencies, as in the sample generator. An assumption. */
  administrationShare: 0.7,

  // Precursors -------------------------------------------------------------------------------------------

  /**
   * Failures with warning signs, by kind; the rest are sudden (a whistleblower's tip met by an inspection, an
   * owner's retirement, a parent company's collapse). Assumptions, leaving about three in ten failures with
   * no precursor at all.
   */
  precursorShare: { inadequate: 0.75, closure: 0.7, insolvency: 0.8 },
  /** First signs 3-18 months before the event (project brief). */
  leadMonths: { min: 3, max: 18 },
  /** How far a failing service's indicators travel toward their stressed values, 0-1. An assumption. */
  severity: { min: 0.6, max: 1 },
  /** Later channels start within the first half of the run-up. An assumption. */
  laterChannelStartWithin: 0.5,
  /**
   * Chance that a failing service shows each kind of precursor, by outcome. Assumptions shaped by published
   * associations: lower quality ratings make home care closure likelier (Allan, above); below about 80%
   * occupancy a care home often loses money (Alvarez & Marsal); an H-Score in the warning area (25 and below)
   * flags a company at risk of failure (Company Watch); councils embargo placements at services in trouble.
   */
  channelChance: {
    inadequate: { concerns: 0.6, rating: 0.35, manager: 0.4, embargo: 0.3, staffing: 0.4, occupancy: 0.25, financial: 0.2 },
    closure: { occupancy: 0.7, financial: 0.5, manager: 0.35, concerns: 0.3, rating: 0.3, embargo: 0.1, staffing: 0.3 },
    insolvency: { financial: 1, occupancy: 0.6, staffing: 0.3, concerns: 0.2, embargo: 0.15, manager: 0.2, rating: 0.15 },
  },
  /** Extra concerns at full stress: the sample's cluster of 2-5 concerns in six months. */
  stressedConcernsPerMonth: (S.cluster.min + S.cluster.max) / 2 / (S.cluster.withinDays / 30),
  /**
   * Neglect and acts of omission is the most common type in NHS England's Safeguarding Adults Collection, about
   * a third of concerns; the other types are drawn evenly, a simplification (the model does not read the type).
   */
  usualNeglectShare: 0.32,
  /** Most concerns at a service in trouble are about neglect or organisational abuse (the sample's cluster mix). An assumption. */
  stressedConcernTypes: ['neglect-and-acts-of-omission', 'organisational'] as const,
  /**
   * A home with vacancies closes to admissions now and then (an outbreak, a refurbishment): 3% of returns, as in
   * the sample. A home near the bottom of its slide stops admitting more often: an assumption.
   */
  notAcceptingChance: 0.03,
  notAcceptingAtFullStress: 0.3,

  // Ratings ----------------------------------------------------------------------------------------------

  /**
   * Ratings at the start: residential care homes in 2021 were 4.0% Outstanding, 80.8% Good, 14.0% Requires
   * improvement and 1.2% Inadequate (DHSC answer to PQ 146902); about 20% of adult social care locations
   * Requires improvement (project brief). Inadequate services start out of the market (they are under special
   * measures): their flow is an outcome here.
   */
  ratingsAtStart: { Outstanding: 0.04, Good: 0.79, 'Requires improvement': 0.17 },
  /** 23% of community social care locations had never been inspected in 2024 (Homecare Association); fewer in 2021, an assumption. */
  unratedCommunityShare: 0.15,
  /** Initial ratings were published in the four years before the history. An assumption. */
  initialRatingYears: 4,
  /**
   * Monthly chance of an inspection: Good services about every four years, Requires improvement every 18 months,
   * unrated services within two years. CQC's policy (Good within 30 months, Requires improvement within 12)
   * slipped after 2020: 36.8% of community ratings were 4 to 8+ years old in 2025 (Homecare Association).
   */
  inspectionPerMonth: { Outstanding: 1 / 48, Good: 1 / 48, 'Requires improvement': 1 / 18, unrated: 1 / 24 },
  /** Rating at a routine inspection given the current one; keeps about a fifth Requires improvement. Assumption. */
  transitions: {
    Outstanding: { Outstanding: 0.7, Good: 0.3 },
    Good: { Outstanding: 0.03, Good: 0.75, 'Requires improvement': 0.22 },
    'Requires improvement': { Good: 0.4, 'Requires improvement': 0.6 },
  },
  /** A service under stress is rated Requires improvement more often at a routine inspection. An assumption. */
  stressedRequiresImprovementChance: 0.6,
  /** A service whose quality slips is inspected within a month of the first signs (CQC inspects on risk). An assumption. */
  slippingInspectedWithinDays: 30,

  // Noise and passing dips -------------------------------------------------------------------------------

  /**
   * Registered managers: turnover about 23% a year and about 11% of posts vacant (Skills for Care); a gap of
   * 2-10 months (5.7 on average) gives that vacancy rate.
   */
  managerTurnoverPerYear: 0.23,
  managerGapMonths: { min: 2, max: 10 },
  managerVacantShare: 0.11,
  /**
   * Late accounts: Companies House imposed about 205,000 late filing penalties in 2016/17 among some 4 million
   * companies: about 5% a year, most within three months (TaxCalc, from Companies House statistics).
   */
  lateFilingPerYear: 0.05,
  lateFilingDays: { min: 5, max: 150 },
  /**
   * How long an overdue confirmation statement stays overdue: an assumption. How often one is overdue, and how
   * often a new charge is registered, follow the sample's healthy and stressed chances.
   */
  confirmationOverdueDays: { min: 14, max: 120 },
  /** A healthy company's credit score wobbles by a few points a month and dips for a few months now and then. Assumptions. */
  creditDip: { perYear: 0.04, depthMin: 15, depthMax: 35, monthsMin: 2, monthsMax: 4 },
  creditNoiseSd: 3,
  /** An embargo or suspension at a healthy service is lifted after one to three months, as in the sample. */
  healthyActionLiftedAfterDays: { min: 30, max: 90 },
  /** Occupancy dips: the sample's one healthy home in ten a year, 6-12 points for 2-3 months. */
  occupancyDipMonths: { min: 2, max: 3 },
  /** Missed Capacity Tracker returns: the sample's 3% a month, three times as often at a home in trouble. */
  missedReturnStressFactor: 3,

  // Timing of receipt ------------------------------------------------------------------------------------

  /**
   * Days from the date a fact describes to its receipt. Capacity Tracker: updated from the 8th to the 14th
   * (DHSC mandate), landed after the window closes. The rest are assumptions: the CQC API polled weekly, the
   * register extract monthly, councils' safeguarding returns monthly, Companies House and credit checks
   * pulled at the end of each month (and a status change within two weeks, as the Gazette notice appears),
   * commissioner actions within two weeks.
   */
  lagDays: {
    capacity: { min: 1, max: 3 },
    rating: { min: 0, max: 7 },
    register: { min: 3, max: 35 },
    safeguarding: { min: 7, max: 42 },
    financial: { min: 1, max: 3 },
    insolvencyNotice: { min: 1, max: 14 },
    commissioner: { min: 0, max: 14 },
  },
  /** Companies House snapshots are taken on this day of each month. An assumption. */
  financialSnapshotDay: 25,

  /** Changes of owner and moves: a new registration, not a failure (ownership-changes.ts). */
  reRegistrations: RE_REGISTRATION_PARAMETERS,
} as const;

const H = HISTORY_PARAMETERS;

export const FAILURE_KINDS = ['inadequate', 'closure', 'insolvency'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const PRECURSORS = ['occupancy', 'staffing', 'concerns', 'financial', 'manager', 'rating', 'embargo'] as const;
export type Precursor = (typeof PRECURSORS)[number];

export interface FailureEvent {
  locationId: string;
  providerId: string;
  kind: FailureKind;
  on: IsoDate;
  hadPrecursor: boolean;
  /** The first day of the run-up (null for a sudden failure): no model could see anything before it. */
  precursorsFrom: IsoDate | null;
  /** The kinds of warning sign the location showed before the event (empty for a sudden failure). */
  precursors: Precursor[];
  /** source#naturalId of the signals that are the event itself (and its later repeats). */
  outcomeSignalKeys: string[];
}

export const DIP_KINDS = ['occupancy', 'concern', 'late-filing', 'credit', 'manager-gap', 'embargo-lifted', 'contract-reinstated'] as const;
export type DipKind = (typeof DIP_KINDS)[number];

/** A passing dip at a location: something that looks like trouble and recovers. */
export interface PassingDip {
  locationId: string;
  kind: DipKind;
  from: IsoDate;
  to: IsoDate;
}

export interface MarketHistory {
  seed: number;
  from: IsoDate;
  /** The last day of the history. */
  to: IsoDate;
  locations: Location[];
  providers: Provider[];
  groups: Group[];
  signals: Signal[];
  /** Failures only: a change of owner or a move is not one. */
  events: FailureEvent[];
  dips: PassingDip[];
  /** Every change of owner and move, as it happened. */
  reRegistrations: ReRegistration[];
  /** The links CQC states between registrations: most re-registrations, not all. */
  links: RegistrationLink[];
}

export interface HistoryOptions {
  seed: number;
  locations: number;
  from: IsoDate;
  months: number;
}

// ---------------------------------------------------------------------------------------------------------
// Randomness

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round1 = (value: number): number => Math.round(value * 10) / 10;
const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a < b ? a : b);

// ---------------------------------------------------------------------------------------------------------
// The market: locations, providers, groups

interface ProviderPlan {
  provider: Provider;
  stream: Dice;
  locations: LocationPlan[];
  insolventOn: IsoDate | null;
  /** The company's slide toward failure, when it shows one. */
  financial: Channel | null;
}

interface LocationPlan {
  location: Location;
  owner: ProviderPlan;
  stream: Dice;
  event: { kind: FailureKind; on: IsoDate } | null;
  channels: Partial<Record<Exclude<Precursor, 'financial'>, Channel>>;
}

/** One kind of warning sign: it grows from nothing at `from` to `severity` at `until` (the event). */
interface Channel {
  from: IsoDate;
  until: IsoDate;
  severity: number;
}

function intensity(channel: Channel | null | undefined, on: IsoDate): number {
  if (!channel || on < channel.from) return 0;
  return channel.severity * Math.min(1, daysBetween(channel.from, on) / Math.max(1, daysBetween(channel.from, channel.until)));
}

function councilWeights(councils: readonly Council[]): Record<string, number> {
  return Object.fromEntries(councils.map((c) => [c.gss, c.gss.startsWith('E10') ? H.countyCouncilWeight : 1]));
}

function providerSize(stream: Dice, marketLocations: number): number {
  const bands = H.providerSizes;
  const meanSize = (b: (typeof bands)[number]) => ((b.min + b.max) / 2) * (b.national ? marketLocations / H.englandLocations : 1);
  // A band is drawn in proportion to its share of locations over its mean size, so locations end up in those shares.
  const index = Number(stream.weighted(Object.fromEntries(bands.map((b, i) => [String(i), b.share / Math.max(1, meanSize(b))]))));
  const band = bands[index]!;
  const size = stream.int(band.min, band.max);
  return band.national ? Math.max(bands[2]!.min, Math.round((size * marketLocations) / H.englandLocations)) : size;
}

function specialismsOf(stream: Dice, kind: ServiceKind): string[] {
  const shares = isCareHome({ serviceKind: kind }) ? H.specialisms.careHome : H.specialisms.community;
  return Object.entries(shares).flatMap(([name, share]) => (stream.chance(share) ? [name] : []));
}

function bedsOf(stream: Dice, kind: ServiceKind): number {
  if (kind !== 'nursing-home' && kind !== 'residential-home') return 0;
  const b = H.beds[kind];
  return Math.round(clamp(stream.normal(b.mean, b.sd), b.min, b.max));
}

const sizeBandOf = (beds: number): Location['sizeBand'] => (beds === 0 ? null : beds < 10 ? 'small' : beds < 50 ? 'medium' : 'large');

function buildMarket(stream: Dice, count: number, from: IsoDate): { providers: ProviderPlan[]; groups: Group[] } {
  const weights = councilWeights(COUNCILS);
  const byGss = new Map(COUNCILS.map((c) => [c.gss, c]));
  const providers: ProviderPlan[] = [];
  let made = 0;
  while (made < count) {
    const p = providers.length;
    const size = Math.min(count - made, providerSize(stream, count));
    const withCompany = !stream.chance(H.noCompanyShare);
    const provider: Provider = {
      providerId: `1-${2_000_000_000 + p}`,
      name: `Provider ${p + 1} ${withCompany ? 'Care Ltd' : 'and Partners'}`,
      companyNumber: withCompany ? String(10_000_000 + p) : null,
      ownershipType: withCompany ? 'Organisation' : stream.pick(['Individual', 'Partnership']),
      groupId: null,
    };
    const plan: ProviderPlan = { provider, stream: stream.fork(), locations: [], insolventOn: null, financial: null };
    const mainKind = stream.weighted(H.serviceKinds);
    const home = byGss.get(stream.weighted(weights))!;
    const homeRegion = Object.fromEntries(COUNCILS.filter((c) => c.region === home.region).map((c) => [c.gss, weights[c.gss]!]));
    for (let l = 0; l < size; l++) {
      const kind = stream.chance(H.sameKindShare) ? mainKind : stream.weighted(H.serviceKinds);
      const council = l === 0 ? home : byGss.get(stream.weighted(stream.chance(H.homeRegionShare) ? homeRegion : weights))!;
      const beds = bedsOf(stream, kind);
      const n = made + l;
      const location: Location = {
        locationId: `1-${1_000_000_000 + n}`,
        providerId: provider.providerId,
        name: `${isCareHome({ serviceKind: kind }) ? 'Care home' : 'Care service'} ${n + 1}`,
        councilGss: council.gss,
        region: council.region,
        serviceKind: kind,
        beds,
        sizeBand: sizeBandOf(beds),
        specialisms: specialismsOf(stream, kind),
        registeredOn: stream.date('1995-01-01', addMonths(from, -12)),
      };
      plan.locations.push({ location, owner: plan, stream: stream.fork(), event: null, channels: {} });
    }
    providers.push(plan);
    made += size;
  }
  return { providers, groups: formBrands(stream, providers) };
}

function formBrands(stream: Dice, providers: readonly ProviderPlan[]): Group[] {
  const groups: Group[] = [];
  let open: { group: Group; left: number } | null = null;
  for (const plan of providers) {
    const size = plan.locations.length;
    const joins = stream.chance(size >= 6 ? H.brandChance.fromSixLocations : size >= 2 ? H.brandChance.twoToFive : 0);
    if (!joins) continue;
    if (!open || open.left === 0) {
      const group = { groupId: `BD${String(groups.length + 1).padStart(4, '0')}`, name: `Brand ${groups.length + 1}` };
      groups.push(group);
      open = { group, left: stream.int(H.providersPerBrand.min, H.providersPerBrand.max) };
    }
    plan.provider.groupId = open.group.groupId;
    open.left--;
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes and their precursors

/** A date drawn at a yearly rate: each twelve-month block of the history has `perYear` chance of holding it. */
function eventDate(stream: Dice, perYear: number, from: IsoDate, to: IsoDate): IsoDate | null {
  for (let start = from; start <= to; start = addMonths(start, 12)) {
    if (stream.chance(perYear)) return stream.date(start, minDate(addDays(addMonths(start, 12), -1), to));
  }
  return null;
}

const returnsCapacity = (location: Location): boolean => isCareHome(location) && location.beds > 0;

function applicable(plan: LocationPlan, channel: Precursor, kind: FailureKind): boolean {
  switch (channel) {
    case 'occupancy':
    case 'staffing':
      return returnsCapacity(plan.location);
    case 'financial':
      // A company's slide shows in every one of its services: it is one service's story only when it has one.
      return plan.owner.provider.companyNumber !== null && (kind === 'insolvency' || plan.owner.locations.length === 1);
    default:
      return true;
  }
}

function drawChannels(plan: LocationPlan, kind: FailureKind, onset: IsoDate, on: IsoDate, required: Precursor | null): Precursor[] {
  const { stream } = plan;
  const chances = H.channelChance[kind];
  const eligible = PRECURSORS.filter((c) => applicable(plan, c, kind));
  const drawn = eligible.filter((c) => c !== required && stream.chance(chances[c]));
  // The required sign (a company's slide before its insolvency) comes first, so it starts at the onset.
  const chosen = required ? [required, ...drawn] : drawn.length > 0 ? drawn : [stream.pick(eligible)];
  const span = daysBetween(onset, on);
  chosen.forEach((channel, i) => {
    const from = i === 0 ? onset : addDays(onset, stream.int(0, Math.floor(span * H.laterChannelStartWithin)));
    const c = { from, until: on, severity: stream.between(H.severity.min, H.severity.max) };
    if (channel === 'financial') plan.owner.financial ??= c;
    else plan.channels[channel] = c;
  });
  return chosen;
}

type Story = Map<LocationPlan, Pick<FailureEvent, 'hadPrecursor' | 'precursorsFrom' | 'precursors'>>;

function planOutcomes(providers: readonly ProviderPlan[], from: IsoDate, to: IsoDate): Story {
  const story: Story = new Map();
  for (const owner of providers) {
    if (owner.provider.companyNumber !== null) {
      const rate = owner.locations.length >= 6 ? H.insolvencyPerYear.fromSixLocations : H.insolvencyPerYear.small;
      owner.insolventOn = eventDate(owner.stream, rate, from, to);
    }
    for (const plan of owner.locations) {
      const candidates: { kind: FailureKind; on: IsoDate | null }[] = [
        { kind: 'closure', on: eventDate(plan.stream, H.closurePerYear[plan.location.serviceKind], from, to) },
        { kind: 'inadequate', on: eventDate(plan.stream, H.inadequatePerYear, from, to) },
        { kind: 'insolvency', on: owner.insolventOn },
      ];
      const first = candidates.filter((c): c is { kind: FailureKind; on: IsoDate } => c.on !== null).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))[0];
      plan.event = first ?? null;
    }
  }
  for (const owner of providers) {
    // The company's own run-up is drawn once, so all its services share the same insolvency story.
    const companyWarned = owner.insolventOn !== null && owner.stream.chance(H.precursorShare.insolvency);
    const companyOnset = owner.insolventOn && addMonths(owner.insolventOn, -owner.stream.int(H.leadMonths.min, H.leadMonths.max));
    for (const plan of owner.locations) {
      const event = plan.event;
      if (!event) continue;
      const insolvency = event.kind === 'insolvency';
      const warned = insolvency ? companyWarned : plan.stream.chance(H.precursorShare[event.kind]);
      if (!warned) {
        story.set(plan, { hadPrecursor: false, precursorsFrom: null, precursors: [] });
        continue;
      }
      const onset = insolvency ? companyOnset! : addMonths(event.on, -plan.stream.int(H.leadMonths.min, H.leadMonths.max));
      story.set(plan, { hadPrecursor: true, precursorsFrom: onset, precursors: drawChannels(plan, event.kind, onset, event.on, insolvency ? 'financial' : null) });
    }
  }
  return story;
}

// ---------------------------------------------------------------------------------------------------------
// Signals

interface Context {
  from: IsoDate;
  to: IsoDate;
  months: IsoDate[];
  signals: Signal[];
  dips: PassingDip[];
  outcomeKeys: Map<LocationPlan, string[]>;
}

const lag = (stream: Dice, on: IsoDate, range: { min: number; max: number }): IsoDate => addDays(on, stream.int(range.min, range.max));

/** The last day a location's own signals describe: the day before its event, or the end of the history. */
const lastDay = (plan: LocationPlan, ctx: Context): IsoDate => (plan.event ? addDays(plan.event.on, -1) : ctx.to);

function recordDip(ctx: Context, plan: LocationPlan, kind: DipKind, from: IsoDate, to: IsoDate): void {
  ctx.dips.push({ locationId: plan.location.locationId, kind, from, to });
}

function stressAt(plan: LocationPlan, on: IsoDate): number {
  return Math.max(intensity(plan.owner.financial, on), ...Object.values(plan.channels).map((c) => intensity(c, on)));
}

type KeyQuestionRatings = Record<KeyQuestion, Rating>;

/** Key question ratings consistent with an overall rating: Safe and Well-led carry a poor one. The shares are assumptions. */
function keyQuestions(stream: Dice, overall: Rating): KeyQuestionRatings {
  const others = (good: Rating, weak: Rating, weakChance: number): Rating => (stream.chance(weakChance) ? weak : good);
  switch (overall) {
    case 'Outstanding':
      return { safe: 'Good', effective: others('Outstanding', 'Good', 0.5), caring: 'Outstanding', responsive: others('Outstanding', 'Good', 0.5), wellLed: 'Outstanding' };
    case 'Good':
      return { safe: others('Good', 'Requires improvement', 0.1), effective: 'Good', caring: 'Good', responsive: 'Good', wellLed: others('Good', 'Requires improvement', 0.1) };
    case 'Requires improvement': {
      const safeFirst = stream.chance(0.7);
      return { safe: safeFirst || stream.chance(0.5) ? overall : 'Good', effective: others('Good', overall, 0.3), caring: 'Good', responsive: others('Good', overall, 0.3), wellLed: !safeFirst || stream.chance(0.7) ? overall : 'Good' };
    }
    case 'Inadequate': {
      const safeFirst = stream.chance(0.8);
      return { safe: safeFirst || stream.chance(0.5) ? overall : 'Requires improvement', effective: 'Requires improvement', caring: others('Good', 'Requires improvement', 0.5), responsive: 'Requires improvement', wellLed: !safeFirst || stream.chance(0.8) ? overall : 'Requires improvement' };
    }
  }
}

function ratingSignal(plan: LocationPlan, publishedOn: IsoDate, overall: Rating): Signal {
  const { stream, location } = plan;
  return {
    source: 'cqc-api',
    naturalId: `${location.locationId}#rating#${publishedOn}`,
    subject: { type: 'location', id: location.locationId },
    describedOn: publishedOn,
    receivedOn: lag(stream, publishedOn, H.lagDays.rating),
    facts: { kind: 'rating', overall, ...keyQuestions(stream, overall), publishedOn },
  };
}

function ratings(plan: LocationPlan, ctx: Context): void {
  const { stream, location } = plan;
  const end = lastDay(plan, ctx);
  const unrated = !isCareHome(location) && stream.chance(H.unratedCommunityShare);
  // Inadequate is only ever the outcome, so routine inspections move between the other three.
  let current: Exclude<Rating, 'Inadequate'> | null = unrated ? null : stream.weighted(H.ratingsAtStart);
  if (current) ctx.signals.push(ratingSignal(plan, stream.date(addMonths(ctx.from, -12 * H.initialRatingYears), addDays(ctx.from, -1)), current));
  const forced = plan.channels.rating && minDate(addDays(plan.channels.rating.from, stream.int(0, H.slippingInspectedWithinDays)), end);
  for (const month of ctx.months) {
    const monthEnd = minDate(addDays(addMonths(month, 1), -1), end);
    if (month > monthEnd) break;
    const chance = H.inspectionPerMonth[current ?? 'unrated'];
    const isForced = forced !== undefined && forced >= month && forced <= monthEnd;
    if (!isForced && !stream.chance(chance)) continue;
    const on = isForced ? forced : stream.date(month, monthEnd);
    const stressed = stream.chance(stressAt(plan, on) * H.stressedRequiresImprovementChance);
    current = isForced || stressed ? 'Requires improvement' : stream.weighted<Exclude<Rating, 'Inadequate'>>(current ? H.transitions[current] : H.ratingsAtStart);
    ctx.signals.push(ratingSignal(plan, on, current));
  }
  if (plan.event?.kind === 'inadequate') {
    const outcome = ratingSignal(plan, plan.event.on, 'Inadequate');
    ctx.signals.push(outcome);
    ctx.outcomeKeys.set(plan, [signalKey(outcome)]);
  }
}

function registrationSignal(plan: LocationPlan, describedOn: IsoDate, absentSince: IsoDate | null, status: 'Registered' | 'Deregistered' = 'Registered'): Signal {
  const { location, stream } = plan;
  return {
    source: 'cqc-register',
    naturalId: `${location.locationId}#registration#${describedOn}`,
    subject: { type: 'location', id: location.locationId },
    describedOn,
    receivedOn: lag(stream, describedOn, H.lagDays.register),
    facts: { kind: 'registration', status, dormant: false, registeredManagerAbsentSince: absentSince },
  };
}

/** The registered manager's comings and goings, as the monthly register extract shows them (on the 1st). */
function registrations(plan: LocationPlan, ctx: Context): void {
  const { stream } = plan;
  const end = lastDay(plan, ctx);
  const leaving = plan.channels.manager?.from;
  let absentSince: IsoDate | null = stream.chance(H.managerVacantShare) ? addMonths(ctx.from, -stream.int(1, H.managerGapMonths.max)) : null;
  let returnsOn: IsoDate | null = absentSince && addMonths(absentSince, stream.int(H.managerGapMonths.min, H.managerGapMonths.max));
  ctx.signals.push(registrationSignal(plan, addDays(ctx.from, -1), absentSince));
  for (const month of ctx.months.slice(1)) {
    if (month > end) break;
    const before = absentSince;
    if (absentSince) {
      if (returnsOn && returnsOn < month) {
        // A service sliding toward failure does not find a new manager.
        if (leaving && leaving < month) returnsOn = null;
        else {
          if (!plan.event) recordDip(ctx, plan, 'manager-gap', absentSince, returnsOn);
          absentSince = null;
        }
      }
    } else if (leaving && leaving < month) {
      absentSince = leaving;
    } else if (stream.chance(H.managerTurnoverPerYear / 12)) {
      absentSince = stream.date(addMonths(month, -1), addDays(month, -1));
      returnsOn = addMonths(absentSince, stream.int(H.managerGapMonths.min, H.managerGapMonths.max));
    }
    if (absentSince !== before) ctx.signals.push(registrationSignal(plan, month, absentSince));
  }
  if (plan.event?.kind === 'closure') {
    const outcome = registrationSignal(plan, plan.event.on, absentSince, 'Deregistered');
    ctx.signals.push(outcome);
    ctx.outcomeKeys.set(plan, [signalKey(outcome)]);
  }
}

type AbuseType = (typeof ABUSE_TYPES)[number];

/** The type of an everyday concern: neglect about a third of the time, otherwise any type. */
const usualConcernType = (stream: Dice): AbuseType => (stream.chance(H.usualNeglectShare) ? 'neglect-and-acts-of-omission' : stream.pick(ABUSE_TYPES));

function concerns(plan: LocationPlan, ctx: Context): void {
  const { stream, location } = plan;
  const end = lastDay(plan, ctx);
  const others = COUNCILS.filter((c) => c.region === location.region && c.gss !== location.councilGss).map((c) => c.gss);
  // Concerns arise from the people served, so a home's rate scales with its beds around its kind's average.
  const scale = location.beds > 0 && (location.serviceKind === 'nursing-home' || location.serviceKind === 'residential-home') ? location.beds / H.beds[location.serviceKind].mean : 1;
  const usualPerMonth = (S.concernsPerYear[location.serviceKind] * scale) / 12;
  let n = 0;
  const raise = (on: IsoDate, abuseType: AbuseType, section42Chance: number): void => {
    const reportingCouncilGss = others.length > 0 && !stream.chance(S.hostReportsChance) ? stream.pick(others) : location.councilGss;
    n++;
    ctx.signals.push({
      source: 'safeguarding-return',
      naturalId: `${reportingCouncilGss}#SG-${location.locationId}-${n}`,
      subject: { type: 'location', id: location.locationId },
      describedOn: on,
      receivedOn: lag(stream, on, H.lagDays.safeguarding),
      facts: { kind: 'safeguarding-concern', abuseType, section42Enquiry: stream.chance(section42Chance), reportingCouncilGss },
    });
  };
  for (const month of ctx.months) {
    const monthEnd = minDate(addDays(addMonths(month, 1), -1), end);
    if (month > monthEnd) break;
    if (stream.chance(usualPerMonth)) {
      const on = stream.date(month, monthEnd);
      raise(on, usualConcernType(stream), S.section42Chance.healthy);
      if (!plan.event) recordDip(ctx, plan, 'concern', on, on);
    }
    // Two half-chances a month, so a service in trouble can have two concerns in one month.
    const extra = intensity(plan.channels.concerns, month) * H.stressedConcernsPerMonth;
    for (let k = 0; k < 2; k++) {
      if (extra > 0 && stream.chance(extra / 2)) raise(stream.date(month, monthEnd), stream.pick(H.stressedConcernTypes), S.section42Chance.cluster);
    }
  }
}

function commissionerSignal(plan: LocationPlan, action: CommissionerActionType, on: IsoDate, n: number): Signal {
  const { location, stream } = plan;
  return {
    source: 'commissioner-action',
    naturalId: `${location.councilGss}#CA-${location.locationId}-${n}`,
    subject: { type: 'location', id: location.locationId },
    describedOn: on,
    receivedOn: lag(stream, on, H.lagDays.commissioner),
    facts: { kind: 'commissioner-action', action, councilGss: location.councilGss },
  };
}

function commissionerActions(plan: LocationPlan, ctx: Context): void {
  const { stream } = plan;
  const end = lastDay(plan, ctx);
  const actions: [CommissionerActionType, IsoDate][] = [];
  const embargo = plan.channels.embargo;
  if (embargo) {
    const within = () => stream.date(embargo.from, minDate(addDays(embargo.until, -1), end));
    actions.push(['placement-embargo', within()]);
    if (stream.chance(S.stressedActions.suspensionChance)) actions.push(['contract-suspended', within()]);
    if (stream.chance(S.stressedActions.enforcementChance)) actions.push(['cqc-enforcement', within()]);
  }
  // Noise: actions taken and undone, at the sample's chances over 24 months.
  for (const [action, undone, dip, per24Months] of [
    ['placement-embargo', 'placement-embargo-lifted', 'embargo-lifted', S.healthyActions.embargoChance],
    ['contract-suspended', 'contract-reinstated', 'contract-reinstated', S.healthyActions.suspensionChance],
  ] as const) {
    for (const month of ctx.months) {
      if (!stream.chance(per24Months / 24)) continue;
      const taken = stream.date(month, addDays(addMonths(month, 1), -1));
      const lifted = addDays(taken, stream.int(H.healthyActionLiftedAfterDays.min, H.healthyActionLiftedAfterDays.max));
      if (lifted > end) continue;
      actions.push([action, taken], [undone, lifted]);
      if (!plan.event) recordDip(ctx, plan, dip, taken, lifted);
    }
  }
  actions
    .filter(([, on]) => on <= end)
    .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
    .forEach(([action, on], i) => ctx.signals.push(commissionerSignal(plan, action, on, i + 1)));
}

/** Monthly Capacity Tracker returns of a care home: occupancy, vacancies, admissions and staffing. */
function capacityReturns(plan: LocationPlan, ctx: Context): void {
  const { stream, location } = plan;
  if (!returnsCapacity(location)) return;
  const end = lastDay(plan, ctx);
  const o = S.healthyOccupancy;
  const base = clamp(stream.normal(o.mean, o.sd), o.min, o.max);
  const slideTo = stream.between(S.stressedOccupancy.endMin, S.stressedOccupancy.endMax);
  const vacancyRate = stream.between(S.healthyVacancyRate.min, S.healthyVacancyRate.max);
  const stressedVacancy = stream.between(S.stressedVacancyRate.endMin, S.stressedVacancyRate.endMax);
  const embargo = plan.channels.embargo;
  let dip: { from: number; until: number; depth: number } | null = null;
  ctx.months.forEach((month, m) => {
    if (m % 12 === 0 && stream.chance(S.passingDip.chance)) {
      const start = m + stream.int(0, 11);
      dip = { from: start, until: start + stream.int(H.occupancyDipMonths.min, H.occupancyDipMonths.max), depth: stream.between(S.passingDip.depthMin, S.passingDip.depthMax) };
      const dipEnd = addDays(addMonths(ctx.from, dip.until), -1);
      if (!plan.event && dipEnd <= ctx.to) recordDip(ctx, plan, 'occupancy', addMonths(ctx.from, dip.from), dipEnd);
    }
    const describedOn = addDays(month, stream.int(7, 13));
    if (describedOn > end) return;
    const occupancyStress = intensity(plan.channels.occupancy, describedOn);
    if (stream.chance(S.staleShare * (1 + (H.missedReturnStressFactor - 1) * stressAt(plan, describedOn)))) return;
    const dipDepth = dip && m >= dip.from && m < dip.until ? dip.depth : 0;
    const occupancy = base - dipDepth - occupancyStress * (base - slideTo) + stream.normal(0, S.occupancyNoiseSd);
    const usedBeds = Math.round(location.beds * clamp(occupancy, 0.2, 1));
    const rate = vacancyRate + occupancyStress * (stressedVacancy - vacancyRate);
    const declaredVacancies = Math.min(location.beds - usedBeds, Math.round(location.beds * rate));
    const embargoed = embargo !== undefined && describedOn >= embargo.from;
    const accepting = declaredVacancies > 0 && !embargoed && !stream.chance(H.notAcceptingChance + occupancyStress * H.notAcceptingAtFullStress);
    const staffing = intensity(plan.channels.staffing, describedOn);
    const pct = (value: number): number | null => (stream.chance(S.blankPercentageChance) ? null : round1(clamp(value, 0, 100)));
    const a = S.agencyHoursPct;
    ctx.signals.push({
      source: 'capacity-tracker',
      naturalId: `${location.locationId}#${monthOf(month)}`,
      subject: { type: 'location', id: location.locationId },
      describedOn,
      // Landed once the window (8th-14th) has closed.
      receivedOn: lag(stream, addDays(month, 14), H.lagDays.capacity),
      facts: {
        kind: 'capacity-return',
        period: monthOf(month),
        maxCapacity: location.beds,
        usedBeds,
        declaredVacancies,
        acceptingAdmissions: accepting,
        staffAbsencePct: pct(stream.normal(S.staffAbsencePct.healthyMean + staffing * (S.staffAbsencePct.stressedMean - S.staffAbsencePct.healthyMean), S.staffAbsencePct.sd)),
        agencyHoursPct: pct(stream.between(a.healthyMin + staffing * (a.stressedMin - a.healthyMin), a.healthyMax + staffing * (a.stressedMax - a.healthyMax))),
      },
    });
  });
}

interface Filing {
  due: IsoDate;
  filed: IsoDate;
}

/** Yearly deadlines from a first one, each met `late(due)` days late. */
function filings(ctx: Context, firstDue: IsoDate, late: (due: IsoDate) => number): Filing[] {
  const result: Filing[] = [];
  for (let due = firstDue; due <= ctx.to; due = addMonths(due, 12)) {
    result.push({ due, filed: addDays(due, late(due)) });
  }
  return result;
}

const overdueDays = (list: readonly Filing[], on: IsoDate): number =>
  list.filter((f) => f.due < on && f.filed > on).reduce((most, f) => Math.max(most, daysBetween(f.due, on)), 0);

/** Monthly Companies House and credit-check snapshots of a provider's company, and its insolvency notice. */
function companySnapshots(owner: ProviderPlan, ctx: Context): void {
  const { provider, stream } = owner;
  const companyNumber = provider.companyNumber;
  if (companyNumber === null) return;
  const end = owner.insolventOn ? ctx.to : owner.locations.reduce((last, plan) => (lastDay(plan, ctx) > last ? lastDay(plan, ctx) : last), ctx.from);
  const stressedAt = (on: IsoDate) => intensity(owner.financial, on) > 0;
  const dipFor = (kind: DipKind, from: IsoDate, to: IsoDate) => {
    for (const plan of owner.locations) if (!plan.event) recordDip(ctx, plan, kind, from, to);
  };

  const accounts = filings(ctx, addDays(addMonths(ctx.from, -12), stream.int(0, 364)), (due) => {
    if (stressedAt(due)) return stream.chance(S.accountsOverdue.stressedChance) ? stream.int(S.accountsOverdue.stressedMinDays, S.accountsOverdue.stressedMaxDays) : 0;
    if (!stream.chance(H.lateFilingPerYear)) return 0;
    const days = stream.int(H.lateFilingDays.min, H.lateFilingDays.max);
    dipFor('late-filing', due, addDays(due, days));
    return days;
  });
  const confirmations = filings(ctx, addDays(addMonths(ctx.from, -12), stream.int(0, 364)), (due) =>
    stream.chance(stressedAt(due) ? S.confirmationOverdueChance.stressed : S.confirmationOverdueChance.healthy) ? stream.int(H.confirmationOverdueDays.min, H.confirmationOverdueDays.max) : 0,
  );
  const charges: IsoDate[] = [];
  for (let start = addMonths(ctx.from, -12); start <= ctx.to; start = addMonths(start, 12)) {
    if (stream.chance(S.newChargeChance.healthy)) charges.push(stream.date(start, addDays(addMonths(start, 12), -1)));
  }
  if (owner.financial && stream.chance(S.newChargeChance.stressed)) charges.push(stream.date(owner.financial.from, owner.financial.until));

  const c = S.creditScore;
  const held = !stream.chance(c.noneHeldChance);
  // A healthy company sits above the warning area (25 and below), as in the sample.
  const level = clamp(stream.normal(c.healthyMean, c.healthySd), c.stressedMax + 1, 100);
  const warningLevel = stream.between(c.stressedMin, c.stressedMax);
  const creditDips: { from: IsoDate; until: IsoDate; depth: number }[] = [];
  for (let start = ctx.from; start <= ctx.to; start = addMonths(start, 12)) {
    if (!stream.chance(H.creditDip.perYear)) continue;
    const from = stream.date(start, addDays(addMonths(start, 12), -1));
    const until = addMonths(from, stream.int(H.creditDip.monthsMin, H.creditDip.monthsMax));
    creditDips.push({ from, until, depth: stream.between(H.creditDip.depthMin, H.creditDip.depthMax) });
    if (until <= ctx.to) dipFor('credit', from, until);
  }
  const administration = stream.chance(H.administrationShare);

  const snapshot = (describedOn: IsoDate, receivedOn: IsoDate): Signal => {
    const insolvent = owner.insolventOn !== null && describedOn >= owner.insolventOn;
    const slide = intensity(owner.financial, describedOn);
    const dip = creditDips.find((d) => describedOn >= d.from && describedOn < d.until)?.depth ?? 0;
    const score = insolvent ? stream.int(0, c.insolventMax) : Math.round(clamp(level - dip - slide * (level - warningLevel) + stream.normal(0, H.creditNoiseSd), 0, 100));
    return {
      source: 'companies-house',
      naturalId: `${companyNumber}#${describedOn}`,
      subject: { type: 'provider', id: provider.providerId },
      describedOn,
      receivedOn,
      facts: {
        kind: 'financial-indicator',
        companyNumber,
        companyStatus: insolvent ? (administration ? 'administration' : 'liquidation') : 'active',
        accountsOverdueDays: overdueDays(accounts, describedOn),
        confirmationStatementOverdue: overdueDays(confirmations, describedOn) > 0,
        insolvencyCases: insolvent ? 1 : 0,
        newChargeWithin12Months: charges.some((on) => on <= describedOn && on > addMonths(describedOn, -12)),
        creditScore: held ? score : null,
      },
    };
  };

  const outcome: string[] = [];
  if (owner.insolventOn) {
    // Companies House publishes a change of status as it is registered: the first snapshot that shows it.
    const notice = snapshot(owner.insolventOn, lag(stream, owner.insolventOn, H.lagDays.insolvencyNotice));
    ctx.signals.push(notice);
    outcome.push(signalKey(notice));
  }
  for (const month of ctx.months) {
    const describedOn = addDays(month, H.financialSnapshotDay - 1);
    if (describedOn > end) break;
    if (describedOn === owner.insolventOn) continue;
    const signal = snapshot(describedOn, lag(stream, describedOn, H.lagDays.financial));
    ctx.signals.push(signal);
    if (signal.facts.kind === 'financial-indicator' && signal.facts.insolvencyCases > 0) outcome.push(signalKey(signal));
  }
  for (const plan of owner.locations) if (plan.event?.kind === 'insolvency') ctx.outcomeKeys.set(plan, outcome);
}

// ---------------------------------------------------------------------------------------------------------

export function generateHistory(options: HistoryOptions): MarketHistory {
  const { seed, from, months } = options;
  const to = addDays(addMonths(from, months), -1);
  const root = new Dice(seed);
  const { providers, groups } = buildMarket(root.fork(), options.locations, from);
  const story = planOutcomes(providers, from, to);
  const ctx: Context = {
    from,
    to,
    months: Array.from({ length: months }, (_, i) => addMonths(from, i)),
    signals: [],
    dips: [],
    outcomeKeys: new Map(),
  };
  const plans = providers.flatMap((owner) => owner.locations);
  for (const plan of plans) {
    ratings(plan, ctx);
    registrations(plan, ctx);
    concerns(plan, ctx);
    commissionerActions(plan, ctx);
    capacityReturns(plan, ctx);
  }
  for (const owner of providers) companySnapshots(owner, ctx);

  const events: FailureEvent[] = plans.flatMap((plan) => {
    if (!plan.event) return [];
    return [{
      locationId: plan.location.locationId,
      providerId: plan.location.providerId,
      kind: plan.event.kind,
      on: plan.event.on,
      ...story.get(plan)!,
      outcomeSignalKeys: ctx.outcomeKeys.get(plan) ?? [],
    }];
  });
  // A sound company that trades to the end of the history may buy homes; a failing or sliding one keeps its own.
  const sound = (owner: ProviderPlan) => owner.insolventOn === null && owner.financial === null;
  const reRegistered = reRegister({
    seed,
    from,
    to,
    locations: plans.map((plan) => plan.location),
    signals: ctx.signals,
    events,
    dips: ctx.dips,
    tiedToOwner: new Set(plans.filter((plan) => !sound(plan.owner)).map((plan) => plan.location.locationId)),
    buyers: providers
      .filter((owner) => sound(owner) && owner.provider.companyNumber !== null && owner.locations.some((plan) => !plan.event))
      .map((owner) => ({ providerId: owner.provider.providerId, locations: owner.locations.length })),
    registerLagDays: H.lagDays.register,
  });
  return { seed, from, to, providers: providers.map((owner) => owner.provider), groups, ...reRegistered };
}
