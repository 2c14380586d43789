// How the backtest tells a change of owner or a move from a closure: the links the scorer knows (CQC's, and
// its own matching's from the dates both register entries were received), each service's registrations as one
// track, and the deregistrations counted by kind. A re-registration is never a failure.
import { type IsoDate, LINK_EVIDENCE, type LinkEvidence, type RegistrationLink } from '../../shared/domain/model.js';
import { inferLinks } from '../../shared/domain/registration-matching.js';
import { successionAt } from '../../shared/domain/succession.js';
import type { MarketHistory } from './history.js';
import type { ReRegistrationKind } from './ownership-changes.js';

/**
 * The history's deregistrations split by kind: only a closure is a failure. A change of owner or a move is
 * a re-registration, and the scorer treats it as one only where it knows the link.
 */
export interface DeregistrationCounts {
  total: number;
  /** Failure events of kind closure. */
  closures: number;
  reRegistrations: { total: number; byKind: Record<ReRegistrationKind, number> };
  /** Deregistrations the scorer knew a successor for by the end of the history, by what the link rests on. */
  linked: { total: number; byEvidence: Record<LinkEvidence, number> };
  /** Re-registrations without a link by the end of the history: their successors were scored without the home's history. */
  unlinked: number;
  /** Links to the wrong successor, or from a closure: each would hide a failure. */
  wrongLinks: number;
}

/**
 * The links the scorer knows: those CQC states, from their receipt, and those its matching finds among the
 * deregistrations CQC does not explain, from the receipt of the later of the two register entries.
 */
export function knownLinks(history: Pick<MarketHistory, 'to' | 'locations' | 'signals' | 'links'>): RegistrationLink[] {
  const onRegister = new Map<string, IsoDate>();
  for (const s of history.signals) {
    if (s.facts.kind === 'registration') onRegister.set(`${s.subject.id}#${s.describedOn}`, s.receivedOn);
  }
  const byId = new Map(history.locations.map((l) => [l.locationId, l]));
  // Matched once over the whole register, each link then dated by when its two entries were both received.
  const inferred = inferLinks({ candidates: history.locations, known: history.links, origin: 'registration matching', receivedOn: history.to, source: 'cqc-register' });
  return [
    ...history.links,
    ...inferred.flatMap((link) => {
      const deregistered = onRegister.get(`${link.predecessorId}#${link.linkedOn}`);
      const registered = onRegister.get(`${link.successorId}#${byId.get(link.successorId)!.registeredOn}`);
      return deregistered && registered ? [{ ...link, receivedOn: deregistered > registered ? deregistered : registered }] : [];
    }),
  ];
}

/** Each registration's service, named by its last registration: a change of owner or a move continues it. */
export function servicesOf(history: Pick<MarketHistory, 'locations' | 'reRegistrations'>): Map<string, string> {
  const successor = new Map(history.reRegistrations.map((r) => [r.predecessorId, r.successorId]));
  const last = (id: string): string => {
    const next = successor.get(id);
    return next === undefined ? id : last(next);
  };
  return new Map(history.locations.map((l) => [l.locationId, last(l.locationId)]));
}

/** The locations with every registration their links lead back to, so an inherited history is at hand. */
export function withPredecessors(ids: readonly string[], predecessors: ReadonlyMap<string, readonly RegistrationLink[]>): string[] {
  const all = new Set(ids);
  for (const id of all) for (const link of predecessors.get(id) ?? []) all.add(link.predecessorId);
  return [...all];
}

export function deregistrationCounts(history: MarketHistory, links: readonly RegistrationLink[]): DeregistrationCounts {
  const succession = successionAt(links, history.to);
  const truth = new Map(history.reRegistrations.map((r) => [r.predecessorId, r]));
  const deregistered = history.locations.filter((l) => l.deregisteredOn !== undefined && l.deregisteredOn >= history.from && l.deregisteredOn <= history.to);
  const byKind: Record<ReRegistrationKind, number> = { 'ownership-change': 0, move: 0 };
  for (const r of history.reRegistrations) byKind[r.kind]++;
  const byEvidence = Object.fromEntries(LINK_EVIDENCE.map((e) => [e, 0])) as Record<LinkEvidence, number>;
  let unlinked = 0;
  let wrongLinks = 0;
  for (const { locationId } of deregistered) {
    const link = succession.successorOf(locationId);
    if (link) byEvidence[link.evidence]++;
    if (!link && truth.has(locationId)) unlinked++;
    if (link && link.successorId !== truth.get(locationId)?.successorId) wrongLinks++;
  }
  return {
    total: deregistered.length,
    closures: history.events.filter((e) => e.kind === 'closure').length,
    reRegistrations: { total: history.reRegistrations.length, byKind },
    linked: { total: Object.values(byEvidence).reduce((sum, n) => sum + n, 0), byEvidence },
    unlinked,
    wrongLinks,
  };
}
