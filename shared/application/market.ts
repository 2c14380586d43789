// Reading the market through the storage ports: the step the score and heat map Lambdas share. It sits
// here, not in either function's folder, so neither bundles the other's use case.
import pMap from 'p-map';
import { type MarketPart, partitionMarket } from '../domain/market-partition.js';
import type { Group, IsoDate, Location, Provider, RegistrationLink, Signal } from '../domain/model.js';
import type { MarketSnapshot } from '../domain/score-market.js';
import type { ReferenceStore, SignalReader } from '../ports/stores.js';

/** Queries in flight while gathering signals, one subject each. */
const READ_CONCURRENCY = 8;

/**
 * Locations a part of the market holds, give or take a provider: England's 35,000 in about 70 parts, each
 * with its signals some 30 MB in memory (two at once while the next is read), where the whole market's take
 * over 2 GB.
 */
export const LOCATIONS_PER_PART = 500;

/** Each subject's stored signals reduced as soon as read, keyed by its id: only what `reduce` keeps is held. */
export async function summariesBySubject<T>(
  signals: SignalReader,
  type: 'location' | 'provider',
  ids: readonly string[],
  reduce: (signals: Signal[], id: string) => T,
): Promise<Map<string, T>> {
  return new Map(await pMap(ids, async (id) => [id, reduce(await signals.signalsFor({ type, id }), id)] as const, { concurrency: READ_CONCURRENCY }));
}

const allSignals = (signals: Signal[]) => signals;

/** Every location, provider and group and the links between registrations: the market without its signals. */
export interface Register {
  locations: Location[];
  providers: Provider[];
  groups: Group[];
  links: RegistrationLink[];
}

export async function loadRegister(reference: ReferenceStore): Promise<Register> {
  const [locations, providers, groups, links] = await Promise.all([reference.listLocations(), reference.listProviders(), reference.listGroups(), reference.listLinks()]);
  return { locations, providers, groups, links };
}

/** A part of the market with its signals, and every link. */
export type MarketPartSnapshot = MarketPart &
  Required<Pick<MarketSnapshot, 'links' | 'signalsByLocation' | 'signalsByProvider'>> & {
    /** The signals of the part's `predecessorIds`: read for what successors inherit, each scored in its own part. */
    signalsByPredecessor: Map<string, Signal[]>;
  };

/**
 * The market a part at a time (see `partitionMarket`), so only a part's signals are held at once. The next
 * part is read while the caller works on this one: its reads overlap the scoring and writes.
 */
export async function* marketInParts(
  signals: SignalReader,
  register: Pick<Register, 'locations' | 'providers' | 'links'>,
  asOf: IsoDate,
  locationsPerPart = LOCATIONS_PER_PART,
): AsyncGenerator<MarketPartSnapshot> {
  const read = async (part: MarketPart): Promise<MarketPartSnapshot> => ({
    ...part,
    links: register.links,
    signalsByLocation: await summariesBySubject(signals, 'location', part.locations.map((l) => l.locationId), allSignals),
    signalsByProvider: await summariesBySubject(signals, 'provider', part.providers.map((p) => p.providerId), allSignals),
    signalsByPredecessor: await summariesBySubject(signals, 'location', part.predecessorIds, allSignals),
  });
  const parts = partitionMarket(register, asOf, locationsPerPart);
  let next = parts.length > 0 ? read(parts[0]!) : undefined;
  for (let i = 0; next; i += 1) {
    const current = await next;
    next = i + 1 < parts.length ? read(parts[i + 1]!) : undefined;
    // Awaited on the next turn; if the caller stops first, its failure is of no interest.
    next?.catch(() => undefined);
    yield current;
  }
}
