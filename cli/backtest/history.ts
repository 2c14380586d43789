// A deterministic multi-year history of a care market whose outcomes are known, for the backtest. Each
// location has a latent health trajectory: most stay healthy with noise and passing dips, some fail (an
// Inadequate rating, a closure, an insolvency), most of those after months of precursors and some suddenly;
// new services open as others leave. This module must not know how risk is scored (it imports no scoring
// code and no model configuration): the story comes only from its parameters (history-parameters.ts), each
// tied to a published figure or marked an assumption, so the backtest measures the model against the market
// rather than against itself.
import { Dice } from '../sample/dice.js';
import { groupBy } from '../../shared/domain/collections.js';
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
  SERVICE_KINDS,
  type ServiceKind,
  type Signal,
  signalKey,
} from '../../shared/domain/model.js';
import { SAMPLE_PARAMETERS } from '../sample/generate.js';
import { HISTORY_PARAMETERS } from './history-parameters.js';
import { OwnershipChanges, type ReRegistration } from './ownership-changes.js';
import { poisson } from './poisson-draw.js';

export { HISTORY_PARAMETERS } from './history-parameters.js';

const S = SAMPLE_PARAMETERS;
const H = HISTORY_PARAMETERS;

/**
 * 30,000 locations is England's density (about 15,000 care homes and as many home-care services): at a tenth
 * of it every council looks thin, most homes hold a large share of its beds, and High impact is everywhere.
 */
export const HISTORY_DEFAULTS = { seed: 20210101, locations: 30_000, from: '2021-01-01', months: 48 } as const;

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
const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);

// ---------------------------------------------------------------------------------------------------------
// The market: locations, providers, groups

