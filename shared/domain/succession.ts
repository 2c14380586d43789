// One service across its registrations. When a home changes owner or moves, CQC deregisters its location and
// registers a new id, usually the same day. Such a deregistration is not a closure: the predecessor raises
// no hard trigger and stands down its episodes, and the successor carries the service's own history (its
// ratings, as CQC does since April 2019, its Capacity Tracker returns and its safeguarding concerns), marked
// as inherited. What belongs to the old owner (company, financial and commissioner signals, open episodes)
// stays with the old provider. Pure: links and signals in, the links in force and the inherited signals out.
import type { IsoDate, RegistrationLink, Signal, SignalKind, SuccessionKind, SuccessionNote } from './model.js';
import { LINK_EVIDENCE } from './model.js';

/** The service's own history, carried to a successor; everything else stays with the old registration. */
export const INHERITED_KINDS: ReadonlySet<SignalKind> = new Set<SignalKind>(['rating', 'capacity-return', 'safeguarding-concern']);

/** A chain of successions longer than this is cut: no service changes hands that often in a few years. */
const MAX_CHAIN = 8;

/** CQC's relationship reasons by what happened to the service; an unknown reason is still a succession. */
export function kindOfReason(reason: string): SuccessionKind {
  const words = reason.toLowerCase();
  if (words.includes('ownership') || words.includes('provider')) return 'ownership-change';
  if (words.includes('move')) return 'move';
  if (words.includes('nhs')) return 'nhs-transfer';
  return 'other';
}

/** The stronger of two links between the same registrations: CQC's statement, then confidence, then the first known. */
function stronger(a: RegistrationLink, b: RegistrationLink): RegistrationLink {
  const rank = (l: RegistrationLink) => LINK_EVIDENCE.indexOf(l.evidence);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
  if (a.confidence !== b.confidence) return a.confidence > b.confidence ? a : b;
  return a.receivedOn <= b.receivedOn ? a : b;
}

export interface Succession {
  /** The registration this one passed to, where a link known at the date says so. */
  successorOf(locationId: string): RegistrationLink | undefined;
  /** The registrations this one took over, oldest link first. */
  predecessorsOf(locationId: string): RegistrationLink[];
}

/**
 * The links in force at a date: received by then and in effect by then. One successor per registration (the
 * strongest link); a successor may take over several predecessors (a merger).
 */
export function successionAt(links: readonly RegistrationLink[], asOf: IsoDate): Succession {
  const successors = new Map<string, RegistrationLink>();
  for (const link of links) {
    if (link.receivedOn > asOf || link.linkedOn > asOf || link.predecessorId === link.successorId) continue;
    const held = successors.get(link.predecessorId);
    successors.set(link.predecessorId, held ? stronger(held, link) : link);
  }
  const predecessors = new Map<string, RegistrationLink[]>();
  for (const link of successors.values()) predecessors.set(link.successorId, [...(predecessors.get(link.successorId) ?? []), link]);
  for (const list of predecessors.values()) list.sort((a, b) => a.linkedOn.localeCompare(b.linkedOn) || a.predecessorId.localeCompare(b.predecessorId));
  return {
    successorOf: (id) => successors.get(id),
    predecessorsOf: (id) => predecessors.get(id) ?? [],
  };
}

const SUCCESSION_WORDS: Record<SuccessionKind, string> = {
  'ownership-change': 'change of owner',
  move: 'move',
  'nhs-transfer': 'NHS transfer',
  other: 're-registration',
};

/** What a link rests on, in words: CQC's own statement, or which heuristic and how sure it is. */
export const linkBasis = (link: Pick<RegistrationLink, 'evidence' | 'confidence'>): string =>
  link.evidence === 'cqc-relationship' ? 'CQC relationship' : `${link.evidence.replaceAll('-', ' ')} (heuristic, confidence ${link.confidence})`;

/** What the flags say of a registration that passed on, or of one carrying a predecessor's history. */
export const passedOnFlag = (link: RegistrationLink): string =>
  `Not a closure: registration passed to ${link.successorId} on ${link.linkedOn} (${SUCCESSION_WORDS[link.kind]}: ${link.reason}; ${linkBasis(link)})`;
export const inheritedFlag = (link: RegistrationLink): string =>
  `Registered on ${link.linkedOn} as successor of ${link.predecessorId} (${SUCCESSION_WORDS[link.kind]}: ${link.reason}; ${linkBasis(link)}): its ratings, returns and concerns are carried across`;

/** How an assessment names the registration at the other end of a link. */
export const noteOf = (link: RegistrationLink, otherId: string): SuccessionNote => ({
  locationId: otherId,
  linkedOn: link.linkedOn,
  kind: link.kind,
  reason: link.reason,
  evidence: link.evidence,
  confidence: link.confidence,
});

/** Every registration whose history a successor carries, nearest first, each with the link it came through. */
export function ancestorsOf(locationId: string, succession: Succession): RegistrationLink[] {
  const found: RegistrationLink[] = [];
  const seen = new Set([locationId]);
  let frontier = [locationId];
  for (let depth = 0; depth < MAX_CHAIN && frontier.length > 0; depth += 1) {
    frontier = frontier.flatMap((id) =>
      succession.predecessorsOf(id).filter((link) => {
        if (seen.has(link.predecessorId)) return false;
        seen.add(link.predecessorId);
        found.push(link);
        return true;
      }).map((link) => link.predecessorId),
    );
  }
  return found;
}

/**
 * The predecessors' own history as the successor's: each rating, capacity return and concern they had up to
 * the day the service passed on, under the successor's id and marked with the registration it came from.
 * The natural id keeps its source's, so a rating CQC already repeats on the successor is not counted twice.
 */
export function inheritedSignals(locationId: string, succession: Succession, signalsOf: (locationId: string) => readonly Signal[]): Signal[] {
  return ancestorsOf(locationId, succession).flatMap((link) =>
    signalsOf(link.predecessorId)
      .filter((s) => INHERITED_KINDS.has(s.facts.kind) && s.describedOn <= link.linkedOn && s.inheritedFrom === undefined)
      .map((s) => ({ ...s, subject: { type: 'location' as const, id: locationId }, inheritedFrom: link.predecessorId })),
  );
}

/** A location's own signals with those it inherits, less any inherited rating CQC already repeats on the location. */
export function withInherited(own: readonly Signal[], inherited: readonly Signal[]): Signal[] {
  const ownRatings = new Set(own.filter((s) => s.facts.kind === 'rating').map((s) => s.describedOn));
  return [...own, ...inherited.filter((s) => s.facts.kind !== 'rating' || !ownRatings.has(s.describedOn))];
}

/**
 * A location's scoring input as of a date: its own signals with those it inherits from predecessor
 * registrations, and the links that make it a successor or a registration that passed on.
 */
export function successionInput(locationId: string, succession: Succession, signalsOf: (locationId: string) => readonly Signal[]) {
  return {
    signals: withInherited(signalsOf(locationId), inheritedSignals(locationId, succession, signalsOf)),
    succeededBy: succession.successorOf(locationId),
    predecessors: succession.predecessorsOf(locationId),
  };
}
