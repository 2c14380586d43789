// The escalation message one recipient receives for one change of an episode: its schema, the notice every
// recipient of the change is told alike, the redaction to the field classes each recipient is entitled to,
// and the plain text read in an email.
import * as z from 'zod/mini';
import { councilByGss } from './councils.js';
import { type ChangeKind, ChangeKind as ChangeKindSchema, type Episode, isAcknowledged, Recipient } from './episode.js';
import { footprint, type MarketContext, placingCouncilsOf } from './market-context.js';
import { ADASS_REGIONS, AdassRegion, Band as BandSchema, type Factor, Factor as FactorSchema, type Family, ImpactTier, type IsoDate, IsoDate as IsoDateSchema, type RiskAssessment, SubjectType } from './model.js';
import { adassNetworkId, DisclosableFieldClass, type Protocol, type Tier, Tier as TierSchema } from './protocol.js';
import { HARD_TRIGGERS } from './scoring.js';

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
  changeKind: ChangeKindSchema,
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

/** The messages of one change: the same notice, addressed to each recipient at its entitlement. */
export function messagesFor(episode: Episode, kind: ChangeKind, recipients: readonly Recipient[], a: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationMessage[] {
  const notice = noticeOf(episode, kind, a, market, protocol);
  return recipients.map((recipient) => addressTo(recipient, notice, episode, a, protocol));
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
