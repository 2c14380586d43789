// One location's market facts as known on a date: the per-location inputs of the heat map.
import * as z from 'zod/mini';
import { addMonths, monthOf, monthsBetween } from './dates.js';
import { knownAt, latestReport } from './known-at.js';
import {
  CapacityFacts,
  CqcId,
  IsoDate,
  isCareHome,
  type Location,
  Rating,
  type Signal,
  type SignalKind,
  type SignalOf,
} from './model.js';

/** Only care homes are expected to send a Capacity Tracker return every month. */

/** A care home whose latest return is this many months behind the as-of month (or never sent one) is stale. */
export const STALE_RETURN_MONTHS = 2;

export const LatestCapacityReturn = z.object({
  period: CapacityFacts.shape.period,
  maxCapacity: CapacityFacts.shape.maxCapacity,
  usedBeds: CapacityFacts.shape.usedBeds,
  declaredVacancies: CapacityFacts.shape.declaredVacancies,
  acceptingAdmissions: CapacityFacts.shape.acceptingAdmissions,
  describedOn: IsoDate,
});
export type LatestCapacityReturn = z.infer<typeof LatestCapacityReturn>;

const Count = z.int().check(z.nonnegative());

export const LocationMarketFacts = z.object({
  locationId: CqcId,
  asOf: IsoDate,
  latestReturn: z.nullable(LatestCapacityReturn),
  /** Months from the latest return's period to the as-of month; null when none was received or none is expected. */
  monthsSinceLastReturn: z.nullable(Count),
  staleReturn: z.boolean(),
  /** Concerns described in (asOf - 12 months, asOf]. */
  concernsLast12Months: Count,
  /** Concerns described in (asOf - 24 months, asOf - 12 months]. */
  concernsPrevious12Months: Count,
  section42EnquiriesLast12Months: Count,
  latestOverallRating: z.nullable(Rating),
  /** The day the registration was cancelled, where the latest registration signal says it was. */
  deregisteredOn: z.nullable(IsoDate),
});
export type LocationMarketFacts = z.infer<typeof LocationMarketFacts>;

// Staleness counts calendar months, whatever the day: a September return is one month old all through October.
const monthStart = (month: string): IsoDate => `${month}-01`;

// Code-unit order, not localeCompare: the same answer on every machine.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders signals so the last is the latest: by date described, then received, then natural id (for ties). */
const compareSignals = (a: Signal, b: Signal): number =>
  compareText(a.describedOn, b.describedOn) ||
  compareText(a.receivedOn, b.receivedOn) ||
  compareText(a.naturalId, b.naturalId);

/** A resent or corrected return for the same month supersedes the earlier one, so order by period first. */
const compareReturns = (a: SignalOf<'capacity-return'>, b: SignalOf<'capacity-return'>): number =>
  compareText(a.facts.period, b.facts.period) || compareSignals(a, b);

function latest<S extends Signal>(signals: readonly S[], compare: (a: S, b: S) => number): S | null {
  let best: S | null = null;
  for (const signal of signals) if (best === null || compare(signal, best) > 0) best = signal;
  return best;
}

const isKind =
  <K extends SignalKind>(kind: K) =>
  (signal: Signal): signal is SignalOf<K> =>
    signal.facts.kind === kind;

export function marketFactsFor(location: Location, signals: readonly Signal[], asOf: IsoDate): LocationMarketFacts {
  const known = knownAt(signals, asOf).filter(
    (s) => s.subject.type === 'location' && s.subject.id === location.locationId,
  );

  const careHome = isCareHome(location);
  const latestReturn = latest(known.filter(isKind('capacity-return')), compareReturns);
  const asOfMonth = monthStart(monthOf(asOf));
  const monthsSinceLastReturn =
    careHome && latestReturn ? Math.max(0, monthsBetween(monthStart(latestReturn.facts.period), asOfMonth)) : null;
  // A home that never returned is only overdue once it has been registered long enough to owe returns.
  const monthsWithoutReturn =
    monthsSinceLastReturn ?? monthsBetween(monthStart(monthOf(location.registeredOn)), asOfMonth);

  const last12From = addMonths(asOf, -12);
  const previous12From = addMonths(asOf, -24);
  let concernsLast12Months = 0;
  let concernsPrevious12Months = 0;
  let section42EnquiriesLast12Months = 0;
  for (const concern of known.filter(isKind('safeguarding-concern'))) {
    if (concern.describedOn > last12From) {
      concernsLast12Months += 1;
      if (concern.facts.section42Enquiry) section42EnquiriesLast12Months += 1;
    } else if (concern.describedOn > previous12From) {
      concernsPrevious12Months += 1;
    }
  }

  const latestRating = latest(known.filter(isKind('rating')), compareSignals);
  const registration = latestReport(known.filter(isKind('registration')));

  return {
    locationId: location.locationId,
    asOf,
    latestReturn: latestReturn && {
      period: latestReturn.facts.period,
      maxCapacity: latestReturn.facts.maxCapacity,
      usedBeds: latestReturn.facts.usedBeds,
      declaredVacancies: latestReturn.facts.declaredVacancies,
      acceptingAdmissions: latestReturn.facts.acceptingAdmissions,
      describedOn: latestReturn.describedOn,
    },
    monthsSinceLastReturn,
    staleReturn: careHome && monthsWithoutReturn >= STALE_RETURN_MONTHS,
    concernsLast12Months,
    concernsPrevious12Months,
    section42EnquiriesLast12Months,
    latestOverallRating: latestRating?.facts.overall ?? null,
    deregisteredOn: registration?.facts.status === 'Deregistered' ? registration.describedOn : null,
  };
}
