// Escalation episodes under the information-sharing protocol, as a state machine: an episode opens when a
// subject enters Red, is raised to a higher tier or re-notified when it worsens, reminds recipients whose
// response target passes without acknowledgement, and stands down after consecutive assessments below the
// exit threshold. Pure: an assessment and the subject's current episode in, the next episode and the
// per-recipient messages out, each message redacted to the field classes its recipient is entitled to.
import { groupBy } from './collections.js';
import * as z from 'zod/mini';
import { councilByGss } from './councils.js';
import {
  ADASS_REGIONS,
  AdassRegion,
  type Band,
  Band as BandSchema,
  type Factor,
  Factor as FactorSchema,
  type Family,
  ImpactTier,
  type IsoDate,
  IsoDate as IsoDateSchema,
  type Location,
  type Provider,
  type RiskAssessment,
  Subject,
  SubjectType,
} from './model.js';
import {
  adassNetworkId,
  DisclosableFieldClass,
  PartyRole,
  type Protocol,
  RecipientKind as RecipientKindSchema,
  ROLE_OF_KIND,
  type Tier,
  TIERS,
  Tier as TierSchema,
  type TierRule,
} from './protocol.js';
import { HARD_TRIGGERS } from './scoring.js';

export const Recipient = z.strictObject({
  /** The SNS filter value: a council's GSS code, an ADASS network id, or the national oversight id. */
  id: z.string(),
  kind: RecipientKindSchema,
  name: z.string(),
});
export type Recipient = z.infer<typeof Recipient>;

export const CHANGE_KINDS = ['opened', 'raised', 'worsened', 'reminder', 'stood-down'] as const;
export const ChangeKind = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** One recipient told at one tier: the response target runs from the day it was first told at that tier. */
export const Notification = z.strictObject({
  tier: TierSchema,
  recipient: Recipient,
  notifiedOn: IsoDateSchema,
  dueOn: IsoDateSchema,
  /** Set when the reminder goes: at most one reminder per tier per recipient. */
  remindedOn: z.nullable(IsoDateSchema),
});
export type Notification = z.infer<typeof Notification>;

