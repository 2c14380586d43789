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
  const providerGroup = new Map(snapshot.providers.map((p) => [p.providerId, p.groupId]));
  const byGroup = groupBy(providers, (a) => providerGroup.get(a.subject.id) ?? null);
  const groups = snapshot.groups
    .filter((g) => byGroup.has(g.groupId))
    .map((g) => rollUp({ subject: { type: 'group', id: g.groupId }, name: g.name, members: byGroup.get(g.groupId)!, baseline, asOf, model }));
  return { locations, providers, groups };
}
