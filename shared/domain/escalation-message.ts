// The escalation message one recipient receives for one change of an episode: its schema, the notice every
// recipient of the change is told alike, and the redaction to the field classes each recipient is entitled
// to. What it says about the concern is read in escalation-concerns.ts; its plain text is escalation-text.ts.
import * as z from 'zod/mini';
import { councilByGss } from './councils.js';
import { actionsTaken, CONCERN_CATEGORIES, concernCategories, CouncilAction } from './escalation-concerns.js';
import { type ChangeKind, ChangeKind as ChangeKindSchema, type Episode, isAcknowledged, Recipient } from './episode.js';
import { escalationText } from './escalation-text.js';
import { footprint, type MarketContext, placingCouncilsOf } from './market-context.js';
import { linkBasis } from './succession.js';
import {
  ADASS_REGIONS,
  AdassRegion,
  Band as BandSchema,
  type Factor,
  Factor as FactorSchema,
  type Family,
  ImpactTier,
  type IsoDate,
  IsoDate as IsoDateSchema,
  type RiskAssessment,
  ServiceKind,
  SubjectType,
} from './model.js';
import { adassNetworkId, DisclosableFieldClass, Marking, MARKINGS, PartyRole, type Protocol, ROLE_OF_KIND, Tier as TierSchema } from './protocol.js';

/** The JSON message lists at most this many services: the largest groups run a few hundred, and SNS takes 256 KB. */
export const MAX_LISTED_LOCATIONS = 500;

const cqcUrl = (kind: 'location' | 'provider', id: string) => `https://www.cqc.org.uk/${kind}/${id}`;

/** One service behind the subject, as the CQC register describes it (all public). */
export const MessageLocation = z.strictObject({
  locationId: z.string(),
  name: z.string(),
  councilGss: z.string(),
  councilName: z.string(),
  serviceKind: ServiceKind,
  beds: z.int(),
  cqcUrl: z.string(),
});
export type MessageLocation = z.infer<typeof MessageLocation>;

export const AffectedCouncil = z.strictObject({
  gss: z.string(),
  name: z.string(),
  region: z.nullable(AdassRegion),
  /** A host has a service of the subject in its area; a placing council places residents at one elsewhere. */
  relation: z.enum(['host', 'placing']),
});
export type AffectedCouncil = z.infer<typeof AffectedCouncil>;

/** A registration that took over one of the subject's services: why a deregistration is not a closure (all public). */
export const PassedTo = z.strictObject({
  /** The successor registration. */
  locationId: z.string(),
  name: z.nullable(z.string()),
  cqcUrl: z.string(),
  on: IsoDateSchema,
  reason: z.string(),
  /** CQC's own relationship, or the heuristic that linked them (same UPRN; same postcode and a similar name). */
  basis: z.string(),
});
export type PassedTo = z.infer<typeof PassedTo>;

/** What one recipient is asked to do, by when, and the two ways to acknowledge it. */
export const Ask = z.strictObject({
  action: z.string(),
  respondBy: IsoDateSchema,
  acknowledge: z.strictObject({ route: z.string(), role: PartyRole, command: z.string() }),
});
export type Ask = z.infer<typeof Ask>;

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
  /** The protective marking of this message as sent, and what its recipient may pass on. */
  handling: z.strictObject({ marking: Marking, onwardSharing: z.string() }),
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
  /** The registered providers behind the subject (for a location, its provider), with their CQC pages. */
  providers: z.array(z.strictObject({ providerId: z.string(), name: z.string(), cqcUrl: z.string() })),
  /** The services behind the subject (for a location, itself): `total` of them, the first MAX_LISTED_LOCATIONS listed. */
  locations: z.strictObject({ total: z.int(), listed: z.array(MessageLocation) }),
  band: BandSchema,
  likelihood: z.nullable(z.number()),
  impact: z.nullable(ImpactTier),
  hardTriggers: z.array(z.string()),
  /** Where the subject's services passed to successor registrations (a change of owner, a move): why it stood down. */
  passedTo: z.array(PassedTo),
  concernCategories: z.array(z.enum(CONCERN_CATEGORIES)),
  evidence: z.array(FactorSchema),
  /** Set where financial evidence was withheld from this recipient: a financial concern exists. */
  financialConcernNotice: z.nullable(z.string()),
  /** Set where occupancy or workforce evidence was withheld from this recipient: such a concern exists. */
  operationalConcernNotice: z.nullable(z.string()),
  actionsTaken: z.array(CouncilAction),
  bedsAtRisk: z.nullable(z.int()),
  /** Host councils and councils placing residents there. */
  councilsAffected: z.array(z.string()),
  /** The same councils by name and region, and the regions they are in. */
  affected: z.strictObject({ councils: z.array(AffectedCouncil), regions: z.array(AdassRegion) }),
  fieldClasses: z.array(DisclosableFieldClass),
  responseTargetWorkingDays: z.int(),
  /** When this recipient's response at this tier is due (the stand-down date for a stand-down). */
  reviewOn: IsoDateSchema,
  /** False once this recipient has acknowledged at this tier, and for a stand-down. */
  acknowledgementRequested: z.boolean(),
  /** Null exactly when no acknowledgement is requested. */
  ask: z.nullable(Ask),
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

