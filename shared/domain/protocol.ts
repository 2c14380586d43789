// The information-sharing protocol as versioned configuration: the parties, when an episode opens and stands
// down, the tiers with their rules and response targets, which recipients see which classes of field, the
// legal basis and retention. Personal data is a class no recipient can be given: it never leaves the system.
import * as z from 'zod/mini';
import protocolV1 from '../config/protocol-v1.json' with { type: 'json' };
import protocolV2 from '../config/protocol-v2.json' with { type: 'json' };
import { councilByGss, COUNCILS } from './councils.js';
import { ADASS_REGIONS, type AdassRegion, Band, BANDS, ImpactTier, SubjectType } from './model.js';

export const TIERS = ['local', 'regional', 'national'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

/** The classes a recipient can be entitled to: every class but personal. */
export const DisclosableFieldClass = z.enum(['public', 'official', 'operational', 'commercially-sensitive']);
export type DisclosableFieldClass = z.infer<typeof DisclosableFieldClass>;

/** Government Security Classifications: a message is marked with the highest marking of the classes it carries. */
export const MARKINGS = ['OFFICIAL', 'OFFICIAL-SENSITIVE'] as const;
export const Marking = z.enum(MARKINGS);
export type Marking = z.infer<typeof Marking>;

export const RECIPIENT_KINDS = ['host-council', 'placing-council', 'adass-network', 'national'] as const;
export const RecipientKind = z.enum(RECIPIENT_KINDS);
export type RecipientKind = z.infer<typeof RecipientKind>;

/** The role a caller's token names (`custom:role`): one per kind of party. */
export const PARTY_ROLES = ['council-commissioner', 'adass-network', 'national-oversight'] as const;
export const PartyRole = z.enum(PARTY_ROLES);
export type PartyRole = z.infer<typeof PartyRole>;

export const ROLE_OF_KIND: Record<RecipientKind, PartyRole> = {
  'host-council': 'council-commissioner',
  'placing-council': 'council-commissioner',
  'adass-network': 'adass-network',
  national: 'national-oversight',
};

const count = z.int().check(z.positive());
const likelihood = z.number().check(z.gte(0), z.lte(100));

/** Entry and exit thresholds: an exit above its entry would stand an episode down the day it opened. */
const Thresholds = z
  .strictObject({ enterAtLikelihood: likelihood, exitBelowLikelihood: likelihood })
  .check(z.refine((t) => t.exitBelowLikelihood <= t.enterAtLikelihood, 'exitBelowLikelihood must not exceed enterAtLikelihood'));

/** Version 1: episodes open and stand down on the likelihood, with a lower pair of thresholds at High impact. */
const LikelihoodEpisodes = z.extend(Thresholds, {
  description: z.string(),
  highImpact: z.extend(Thresholds, { description: z.string() }),
  standDownAfterAssessments: count,
});

/**
 * Version 2: episodes open and stand down on the band, whatever the model behind it (a fitted probability
 * has other units than a points score): open at `enterAtBand`, held while at `exitBelowBand` or above.
 */
const BandEpisodes = z
  .strictObject({ openOn: z.literal('band'), description: z.string(), enterAtBand: Band, exitBelowBand: Band, standDownAfterAssessments: count })
  .check(z.refine((e) => BANDS.indexOf(e.exitBelowBand) <= BANDS.indexOf(e.enterAtBand), 'exitBelowBand must not be above enterAtBand'));

/** Every condition a rule names must hold; a subject matching any rule of a tier reaches that tier. */
const TierRule = z.strictObject({
  description: z.string(),
  subjects: z.array(SubjectType).check(z.minLength(1)),
  minCouncils: z.optional(count),
  minRegions: z.optional(count),
  minBeds: z.optional(count),
  impact: z.optional(ImpactTier),
  minHomeCareHoursPerWeek: z.optional(count),
});
export type TierRule = z.infer<typeof TierRule>;

const TierConfig = z.strictObject({
  description: z.string(),
  responseWorkingDays: count,
  /** Recipient kinds this tier adds: a tier tells its own and every lower tier's recipients. */
  notify: z.array(RecipientKind),
  rules: z.array(TierRule),
});

const FieldClassConfig = z.strictObject({ description: z.string(), fields: z.array(z.string()) });

/** An escalation is itself official information (a band, a tier): every recipient sees public and official. */
const Entitlement = z
  .array(DisclosableFieldClass)
  .check(z.refine((classes) => classes.includes('public') && classes.includes('official'), 'every recipient is entitled to public and official fields'));

export const Protocol = z.strictObject({
  version: z.string(),
  name: z.string(),
  description: z.string(),
  legalBasis: z.string(),
  retentionYears: count,
  retentionDescription: z.string(),
  parties: z.strictObject({
    councils: z.strictObject({ role: z.literal('council-commissioner'), description: z.string() }),
    adassNetworks: z.strictObject({ role: z.literal('adass-network'), idPrefix: z.string().check(z.minLength(1)), description: z.string() }),
    nationalOversight: z.strictObject({ role: z.literal('national-oversight'), id: z.string().check(z.minLength(1)), name: z.string(), description: z.string() }),
  }),
  episodes: z.union([LikelihoodEpisodes, BandEpisodes]),
  tiers: z.strictObject({ local: TierConfig, regional: TierConfig, national: TierConfig }),
  fieldClasses: z.strictObject({
    public: FieldClassConfig,
    official: FieldClassConfig,
    operational: FieldClassConfig,
    'commercially-sensitive': FieldClassConfig,
    personal: z.strictObject({ description: z.string(), fields: z.array(z.string()).check(z.maxLength(0, 'personal fields are never sent')) }),
  }),
  disclosure: z.record(RecipientKind, Entitlement),
  /** Who may list the audit trail: applied by functions/audit/audit.ts. */
  audit: z.strictObject({ description: z.string(), adassNetworkTiers: z.array(Tier) }),
  financialConcernNotice: z.string(),
  /** How changes reach each recipient: one notice per subject family per day, or a daily digest. */
  delivery: z.strictObject({ description: z.string(), digestRecipients: z.array(z.string()) }),
  /** Told, instead of the figures, to a recipient without the operational class. */
  operationalConcernNotice: z.string(),
  handling: z.strictObject({ description: z.string(), markings: z.record(DisclosableFieldClass, Marking), onwardSharing: z.string() }),
  /** What each kind of recipient is asked to do while an episode is open. */
  asks: z.record(RecipientKind, z.string()),
  providerEngagement: z.strictObject({ required: z.boolean(), note: z.string() }),
  recipientDecides: z.string(),
}).check(
  // A digest recipient the protocol cannot address would silently get the default instead.
  z.refine((p) => p.delivery.digestRecipients.every((id) => partyOf(id, p as Protocol) !== undefined), {
    message: 'every digest recipient must be a council GSS code, an ADASS network id or the national oversight id',
    path: ['delivery', 'digestRecipients'],
  }),
);
export type Protocol = z.infer<typeof Protocol>;

const PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([Protocol.parse(protocolV1), Protocol.parse(protocolV2)].map((p) => [p.version, p]));

/** A protocol by version; episodes already open carry on under whichever protocol is in force. */
export function protocolVersion(version: string): Protocol {
  const protocol = PROTOCOLS.get(version);
  if (!protocol) throw new Error(`unknown protocol version "${version}"; known: ${[...PROTOCOLS.keys()].join(', ')}`);
  return protocol;
}

export const DEFAULT_PROTOCOL: Protocol = protocolVersion('protocol-2');

export const adassNetworkId = (region: string, protocol: Protocol): string =>
  `${protocol.parties.adassNetworks.idPrefix}${region.toLowerCase().replace(/\s+/g, '-')}`;

/** Every party the protocol can address: each council, each ADASS network, national oversight. */
export function partyIds(protocol: Protocol): string[] {
  return [...COUNCILS.map((c) => c.gss), ...ADASS_REGIONS.map((r) => adassNetworkId(r, protocol)), protocol.parties.nationalOversight.id];
}

/** A party the protocol can address; `id` is the `recipient` attribute of the messages addressed to it. */
export type EscalationParty =
  | { readonly kind: 'council'; readonly id: string }
  | { readonly kind: 'adass-network'; readonly id: string; readonly region: AdassRegion }
  | { readonly kind: 'national'; readonly id: string };

/** The party a recipient id names, or undefined for an id that is no council, ADASS network or national oversight. */
export function partyOf(recipientId: string, protocol: Protocol): EscalationParty | undefined {
  if (recipientId === protocol.parties.nationalOversight.id) return { kind: 'national', id: recipientId };
  const region = ADASS_REGIONS.find((r) => adassNetworkId(r, protocol) === recipientId);
  if (region) return { kind: 'adass-network', id: recipientId, region };
  return councilByGss(recipientId) ? { kind: 'council', id: recipientId } : undefined;
}

/** The `custom:role` claim the protocol gives the party's staff. */
export function roleOf(party: EscalationParty, protocol: Protocol): PartyRole {
  const { councils, adassNetworks, nationalOversight } = protocol.parties;
  return { council: councils.role, 'adass-network': adassNetworks.role, national: nationalOversight.role }[party.kind];
}
