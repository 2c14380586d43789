// The domain model: every concept the pipeline names, as a zod schema with its inferred type.
// zod/mini keeps Lambda bundles small; import it as a namespace (import * as z) so esbuild can tree-shake it:
// a score bundle carries about 30 KB of zod this way, and 430 KB with `import { z }`.
import * as z from 'zod/mini';

export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

export const GssCode = z.string().check(z.regex(/^E(06|07|08|09|10)\d{6}$/, 'a GSS council code such as E10000008'));
/** CQC ids are `1-` and digits, except NHS trusts' services, which keep their ODS codes (trust RX3, site RX3LD). */
export const CqcId = z.string().check(z.regex(/^(\d-\d{6,12}|[RT][A-Z0-9]{2}([A-Z0-9]{2,3})?)$/, 'a CQC id such as 1-125856395 (or an NHS ODS code such as RX3LD)'));

export const ADASS_REGIONS = [
  'East',
  'East Midlands',
  'Greater London',
  'North East',
  'North West',
  'South East',
  'South West',
  'West Midlands',
  'Yorkshire and Humber',
] as const;
export const AdassRegion = z.enum(ADASS_REGIONS);
export type AdassRegion = z.infer<typeof AdassRegion>;

export const Council = z.object({
  gss: GssCode,
  name: z.string(),
  cqcName: z.string(),
  region: AdassRegion,
});
export type Council = z.infer<typeof Council>;

export const SERVICE_KINDS = ['nursing-home', 'residential-home', 'home-care', 'community-other'] as const;
export const ServiceKind = z.enum(SERVICE_KINDS);
export type ServiceKind = z.infer<typeof ServiceKind>;

export const SIZE_BANDS = ['small', 'medium', 'large'] as const;
export const SizeBand = z.enum(SIZE_BANDS);
export type SizeBand = z.infer<typeof SizeBand>;

export const RATINGS = ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'] as const;
export const Rating = z.enum(RATINGS);
export type Rating = z.infer<typeof Rating>;

export const KEY_QUESTIONS = ['safe', 'effective', 'caring', 'responsive', 'wellLed'] as const;
export type KeyQuestion = (typeof KEY_QUESTIONS)[number];

/** One regulated service, keyed by its CQC location id. */
export const Location = z.object({
  locationId: CqcId,
  providerId: CqcId,
  name: z.string(),
  councilGss: GssCode,
  region: AdassRegion,
  serviceKind: ServiceKind,
  beds: z.int().check(z.nonnegative()),
  sizeBand: z.nullable(SizeBand),
  specialisms: z.array(z.string()),
  registeredOn: IsoDate,
  /** Where the source gives them, the address keys that tell a change of owner from a closure (see succession.ts). */
  uprn: z.optional(z.string().check(z.regex(/^\d{1,12}$/, 'a UPRN of up to 12 digits'))),
  postcode: z.optional(z.string()),
  /** The day CQC cancelled this registration, where the source says. */
  deregisteredOn: z.optional(IsoDate),
});
export type Location = z.infer<typeof Location>;

/** Care homes have beds and make monthly Capacity Tracker returns; community services have neither. */
export const CARE_HOME_KINDS: readonly ServiceKind[] = ['nursing-home', 'residential-home'];
export const isCareHome = (location: Pick<Location, 'serviceKind'>): boolean => CARE_HOME_KINDS.includes(location.serviceKind);

/** The registered organisation; often a company. */
export const Provider = z.object({
  providerId: CqcId,
  name: z.string(),
  companyNumber: z.nullable(z.string().check(z.regex(/^[A-Z0-9]{8}$/))),
  ownershipType: z.string(),
  groupId: z.nullable(z.string()),
});
export type Provider = z.infer<typeof Provider>;

/** A brand or parent over several providers (CQC brand). */
export const Group = z.object({
  groupId: z.string(),
  name: z.string(),
});
export type Group = z.infer<typeof Group>;

