// Changes of owner and moves in the generated history. When a home is sold, CQC deregisters its location and
// registers a new id under the buyer the same day at the same address; a move registers a new id at a new
// address. Neither is a failure: from that day the service's story (its ratings, returns, concerns, manager,
// council actions, and any failure still to come) carries on under the new id. CQC states most such links in
// its API; the rest are left for the pipeline's own matching to find. Every draw here comes from streams of its own, so the
// rest of the history is the same with or without re-registrations. Like history.ts, this module knows
// nothing of how risk is scored.
import { Dice } from '../sample/dice.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import type { IsoDate, Location, RegistrationLink, ServiceKind, Signal, SuccessionKind } from '../../shared/domain/model.js';
import type { DipKind, FailureEvent, PassingDip } from './history.js';

/**
 * The re-registration parameters, each with its published source or marked as an assumption. Simplifications,
 * not modelled: mergers; a home sold twice within the history; a sale of a home whose company fails or slides
 * (its story is the company's, whose signals stay with the seller); a new provider as buyer (a buyer is an
 * existing sound company, drawn in proportion to its locations).
 */
export const RE_REGISTRATION_PARAMETERS = {
  /**
   * Re-registrations (changes of owner, moves) a year per location. Care homes: of about 3,300 care home
   * deregistrations from 2015 to 2019, about 1,221 were closures (CSI Market Intelligence, as for the closure
   * rate; cited by issue 13) and the rest changes of owner, moves and mergers: 1.7 times the closures, so 1.7
   * x the 2% closure rate. Community services: an assumption (their closures are mostly real exits).
   */
  perYear: { 'nursing-home': 0.034, 'residential-home': 0.034, 'home-care': 0.02, 'community-other': 0.02 } satisfies Record<ServiceKind, number>,
  /** Share of re-registrations that are moves to a new address by the same provider; the rest are changes of owner. An assumption. */
  moveShare: 0.1,
  /**
   * Share of re-registrations whose link CQC states (the API's `relationships`, HSCA predecessor and successor);
   * the rest are for the pipeline's matching (same UPRN), which cannot find a move. An assumption.
   */
  statedByCqcShare: 0.85,
  /** Days from a re-registration to the receipt of CQC's statement of it: the API polled weekly, as for ratings. */
  relationshipLagDays: { min: 0, max: 7 },
} as const;

const P = RE_REGISTRATION_PARAMETERS;

export type ReRegistrationKind = Extract<SuccessionKind, 'ownership-change' | 'move'>;

/** What really happened, for the backtest's counts and tracks: the pipeline knows only the links. */
export interface ReRegistration {
  predecessorId: string;
  successorId: string;
  /** The predecessor's deregistration and the successor's registration. */
  on: IsoDate;
  kind: ReRegistrationKind;
}

export interface SaleInput {
  seed: number;
  from: IsoDate;
  to: IsoDate;
  locations: readonly Location[];
  /** The day of each failing location's failure, whatever its kind. */
  failsOn: ReadonlyMap<string, IsoDate>;
  /** Locations whose story is their company's (it fails or slides): not sold here. */
  tiedToOwner: ReadonlySet<string>;
  /** Companies that may buy a home: sound ones that trade to the end of the history, with their number of locations. */
  buyers: readonly { providerId: string; locations: number }[];
  /** Days from a date on the register to its receipt in the register extract. */
  registerLagDays: { min: number; max: number };
}

/** Everything about the re-registrations but their signals, which are re-registered location by location. */
export interface ReRegistrationOutcome {
  locations: Location[];
  events: FailureEvent[];
  dips: PassingDip[];
  links: RegistrationLink[];
  reRegistrations: ReRegistration[];
}

interface Sale extends ReRegistration {
  buyerId: string;
  /** Receipt of the predecessor's deregistration and of the successor's registration in the register extract. */
  receivedOn: { deregistered: IsoDate; registered: IsoDate };
  /** Receipt of CQC's statement of the link, null when CQC states none. */
  statedOn: IsoDate | null;
}

/** Dips of the owner's company: they stay with the seller. */
const COMPANY_DIPS: ReadonlySet<DipKind> = new Set<DipKind>(['late-filing', 'credit']);

const REASONS: Record<ReRegistrationKind, string> = { 'ownership-change': 'Change of ownership', move: 'Location move' };

