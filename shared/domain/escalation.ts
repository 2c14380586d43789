// Escalation decisions under the information-sharing protocol: which episode of concern opens or worsens,
// at which tier, who is told, and what each recipient may see. Pure: assessments and the open episode in,
// the new episode state and the per-recipient messages out.
import * as z from 'zod/mini';
import { councilByGss } from './councils.js';
import { ADASS_REGIONS, AdassRegion, type Band, Band as BandSchema, Factor, type IsoDate, IsoDate as IsoDateSchema, type Location, type Provider, type RiskAssessment, Subject } from './model.js';
import { type FieldClass, type Protocol, RECIPIENT_KINDS, type RecipientKind, type Tier, TIERS, Tier as TierSchema } from './protocol.js';

export const Recipient = z.object({
  /** The SNS filter value: a council's GSS code, `adass-<region>`, or `national-market-oversight`. */
  id: z.string(),
  kind: z.enum(RECIPIENT_KINDS),
  name: z.string(),
});
export type Recipient = z.infer<typeof Recipient>;

export const Episode = z.object({
  episodeId: z.string(),
  subject: Subject,
  name: z.string(),
  openedOn: IsoDateSchema,
  status: z.enum(['open', 'stood-down']),
  tier: TierSchema,
  band: BandSchema,
  hardTriggers: z.array(z.string()),
  /** Bumped on every change that is notified: part of each message's idempotency key. */
  change: z.int(),
  lastChangedOn: IsoDateSchema,
});
export type Episode = z.infer<typeof Episode>;

export const EscalationMessage = z.object({
  schemaVersion: z.literal('1'),
  /** episode, change, tier and recipient: one key per change per recipient, so subscribers can drop repeats. */
  idempotencyKey: z.string(),
  episodeId: z.string(),
  change: z.int(),
  tier: TierSchema,
  recipient: Recipient,
  region: z.nullable(AdassRegion),
  raisedBy: z.string(),
  subject: z.object({ type: z.enum(['provider', 'group']), id: z.string(), name: z.string(), companyNumber: z.nullable(z.string()), hostCouncils: z.array(z.string()) }),
  band: BandSchema,
  likelihood: z.nullable(z.number()),
  impact: z.nullable(z.string()),
  hardTriggers: z.array(z.string()),
  concernCategories: z.array(z.string()),
  evidence: z.array(Factor),
  bedsAtRisk: z.nullable(z.int()),
  councilsAffected: z.array(z.string()),
  fieldClasses: z.array(z.string()),
  responseTargetWorkingDays: z.int(),
  reviewOn: IsoDateSchema,
  legalBasis: z.string(),
  protocolVersion: z.string(),
  summary: z.string(),
  body: z.string(),
});
export type EscalationMessage = z.infer<typeof EscalationMessage>;

export interface EscalationDecision {
  episode: Episode;
  messages: EscalationMessage[];
}

export interface MarketContext {
  locationsByProvider: ReadonlyMap<string, readonly Location[]>;
  providers: ReadonlyMap<string, Provider>;
  /** Councils placing residents at each location, beyond its host. */
  placingCouncils: ReadonlyMap<string, readonly string[]>;
}

const adassRecipient = (region: string): Recipient => ({ id: `adass-${region.toLowerCase().replace(/\s+/g, '-')}`, kind: 'adass-network', name: `ADASS ${region}` });
const NATIONAL: Recipient = { id: 'national-market-oversight', kind: 'national', name: 'CQC market oversight and DHSC' };

function tierFor(assessment: RiskAssessment, protocol: Protocol): Tier {
  const national = protocol.tiers.national;
  if (assessment.regions.length >= national.minRegions || assessment.beds >= national.minBeds) return 'national';
  const regional = protocol.tiers.regional;
  if (assessment.councils.length >= regional.minCouncils || (regional.highImpact && assessment.impact === 'High') || assessment.subject.type === 'group') return 'regional';
  return 'local';
}