export type MessageContent = Omit<EscalationMessage, 'summary' | 'body'>;
/** What every recipient of a change is told alike: the rest depends on the recipient and its entitlement. */
type Notice = Omit<
  MessageContent,
  'idempotencyKey' | 'recipient' | 'region' | 'handling' | 'evidence' | 'financialConcernNotice' | 'operationalConcernNotice' | 'fieldClasses' | 'reviewOn' | 'acknowledgementRequested' | 'ask'
>;

/** The class of each family's evidence: a new family must be classed before it can be sent. */
const CLASS_OF_FAMILY: Record<Family, DisclosableFieldClass> = {
  quality: 'official',
  safeguarding: 'official',
  financial: 'commercially-sensitive',
  occupancy: 'operational',
  workforce: 'operational',
};

const copyFactor = (f: Factor): Factor => ({ ...f, evidence: f.evidence.map((e) => ({ ...e })) });

function noticeOf(episode: Episode, kind: ChangeKind, a: RiskAssessment, market: MarketContext, protocol: Protocol): Notice {
  const { providerIds, locationIds } = footprint(a.subject, market);
  const councilsAffected = [...new Set([...a.councils, ...placingCouncilsOf(a.subject, market)])].sort();
  const affectedCouncils = councilsAffected.map((gss) => affectedCouncil(gss, a.councils.includes(gss)));
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
    providers: providerIds.flatMap((id) => {
      const provider = market.providers.get(id);
      return provider ? [{ providerId: id, name: provider.name, cqcUrl: cqcUrl('provider', id) }] : [];
    }),
    locations: locationsOf(locationIds, market),
    band: a.band,
    likelihood: a.likelihood,
    impact: a.impact,
    // Hard triggers are public record (a rating, a Gazette notice, a council decision).
    hardTriggers: a.hardTriggers,
    passedTo: passedToOf(a, market),
    concernCategories: concernCategories(a),
    actionsTaken: actionsTaken(a),
    bedsAtRisk: a.beds,
    councilsAffected,
    affected: { councils: affectedCouncils, regions: ADASS_REGIONS.filter((r) => affectedCouncils.some((c) => c.region === r)) },
    responseTargetWorkingDays: protocol.tiers[episode.tier].responseWorkingDays,
    providerEngagement: { required: protocol.providerEngagement.required, toldBy: 'host-council', note: protocol.providerEngagement.note },
    recipientDecides: protocol.recipientDecides,
    legalBasis: protocol.legalBasis,
    protocolVersion: protocol.version,
  };
}

function passedToOf(a: RiskAssessment, market: MarketContext): PassedTo[] {
  return (a.passedOn ?? []).map((link) => ({
    locationId: link.locationId,
    name: market.locations.get(link.locationId)?.name ?? null,
    cqcUrl: cqcUrl('location', link.locationId),
    on: link.linkedOn,
    reason: link.reason,
    basis: linkBasis(link),
  }));
}

function affectedCouncil(gss: string, host: boolean): AffectedCouncil {
  const council = councilByGss(gss);
  return { gss, name: council?.name ?? gss, region: council?.region ?? null, relation: host ? 'host' : 'placing' };
}

