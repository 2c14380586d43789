// Escalation episodes under the information-sharing protocol, as a state machine: an episode opens when a
// subject enters Red, is raised to a higher tier or re-notified when it worsens, reminds recipients whose
// response target passes without acknowledgement, and stands down after consecutive assessments below the
// exit threshold. Pure: an assessment and the subject's current episode in, the next episode and the
// per-recipient messages out, each message redacted to the field classes its recipient is entitled to.
import { councilByGss } from './councils.js';
import { type Acknowledgement, type ChangeKind, type Episode, higherTier, isAcknowledged, type Notification, type Recipient, addWorkingDays } from './episode.js';
import { type EscalationMessage, messagesFor } from './escalation-message.js';
import { type MarketContext, placingCouncilsOf } from './market-context.js';
import type { Band, IsoDate, RiskAssessment } from './model.js';
import { adassNetworkId, type PartyRole, type Protocol, ROLE_OF_KIND, type Tier, TIERS, type TierRule } from './protocol.js';

/** The next state of an episode; no messages when only its stand-down count changed. */
export interface EscalationDecision {
  episode: Episode;
  messages: EscalationMessage[];
}

const BAND_RANK: Record<Band, number> = { Green: 0, Amber: 1, Red: 2 };

/**
 * Whether an assessment is at or above a threshold of the protocol's episodes: on likelihood, on the lower
 * High-impact threshold, or held there by any hard trigger.
 */
function atOrAbove(a: RiskAssessment, protocol: Protocol, threshold: 'enter' | 'exit'): boolean {
  const { episodes } = protocol;
  if (a.hardTriggers.length > 0) return true;
  if ('openOn' in episodes) return BAND_RANK[a.band] >= BAND_RANK[threshold === 'enter' ? episodes.enterAtBand : episodes.exitBelowBand];
  const key = threshold === 'enter' ? 'enterAtLikelihood' : 'exitBelowLikelihood';
  return a.likelihood >= episodes[key] || (a.impact === 'High' && a.likelihood >= episodes.highImpact[key]);
}

function meetsRule(a: RiskAssessment, rule: TierRule): boolean {
  return (
    rule.subjects.includes(a.subject.type) &&
    a.councils.length >= (rule.minCouncils ?? 0) &&
    a.regions.length >= (rule.minRegions ?? 0) &&
    a.beds >= (rule.minBeds ?? 0) &&
    (rule.impact === undefined || a.impact === rule.impact) &&
    // No source gives home-care hours, so a rule on them cannot be met yet.
    rule.minHomeCareHoursPerWeek === undefined
  );
}

/** The highest tier with a rule the subject meets, or null where no rule covers its kind of subject. */
export function tierFor(a: RiskAssessment, protocol: Protocol): Tier | null {
  return [...TIERS].reverse().find((tier) => protocol.tiers[tier].rules.some((rule) => meetsRule(a, rule))) ?? null;
}


const councilRecipient = (gss: string, kind: 'host-council' | 'placing-council'): Recipient => ({ id: gss, kind, name: councilByGss(gss)?.name ?? gss });
const adassRecipient = (region: string, protocol: Protocol): Recipient => ({ id: adassNetworkId(region, protocol), kind: 'adass-network', name: `ADASS ${region}` });

/** Everyone told at a tier: each tier adds its kinds of recipient to those of the tiers below it. */
export function recipientsFor(a: RiskAssessment, tier: Tier, market: MarketContext, protocol: Protocol): Recipient[] {
  const kinds = new Set(TIERS.slice(0, TIERS.indexOf(tier) + 1).flatMap((t) => protocol.tiers[t].notify));
  const recipients = new Map<string, Recipient>();
  // The first kind found for a party stands: a host council that also places elsewhere stays a host.
  const add = (r: Recipient) => recipients.has(r.id) || recipients.set(r.id, r);
  if (kinds.has('host-council')) for (const gss of a.councils) add(councilRecipient(gss, 'host-council'));
  if (kinds.has('placing-council')) for (const gss of placingCouncilsOf(a.subject, market)) add(councilRecipient(gss, 'placing-council'));
  if (kinds.has('adass-network')) for (const region of a.regions) add(adassRecipient(region, protocol));
  if (kinds.has('national')) add({ id: protocol.parties.nationalOversight.id, kind: 'national', name: protocol.parties.nationalOversight.name });
  return [...recipients.values()].sort((x, y) => x.id.localeCompare(y.id));
}

/**
 * Decides what an assessment changes in its subject's episode. An assessment no later than the one that
 * last changed the episode decides nothing, so replaying assessments sends nothing new.
 */
export function decideEscalation(a: RiskAssessment, current: Episode | undefined, market: MarketContext, protocol: Protocol): EscalationDecision | null {
  if (current && a.asOf <= current.lastAssessedOn) return null;
  // A registration that passed to a successor is not a failure: it opens nothing, and its open episode stands down.
  if (a.passedOn) return current?.status === 'open' ? standDownPassedOn(a, current, market, protocol) : null;
  return current?.status === 'open' ? progressEpisode(a, current, market, protocol) : openEpisode(a, market, protocol);
}

function notification(recipient: Recipient, tier: Tier, on: IsoDate, protocol: Protocol): Notification {
  return { tier, recipient, notifiedOn: on, dueOn: addWorkingDays(on, protocol.tiers[tier].responseWorkingDays), remindedOn: null };
}