export const SOURCES = [
  'cqc-register',
  'cqc-api',
  'capacity-tracker',
  'companies-house',
  'safeguarding-return',
  'commissioner-action',
] as const;
export const Source = z.enum(SOURCES);
export type Source = z.infer<typeof Source>;

export const SubjectType = z.enum(['location', 'provider', 'group']);
export type SubjectType = z.infer<typeof SubjectType>;
export const Subject = z.object({ type: SubjectType, id: z.string().check(z.minLength(1)) });
export type Subject = z.infer<typeof Subject>;

const nullableRating = z.nullable(Rating);

export const RatingFacts = z.object({
  kind: z.literal('rating'),
  overall: nullableRating,
  safe: nullableRating,
  effective: nullableRating,
  caring: nullableRating,
  responsive: nullableRating,
  wellLed: nullableRating,
  /** The date the report was published, when the source carries it (the register extract does not). */
  publishedOn: z.nullable(IsoDate),
});

export const RegistrationFacts = z.object({
  kind: z.literal('registration'),
  status: z.enum(['Registered', 'Deregistered']),
  dormant: z.boolean(),
  registeredManagerAbsentSince: z.nullable(IsoDate),
});

/**
 * Since when the location has had no registered manager, as the CQC API reports it (null: a manager is in
 * post). The register extract cannot say: it carries the manager's name, which is never read.
 */
export const ManagerFacts = z.object({
  kind: z.literal('registered-manager'),
  absentSince: z.nullable(IsoDate),
});

export const ABUSE_TYPES = [
  'physical',
  'domestic',
  'sexual',
  'psychological',
  'financial-or-material',
  'modern-slavery',
  'discriminatory',
  'organisational',
  'neglect-and-acts-of-omission',
  'self-neglect',
] as const;

/** A safeguarding concern about a service: never any personal data about the adult at risk. */
export const SafeguardingFacts = z.object({
  kind: z.literal('safeguarding-concern'),
  abuseType: z.enum(ABUSE_TYPES),
  section42Enquiry: z.boolean(),
  /** The council that reported it; null where the return does not say (the location's own council, then). */
  reportingCouncilGss: z.nullable(GssCode),
});

/** One monthly NHS Capacity Tracker return for a care home. */
export const CapacityFacts = z.object({
  kind: z.literal('capacity-return'),
  period: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2025-09')),
  maxCapacity: z.int().check(z.nonnegative()),
  usedBeds: z.int().check(z.nonnegative()),
  declaredVacancies: z.int().check(z.nonnegative()),
  /** Null where the return leaves it out: not known to be closed to admissions. */
  acceptingAdmissions: z.nullable(z.boolean()),
  staffAbsencePct: z.nullable(z.number().check(z.gte(0), z.lte(100))),
  agencyHoursPct: z.nullable(z.number().check(z.gte(0), z.lte(100))),
  /** The return's `hoursagency`: agency hours worked, where given (the format has no total to make it a share). */
  agencyHours: z.optional(z.number().check(z.gte(0))),
});

export const COMPANY_STATUSES = [
  'active',
  'dissolved',
  'liquidation',
  'receivership',
  'administration',
  'voluntary-arrangement',
  'converted-closed',
  'insolvency-proceedings',
] as const;

/** A Companies House profile (and credit check) snapshot for a provider's company. */
export const FinancialFacts = z.object({
  kind: z.literal('financial-indicator'),
  companyNumber: z.string(),
  companyStatus: z.enum(COMPANY_STATUSES),
  accountsOverdueDays: z.int().check(z.nonnegative()),
  confirmationStatementOverdue: z.boolean(),
  insolvencyCases: z.int().check(z.nonnegative()),
  newChargeWithin12Months: z.boolean(),
  /** A credit score on the H-Score scale (0-100; 25 and below is the warning area), where one is held. */
  creditScore: z.nullable(z.number().check(z.gte(0), z.lte(100))),
  /** The API profile's `has_charges`: whether any charge is registered (it does not say when). */
  hasCharges: z.optional(z.boolean()),
});