/** The subject's services by council and name, so a reader finds those in its own area together. */
function locationsOf(locationIds: readonly string[], market: MarketContext): EscalationMessage['locations'] {
  const known = locationIds.flatMap((id) => {
    const l = market.locations.get(id);
    if (!l) return [];
    const councilName = councilByGss(l.councilGss)?.name ?? l.councilGss;
    return [{ locationId: l.locationId, name: l.name, councilGss: l.councilGss, councilName, serviceKind: l.serviceKind, beds: l.beds, cqcUrl: cqcUrl('location', l.locationId) }];
  });
  known.sort((x, y) => x.councilName.localeCompare(y.councilName) || x.name.localeCompare(y.name) || x.locationId.localeCompare(y.locationId));
  return { total: known.length, listed: known.slice(0, MAX_LISTED_LOCATIONS) };
}

/** The notice for one recipient, with only the field classes it is entitled to, marked for what it carries. */
function addressTo(recipient: Recipient, notice: Notice, episode: Episode, a: RiskAssessment, protocol: Protocol): EscalationMessage {
  const classes = protocol.disclosure[recipient.kind];
  const evidence = a.factors.filter((f) => classes.includes(CLASS_OF_FAMILY[f.family])).map(copyFactor);
  // A recipient without a class is still told that a concern of that class exists, never what it is.
  const withheld = (fieldClass: DisclosableFieldClass) => !classes.includes(fieldClass) && a.factors.some((f) => f.points > 0 && CLASS_OF_FAMILY[f.family] === fieldClass);
  const reviewOn = notice.changeKind === 'stood-down' ? a.asOf : dueOn(episode, recipient);
  const ask = askOf(recipient, episode, notice.changeKind, reviewOn, protocol);
  const content: MessageContent = {
    ...notice,
    idempotencyKey: `${episode.episodeId}#${episode.change}#${episode.tier}#${recipient.id}`,
    recipient,
    region: recipient.kind === 'adass-network' ? (ADASS_REGIONS.find((r) => adassNetworkId(r, protocol) === recipient.id) ?? null) : (a.regions[0] ?? null),
    handling: { marking: markingOf(evidence, protocol), onwardSharing: protocol.handling.onwardSharing },
    evidence,
    financialConcernNotice: withheld('commercially-sensitive') ? protocol.financialConcernNotice : null,
    operationalConcernNotice: withheld('operational') ? protocol.operationalConcernNotice : null,
    fieldClasses: [...classes],
    reviewOn,
    acknowledgementRequested: ask !== null,
    ask,
  };
  return { ...content, ...escalationText(content, protocol) };
}

/** The highest marking of the classes the message carries: public and official always, the rest by its evidence. */
function markingOf(evidence: readonly Factor[], protocol: Protocol): Marking {
  const carried = new Set<DisclosableFieldClass>(['public', 'official', ...evidence.map((f) => CLASS_OF_FAMILY[f.family])]);
  return MARKINGS[Math.max(...[...carried].map((c) => MARKINGS.indexOf(protocol.handling.markings[c])))]!;
}

/** Nothing is asked once the recipient has acknowledged at this tier, nor of anyone when an episode stands down. */
function askOf(recipient: Recipient, episode: Episode, kind: ChangeKind, respondBy: IsoDate, protocol: Protocol): Ask | null {
  if (kind === 'stood-down' || isAcknowledged(episode, episode.tier, recipient.id)) return null;
  const role = ROLE_OF_KIND[recipient.kind];
  return {
    action: protocol.asks[recipient.kind],
    respondBy,
    acknowledge: {
      route: `POST /episodes/${encodeURIComponent(episode.episodeId)}/acknowledgements`,
      role,
      // The user id stays a placeholder: who acknowledged is personal data, kept in the system, never sent.
      command: `npx tsx cli/main.ts acknowledge --episode ${episode.episodeId} --party ${recipient.id} --role ${role} --by <your user id>`,
    },
  };
}

function dueOn(episode: Episode, recipient: Recipient): IsoDate {
  const told = episode.notifications.find((n) => n.tier === episode.tier && n.recipient.id === recipient.id);
  if (!told) throw new Error(`${recipient.id} was never told at the ${episode.tier} tier of ${episode.episodeId}`);
  return told.dueOn;
}
