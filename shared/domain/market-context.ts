// The market as the escalation step sees it: each subject's CQC footprint and the councils placing residents
// at its locations.
import { groupBy } from './collections.js';
import type { Location, Provider, Subject } from './model.js';

export interface MarketContext {
  locations: ReadonlyMap<string, Location>;
  locationsByProvider: ReadonlyMap<string, readonly Location[]>;
  providers: ReadonlyMap<string, Provider>;
  /** Councils placing residents at each location, beyond its host. */
  placingCouncils: ReadonlyMap<string, readonly string[]>;
}

/**
 * The market as the escalation step needs it: locations by provider, and for each location the councils
 * placing residents there other than its host, from who-places-where rows.
 */
export function marketContextOf(
  locations: readonly Location[],
  providers: readonly Provider[],
  placements: readonly { councilGss: string; locationId: string }[],
): MarketContext {
  const hostOf = new Map(locations.map((l) => [l.locationId, l.councilGss]));
  const placingCouncils = groupBy(
    placements.filter((p) => hostOf.get(p.locationId) !== p.councilGss),
    (p) => p.locationId,
  );
  return {
    locations: new Map(locations.map((l) => [l.locationId, l])),
    locationsByProvider: groupBy(locations, (l) => l.providerId),
    providers: new Map(providers.map((p) => [p.providerId, p])),
    placingCouncils: new Map([...placingCouncils].map(([locationId, rows]) => [locationId, [...new Set(rows.map((p) => p.councilGss))].sort()])),
  };
}

/** The CQC providers and locations a subject stands for. */
export function footprint(subject: Subject, market: MarketContext): { providerIds: string[]; locationIds: string[] } {
  const locationsOf = (providerIds: readonly string[]) => providerIds.flatMap((id) => market.locationsByProvider.get(id) ?? []).map((l) => l.locationId);
  if (subject.type === 'location') {
    const providerId = market.locations.get(subject.id)?.providerId;
    return { providerIds: providerId ? [providerId] : [], locationIds: [subject.id] };
  }
  const providerIds = subject.type === 'provider' ? [subject.id] : [...market.providers.values()].filter((p) => p.groupId === subject.id).map((p) => p.providerId);
  return { providerIds: providerIds.sort(), locationIds: locationsOf(providerIds).sort() };
}

export const placingCouncilsOf = (subject: Subject, market: MarketContext): string[] =>
  [...new Set(footprint(subject, market).locationIds.flatMap((id) => market.placingCouncils.get(id) ?? []))].sort();

/**
 * The widest subject a subject belongs to: the group of its provider, or else its provider. A location, its
 * provider and its group share one family, and a recipient gets one notice a day per family.
 */
export function familyOf(subject: Subject, market: MarketContext): string {
  if (subject.type === 'group') return `group:${subject.id}`;
  const providerId = subject.type === 'provider' ? subject.id : (market.locations.get(subject.id)?.providerId ?? null);
  if (providerId === null) return `location:${subject.id}`;
  const groupId = market.providers.get(providerId)?.groupId ?? null;
  return groupId ? `group:${groupId}` : `provider:${providerId}`;
}
