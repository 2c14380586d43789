// The CQC public API's location resource (`GET /locations/{id}`), one response a file or a JSON array of them,
// into the location's reference record and dated signals: each published rating with its key questions, a
// deregistration, and since when the registered manager has been absent. The schema names no `contacts` and
// no person, so zod drops them with every other undeclared key before any code sees the document.
import * as z from 'zod/mini';
import { councilByName } from '../domain/councils.js';
import { CqcId, IsoDate, KEY_QUESTIONS, type KeyQuestion, type Location, type Rating, type Signal } from '../domain/model.js';
import { emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import { ratingFromText, serviceKindOf, sizeBandOf } from './cqc-terms.js';
import { type RecordChecks, shown, slug } from './csv-rows.js';
import { parseJsonRecords, readDocument, stringAt } from './json-records.js';

const SOURCE = 'cqc-api';

const KeyQuestionRating = z.object({ name: z.string(), rating: z.optional(z.string()) });
const RatedQuestions = z.optional(z.array(KeyQuestionRating));
/** `assessmentPlanPublishedDateTime` comes as "2024-01-01 00:00:00" or as an ISO timestamp; its date is the day. */
const PublishedDateTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}([T ].*)?$/, 'a date such as 2024-01-01 or 2024-01-01 00:00:00'));

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

function registrationSignals(doc: ApiLocation, checks: RecordChecks, context: ParseContext): Signal[] {
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
    return signals;
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
  return signals;
}

/** The reference record: the council by CQC's spelling in the reference table, and its ADASS region from there. */
function locationRecord(doc: ApiLocation, checks: RecordChecks): Location | undefined {
  const council = councilByName(doc.localAuthority);
  if (!council) checks.add('localAuthority', `${shown(doc.localAuthority)} is not an English council with adult social services responsibility`);
  const registeredOn = checks.pastDate('registrationDate', doc.registrationDate);
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
  };
}

export const parseCqcApiLocations: SourceParser = (text, context) => {
  const firstRows = new Map<string, number>();
  const { records, quarantine } = parseJsonRecords<{ location: Location; signals: Signal[] }>(text, context, {
    source: SOURCE,
    recordId: (json) => stringAt(json, ['locationId']),
    read: (json, row, checks) => {
      const doc = readDocument(ApiLocation, json, checks, NAME_FIELDS);
      if (doc === undefined) return undefined;
      checks.unique('locationId', doc.locationId, firstRows, row);
      const location = locationRecord(doc, checks);
      const signals = [...ratingSignals(doc, checks, context), ...registrationSignals(doc, checks, context)];
      return location && [{ location, signals }];
    },
  });
  return { ...emptyBatch(), locations: records.map((r) => r.location), signals: records.flatMap((r) => r.signals), quarantine };
};