export const Acknowledgement = z.strictObject({
  episodeId: z.string(),
  tier: TierSchema,
  recipientId: z.string(),
  role: PartyRole,
  /** The caller's user id: personal data, so it stays in the system and is never sent. */
  by: z.string(),
  on: IsoDateSchema,
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

export const Episode = z.object({
  episodeId: z.string(),
  subject: Subject,
  name: z.string(),
  openedOn: IsoDateSchema,
  status: z.enum(['open', 'stood-down']),
  tier: TierSchema,
  /** The highest band notified; a higher one is a worsening. */
  band: BandSchema,
  /** Every hard trigger notified; a trigger not among them is a worsening. */
  hardTriggers: z.array(z.string()),
  /** Bumped on every change that is notified: part of each message's idempotency key. */
  change: z.int(),
  lastChangedOn: IsoDateSchema,
  /** The assessment that last changed the episode: one of that date or earlier (a replay) decides nothing. */
  lastAssessedOn: IsoDateSchema,
  /** Consecutive assessments below the exit threshold. */
  belowExitCount: z.int().check(z.nonnegative()),
  notifications: z.array(Notification),
  /** Stored beside the episode, one item each, so an acknowledgement never races a decision. */
  acknowledgements: z.array(Acknowledgement),
});
export type Episode = z.infer<typeof Episode>;

export const CONCERN_CATEGORIES = ['quality', 'safeguarding', 'financial', 'commissioner concern', 'regulator action'] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

export const CouncilAction = z.strictObject({
  action: z.enum(['placement embargo', 'contract suspension']),
  /** The council that took it, where the evidence names one. */
  council: z.nullable(z.string()),
  /** The date of its evidence; a hard trigger carries none. */
  since: z.nullable(IsoDateSchema),
});
export type CouncilAction = z.infer<typeof CouncilAction>;

/**
 * One message to one recipient, in the shape of a regional information-sharing notice. Strict at every
 * level of its own, so a field no class covers cannot be sent. Each field's class is listed in the protocol.
 */
export const EscalationMessage = z.strictObject({
  schemaVersion: z.literal('1'),
  /** episode, change, tier and recipient: one key per change per recipient, so subscribers can drop repeats. */
  idempotencyKey: z.string(),
  episodeId: z.string(),
  change: z.int(),
  changeKind: ChangeKind,
  tier: TierSchema,
  recipient: Recipient,
  region: z.nullable(AdassRegion),
  raisedBy: z.string(),
  subject: z.strictObject({
    type: SubjectType,
    /** A provider or group is the organisation as a whole; a location is one service. */
    scope: z.enum(['organisation', 'service']),
    id: z.string(),
    name: z.string(),
    cqcProviderIds: z.array(z.string()),
    cqcLocationIds: z.array(z.string()),
    companyNumber: z.nullable(z.string()),
    hostCouncils: z.array(z.string()),
  }),
  band: BandSchema,
  likelihood: z.nullable(z.number()),
  impact: z.nullable(ImpactTier),
  hardTriggers: z.array(z.string()),
  concernCategories: z.array(z.enum(CONCERN_CATEGORIES)),
  evidence: z.array(FactorSchema),
  /** Set where financial evidence was withheld from this recipient: a financial concern exists. */
  financialConcernNotice: z.nullable(z.string()),
  actionsTaken: z.array(CouncilAction),
  bedsAtRisk: z.nullable(z.int()),
  /** Host councils and councils placing residents there. */
  councilsAffected: z.array(z.string()),
  fieldClasses: z.array(DisclosableFieldClass),
  responseTargetWorkingDays: z.int(),
  /** When this recipient's response at this tier is due (the stand-down date for a stand-down). */
  reviewOn: IsoDateSchema,
  /** False once this recipient has acknowledged at this tier, and for a stand-down. */
  acknowledgementRequested: z.boolean(),
  providerEngagement: z.strictObject({ required: z.boolean(), toldBy: z.literal('host-council'), note: z.string() }),
  recipientDecides: z.string(),
  legalBasis: z.string(),
  protocolVersion: z.string(),
  summary: z.string(),
  body: z.string(),
});
export type EscalationMessage = z.infer<typeof EscalationMessage>;

/** The next state of an episode; no messages when only its stand-down count changed. */
export interface EscalationDecision {
  episode: Episode;
  messages: EscalationMessage[];
}

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

const BAND_RANK: Record<Band, number> = { Green: 0, Amber: 1, Red: 2 };
const higherTier = (a: Tier, b: Tier): Tier => (TIERS.indexOf(a) >= TIERS.indexOf(b) ? a : b);

/**
 * Whether an assessment is at or above a threshold of the protocol's episodes: on likelihood, on the lower
 * High-impact threshold, or held there by any hard trigger.
 */
function atOrAbove(a: RiskAssessment, protocol: Protocol, threshold: 'enterAtLikelihood' | 'exitBelowLikelihood'): boolean {
  const { episodes } = protocol;
  return a.hardTriggers.length > 0 || a.likelihood >= episodes[threshold] || (a.impact === 'High' && a.likelihood >= episodes.highImpact[threshold]);
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

/** The CQC providers and locations a subject stands for. */
function footprint(subject: Subject, market: MarketContext): { providerIds: string[]; locationIds: string[] } {
  const locationsOf = (providerIds: readonly string[]) => providerIds.flatMap((id) => market.locationsByProvider.get(id) ?? []).map((l) => l.locationId);
  if (subject.type === 'location') {
    const providerId = market.locations.get(subject.id)?.providerId;
    return { providerIds: providerId ? [providerId] : [], locationIds: [subject.id] };
  }
  const providerIds = subject.type === 'provider' ? [subject.id] : [...market.providers.values()].filter((p) => p.groupId === subject.id).map((p) => p.providerId);
  return { providerIds: providerIds.sort(), locationIds: locationsOf(providerIds).sort() };
}

const placingCouncilsOf = (subject: Subject, market: MarketContext): string[] =>
  [...new Set(footprint(subject, market).locationIds.flatMap((id) => market.placingCouncils.get(id) ?? []))].sort();

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
  return current?.status === 'open' ? progressEpisode(a, current, market, protocol) : openEpisode(a, market, protocol);
}

function notification(recipient: Recipient, tier: Tier, on: IsoDate, protocol: Protocol): Notification {
  return { tier, recipient, notifiedOn: on, dueOn: addWorkingDays(on, protocol.tiers[tier].responseWorkingDays), remindedOn: null };
}

function openEpisode(a: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationDecision | null {
  const tier = tierFor(a, protocol);
  if (tier === null || !atOrAbove(a, protocol, 'enterAtLikelihood')) return null;
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
  if (!atOrAbove(a, protocol, 'exitBelowLikelihood')) {
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

const isAcknowledged = (episode: Episode, tier: Tier, recipientId: string) =>
  episode.acknowledgements.some((ack) => ack.tier === tier && ack.recipientId === recipientId);

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
  const notice = noticeOf(episode, kind, a, market, protocol);
  return { episode, messages: recipients.map((recipient) => addressTo(recipient, notice, episode, a, protocol)) };
}

type MessageContent = Omit<EscalationMessage, 'summary' | 'body'>;
/** What every recipient of a change is told alike: the rest depends on the recipient and its entitlement. */
type Notice = Omit<MessageContent, 'idempotencyKey' | 'recipient' | 'region' | 'evidence' | 'financialConcernNotice' | 'fieldClasses' | 'reviewOn' | 'acknowledgementRequested'>;

const CATEGORY_OF_FAMILY: Record<Family, ConcernCategory> = {
  quality: 'quality',
  safeguarding: 'safeguarding',
  financial: 'financial',
  occupancy: 'financial',
  workforce: 'quality',
};

type HardTrigger = (typeof HARD_TRIGGERS)[keyof typeof HARD_TRIGGERS];
const CATEGORIES_OF_TRIGGER: Record<HardTrigger, ConcernCategory[]> = {
  [HARD_TRIGGERS.inadequateOverall]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.inadequateSafe]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.inadequateWellLed]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.deregistered]: ['regulator action'],
  [HARD_TRIGGERS.insolvency]: ['financial'],
  // CQC's notice to councils under the market oversight scheme that a provider is likely to fail.
  [HARD_TRIGGERS.s56Notice]: ['financial', 'regulator action'],
  [HARD_TRIGGERS.contractSuspended]: ['commissioner concern'],
};

/** Commissioner actions reach the quality family as factors whose evidence value is the action. */
const CATEGORY_OF_ACTION: Partial<Record<string, ConcernCategory>> = { 'placement-embargo': 'commissioner concern', 'cqc-enforcement': 'regulator action' };

const actionEvidence = (a: RiskAssessment) =>
  a.factors.flatMap((factor) => factor.evidence.filter((e) => e.source === 'commissioner-action').map((evidence) => ({ factor, evidence })));

function concernCategories(a: RiskAssessment): ConcernCategory[] {
  const categories = new Set<ConcernCategory>(a.factors.filter((f) => f.points > 0).map((f) => CATEGORY_OF_FAMILY[f.family]));
  for (const trigger of a.hardTriggers) for (const c of CATEGORIES_OF_TRIGGER[trigger as HardTrigger] ?? []) categories.add(c);
  for (const { evidence } of actionEvidence(a)) {
    const category = CATEGORY_OF_ACTION[evidence.value];
    if (category) categories.add(category);
  }
  return CONCERN_CATEGORIES.filter((c) => categories.has(c));
}

/** Placement embargoes from their factors (which name the council), contract suspensions from their trigger. */
function actionsTaken(a: RiskAssessment): CouncilAction[] {
  const embargoes = actionEvidence(a)
    .filter(({ evidence }) => evidence.value === 'placement-embargo')
    .map(({ factor, evidence }): CouncilAction => ({ action: 'placement embargo', council: /\bby (E\d{8})\b/.exec(factor.indicator)?.[1] ?? null, since: evidence.date }));
  const suspension: CouncilAction[] = a.hardTriggers.includes(HARD_TRIGGERS.contractSuspended) ? [{ action: 'contract suspension', council: null, since: null }] : [];
  return [...embargoes, ...suspension];
}

const copyFactor = (f: Factor): Factor => ({ ...f, evidence: f.evidence.map((e) => ({ ...e })) });

function noticeOf(episode: Episode, kind: ChangeKind, a: RiskAssessment, market: MarketContext, protocol: Protocol): Notice {
  const { providerIds, locationIds } = footprint(a.subject, market);
  return {
    schemaVersion: '1',
    episodeId: episode.episodeId,
    change: episode.change,
    changeKind: kind,
    tier: episode.tier,
    raisedBy: `the system, on the rules of ${protocol.version}`,
    subject: {
      type: a.subject.type,
      scope: a.subject.type === 'location' ? 'service' : 'organisation',
      id: a.subject.id,
      name: a.name,
      cqcProviderIds: providerIds,
      cqcLocationIds: locationIds,
      companyNumber: a.subject.type === 'group' ? null : (market.providers.get(providerIds[0] ?? '')?.companyNumber ?? null),
      hostCouncils: a.councils,
    },
    band: a.band,
    likelihood: a.likelihood,
    impact: a.impact,
    // Hard triggers are public record (a rating, a Gazette notice, a council decision).
    hardTriggers: a.hardTriggers,
    concernCategories: concernCategories(a),
    actionsTaken: actionsTaken(a),
    bedsAtRisk: a.beds,
    councilsAffected: [...new Set([...a.councils, ...placingCouncilsOf(a.subject, market)])].sort(),
    responseTargetWorkingDays: protocol.tiers[episode.tier].responseWorkingDays,
    providerEngagement: { required: protocol.providerEngagement.required, toldBy: 'host-council', note: protocol.providerEngagement.note },
    recipientDecides: protocol.recipientDecides,
    legalBasis: protocol.legalBasis,
    protocolVersion: protocol.version,
  };
}

/** The notice for one recipient, with only the field classes it is entitled to. */
function addressTo(recipient: Recipient, notice: Notice, episode: Episode, a: RiskAssessment, protocol: Protocol): EscalationMessage {
  const classes = protocol.disclosure[recipient.kind];
  const commercial = classes.includes('commercially-sensitive');
  const financialConcern = a.factors.some((f) => f.family === 'financial' && f.points > 0);
  const content: MessageContent = {
    ...notice,
    idempotencyKey: `${episode.episodeId}#${episode.change}#${episode.tier}#${recipient.id}`,
    recipient,
    region: recipient.kind === 'adass-network' ? (ADASS_REGIONS.find((r) => adassNetworkId(r, protocol) === recipient.id) ?? null) : (a.regions[0] ?? null),
    evidence: a.factors.filter((f) => commercial || f.family !== 'financial').map(copyFactor),
    financialConcernNotice: !commercial && financialConcern ? protocol.financialConcernNotice : null,
    fieldClasses: [...classes],
    reviewOn: notice.changeKind === 'stood-down' ? a.asOf : dueOn(episode, recipient),
    acknowledgementRequested: notice.changeKind !== 'stood-down' && !isAcknowledged(episode, episode.tier, recipient.id),
  };
  return { ...content, ...humanText(content, protocol) };
}

function dueOn(episode: Episode, recipient: Recipient): IsoDate {
  const told = episode.notifications.find((n) => n.tier === episode.tier && n.recipient.id === recipient.id);
  if (!told) throw new Error(`${recipient.id} was never told at the ${episode.tier} tier of ${episode.episodeId}`);
  return told.dueOn;
}

const CHANGE_HEADLINE: Record<ChangeKind, (tier: Tier) => string> = {
  opened: () => 'opened',
  raised: (tier) => `raised to ${tier}`,
  worsened: () => 'worsened',
  reminder: () => 'reminder, response overdue',
  'stood-down': () => 'stood down',
};

const workingDays = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;

function responseLine(m: MessageContent, protocol: Protocol): string {
  if (m.changeKind === 'stood-down') {
    return `Stood down after ${protocol.episodes.standDownAfterAssessments} consecutive assessments below the exit threshold; no response is needed.`;
  }
  if (!m.acknowledgementRequested) return `Acknowledged at the ${m.tier} tier; no further response is asked for.`;
  if (m.changeKind === 'reminder') return `The response target of ${workingDays(m.responseTargetWorkingDays)} passed on ${m.reviewOn} without an acknowledgement: please acknowledge episode ${m.episodeId}.`;
  return `Please acknowledge episode ${m.episodeId} within ${workingDays(m.responseTargetWorkingDays)} (by ${m.reviewOn}).`;
}

function humanText(m: MessageContent, protocol: Protocol): { summary: string; body: string } {
  const councilName = (gss: string) => councilByGss(gss)?.name ?? gss;
  const s = m.subject;
  const summary = `${m.tier.toUpperCase()} escalation ${CHANGE_HEADLINE[m.changeKind](m.tier)}: ${s.name} (${s.id}) is ${m.band}${m.hardTriggers.length ? ` - ${m.hardTriggers.join('; ')}` : ''}`;
  const lines = [
    summary,
    '',
    `To: ${m.recipient.name} (${m.recipient.kind.replace('-', ' ')})`,
    `Raised by: ${m.raisedBy}`,
    `Subject: ${s.scope === 'service' ? 'one service' : 'the organisation as a whole'}, ${s.type} ${s.name}, CQC id ${s.id}` +
      `${s.type === 'location' ? '' : `, ${s.cqcLocationIds.length} CQC locations`}${s.companyNumber ? `, company ${s.companyNumber}` : ''}`,
    `Host councils: ${s.hostCouncils.map(councilName).join(', ')}`,
    `Concerns: ${m.concernCategories.join(', ') || 'none recorded'}`,
    `Likelihood ${m.likelihood}/100, impact ${m.impact}, beds at risk ${m.bedsAtRisk}, councils affected ${m.councilsAffected.length}`,
    ...(m.evidence.length ? ['Evidence:', ...m.evidence.slice(0, 8).map((f) => `- ${f.indicator} (+${f.points}; ${f.evidence.map((e) => `${e.source} ${e.date}: ${e.value}`).join('; ')})`)] : []),
    ...(m.financialConcernNotice ? [m.financialConcernNotice] : []),
    `Actions already taken by councils: ${m.actionsTaken.map((t) => `${t.action}${t.council ? ` by ${councilName(t.council)}` : ''}${t.since ? ` since ${t.since}` : ''}`).join('; ') || 'none recorded'}`,
    `Provider: the protocol ${m.providerEngagement.required ? 'requires the host council to tell the provider and invite its comments' : 'does not require the provider to be told'}. ${m.providerEngagement.note}`,
    responseLine(m, protocol),
    m.recipientDecides,
    `Shared under ${m.legalBasis} (protocol ${m.protocolVersion}).`,
  ];
  return { summary, body: lines.join('\n') };
}

/** The outcome of an acknowledgement, before it is stored. */
export type AcknowledgementDecision =
  | { outcome: 'acknowledged'; acknowledgement: Acknowledgement }
  | { outcome: 'not-addressed' }
  | { outcome: 'already-acknowledged'; tier: Tier }
  | { outcome: 'stood-down' };

/**
 * A party acknowledges the latest message addressed to it: at the highest tier it was told at, under the
 * role its kind of recipient has. A party never told about the episode cannot acknowledge it.
 */
export function decideAcknowledgement(
  episode: Episode,
  request: { party: string; role: PartyRole; by: string; on: IsoDate },
): AcknowledgementDecision {
  if (episode.status === 'stood-down') return { outcome: 'stood-down' };
  const told = episode.notifications.filter((n) => n.recipient.id === request.party && ROLE_OF_KIND[n.recipient.kind] === request.role);
  if (told.length === 0) return { outcome: 'not-addressed' };
  const tier = told.map((n) => n.tier).reduce(higherTier);
  if (isAcknowledged(episode, tier, request.party)) return { outcome: 'already-acknowledged', tier };
  return { outcome: 'acknowledged', acknowledgement: { episodeId: episode.episodeId, tier, recipientId: request.party, role: request.role, by: request.by, on: request.on } };
}

export function addWorkingDays(from: IsoDate, days: number): IsoDate {
  const date = new Date(`${from}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date.toISOString().slice(0, 10);
}
