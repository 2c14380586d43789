// The CQC public API's location resource (`GET /locations/{id}`), one response a file or a JSON array of them,
// into the location's reference record (with its UPRN and postcode), dated signals (each published rating with
// its key questions, a deregistration, and since when the registered manager has been absent) and the links to
// the registrations before and after it that CQC states in `relationships`. The schema names no `contacts`, no
// person and no related location's name, so zod drops them with every other undeclared key before any code
// sees the document.
import * as z from 'zod/mini';
import { councilByName } from '../domain/councils.js';
import { CqcId, IsoDate, KEY_QUESTIONS, type KeyQuestion, type Location, type Rating, type RegistrationLink, type Signal } from '../domain/model.js';
import { kindOfReason } from '../domain/succession.js';
import { postcodeFrom, uprnFrom } from './address-keys.js';
import { emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import { ratingFromText, serviceKindOf, sizeBandOf } from './cqc-terms.js';
import { type RecordChecks, shown, slug } from './csv-rows.js';
import { parseJsonRecords, readDocument, stringAt } from './json-records.js';

const SOURCE = 'cqc-api';

const KeyQuestionRating = z.object({ name: z.string(), rating: z.optional(z.string()) });
const RatedQuestions = z.optional(z.array(KeyQuestionRating));
/** `assessmentPlanPublishedDateTime` comes as "2024-01-01 00:00:00" or as an ISO timestamp; its date is the day. */
const PublishedDateTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}([T ].*)?$/, 'a date such as 2024-01-01 or 2024-01-01 00:00:00'));
/** One registration before or after this one; `relatedLocationName` is not read. */
const Relationship = z.object({ relatedLocationId: CqcId, type: z.string(), reason: z.string() });

// The API leaves out what a location does not have (no deregistration date, no manager absence, no rating yet).
const ApiLocation = z.object({
  locationId: CqcId,
  providerId: CqcId,
  name: z.string(),
  registrationStatus: z.enum(['Registered', 'Deregistered']),
  registrationDate: IsoDate,
  deregistrationDate: z.optional(IsoDate),
  dormancy: z.optional(z.enum(['Y', 'N'])),
  numberOfBeds: z.optional(z.int().check(z.nonnegative())),
  localAuthority: z.string(),
  // The API has given the UPRN both as text and as a number.
  uprn: z.optional(z.union([z.string(), z.number()])),
  postalCode: z.optional(z.string()),
  relationships: z.optional(z.array(Relationship)),
  registeredManagerAbsentDate: z.optional(IsoDate),
  gacServiceTypes: z.optional(z.array(z.object({ name: z.optional(z.string()), description: z.optional(z.string()) }))),
  specialisms: z.optional(z.array(z.object({ name: z.string() }))),
  currentRatings: z.optional(
    z.object({
      overall: z.optional(z.object({ rating: z.optional(z.string()), reportDate: z.optional(IsoDate), keyQuestionRatings: RatedQuestions })),
    }),
  ),
  historicRatings: z.optional(
    z.array(
      z.object({
        reportDate: z.optional(IsoDate),
        overall: z.optional(z.object({ rating: z.optional(z.string()), keyQuestionRatings: RatedQuestions })),
      }),
    ),
  ),
  assessment: z.optional(
    z.array(
      z.object({
        assessmentPlanPublishedDateTime: z.optional(PublishedDateTime),
        ratings: z.optional(
          z.object({ overall: z.optional(z.array(z.object({ rating: z.optional(z.string()), keyQuestionRatings: RatedQuestions }))) }),
        ),
      }),
    ),
  ),
});
type ApiLocation = z.infer<typeof ApiLocation>;
/** The location's name, held to a name's size limit; other names (of specialisms) are CQC's own words. */
const NAME_FIELDS: ReadonlySet<string> = new Set(['name']);

/** One published rating as the document gives it, with the paths its fields are reported under. */
interface RatingEntry {
  /** Where the overall rating and its key questions sit. */
  path: string;
  datePath: string;
  date: string | undefined;
  overall: string | undefined;
  questions: z.infer<typeof KeyQuestionRating>[];
}

const QUESTION_BY_SLUG = new Map<string, KeyQuestion>([
  ['safe', 'safe'],
  ['effective', 'effective'],
  ['caring', 'caring'],
  ['responsive', 'responsive'],
  ['well-led', 'wellLed'],
]);

/**
 * Every rating the document publishes: the current one and the historic ones, and the newer assessments'
 * only where there is no current rating: where both are given they are the same latest rating, under dates
 * that may differ, and would count twice.
 */
