// Loading the market through the storage ports: the step the score and heat map Lambdas share. It sits
// here, not in either function's folder, so neither bundles the other's use case.
import pMap from 'p-map';
import type { Signal } from '../domain/model.js';
import type { MarketSnapshot } from '../domain/score-market.js';
import type { ReferenceStore, SignalStore } from '../ports/stores.js';

/** Queries in flight while gathering signals, one subject each. */
const READ_CONCURRENCY = 8;

/** Each subject's stored signals, keyed by its id. */
export async function signalsBySubject(signals: SignalStore, type: 'location' | 'provider', ids: readonly string[]): Promise<Map<string, Signal[]>> {
  return new Map(await pMap(ids, async (id) => [id, await signals.signalsFor({ type, id })] as const, { concurrency: READ_CONCURRENCY }));
}

/** Every location, provider and group with all their signals, and the links between registrations. */
export async function loadMarket(ports: { reference: ReferenceStore; signals: SignalStore }): Promise<MarketSnapshot> {
  const [locations, providers, groups, links] = await Promise.all([
    ports.reference.listLocations(),
    ports.reference.listProviders(),
    ports.reference.listGroups(),
    ports.reference.listLinks(),
  ]);
  return {
    locations,
    providers,
    groups,
    links,
    signalsByLocation: await signalsBySubject(ports.signals, 'location', locations.map((l) => l.locationId)),
    signalsByProvider: await signalsBySubject(ports.signals, 'provider', providers.map((p) => p.providerId)),
  };
}
