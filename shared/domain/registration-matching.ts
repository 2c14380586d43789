// Links between registrations where the source states none (the register extract, an API document without
// `relationships`). When a home changes owner or moves, CQC deregisters its location and registers a new id,
// usually within days and at the same address; a closure leaves no such new registration. The heuristic, in
// full: a deregistered location without a known successor is linked to the one location of its own kind
// (care home or community service) registered within MATCH_WINDOW_DAYS of the deregistration, still
// registered then, that has its UPRN or, failing that, its postcode and a similar name. Where two locations
// match equally well nothing is linked: a wrong link would hide a closure. Pure: locations and links in,
// links out; indexed by UPRN and postcode, so a national register is one pass.
import { groupBy } from './collections.js';
import { daysBetween } from './dates.js';
import { isCareHome, type IsoDate, type Location, type RegistrationLink, type Source, type SuccessionKind } from './model.js';

/** How many days either side of a deregistration a successor's registration may fall: CQC usually makes both the same day. */
export const MATCH_WINDOW_DAYS = 7;
/** The least name similarity (nameSimilarity) for a same-postcode match: a postcode holds about fifteen addresses. */
export const NAME_SIMILARITY_THRESHOLD = 0.6;

type InferredEvidence = 'same-uprn' | 'same-postcode-similar-name';
/** One address is strong evidence (the kind of service already matches); a shared postcode needs the name too. */
export const HEURISTIC_CONFIDENCE: Readonly<Record<InferredEvidence, number>> = { 'same-uprn': 0.9, 'same-postcode-similar-name': 0.7 };

/** Words that say what a service is or what its owner is, not which service it is: a new owner often changes them. */
const GENERIC_WORDS: ReadonlySet<string> = new Set(['the', 'and', 'ltd', 'limited', 'plc', 'llp', 'care', 'home', 'homes', 'nursing', 'residential']);