/** A company's insolvency cases as Companies House lists them; the practitioners are never read. */
export const InsolvencyFacts = z.object({
  kind: z.literal('insolvency-cases'),
  companyNumber: z.string(),
  /** Each case's type (such as in-administration, creditors-voluntary-liquidation), in the resource's order. */
  caseTypes: z.array(z.string()),
  /** The latest date any case records (started, appointed, wound up), or null where none is given. */
  latestDateOn: z.nullable(IsoDate),
});

export const COMMISSIONER_ACTIONS = [
  'contract-suspended',
  'contract-reinstated',
  'placement-embargo',
  'placement-embargo-lifted',
  'cqc-enforcement',
  's56-notice',
  /** A council's formal notice that the provider is in default of its contract. */
  'default-notice',
] as const;
export type CommissionerActionType = (typeof COMMISSIONER_ACTIONS)[number];

export const CommissionerFacts = z.object({
  kind: z.literal('commissioner-action'),
  action: z.enum(COMMISSIONER_ACTIONS),
  councilGss: GssCode,
});

export const SignalFacts = z.discriminatedUnion('kind', [
  RatingFacts,
  RegistrationFacts,
  ManagerFacts,
  SafeguardingFacts,
  CapacityFacts,
  FinancialFacts,
  InsolvencyFacts,
  CommissionerFacts,
]);
export type SignalFacts = z.infer<typeof SignalFacts>;
export type SignalKind = SignalFacts['kind'];

/**
 * One dated fact from a source, stored once: its identity is source + naturalId. For snapshot sources
 * (a register extract, a company profile, a monthly return) the natural id includes the snapshot's date,
 * so a new status next month is a new signal while a re-sent file is not.
 */
export const Signal = z.object({
  source: Source,
  naturalId: z.string().check(z.minLength(1)),
  subject: Subject,
  /** The date the fact describes. */
  describedOn: IsoDate,
  /** The date the pipeline received it: replay as of a date uses only what had been received by then. */
  receivedOn: IsoDate,
  facts: SignalFacts,
  /**
   * Set on a predecessor registration's signal carried to its successor (succession.ts): the predecessor's
   * location id. Never stored: inheritance is worked out from the links each time a successor is scored.
   */
  inheritedFrom: z.optional(CqcId),
});
export type Signal = z.infer<typeof Signal>;
export type SignalOf<K extends SignalKind> = Signal & { facts: Extract<SignalFacts, { kind: K }> };

export const signalKey = (signal: Pick<Signal, 'source' | 'naturalId'>): string =>
  `${signal.source}#${signal.naturalId}`;

/**
 * How one registration followed another at the same service: CQC deregisters a location and registers a new
 * id when a home changes owner or moves. `kind` is what happened to the service; the predecessor's
 * deregistration is then not a closure.
 */
export const SUCCESSION_KINDS = ['ownership-change', 'move', 'nhs-transfer', 'other'] as const;
export const SuccessionKind = z.enum(SUCCESSION_KINDS);
export type SuccessionKind = z.infer<typeof SuccessionKind>;

/** What a link rests on, strongest first: CQC's own statement, then the stated heuristics (succession.ts). */
export const LINK_EVIDENCE = ['cqc-relationship', 'same-uprn', 'same-postcode-similar-name'] as const;
export const LinkEvidence = z.enum(LINK_EVIDENCE);
export type LinkEvidence = z.infer<typeof LinkEvidence>;

export const RegistrationLink = z.object({
  predecessorId: CqcId,
  successorId: CqcId,
  /** The day the service passed to the successor: the predecessor's deregistration, else the successor's registration. */
  linkedOn: IsoDate,
  kind: SuccessionKind,
  /** As the source words it ("Change of ownership", "Location Move"), or the heuristic's own description. */
  reason: z.string(),
  evidence: LinkEvidence,
  /** 0-1: how sure the link is (1 for CQC's statement). */
  confidence: z.number().check(z.gte(0), z.lte(1)),
  source: Source,
  /** The file that stated or implied it, and the day it was received: a link is known only from then. */
  origin: z.string(),
  receivedOn: IsoDate,
});
export type RegistrationLink = z.infer<typeof RegistrationLink>;