function ratingEntries(doc: ApiLocation): RatingEntry[] {
  const current = doc.currentRatings?.overall;
  const entries: RatingEntry[] = [];
  if (current) {
    const path = 'currentRatings.overall';
    entries.push({ path, datePath: `${path}.reportDate`, date: current.reportDate, overall: current.rating, questions: current.keyQuestionRatings ?? [] });
  } else {
    doc.assessment?.forEach((assessment, a) => {
      // One assessment publishes one overall rating; the first that names a rating is it.
      const overall = assessment.ratings?.overall ?? [];
      const o = overall.findIndex((entry) => entry.rating !== undefined);
      const rated = overall[o];
      if (!rated) return;
      entries.push({
        path: `assessment.${a}.ratings.overall.${o}`,
        datePath: `assessment.${a}.assessmentPlanPublishedDateTime`,
        date: assessment.assessmentPlanPublishedDateTime?.slice(0, 10),
        overall: rated.rating,
        questions: rated.keyQuestionRatings ?? [],
      });
    });
  }
  doc.historicRatings?.forEach((historic, h) => {
    entries.push({
      path: `historicRatings.${h}.overall`,
      datePath: `historicRatings.${h}.reportDate`,
      date: historic.reportDate,
      overall: historic.overall?.rating,
      questions: historic.overall?.keyQuestionRatings ?? [],
    });
  });
  return entries;
}

function ratingAt(checks: RecordChecks, field: string, text: string | undefined): Rating | null {
  const rating = ratingFromText(text ?? '');
  if (rating === undefined) checks.add(field, `${shown(text)} is not a CQC rating`);
  return rating ?? null;
}

function ratingSignals(doc: ApiLocation, checks: RecordChecks, context: ParseContext): Signal[] {
  const signals = new Map<string, Signal>();
  for (const entry of ratingEntries(doc)) {
    const questions = Object.fromEntries(KEY_QUESTIONS.map((question) => [question, null])) as Record<KeyQuestion, Rating | null>;
    entry.questions.forEach((answer, q) => {
      const question = QUESTION_BY_SLUG.get(slug(answer.name));
      // Other headings (the NHS "Use of resources") are not key questions of adult social care.
      if (question) questions[question] = ratingAt(checks, `${entry.path}.keyQuestionRatings.${q}.rating`, answer.rating);
    });
    const overall = ratingAt(checks, `${entry.path}.rating`, entry.overall);
    if (overall === null && Object.values(questions).every((rating) => rating === null)) continue;
    const publishedOn =
      entry.date === undefined ? checks.add(entry.datePath, 'missing while a rating is given') : checks.pastDate(entry.datePath, entry.date);
    // The same report can appear as current and as historic: the first (current) stands.
    if (publishedOn === undefined || signals.has(publishedOn)) continue;
    signals.set(publishedOn, {
      source: SOURCE,
      naturalId: `${doc.locationId}#rating#${publishedOn}`,
      subject: { type: 'location', id: doc.locationId },
      describedOn: publishedOn,
      receivedOn: context.receivedOn,
      facts: { kind: 'rating', overall, ...questions, publishedOn },
    });
  }
  return [...signals.values()];
}

/** The manager and deregistration signals, with the day the registration was cancelled where it was. */
function registrationSignals(doc: ApiLocation, checks: RecordChecks, context: ParseContext): { signals: Signal[]; deregisteredOn?: IsoDate } {
  const subject = { type: 'location', id: doc.locationId } as const;
  const absentSince =
    doc.registeredManagerAbsentDate === undefined ? null : checks.pastDate('registeredManagerAbsentDate', doc.registeredManagerAbsentDate);
  // Every snapshot says whether a manager is absent, so a manager's return ends the absence.
  const signals: Signal[] = [];
  if (absentSince !== undefined) {
    signals.push({
      source: SOURCE,
      naturalId: `${doc.locationId}#manager#${context.snapshotOn}`,
      subject,
      describedOn: context.snapshotOn,
      receivedOn: context.receivedOn,
      facts: { kind: 'registered-manager', absentSince },
    });
  }
  const { deregistrationDate } = doc;
  if (doc.registrationStatus === 'Registered') {
    if (deregistrationDate !== undefined) checks.add('deregistrationDate', `${shown(deregistrationDate)} is given while registrationStatus is Registered`);
    return { signals };
  }
  const deregisteredOn =
    deregistrationDate === undefined
      ? checks.add('deregistrationDate', 'missing while registrationStatus is Deregistered')
      : checks.pastDate('deregistrationDate', deregistrationDate);
  if (deregisteredOn !== undefined) {
    signals.push({
      source: SOURCE,
      naturalId: `${doc.locationId}#registration#${deregisteredOn}`,
      subject,
      describedOn: deregisteredOn,
      receivedOn: context.receivedOn,
      facts: { kind: 'registration', status: 'Deregistered', dormant: doc.dormancy === 'Y', registeredManagerAbsentSince: null },
    });
  }
  return { signals, deregisteredOn };
}

/** The address keys where the document gives them; a blank one is as good as absent. */
function addressKeys(doc: ApiLocation, checks: RecordChecks): Pick<Location, 'uprn' | 'postcode'> {
  const keys: Pick<Location, 'uprn' | 'postcode'> = {};
  if (doc.uprn !== undefined && doc.uprn !== '') {
    keys.uprn = uprnFrom(doc.uprn) ?? checks.add('uprn', `${shown(doc.uprn)} is not a UPRN (up to 12 digits)`);
  }
  if (doc.postalCode !== undefined && doc.postalCode.trim() !== '') {
    keys.postcode = postcodeFrom(doc.postalCode) ?? checks.add('postalCode', `${shown(doc.postalCode)} is not a UK postcode`);
  }
  return keys;
}