const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a < b ? a : b);
const lag = (stream: Dice, on: IsoDate, range: { min: number; max: number }): IsoDate => addDays(on, stream.int(range.min, range.max));

/** A date drawn at a yearly rate: each twelve-month block of the history has `perYear` chance of holding it. */
function yearlyDate(stream: Dice, perYear: number, from: IsoDate, to: IsoDate): IsoDate | null {
  for (let start = from; start <= to; start = addMonths(start, 12)) {
    if (stream.chance(perYear)) return stream.date(start, minDate(addDays(addMonths(start, 12), -1), to));
  }
  return null;
}

// Synthetic address keys, one address per postcode: the ZZ area does not exist, so nothing real is named.
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const uprnOf = (address: number): string => String(100_000_000_000 + address);
function postcodeOf(address: number): string {
  const district = 1 + (address % 99);
  const rest = Math.floor(address / 99);
  const unit = Math.floor(rest / 10);
  return `ZZ${district} ${rest % 10}${LETTERS[unit % 26]}${LETTERS[Math.floor(unit / 26) % 26]}`;
}

/** A buyer drawn in proportion to its locations (chains buy most homes), never the seller. */
function buyerPicker(buyers: ReadonlyArray<{ providerId: string; locations: number }>): (stream: Dice, seller: string) => string | null {
  const cumulative: number[] = [];
  let total = 0;
  for (const b of buyers) cumulative.push((total += b.locations));
  return (stream, seller) => {
    if (!buyers.some((b) => b.providerId !== seller)) return null;
    for (;;) {
      const buyer = buyers[stream.cumulativeIndex(cumulative)]!.providerId;
      if (buyer !== seller) return buyer;
    }
  };
}

function drawSales(input: SaleInput): Map<string, Sale> {
  const pickBuyer = buyerPicker(input.buyers);
  const sales = new Map<string, Sale>();
  input.locations.forEach((location, n) => {
    if (input.tiedToOwner.has(location.locationId)) return;
    const stream = Dice.forKey(input.seed, `re-registration|${location.locationId}`);
    const on = yearlyDate(stream, P.perYear[location.serviceKind], input.from, input.to);
    const failsOn = input.failsOn.get(location.locationId);
    // A home that fails first is not sold.
    if (on === null || (failsOn !== undefined && failsOn <= on)) return;
    const kind: ReRegistrationKind = stream.chance(P.moveShare) ? 'move' : 'ownership-change';
    const buyerId = kind === 'move' ? location.providerId : pickBuyer(stream, location.providerId);
    if (buyerId === null) return;
    // The rest of the sale's draws, from its own stream in the order they always came: its two register entries'
    // receipts, then whether and when CQC states the link.
    const receivedOn = { deregistered: lag(stream, on, input.registerLagDays), registered: lag(stream, on, input.registerLagDays) };
    const statedOn = stream.chance(P.statedByCqcShare) ? lag(stream, on, P.relationshipLagDays) : null;
    sales.set(location.locationId, { predecessorId: location.locationId, successorId: `1-${3_000_000_000 + n}`, on, kind, buyerId, receivedOn, statedOn });
  });
  return sales;
}

/** The same service under its successor's id. */
const renamed = (text: string, sale: Sale): string => text.split(sale.predecessorId).join(sale.successorId);

function registrationSignal(locationId: string, on: IsoDate, receivedOn: IsoDate, status: 'Registered' | 'Deregistered', absentSince: IsoDate | null): Signal {
  return {
    source: 'cqc-register',
    naturalId: `${locationId}#registration#${on}`,
    subject: { type: 'location', id: locationId },
    describedOn: on,
    receivedOn,
    facts: { kind: 'registration', status, dormant: false, registeredManagerAbsentSince: absentSince },
  };
}

/**
 * The history with each sold or moved home re-registered: the predecessor deregistered on the day, the successor
 * registered that day and holding everything the service does from then on, and CQC's statement of most links.
 * Every location gets address keys (UPRN and postcode), shared by a change of owner's two registrations; a
 * closure's location records its deregistration. The sales are drawn first, from the market and its failure
 * dates alone, so each location's signals can be re-registered as soon as they are drawn and none need be held.
 */
