// The escalation use case: decide, for every provider and group assessment, whether an episode opens or
// worsens; store each decision with its outbox entry in one transaction; then drain the outbox to SNS and
// record each disclosure. Deciding and publishing are separate steps so a crash between them loses nothing.
import type { Episode } from '../../shared/domain/escalation.js';
import { decideEscalation, type MarketContext } from '../../shared/domain/escalation.js';
import type { IsoDate, Location } from '../../shared/domain/model.js';
import type { Protocol, Tier } from '../../shared/domain/protocol.js';
import type { EscalationStore, Notifier } from '../../shared/ports/escalations.js';
import type { AssessmentStore, PlacementStore, ReferenceStore } from '../../shared/ports/stores.js';

export interface EscalatePorts {
  assessments: AssessmentStore;
  reference: ReferenceStore;
  placements: PlacementStore;
  escalations: EscalationStore;
  notifier: Notifier;
}

export interface EscalateReport {
  asOf: IsoDate;
  decisions: number;
  messagesPublished: number;
  byTier: Record<Tier, number>;
}

export async function loadMarketContext(ports: Pick<EscalatePorts, 'reference' | 'placements'>): Promise<MarketContext> {
  const [locations, providers, placements] = await Promise.all([
    ports.reference.listLocations(),
    ports.reference.listProviders(),
    ports.placements.listPlacements(),
  ]);
  const locationsByProvider = new Map<string, Location[]>();
  for (const location of locations) locationsByProvider.set(location.providerId, [...(locationsByProvider.get(location.providerId) ?? []), location]);
  const hostOf = new Map(locations.map((l) => [l.locationId, l.councilGss]));
  const placingCouncils = new Map<string, string[]>();
  for (const p of placements) {
    if (hostOf.get(p.locationId) === p.councilGss) continue;
    placingCouncils.set(p.locationId, [...(placingCouncils.get(p.locationId) ?? []), p.councilGss].sort());
  }
  return { locationsByProvider, providers: new Map(providers.map((p) => [p.providerId, p])), placingCouncils };
}

export async function decideAll(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol): Promise<number> {
  const market = await loadMarketContext(ports);
  const subjects = [...(await ports.assessments.assessmentsAsOf(asOf, 'provider')), ...(await ports.assessments.assessmentsAsOf(asOf, 'group'))];
  let decisions = 0;
  for (const assessment of subjects) {
    const open: Episode | undefined = await ports.escalations.currentEpisode(assessment.subject);
    const decision = decideEscalation(assessment, open, market, protocol);
    if (decision && (await ports.escalations.recordDecision(decision, open)) === 'recorded') decisions += 1;
  }
  return decisions;
}

/** Publishes every pending outbox entry, then marks it published and audits it. Safe to run again at any point. */
export async function drainOutbox(ports: Pick<EscalatePorts, 'escalations' | 'notifier'>, disclosedOn: IsoDate): Promise<{ published: number; byTier: Record<Tier, number> }> {
  const byTier: Record<Tier, number> = { local: 0, regional: 0, national: 0 };
  let published = 0;
  for (const entry of await ports.escalations.pendingOutbox()) {
    await ports.notifier.publish(entry.messages);
    await ports.escalations.markPublished(entry, disclosedOn);
    for (const m of entry.messages) byTier[m.tier] += 1;
    published += entry.messages.length;
  }
  return { published, byTier };
}

export async function escalate(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol): Promise<EscalateReport> {
  const decisions = await decideAll(ports, asOf, protocol);
  const { published, byTier } = await drainOutbox(ports, asOf);
  return { asOf, decisions, messagesPublished: published, byTier };
}
