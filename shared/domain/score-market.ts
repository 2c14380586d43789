// Scores a set of locations and rolls them up to their providers and groups, as of one date.
import type { MarketBaseline } from './baseline.js';
import { groupBy } from './collections.js';
import type { Group, IsoDate, Location, Provider, RegistrationLink, RiskAssessment, Signal } from './model.js';
import type { RiskModelConfig } from './risk-model.js';
import { rollUp } from './roll-up.js';
import { scoreLocation } from './scoring.js';
import { successionAt, successionInput } from './succession.js';

export interface MarketSnapshot {
  locations: readonly Location[];
  providers: readonly Provider[];
  groups: readonly Group[];
  signalsByLocation: ReadonlyMap<string, readonly Signal[]>;
  signalsByProvider: ReadonlyMap<string, readonly Signal[]>;
  /** Links between registrations (changes of owner, moves): which deregistrations are not closures. */
  links?: readonly RegistrationLink[];
}

export interface MarketAssessments {
  locations: RiskAssessment[];
  providers: RiskAssessment[];
  groups: RiskAssessment[];
}

export function scoreMarket(snapshot: MarketSnapshot, asOf: IsoDate, model: RiskModelConfig, baseline: MarketBaseline): MarketAssessments {
  const { locations, providers } = scoreLocationsAndProviders(snapshot, asOf, model, baseline);
  return { locations, providers, groups: rollUpGroups(snapshot, providers, asOf, model, baseline) };
}

/**
 * Scores the snapshot's locations and rolls them up to their providers. A part of the market gives the same
 * assessments as the whole if it holds every location of its providers and every predecessor of its locations.
 */
export function scoreLocationsAndProviders(snapshot: Omit<MarketSnapshot, 'groups'>, asOf: IsoDate, model: RiskModelConfig, baseline: MarketBaseline): Omit<MarketAssessments, 'groups'> {
  const succession = successionAt(snapshot.links ?? [], asOf);
  const signalsOf = (id: string) => snapshot.signalsByLocation.get(id) ?? [];
  const locations = snapshot.locations.map((location) =>
    scoreLocation({
      location,
      ...successionInput(location.locationId, succession, signalsOf),
      providerSignals: snapshot.signalsByProvider.get(location.providerId) ?? [],
      baseline,
      asOf,
      model,
    }),
  );
  const providerOf = new Map(snapshot.locations.map((l) => [l.locationId, l.providerId]));
  const byProvider = groupBy(locations, (a) => providerOf.get(a.subject.id) ?? null);
  const providers = snapshot.providers
    .filter((p) => byProvider.has(p.providerId))
    .map((p) => rollUp({ subject: { type: 'provider', id: p.providerId }, name: p.name, members: byProvider.get(p.providerId)!, baseline, asOf, model }));
  return { locations, providers };
}

/** Rolls provider assessments up to their groups; members are taken in the order given, the market's provider order. */
export function rollUpGroups(
  market: Pick<MarketSnapshot, 'providers' | 'groups'>,
  providerAssessments: readonly RiskAssessment[],
  asOf: IsoDate,
  model: RiskModelConfig,
  baseline: MarketBaseline,
): RiskAssessment[] {
  const providerGroup = new Map(market.providers.map((p) => [p.providerId, p.groupId]));
  const byGroup = groupBy(providerAssessments, (a) => providerGroup.get(a.subject.id) ?? null);
  return market.groups
    .filter((g) => byGroup.has(g.groupId))
    .map((g) => rollUp({ subject: { type: 'group', id: g.groupId }, name: g.name, members: byGroup.get(g.groupId)!, baseline, asOf, model }));
}