interface ProviderPlan {
  provider: Provider;
  stream: Dice;
  /** The day the provider starts trading in this market: the start of the history, or its first service's registration. */
  since: IsoDate;
  locations: LocationPlan[];
  /** The company's usual credit score, and whether it is drawn from the weak group. */
  credit: { level: number; weak: boolean };
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

/** A company's usual credit score: from the weak group (Company Watch's warning area and about it) or the rest. */
function creditOf(stream: Dice): ProviderPlan['credit'] {
  const c = H.credit;
  const weak = stream.chance(c.weakShare);
  return { level: weak ? stream.between(c.weak.min, c.weak.max) : clamp(stream.normal(c.usual.mean, c.usual.sd), c.usual.min, c.usual.max), weak };
}

/** The p-th provider: a company (most) or an individual or partnership. */
function providerPlan(stream: Dice, p: number, since: IsoDate): ProviderPlan {
  const withCompany = !stream.chance(H.noCompanyShare);
  const provider: Provider = {
    providerId: `1-${2_000_000_000 + p}`,
    name: `Provider ${p + 1} ${withCompany ? 'Care Ltd' : 'and Partners'}`,
    companyNumber: withCompany ? String(10_000_000 + p) : null,
    ownershipType: withCompany ? 'Organisation' : stream.pick(['Individual', 'Partnership']),
    groupId: null,
  };
  const own = stream.fork();
  return { provider, stream: own, since, locations: [], credit: creditOf(own), insolventOn: null, financial: null };
}

/** The n-th location, of a kind, in a council, registered on a day. */
function locationOf(stream: Dice, n: number, owner: ProviderPlan, kind: ServiceKind, council: Council, registeredOn: IsoDate): Location {
  const beds = bedsOf(stream, kind);
  return {
    locationId: `1-${1_000_000_000 + n}`,
    providerId: owner.provider.providerId,
    name: `${isCareHome({ serviceKind: kind }) ? 'Care home' : 'Care service'} ${n + 1}`,
    councilGss: council.gss,
    region: council.region,
    serviceKind: kind,
    beds,
    sizeBand: sizeBandOf(beds),
    specialisms: specialismsOf(stream, kind),
    registeredOn,
  };
}

/**
 * A company's insolvency, at its size's yearly rate from the day it trades: twice as likely for a weak one, the
 * average unchanged.
 */
function drawInsolvency(owner: ProviderPlan, to: IsoDate): void {
  if (owner.provider.companyNumber === null) return;
  const c = H.credit;
  const base = owner.locations.length >= 6 ? H.insolvencyPerYear.fromSixLocations : H.insolvencyPerYear.small;
  const rate = (base * (owner.credit.weak ? c.weakInsolvencyFactor : 1)) / (c.weakShare * c.weakInsolvencyFactor + 1 - c.weakShare);
  owner.insolventOn = eventDate(owner.stream, rate, addDays(owner.since, 1), to);
}

function buildMarket(stream: Dice, count: number, from: IsoDate, to: IsoDate): { providers: ProviderPlan[]; groups: Group[] } {
  const weights = councilWeights(COUNCILS);
  const byGss = new Map(COUNCILS.map((c) => [c.gss, c]));
  const providers: ProviderPlan[] = [];
  let made = 0;
  while (made < count) {
    const size = Math.min(count - made, providerSize(stream, count));
    const plan = providerPlan(stream, providers.length, from);
    const mainKind = stream.weighted(H.serviceKinds);
    const home = byGss.get(stream.weighted(weights))!;
    const homeRegion = Object.fromEntries(COUNCILS.filter((c) => c.region === home.region).map((c) => [c.gss, weights[c.gss]!]));
    for (let l = 0; l < size; l++) {
      const kind = stream.chance(H.sameKindShare) ? mainKind : stream.weighted(H.serviceKinds);
      const council = l === 0 ? home : byGss.get(stream.weighted(stream.chance(H.homeRegionShare) ? homeRegion : weights))!;
      const location = locationOf(stream, made + l, plan, kind, council, stream.date('1995-01-01', addMonths(from, -12)));
      plan.locations.push({ location, owner: plan, stream: stream.fork(), event: null, channels: {} });
    }
    drawInsolvency(plan, to);
    providers.push(plan);
    made += size;
  }
  return { providers, groups: formBrands(stream, providers) };
}

/** An existing provider drawn in proportion to its services of a kind (chains open most), null when none runs one. */
function ownerPicker(providers: readonly ProviderPlan[], kind: ServiceKind): (stream: Dice) => ProviderPlan | null {
  const owners: ProviderPlan[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const owner of providers) {
    const n = owner.locations.filter((plan) => plan.location.serviceKind === kind).length;
    if (n === 0) continue;
    owners.push(owner);
    cumulative.push((total += n));
  }
  return (stream) => (total === 0 ? null : owners[stream.cumulativeIndex(cumulative)]!);
}

/**
 * Services opened over the history: each year, a Poisson count of each kind at its yearly rate of the starting
 * count, registered on a day of that year, with no rating yet. An existing provider opens it unless it is
 * insolvent by then, else a new single-location one does. Every draw comes from streams keyed by the seed, so
 * the starting market is the same with or without openings.
 */
function openServices(seed: number, providers: ProviderPlan[], from: IsoDate, to: IsoDate): void {
  const stream = Dice.forKey(seed, 'openings');
  const weights = councilWeights(COUNCILS);
  const byGss = new Map(COUNCILS.map((c) => [c.gss, c]));
  const starting = providers.flatMap((owner) => owner.locations);
  const pickers = new Map(SERVICE_KINDS.map((kind) => [kind, ownerPicker(providers, kind)]));
  let n = starting.length;
  for (let start = from; start <= to; start = addMonths(start, 12)) {
    const yearEnd = minDate(addDays(addMonths(start, 12), -1), to);
    const yearShare = (daysBetween(start, yearEnd) + 1) / 365;
    for (const kind of SERVICE_KINDS) {
      const expected = starting.filter((plan) => plan.location.serviceKind === kind).length * H.openingsPerYear[kind] * yearShare;
      for (let i = poisson(stream, expected); i > 0; i--) {
        const on = stream.date(start, yearEnd);
        const existing = stream.chance(H.openedByNewProviderShare) ? null : pickers.get(kind)!(stream);
        const sound = existing !== null && (existing.insolventOn === null || existing.insolventOn > on);
        const owner = sound ? existing : providerPlan(Dice.forKey(seed, `opening-provider|${providers.length}`), providers.length, on);
        const council = byGss.get(stream.weighted(weights))!;
        const own = Dice.forKey(seed, `opening|${n}`);
        const location = locationOf(own, n++, owner, kind, council, on);
        owner.locations.push({ location, owner, stream: own.fork(), event: null, channels: {} });
        if (!sound) {
          drawInsolvency(owner, to);
          providers.push(owner);
        }
      }
    }
  }
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

/**
 * A date drawn at a yearly rate: each twelve-month block from `from` has `perYear` chance of holding it, a
 * shorter last block its share of that.
 */
function eventDate(stream: Dice, perYear: number, from: IsoDate, to: IsoDate): IsoDate | null {
  for (let start = from; start <= to; start = addMonths(start, 12)) {
    const end = minDate(addDays(addMonths(start, 12), -1), to);
    if (stream.chance(perYear * Math.min(1, (daysBetween(start, end) + 1) / 365))) return stream.date(start, end);
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
    for (const plan of owner.locations) {
      const { registeredOn, serviceKind } = plan.location;
      // A service opened within the history can fail from the day after its registration.
      const since = registeredOn < from ? from : addDays(registeredOn, 1);
      const candidates: { kind: FailureKind; on: IsoDate | null }[] = [
        { kind: 'closure', on: eventDate(plan.stream, H.closurePerYear[serviceKind], since, to) },
        { kind: 'inadequate', on: eventDate(plan.stream, H.inadequatePerYear, since, to) },
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
      const { registeredOn } = plan.location;
      // A service that fails within its first months shows no run-up of its own: it is sudden.
      const tooNew = !insolvency && addMonths(event.on, -H.leadMonths.min) < registeredOn;
      const warned = insolvency ? companyWarned : plan.stream.chance(H.precursorShare[event.kind]) && !tooNew;
      if (!warned) {
        story.set(plan, { hadPrecursor: false, precursorsFrom: null, precursors: [] });
        continue;
      }
      const onset = insolvency ? companyOnset! : maxDate(addMonths(event.on, -plan.stream.int(H.leadMonths.min, H.leadMonths.max)), registeredOn);
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
  /** The last day of each month. */
  monthEnds: IsoDate[];
  /** The signals of the location or company being drawn: taken once it is done, so none are held for long. */
  signals: Signal[];
  dips: PassingDip[];
  outcomeKeys: Map<LocationPlan, string[]>;
}

const lag = (stream: Dice, on: IsoDate, range: { min: number; max: number }): IsoDate => addDays(on, stream.int(range.min, range.max));

/** The last day a location's own signals describe: the day before its event, or the end of the history. */
const lastDay = (plan: LocationPlan, ctx: Context): IsoDate => (plan.event ? addDays(plan.event.on, -1) : ctx.to);

/** Whether the location opened within the history: it has no past, and no signal before its registration. */
const opened = (plan: LocationPlan, ctx: Context): boolean => plan.location.registeredOn >= ctx.from;

/** Days of one month on which a location is registered and has not failed. */
interface Span {
  from: IsoDate;
  to: IsoDate;
  days: number;
}

/** For each month of the history, the days on which the location is registered and has not failed, or null. */
function monthSpans(plan: LocationPlan, ctx: Context): (Span | null)[] {
  const end = lastDay(plan, ctx);
  return ctx.months.map((month, m) => {
    const from = maxDate(month, plan.location.registeredOn);
    const to = minDate(ctx.monthEnds[m]!, end);
    return from <= to ? { from, to, days: daysBetween(from, to) + 1 } : null;
  });
}

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

function ratings(plan: LocationPlan, ctx: Context, spans: readonly (Span | null)[]): void {
  const { stream, location } = plan;
  const end = lastDay(plan, ctx);
  const isNew = opened(plan, ctx);
  const unrated = isNew || (!isCareHome(location) && stream.chance(H.unratedCommunityShare));
  // Inadequate is only ever the outcome, so routine inspections move between the other three.
  let current: Exclude<Rating, 'Inadequate'> | null = unrated ? null : stream.weighted(H.ratingsAtStart);
  if (current) ctx.signals.push(ratingSignal(plan, stream.date(addMonths(ctx.from, -12 * H.initialRatingYears), addDays(ctx.from, -1)), current));
  // A new service waits for its first inspection, within about a year of its registration.
  const first = isNew ? addMonths(location.registeredOn, stream.int(H.firstInspectionMonths.min, H.firstInspectionMonths.max)) : null;
  const forced = plan.channels.rating && minDate(addDays(plan.channels.rating.from, stream.int(0, H.slippingInspectedWithinDays)), end);
  for (const span of spans) {
    if (!span) continue;
    const within = (day: IsoDate | null | undefined): day is IsoDate => day !== null && day !== undefined && day >= span.from && day <= span.to;
    const isForced = within(forced);
    const isFirst = current === null && within(first);
    const chance = isNew && current === null ? 0 : H.inspectionPerMonth[current ?? 'unrated'];
    if (!isForced && !isFirst && !stream.chance(chance)) continue;
    const on = isForced ? forced! : isFirst ? first! : stream.date(span.from, span.to);
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
  const { stream, location } = plan;
  const end = lastDay(plan, ctx);
  const leaving = plan.channels.manager?.from;
  // A new service registers with its manager in post; one already trading may be between managers.
  const isNew = opened(plan, ctx);
  let absentSince: IsoDate | null = !isNew && stream.chance(H.managerVacantShare) ? addMonths(ctx.from, -stream.int(1, H.managerGapMonths.max)) : null;
  let returnsOn: IsoDate | null = absentSince && addMonths(absentSince, stream.int(H.managerGapMonths.min, H.managerGapMonths.max));
  ctx.signals.push(registrationSignal(plan, isNew ? location.registeredOn : addDays(ctx.from, -1), absentSince));
  for (const month of ctx.months.slice(1)) {
    if (month > end) break;
    if (month <= location.registeredOn) continue;
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
      absentSince = maxDate(stream.date(addMonths(month, -1), addDays(month, -1)), location.registeredOn);
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

/** A service's usual concerns a year: per bed for a care home, per service otherwise. */
function usualConcernsPerYear(location: Location): number {
  const kind = location.serviceKind;
  return kind === 'nursing-home' || kind === 'residential-home' ? H.concernsPerBedYear[kind] * location.beds : H.concernsPerServiceYear[kind];
}

const DAYS_A_MONTH = 365.25 / 12;

/**
 * Safeguarding concerns returned by councils: each month a Poisson count at the service's own usual rate, and
 * in a run-up a second count, of neglect and organisational concerns, at that rate times its lift and the
 * channel's intensity. A month of at least two concerns and three times the usual count at a service that does
 * not fail is a passing dip.
 */
function concerns(plan: LocationPlan, ctx: Context, spans: readonly (Span | null)[]): void {
  const { stream, location } = plan;
  const others = COUNCILS.filter((c) => c.region === location.region && c.gss !== location.councilGss).map((c) => c.gss);
  const usualPerMonth = (usualConcernsPerYear(location) * stream.between(H.concernReportingFactor.min, H.concernReportingFactor.max)) / 12;
  const lift = stream.between(H.stressedConcernLift.min, H.stressedConcernLift.max);
  let n = 0;
  const raise = (on: IsoDate, abuseType: AbuseType, section42Share: number): void => {
    const reportingCouncilGss = others.length > 0 && !stream.chance(S.hostReportsChance) ? stream.pick(others) : location.councilGss;
    n++;
    ctx.signals.push({
      source: 'safeguarding-return',
      naturalId: `${reportingCouncilGss}#SG-${location.locationId}-${n}`,
      subject: { type: 'location', id: location.locationId },
      describedOn: on,
      receivedOn: lag(stream, on, H.lagDays.safeguarding),
      facts: { kind: 'safeguarding-concern', abuseType, section42Enquiry: stream.chance(section42Share), reportingCouncilGss },
    });
  };
  for (const span of spans) {
    if (!span) continue;
    const mean = (usualPerMonth * span.days) / DAYS_A_MONTH;
    const usual = poisson(stream, mean);
    for (let k = 0; k < usual; k++) raise(stream.date(span.from, span.to), usualConcernType(stream), H.section42Share.usual);
    if (!plan.event && usual >= 2 && usual >= 3 * mean) recordDip(ctx, plan, 'concern', span.from, span.to);
    const extra = poisson(stream, mean * lift * intensity(plan.channels.concerns, span.from));
    for (let k = 0; k < extra; k++) raise(stream.date(span.from, span.to), stream.pick(H.stressedConcernTypes), H.section42Share.stressed);
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

function commissionerActions(plan: LocationPlan, ctx: Context, spans: readonly (Span | null)[]): void {
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
  // Noise: actions taken and undone, at the sample's chances over 24 months, and enforcement that stands.
  for (const [action, undone, dip, per24Months] of [
    ['placement-embargo', 'placement-embargo-lifted', 'embargo-lifted', S.healthyActions.embargoChance],
    ['contract-suspended', 'contract-reinstated', 'contract-reinstated', S.healthyActions.suspensionChance],
  ] as const) {
    for (const span of spans) {
      if (!span || !stream.chance(per24Months / 24)) continue;
      const taken = stream.date(span.from, span.to);
      const lifted = addDays(taken, stream.int(H.healthyActionLiftedAfterDays.min, H.healthyActionLiftedAfterDays.max));
      if (lifted > end) continue;
      actions.push([action, taken], [undone, lifted]);
      if (!plan.event) recordDip(ctx, plan, dip, taken, lifted);
    }
  }
  for (const span of spans) {
    if (span && stream.chance(H.healthyEnforcementPerYear / 12)) actions.push(['cqc-enforcement', stream.date(span.from, span.to)]);
  }
  actions
    .filter(([, on]) => on <= end)
    .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
    .forEach(([action, on], i) => ctx.signals.push(commissionerSignal(plan, action, on, i + 1)));
}

/** A home's usual share of hours worked by agency staff: most use little, some rely on it for years. */
function agencyLevelOf(stream: Dice): number {
  const bands = H.agencyHoursPct;
  const band = bands[Number(stream.weighted(Object.fromEntries(bands.map((b, i) => [String(i), b.share]))))]!;
  return stream.between(band.min, band.max);
}

/**
 * Monthly Capacity Tracker returns of a care home: occupancy, vacancies, admissions and staffing. Each home has
 * its own usual levels, drawn once; a home in a run-up moves from them by amounts also drawn once, so some
 * homes in trouble barely move and some healthy ones sit where troubled ones end. A new home fills up first.
 */
function capacityReturns(plan: LocationPlan, ctx: Context): void {
  const { stream, location } = plan;
  if (!returnsCapacity(location)) return;
  const end = lastDay(plan, ctx);
  const o = H.occupancy;
  const base = clamp(stream.normal(o.mean, o.sd), o.min, o.max);
  const drop = stream.between(H.stressedOccupancyDrop.min, H.stressedOccupancyDrop.max);
  const vacancyRate = stream.between(S.healthyVacancyRate.min, S.healthyVacancyRate.max);
  const stressedVacancy = stream.between(S.stressedVacancyRate.endMin, S.stressedVacancyRate.endMax);
  const agency = { level: agencyLevelOf(stream), rise: stream.between(H.stressedAgencyRise.min, H.stressedAgencyRise.max) };
  const a = H.staffAbsencePct;
  const absence = { level: stream.between(a.usualMin, a.usualMax), rise: stream.between(a.stressedRiseMin, a.stressedRiseMax) };
  const f = H.newHomeFill;
  const fill = opened(plan, ctx) ? { from: stream.between(f.startMin, f.startMax), days: 30 * stream.int(f.monthsMin, f.monthsMax) } : null;
  const embargo = plan.channels.embargo;
  let dip: { from: number; until: number; depth: number } | null = null;
  ctx.months.forEach((month, m) => {
    if (m % 12 === 0 && stream.chance(S.passingDip.chance)) {
      const start = m + stream.int(0, 11);
      dip = { from: start, until: start + stream.int(H.occupancyDipMonths.min, H.occupancyDipMonths.max), depth: stream.between(S.passingDip.depthMin, S.passingDip.depthMax) };
      const dipStart = addMonths(ctx.from, dip.from);
      const dipEnd = addDays(addMonths(ctx.from, dip.until), -1);
      if (!plan.event && dipStart >= location.registeredOn && dipEnd <= ctx.to) recordDip(ctx, plan, 'occupancy', dipStart, dipEnd);
    }
    const describedOn = addDays(month, stream.int(7, 13));
    if (describedOn > end || describedOn < location.registeredOn) return;
    const occupancyStress = intensity(plan.channels.occupancy, describedOn);
    if (stream.chance(S.staleShare * (1 + (H.missedReturnStressFactor - 1) * stressAt(plan, describedOn)))) return;
    const dipDepth = dip && m >= dip.from && m < dip.until ? dip.depth : 0;
    const usual = fill ? fill.from + (base - fill.from) * Math.min(1, daysBetween(location.registeredOn, describedOn) / fill.days) : base;
    const occupancy = usual - dipDepth - occupancyStress * drop + stream.normal(0, S.occupancyNoiseSd);
    const usedBeds = Math.round(location.beds * clamp(occupancy, 0.2, 1));
    const rate = vacancyRate + occupancyStress * (stressedVacancy - vacancyRate);
    const declaredVacancies = Math.min(location.beds - usedBeds, Math.round(location.beds * rate));
    const embargoed = embargo !== undefined && describedOn >= embargo.from;
    const accepting = declaredVacancies > 0 && !embargoed && !stream.chance(H.notAcceptingChance + occupancyStress * H.notAcceptingAtFullStress);
    const staffing = intensity(plan.channels.staffing, describedOn);
    const pct = (value: number): number | null => (stream.chance(S.blankPercentageChance) ? null : round1(clamp(value, 0, 100)));
    const agencyPct = agency.level * stream.between(H.agencyMonthlyFactor.min, H.agencyMonthlyFactor.max) + staffing * agency.rise;
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
        staffAbsencePct: pct(stream.normal(absence.level + staffing * absence.rise, a.sd)),
        agencyHoursPct: pct(agencyPct),
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
  const { level } = owner.credit;
  const slideTo = stream.between(H.credit.slideTo.min, H.credit.slideTo.max);
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
    const score = insolvent ? stream.int(0, c.insolventMax) : Math.round(clamp(level - dip - slide * Math.max(0, level - slideTo) + stream.normal(0, H.creditNoiseSd), 0, 100));
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
    // A company new to the market is looked up once it registers its first service here.
    if (describedOn < owner.since || describedOn === owner.insolventOn) continue;
    const signal = snapshot(describedOn, lag(stream, describedOn, H.lagDays.financial));
    ctx.signals.push(signal);
    if (signal.facts.kind === 'financial-indicator' && signal.facts.insolvencyCases > 0) outcome.push(signalKey(signal));
  }
  for (const plan of owner.locations) if (plan.event?.kind === 'insolvency') ctx.outcomeKeys.set(plan, outcome);
}

// ---------------------------------------------------------------------------------------------------------

/** The last day of a history. */
export const historyEnd = (options: Pick<HistoryOptions, 'from' | 'months'>): IsoDate => addDays(addMonths(options.from, options.months), -1);

/** One location's signals as re-registered, with its sale's two register entries apart; or one company's. */
interface Drawn {
  signals: Signal[];
  saleRegistrations: Signal[];
}

/** The signals drawn since they were last taken. */
function taken(ctx: Context): Signal[] {
  const { signals } = ctx;
  ctx.signals = [];
  return signals;
}

/**
 * The history drawn one location at a time, then one company at a time, each yielded as soon as it is drawn;
 * the rest of the history is returned at the end. The sales are drawn up front, from the market and its
 * failure dates, so each location's signals are re-registered as they are drawn.
 */
function* drawHistory(options: HistoryOptions): Generator<Drawn, Omit<MarketHistory, 'signals'>> {
  const { seed, from, months } = options;
  const to = historyEnd(options);
  const root = new Dice(seed);
  const { providers, groups } = buildMarket(root.fork(), options.locations, from, to);
  openServices(seed, providers, from, to);
  const story = planOutcomes(providers, from, to);
  const ctx: Context = {
    from,
    to,
    months: Array.from({ length: months }, (_, i) => addMonths(from, i)),
    monthEnds: Array.from({ length: months }, (_, i) => addDays(addMonths(from, i + 1), -1)),
    signals: [],
    dips: [],
    outcomeKeys: new Map(),
  };
  const plans = providers.flatMap((owner) => owner.locations);
  // A sound company that trades to the end of the history may buy homes; a failing or sliding one keeps its own,
  // and a service opened within the history is not sold in its first years (an assumption).
  const sound = (owner: ProviderPlan) => owner.insolventOn === null && owner.financial === null;
  const changes = new OwnershipChanges({
    seed,
    from,
    to,
    locations: plans.map((plan) => plan.location),
    failsOn: new Map(plans.flatMap((plan) => (plan.event ? [[plan.location.locationId, plan.event.on]] : []))),
    tiedToOwner: new Set(plans.filter((plan) => !sound(plan.owner) || opened(plan, ctx)).map((plan) => plan.location.locationId)),
    buyers: providers
      .filter((owner) => sound(owner) && owner.provider.companyNumber !== null && owner.locations.some((plan) => !plan.event))
      .map((owner) => ({ providerId: owner.provider.providerId, locations: owner.locations.length })),
    registerLagDays: H.lagDays.register,
  });
  for (const plan of plans) {
    const spans = monthSpans(plan, ctx);
    ratings(plan, ctx, spans);
    registrations(plan, ctx);
    concerns(plan, ctx, spans);
    commissionerActions(plan, ctx, spans);
    capacityReturns(plan, ctx);
    yield changes.reRegister(plan.location.locationId, taken(ctx));
  }
  for (const owner of providers) {
    companySnapshots(owner, ctx);
    yield { signals: taken(ctx), saleRegistrations: [] };
  }

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
  return { seed, from, to, providers: providers.map((owner) => owner.provider), groups, ...changes.outcome(events, ctx.dips) };
}

/** The whole history: every location's signals in turn, then every company's, then the register entries of every sale. */
export function generateHistory(options: HistoryOptions): MarketHistory {
  const signals: Signal[] = [];
  const saleRegistrations: Signal[] = [];
  const drawing = drawHistory(options);
  for (let next = drawing.next(); ; next = drawing.next()) {
    if (next.done) return { ...next.value, signals: signals.concat(saleRegistrations) };
    signals.push(...next.value.signals);
    saleRegistrations.push(...next.value.saleRegistrations);
  }
}

/**
 * The history's signals a batch at a time, as they are drawn, so a large market need not be held: one location's
 * (with its successor's, if it is sold), then one company's. Each subject's signals are in one batch, together.
 * The generator returns the rest of the history; the signals are those of generateHistory, in another order.
 */
export function* streamHistory(options: HistoryOptions): Generator<Signal[], Omit<MarketHistory, 'signals'>> {
  const drawing = drawHistory(options);
  for (let next = drawing.next(); ; next = drawing.next()) {
    if (next.done) return next.value;
    const { signals, saleRegistrations } = next.value;
    yield [...groupBy([...signals, ...saleRegistrations], (s) => `${s.subject.type}#${s.subject.id}`).values()].flat();
  }
}