/** A link as an assessment reports it: the other registration, and why they are one service. */
export const SuccessionNote = z.object({
  locationId: CqcId,
  linkedOn: IsoDate,
  kind: SuccessionKind,
  reason: z.string(),
  evidence: LinkEvidence,
  confidence: z.number(),
});
export type SuccessionNote = z.infer<typeof SuccessionNote>;

export const BANDS = ['Green', 'Amber', 'Red'] as const;
export const Band = z.enum(BANDS);
export type Band = z.infer<typeof Band>;

export const MonitoringLevel = z.enum(['Standard', 'Responsive', 'Enhanced']);
export type MonitoringLevel = z.infer<typeof MonitoringLevel>;

export const ImpactTier = z.enum(['Low', 'Medium', 'High']);
export type ImpactTier = z.infer<typeof ImpactTier>;

export const FAMILIES = ['quality', 'safeguarding', 'financial', 'occupancy', 'workforce'] as const;
export const Family = z.enum(FAMILIES);
export type Family = z.infer<typeof Family>;

export const Evidence = z.object({
  source: Source,
  date: IsoDate,
  value: z.string(),
  /** The predecessor registration the evidence was inherited from, across a change of owner or a move. */
  inheritedFrom: z.optional(CqcId),
});
export type Evidence = z.infer<typeof Evidence>;

/** One reason behind a score: the points it added and the dated evidence for it. */
export const Factor = z.object({
  family: Family,
  indicator: z.string(),
  points: z.number(),
  evidence: z.array(Evidence),
});
export type Factor = z.infer<typeof Factor>;

export const FamilyResult = z.object({
  family: Family,
  /** 0-100, or null where the family has no data for this subject (left out, weights renormalised). */
  score: z.nullable(z.number()),
  weight: z.number(),
  lastDataOn: z.nullable(IsoDate),
  stale: z.boolean(),
});
export type FamilyResult = z.infer<typeof FamilyResult>;

export const RiskAssessment = z.object({
  subject: Subject,
  name: z.string(),
  asOf: IsoDate,
  likelihood: z.number().check(z.gte(0), z.lte(100)),
  impact: ImpactTier,
  band: Band,
  monitoringLevel: MonitoringLevel,
  hardTriggers: z.array(z.string()),
  factors: z.array(Factor),
  families: z.array(FamilyResult),
  /** 0-1: lowered by families without data and by stale data. */
  confidence: z.number().check(z.gte(0), z.lte(1)),
  modelVersion: z.string(),
  /** The market baseline (regional rates, council bed totals) the assessment was computed against. */
  baselineVersion: z.string(),
  /** Data-quality flags: stale or missing returns, a rating too old to trust. */
  flags: z.array(z.string()),
  councils: z.array(GssCode),
  regions: z.array(AdassRegion),
  beds: z.int().check(z.nonnegative()),
  /** Care home beds in each council: what impact (a share of a council's beds) is judged on. */
  bedsByCouncil: z.record(z.string(), z.int().check(z.nonnegative())),
  /** Set on providers and groups with locations in more than one council: a failure is a regional event. */
  sharedAcrossCouncils: z.boolean(),
  /**
   * Set where the subject's registrations passed to successors (a change of owner, a move): for a location
   * its successor; for a provider or group whose every service passed on, each service's. It is then no
   * longer live: it raises no escalation, counts in no roll-up or heat map total, and any open episode of it
   * stands down.
   */
  passedOn: z.optional(z.array(SuccessionNote)),
  /** Set on a location carrying a predecessor's history (its ratings, capacity returns and concerns). */
  inheritedFrom: z.optional(z.array(SuccessionNote)),
});
export type RiskAssessment = z.infer<typeof RiskAssessment>;

export const QuarantineRecord = z.object({
  source: z.string(),
  /** The file or batch the record came from. */
  origin: z.string(),
  /** 1-based row or line number within the origin (the header is row 1 for CSV). */
  row: z.int(),
  recordId: z.nullable(z.string()),
  field: z.nullable(z.string()),
  reason: z.string(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;