/** Everyone told at a tier: lower tiers' recipients stay informed when a concern is raised higher. */
export function recipientsFor(assessment: RiskAssessment, tier: Tier, market: MarketContext): Recipient[] {
  const recipients = new Map<string, Recipient>();
  for (const gss of assessment.councils) recipients.set(gss, { id: gss, kind: 'host-council', name: councilByGss(gss)?.name ?? gss });
  const providerIds =
    assessment.subject.type === 'group'
      ? [...market.providers.values()].filter((p) => p.groupId === assessment.subject.id).map((p) => p.providerId)
      : [assessment.subject.id];
  const locations = providerIds.flatMap((id) => market.locationsByProvider.get(id) ?? []);
  for (const location of locations) {
    for (const gss of market.placingCouncils.get(location.locationId) ?? []) {
      if (!recipients.has(gss)) recipients.set(gss, { id: gss, kind: 'placing-council', name: councilByGss(gss)?.name ?? gss });
    }
  }
  if (TIERS.indexOf(tier) >= TIERS.indexOf('regional')) for (const region of assessment.regions) recipients.set(adassRecipient(region).id, adassRecipient(region));
  if (tier === 'national') recipients.set(NATIONAL.id, NATIONAL);
  return [...recipients.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const BAND_RANK: Record<Band, number> = { Green: 0, Amber: 1, Red: 2 };

/**
 * Opens an episode when a provider or group turns Red and notifies again only when it worsens: a higher
 * tier, a higher band or a new hard trigger. The same assessment fed twice decides nothing new.
 */
export function decideEscalation(
  assessment: RiskAssessment,
  open: Episode | undefined,
  market: MarketContext,
  protocol: Protocol,
): EscalationDecision | null {
  if (assessment.subject.type === 'location') return null;
  const tier = tierFor(assessment, protocol);
  if (!open) {
    if (assessment.band !== 'Red') return null;
    const episode: Episode = {
      episodeId: `${assessment.subject.type}-${assessment.subject.id}-${assessment.asOf}`,
      subject: assessment.subject,
      name: assessment.name,
      openedOn: assessment.asOf,
      status: 'open',
      tier,
      band: assessment.band,
      hardTriggers: assessment.hardTriggers,
      change: 1,
      lastChangedOn: assessment.asOf,
    };
    return { episode, messages: composeMessages(episode, assessment, market, protocol) };
  }
  const newTriggers = assessment.hardTriggers.filter((t) => !open.hardTriggers.includes(t));
  const worsened = TIERS.indexOf(tier) > TIERS.indexOf(open.tier) || BAND_RANK[assessment.band] > BAND_RANK[open.band] || newTriggers.length > 0;
  if (!worsened) return null;
  const episode: Episode = {
    ...open,
    tier: TIERS.indexOf(tier) > TIERS.indexOf(open.tier) ? tier : open.tier,
    band: BAND_RANK[assessment.band] > BAND_RANK[open.band] ? assessment.band : open.band,
    hardTriggers: [...new Set([...open.hardTriggers, ...assessment.hardTriggers])].sort(),
    change: open.change + 1,
    lastChangedOn: assessment.asOf,
  };
  return { episode, messages: composeMessages(episode, assessment, market, protocol) };
}

const CATEGORY_OF_FAMILY: Record<string, string> = {
  quality: 'quality',
  safeguarding: 'safeguarding',
  financial: 'financial',
  occupancy: 'financial',
  workforce: 'quality',
};

function concernCategories(assessment: RiskAssessment): string[] {
  const categories = new Set(assessment.factors.filter((f) => f.points > 0).map((f) => CATEGORY_OF_FAMILY[f.family] ?? f.family));
  for (const trigger of assessment.hardTriggers) {
    if (/contract|s\.56/i.test(trigger)) categories.add('commissioner concern');
    if (/Inadequate|Registration/i.test(trigger)) categories.add('regulator action');
    if (/Insolvency/i.test(trigger)) categories.add('financial');
  }
  return [...categories].sort();
}

function allowedClasses(kind: RecipientKind, protocol: Protocol): FieldClass[] {
  return protocol.fieldClasses[kind];
}

function composeMessages(episode: Episode, assessment: RiskAssessment, market: MarketContext, protocol: Protocol): EscalationMessage[] {
  const tierRule = protocol.tiers[episode.tier];
  const provider = assessment.subject.type === 'provider' ? market.providers.get(assessment.subject.id) : undefined;
  return recipientsFor(assessment, episode.tier, market).map((recipient) => {
    const classes = allowedClasses(recipient.kind, protocol);
    const official = classes.includes('official');
    const commercial = classes.includes('commercially-sensitive');
    const evidence = official
      ? assessment.factors.filter((f) => commercial || f.family !== 'financial').map((f) => ({ ...f, evidence: f.evidence.map((e) => ({ ...e })) }))
      : [];
    const hasFinancialConcern = assessment.factors.some((f) => f.family === 'financial' && f.points > 0);
    const withheld = official && !commercial && hasFinancialConcern;
    const region = recipient.kind === 'adass-network' ? (ADASS_REGIONS.find((r) => adassRecipient(r).id === recipient.id) ?? null) : (assessment.regions[0] ?? null);
    const message: Omit<EscalationMessage, 'summary' | 'body'> = {
      schemaVersion: '1',
      idempotencyKey: `${episode.episodeId}#${episode.change}#${episode.tier}#${recipient.id}`,
      episodeId: episode.episodeId,
      change: episode.change,
      tier: episode.tier,
      recipient,
      region,
      raisedBy: `system, under ${protocol.name}`,
      subject: {
        type: assessment.subject.type === 'group' ? 'group' : 'provider',
        id: assessment.subject.id,
        name: assessment.name,
        companyNumber: provider?.companyNumber ?? null,
        hostCouncils: assessment.councils,
      },
      band: assessment.band,
      likelihood: official ? assessment.likelihood : null,
      impact: official ? assessment.impact : null,
      // Hard triggers are public record (a rating, a Gazette notice, a council decision).
      hardTriggers: assessment.hardTriggers,
      concernCategories: concernCategories(assessment),
      evidence,
      bedsAtRisk: official ? assessment.beds : null,
      councilsAffected: official ? assessment.councils : [],
      fieldClasses: classes,
      responseTargetWorkingDays: tierRule.responseWorkingDays,
      reviewOn: addWorkingDays(episode.lastChangedOn, tierRule.responseWorkingDays),
      legalBasis: protocol.legalBasis,
      protocolVersion: protocol.version,
    };
    return { ...message, ...humanText(message, withheld) };
  });
}

function humanText(m: Omit<EscalationMessage, 'summary' | 'body'>, financialWithheld: boolean): { summary: string; body: string } {
  const summary = `${m.tier.toUpperCase()} escalation: ${m.subject.name} (${m.subject.id}) is ${m.band}${m.hardTriggers.length ? ` - ${m.hardTriggers.join('; ')}` : ''}`;
  const lines = [
    summary,
    '',
    `To: ${m.recipient.name} (${m.recipient.kind.replace('-', ' ')})`,
    `Raised by: ${m.raisedBy}`,
    `Subject: ${m.subject.type} ${m.subject.name}, CQC id ${m.subject.id}${m.subject.companyNumber ? `, company ${m.subject.companyNumber}` : ''}`,
    `Host councils: ${m.subject.hostCouncils.map((g) => councilByGss(g)?.name ?? g).join(', ')}`,
    `Concerns: ${m.concernCategories.join(', ') || 'none recorded'}`,
    ...(m.likelihood !== null ? [`Likelihood ${m.likelihood}/100, impact ${m.impact}, beds at risk ${m.bedsAtRisk}`] : []),
    ...(m.evidence.length ? ['Evidence:', ...m.evidence.slice(0, 8).map((f) => `- ${f.indicator} (+${f.points}; ${f.evidence.map((e) => `${e.source} ${e.date}: ${e.value}`).join('; ')})`)] : []),
    ...(financialWithheld ? ['A financial concern exists; details are shared with host councils and national market oversight only.'] : []),
    `Please respond within ${m.responseTargetWorkingDays} working days (review on ${m.reviewOn}). Each recipient decides what action to take.`,
    `Shared under ${m.legalBasis} (protocol ${m.protocolVersion}).`,
  ];
  return { summary, body: lines.join('\n') };
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