function openEpisode(a: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationDecision | null {
  const tier = tierFor(a, protocol);
  if (tier === null || !atOrAbove(a, protocol, 'enter')) return null;
  const recipients = recipientsFor(a, tier, market, protocol);
  const episode: Episode = {
    episodeId: `${a.subject.type}-${a.subject.id}-${a.asOf}`,
    subject: a.subject,
    name: a.name,
    openedOn: a.asOf,
    status: 'open',
    tier,
    band: a.band,
    hardTriggers: a.hardTriggers,
    change: 1,
    lastChangedOn: a.asOf,
    lastAssessedOn: a.asOf,
    belowExitCount: 0,
    notifications: recipients.map((r) => notification(r, tier, a.asOf, protocol)),
    acknowledgements: [],
  };
  return notify(episode, 'opened', recipients, a, market, protocol);
}

function progressEpisode(a: RiskAssessment, open: Episode, market: MarketContext, protocol: Protocol): EscalationDecision | null {
  const assessed: Episode = { ...open, lastAssessedOn: a.asOf };
  if (!atOrAbove(a, protocol, 'exit')) {
    const belowExitCount = open.belowExitCount + 1;
    if (belowExitCount < protocol.episodes.standDownAfterAssessments) return remindOrRecord({ ...assessed, belowExitCount }, open, a, market, protocol);
    const stoodDown: Episode = { ...assessed, belowExitCount, status: 'stood-down', change: open.change + 1, lastChangedOn: a.asOf };
    return notify(stoodDown, 'stood-down', everyoneTold(open), a, market, protocol);
  }
  const held: Episode = { ...assessed, belowExitCount: 0 };
  const tier = higherTier(open.tier, tierFor(a, protocol) ?? open.tier);
  const higherBand = BAND_RANK[a.band] > BAND_RANK[open.band];
  const newTriggers = a.hardTriggers.filter((t) => !open.hardTriggers.includes(t));
  if (tier === open.tier && !higherBand && newTriggers.length === 0) return remindOrRecord(held, open, a, market, protocol);
  const recipients = recipientsFor(a, tier, market, protocol);
  const toldAtTier = new Set(open.notifications.filter((n) => n.tier === tier).map((n) => n.recipient.id));
  const worsened: Episode = {
    ...held,
    tier,
    band: higherBand ? a.band : open.band,
    hardTriggers: [...open.hardTriggers, ...newTriggers].sort(),
    change: open.change + 1,
    lastChangedOn: a.asOf,
    notifications: [...open.notifications, ...recipients.filter((r) => !toldAtTier.has(r.id)).map((r) => notification(r, tier, a.asOf, protocol))],
  };
  return notify(worsened, tier === open.tier ? 'worsened' : 'raised', recipients, a, market, protocol);
}

/** Stands an episode down at once, telling everyone told that the service continues under a new registration. */
function standDownPassedOn(a: RiskAssessment, open: Episode, market: MarketContext, protocol: Protocol): EscalationDecision {
  const stoodDown: Episode = { ...open, lastAssessedOn: a.asOf, status: 'stood-down', change: open.change + 1, lastChangedOn: a.asOf };
  return notify(stoodDown, 'stood-down', everyoneTold(open), a, market, protocol);
}

/**
 * Reminds each recipient at the episode's tier whose response target has passed without acknowledgement,
 * once; otherwise records a changed stand-down count, or decides nothing when nothing changed.
 */
function remindOrRecord(next: Episode, open: Episode, a: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationDecision | null {
  const overdue = next.notifications.filter((n) => n.tier === next.tier && n.remindedOn === null && a.asOf > n.dueOn && !isAcknowledged(next, n.tier, n.recipient.id));
  if (overdue.length === 0) return next.belowExitCount === open.belowExitCount ? null : { episode: next, messages: [] };
  const reminded: Episode = {
    ...next,
    change: next.change + 1,
    lastChangedOn: a.asOf,
    notifications: next.notifications.map((n) => (overdue.includes(n) ? { ...n, remindedOn: a.asOf } : n)),
  };
  return notify(reminded, 'reminder', overdue.map((n) => n.recipient), a, market, protocol);
}

/** Every recipient told at any tier of the episode: all of them learn that it stood down. */
function everyoneTold(episode: Episode): Recipient[] {
  const told = new Map(episode.notifications.map((n) => [n.recipient.id, n.recipient]));
  return [...told.values()].sort((x, y) => x.id.localeCompare(y.id));
}

function notify(episode: Episode, kind: ChangeKind, recipients: readonly Recipient[], a: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationDecision {
  return { episode, messages: messagesFor(episode, kind, recipients, a, market, protocol) };
}

/** The outcome of an acknowledgement, before it is stored. */
export type AcknowledgementDecision =
  | { outcome: 'acknowledged'; acknowledgement: Acknowledgement }
  | { outcome: 'not-addressed' }
  | { outcome: 'already-acknowledged'; tier: Tier }
  | { outcome: 'stood-down' };

/**
 * A party acknowledges the latest message addressed to it: at the highest tier it was told at, under the
 * role its kind of recipient has. A party never told about the episode cannot acknowledge it, and learns
 * nothing else about it: addressing is decided before the episode's state.
 */
export function decideAcknowledgement(
  episode: Episode,
  request: { party: string; role: PartyRole; by: string; on: IsoDate },
): AcknowledgementDecision {
  const told = episode.notifications.filter((n) => n.recipient.id === request.party && ROLE_OF_KIND[n.recipient.kind] === request.role);
  if (told.length === 0) return { outcome: 'not-addressed' };
  if (episode.status === 'stood-down') return { outcome: 'stood-down' };
  const tier = told.map((n) => n.tier).reduce(higherTier);
  if (isAcknowledged(episode, tier, request.party)) return { outcome: 'already-acknowledged', tier };
  return { outcome: 'acknowledged', acknowledgement: { episodeId: episode.episodeId, tier, recipientId: request.party, role: request.role, by: request.by, on: request.on } };
}