/** Which side of a relationship the related location is, by CQC's `type`. */
const RELATED_SIDE: ReadonlyMap<string, 'predecessor' | 'successor'> = new Map([
  ['hsca-predecessor', 'predecessor'],
  ['hsca-successor', 'successor'],
]);

/**
 * The links the document states, dated by the day the service passed on: the predecessor's deregistration when
 * this document is the predecessor's, else this (successor's) registration. A predecessor still registered has
 * not passed its service on yet: its link is stated again, dated, once it is deregistered.
 */
function statedLinks(doc: ApiLocation, location: Location, checks: RecordChecks, context: ParseContext): RegistrationLink[] {
  return (doc.relationships ?? []).flatMap((relationship, r): RegistrationLink[] => {
    const { relatedLocationId: related, type, reason } = relationship;
    if (related === doc.locationId) {
      checks.add(`relationships.${r}.relatedLocationId`, 'names the location itself');
      return [];
    }
    const side = RELATED_SIDE.get(slug(type));
    // CQC documents only these two types. Another would state no succession this reader could date, and refusing
    // the document for it would lose the location's ratings over a field nothing else reads.
    if (side === undefined) return [];
    const linkedOn = side === 'predecessor' ? location.registeredOn : location.deregisteredOn;
    if (linkedOn === undefined) return [];
    return [
      {
        predecessorId: side === 'predecessor' ? related : doc.locationId,
        successorId: side === 'predecessor' ? doc.locationId : related,
        linkedOn,
        kind: kindOfReason(reason),
        reason: reason.trim(),
        evidence: 'cqc-relationship',
        confidence: 1,
        source: SOURCE,
        origin: context.origin,
        receivedOn: context.receivedOn,
      },
    ];
  });
}

/**
 * One link per pair of registrations when both documents are in the file: the predecessor's own, which dates it
 * by the deregistration the successor's document cannot know.
 */
function oneLinkPerPair(records: readonly { location: Location; links: RegistrationLink[] }[]): RegistrationLink[] {
  const stated = records.flatMap(({ location, links }) => links.map((link) => ({ link, byPredecessor: link.predecessorId === location.locationId })));
  const links = new Map<string, RegistrationLink>();
  for (const { link } of stated.toSorted((a, b) => Number(b.byPredecessor) - Number(a.byPredecessor))) {
    const pair = `${link.predecessorId}#${link.successorId}`;
    if (!links.has(pair)) links.set(pair, link);
  }
  return [...links.values()];
}

/** The reference record: the council by CQC's spelling in the reference table, and its ADASS region from there. */
function locationRecord(doc: ApiLocation, checks: RecordChecks): Location | undefined {
  const council = councilByName(doc.localAuthority);
  if (!council) checks.add('localAuthority', `${shown(doc.localAuthority)} is not an English council with adult social services responsibility`);
  const registeredOn = checks.pastDate('registrationDate', doc.registrationDate);
  const keys = addressKeys(doc, checks);
  if (!council || registeredOn === undefined) return undefined;
  const beds = doc.numberOfBeds ?? 0;
  return {
    locationId: doc.locationId,
    providerId: doc.providerId,
    name: doc.name.trim(),
    councilGss: council.gss,
    region: council.region,
    serviceKind: serviceKindOf((doc.gacServiceTypes ?? []).flatMap((type) => type.description ?? [])),
    beds,
    sizeBand: sizeBandOf(beds),
    specialisms: (doc.specialisms ?? []).map((specialism) => specialism.name),
    registeredOn,
    ...keys,
  };
}

export const parseCqcApiLocations: SourceParser = (text, context) => {
  const firstRows = new Map<string, number>();
  const { records, quarantine } = parseJsonRecords<{ location: Location; signals: Signal[]; links: RegistrationLink[] }>(text, context, {
    source: SOURCE,
    recordId: (json) => stringAt(json, ['locationId']),
    read: (json, row, checks) => {
      const doc = readDocument(ApiLocation, json, checks, NAME_FIELDS);
      if (doc === undefined) return undefined;
      checks.unique('locationId', doc.locationId, firstRows, row);
      const record = locationRecord(doc, checks);
      const ratings = ratingSignals(doc, checks, context);
      const registration = registrationSignals(doc, checks, context);
      if (!record) return undefined;
      const location = registration.deregisteredOn === undefined ? record : { ...record, deregisteredOn: registration.deregisteredOn };
      return [{ location, signals: [...ratings, ...registration.signals], links: statedLinks(doc, location, checks, context) }];
    },
  });
  const links = oneLinkPerPair(records);
  return {
    ...emptyBatch(),
    locations: records.map((r) => r.location),
    signals: records.flatMap((r) => r.signals),
    ...(links.length > 0 ? { links } : {}),
    quarantine,
  };
};