/** A name's distinguishing letters and digits: accents and punctuation dropped, generic words too unless that leaves none. */
function nameKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const distinctive = words.filter((word) => !GENERIC_WORDS.has(word));
  return (distinctive.length > 0 ? distinctive : words).join('');
}

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i += 1) {
    const pair = text.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

/**
 * How alike two service names are, 0-1: the Dice coefficient of the character bigrams of their distinguishing
 * parts (nameKey), counting repeats; "Rose House Care Home" and "Rose House Ltd" score 1.
 */
export function nameSimilarity(a: string, b: string): number {
  const [left, right] = [nameKey(a), nameKey(b)];
  // A single character has no bigram: only the same character is alike.
  if (left.length < 2 || right.length < 2) return left !== '' && left === right ? 1 : 0;
  const [x, y] = [bigrams(left), bigrams(right)];
  let shared = 0;
  for (const [pair, count] of x) shared += Math.min(count, y.get(pair) ?? 0);
  return (2 * shared) / (left.length - 1 + (right.length - 1));
}

/** A postcode compared without its spacing or case, whichever source wrote it. */
const postcodeKey = (postcode: string): string => postcode.replace(/\s+/g, '').toUpperCase();

interface Match {
  successor: Location;
  evidence: InferredEvidence;
}

/** How the successor matches a predecessor deregistered on `deregisteredOn`, if it does. */
function matchOf(predecessor: Location, deregisteredOn: IsoDate, successor: Location): Match | undefined {
  if (successor.locationId === predecessor.locationId || isCareHome(successor) !== isCareHome(predecessor)) return undefined;
  if (successor.deregisteredOn !== undefined && successor.deregisteredOn <= deregisteredOn) return undefined;
  if (Math.abs(daysBetween(deregisteredOn, successor.registeredOn)) > MATCH_WINDOW_DAYS) return undefined;
  if (predecessor.uprn !== undefined && predecessor.uprn === successor.uprn) return { successor, evidence: 'same-uprn' };
  if (predecessor.postcode === undefined || successor.postcode === undefined || postcodeKey(predecessor.postcode) !== postcodeKey(successor.postcode)) {
    return undefined;
  }
  return nameSimilarity(predecessor.name, successor.name) >= NAME_SIMILARITY_THRESHOLD ? { successor, evidence: 'same-postcode-similar-name' } : undefined;
}

/** What happened to the service: a new provider, else a new address, else the same provider registering again. */
function kindOf(predecessor: Location, successor: Location): SuccessionKind {
  if (predecessor.providerId !== successor.providerId) return 'ownership-change';
  if (predecessor.uprn !== undefined && successor.uprn !== undefined && predecessor.uprn !== successor.uprn) return 'move';
  return 'other';
}

function reasonOf(predecessor: Location, deregisteredOn: IsoDate, match: Match): string {
  const days = daysBetween(deregisteredOn, match.successor.registeredOn);
  const when = `registered ${Math.abs(days)} ${Math.abs(days) === 1 ? 'day' : 'days'} ${days < 0 ? 'before' : 'after'} deregistration`;
  const evidence =
    match.evidence === 'same-uprn'
      ? `Same UPRN ${predecessor.uprn}`
      : `Same postcode ${predecessor.postcode} and a similar name (${nameSimilarity(predecessor.name, match.successor.name).toFixed(2)})`;
  return `${evidence}, ${when} (heuristic)`;
}

export interface InferenceInput {
  /** Every location to match among; a later entry with the same id replaces an earlier one. */
  candidates: readonly Location[];
  /** The links already known: a predecessor named in one is not matched again. */
  known: readonly RegistrationLink[];
  /** The file the inference was made on, and the day it was received: the links are known from then. */
  origin: string;
  receivedOn: IsoDate;
  source: Source;
}

/** The links the stated heuristic finds among the candidates, by predecessor and successor id. */
export function inferLinks(input: InferenceInput): RegistrationLink[] {
  const locations = [...new Map(input.candidates.map((location) => [location.locationId, location])).values()];
  const succeeded = new Set(input.known.map((link) => link.predecessorId));
  const byUprn = groupBy(locations, (location) => location.uprn ?? null);
  const byPostcode = groupBy(locations, (location) => (location.postcode === undefined ? null : postcodeKey(location.postcode)));
  const links: RegistrationLink[] = [];
  for (const predecessor of locations) {
    const { deregisteredOn } = predecessor;
    if (deregisteredOn === undefined || succeeded.has(predecessor.locationId)) continue;
    const nearby = new Set([
      ...(predecessor.uprn === undefined ? [] : (byUprn.get(predecessor.uprn) ?? [])),
      ...(predecessor.postcode === undefined ? [] : (byPostcode.get(postcodeKey(predecessor.postcode)) ?? [])),
    ]);
    const matches = [...nearby].flatMap((candidate) => matchOf(predecessor, deregisteredOn, candidate) ?? []);
    const best = Math.max(...matches.map((match) => HEURISTIC_CONFIDENCE[match.evidence]));
    const strongest = matches.filter((match) => HEURISTIC_CONFIDENCE[match.evidence] === best);
    // Two equally good successors: which one took the service over is a guess, so neither is linked.
    if (strongest.length !== 1) continue;
    const match = strongest[0]!;
    links.push({
      predecessorId: predecessor.locationId,
      successorId: match.successor.locationId,
      linkedOn: deregisteredOn,
      kind: kindOf(predecessor, match.successor),
      reason: reasonOf(predecessor, deregisteredOn, match),
      evidence: match.evidence,
      confidence: HEURISTIC_CONFIDENCE[match.evidence],
      source: input.source,
      origin: input.origin,
      receivedOn: input.receivedOn,
    });
  }
  return links.sort((a, b) => a.predecessorId.localeCompare(b.predecessorId) || a.successorId.localeCompare(b.successorId));
}