export class OwnershipChanges {
  private readonly sales: Map<string, Sale>;

  constructor(private readonly input: SaleInput) {
    this.sales = drawSales(input);
  }

  /**
   * One location's signals (all of them: the manager's state on the day of a sale is read from them) as
   * re-registered, and the two register entries of its sale, if it is sold.
   */
  reRegister(locationId: string, own: Signal[]): { signals: Signal[]; saleRegistrations: Signal[] } {
    const sale = this.sales.get(locationId);
    if (!sale) return { signals: own, saleRegistrations: [] };
    // The manager's state on the day of the sale carries to both registrations' entries on the register.
    let onSale: { on: IsoDate; absentSince: IsoDate | null } | null = null;
    const signals: Signal[] = [];
    for (const signal of own) {
      if (signal.facts.kind === 'registration' && signal.describedOn <= sale.on) {
        if (!onSale || signal.describedOn >= onSale.on) onSale = { on: signal.describedOn, absentSince: signal.facts.registeredManagerAbsentSince };
        // The successor's own registration entry replaces one dated the day of the sale.
        if (signal.describedOn === sale.on) continue;
      }
      if (signal.describedOn < sale.on) signals.push(signal);
      else signals.push({ ...signal, naturalId: renamed(signal.naturalId, sale), subject: { type: 'location', id: sale.successorId } });
    }
    const absentSince = onSale?.absentSince ?? null;
    return {
      signals,
      saleRegistrations: [
        registrationSignal(sale.predecessorId, sale.on, sale.receivedOn.deregistered, 'Deregistered', absentSince),
        registrationSignal(sale.successorId, sale.on, sale.receivedOn.registered, 'Registered', absentSince),
      ],
    };
  }

  /** The locations with their address keys and successors, the links CQC states, and the events and dips moved to successors. */
  outcome(events: readonly FailureEvent[], dips: readonly PassingDip[]): ReRegistrationOutcome {
    const { sales, input } = this;
    const closedOn = new Map(events.filter((e) => e.kind === 'closure').map((e) => [e.locationId, e.on]));
    const locations: Location[] = input.locations.map((location, n) => {
      const deregisteredOn = sales.get(location.locationId)?.on ?? closedOn.get(location.locationId);
      return { ...location, uprn: uprnOf(n), postcode: postcodeOf(n), ...(deregisteredOn === undefined ? {} : { deregisteredOn }) };
    });
    const links: RegistrationLink[] = [];
    const reRegistrations: ReRegistration[] = [];
    input.locations.forEach((location, n) => {
      const sale = sales.get(location.locationId);
      if (!sale) return;
      const { on, kind } = sale;
      // A move takes the service to a new address; a change of owner keeps the old one.
      const address = kind === 'move' ? input.locations.length + n : n;
      const failsOn = closedOn.get(location.locationId);
      locations.push({
        ...location,
        locationId: sale.successorId,
        providerId: sale.buyerId,
        registeredOn: on,
        uprn: uprnOf(address),
        postcode: postcodeOf(address),
        ...(failsOn === undefined ? {} : { deregisteredOn: failsOn }),
      });
      reRegistrations.push({ predecessorId: sale.predecessorId, successorId: sale.successorId, on, kind });
      if (sale.statedOn === null) return;
      links.push({
        predecessorId: sale.predecessorId,
        successorId: sale.successorId,
        linkedOn: on,
        kind,
        reason: REASONS[kind],
        evidence: 'cqc-relationship',
        confidence: 1,
        source: 'cqc-api',
        origin: `cqc-api/locations/${sale.successorId}.json`,
        receivedOn: sale.statedOn,
      });
    });

    return {
      locations,
      events: events.map((event) => {
        const sale = sales.get(event.locationId);
        // Only a failure after the sale can belong to a sold home: it is the successor's.
        return sale ? { ...event, locationId: sale.successorId, providerId: sale.buyerId, outcomeSignalKeys: event.outcomeSignalKeys.map((key) => renamed(key, sale)) } : event;
      }),
      dips: dips.map((dip) => {
        const sale = sales.get(dip.locationId);
        return sale && dip.from >= sale.on && !COMPANY_DIPS.has(dip.kind) ? { ...dip, locationId: sale.successorId } : dip;
      }),
      links,
      reRegistrations,
    };
  }
}
