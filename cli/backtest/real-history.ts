// Reads a real CQC rating history (one row per published overall rating, as in
// ../shared/data/cqc-history/community-services-ratings.csv) and samples it as the real backtest scores it:
// each registered, rated, not-Inadequate location on the 1st of each quarter, knowing only the ratings
// published by then, with what followed in the next 12 months kept apart from what the scorer sees.
import { auc, warns } from '../../shared/domain/backtest-metrics.js';
import { addMonths } from '../../shared/domain/dates.js';
import { CqcId, type IsoDate, type QuarantineRecord, RATINGS, type Rating } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { allPresent, type CsvFields, parseCsvRecords, recordIdFrom, shown, slug } from '../../shared/sources/csv-rows.js';

export const HISTORY_SOURCE = 'cqc-rating-history';
export const HISTORY_COLUMNS = ['location_id', 'report_date', 'overall_rating', 'ownership', 'registered_on', 'deregistered_on'] as const;
export const HORIZON_MONTHS = 12;

const OWNERSHIPS = ['For-profit', 'Third sector', 'Local Authority'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

// Matched by slug, so "Requires Improvement" (as the file also spells it) reads as "Requires improvement".
const RATING_SPELLINGS = new Map<string, Rating>(RATINGS.map((r) => [slug(r), r]));
const OWNERSHIP_SPELLINGS = new Map<string, Ownership>(OWNERSHIPS.map((o) => [slug(o), o]));

export interface PublishedRating {
  publishedOn: IsoDate;
  overall: Rating;
}

/** One location as the file describes it; its ratings oldest first. */
export interface LocationHistory {
  locationId: string;
  ownership: Ownership;
  registeredOn: IsoDate;
  deregisteredOn: IsoDate | null;
  ratings: PublishedRating[];
}

export interface RatingHistory {
  /** Data rows read, kept or quarantined. */
  rows: number;
  ratings: number;
  locations: LocationHistory[];
  quarantine: QuarantineRecord[];
}

interface RatingRow extends PublishedRating {
  locationId: string;
  ownership: Ownership;
  registeredOn: IsoDate;
  deregisteredOn: IsoDate | null;
}

type LocationFacts = Pick<RatingRow, 'ownership' | 'registeredOn' | 'deregisteredOn'>;

/**
 * A location's registration facts repeat on each of its rows; a row that disagrees with the location's first
 * good row cannot be trusted, so it is quarantined and the first stands.
 */
function checkAgainstFirst(fields: CsvFields, first: LocationFacts | undefined, row: LocationFacts): void {
  if (!first) return;
  const columns = { ownership: 'ownership', registeredOn: 'registered_on', deregisteredOn: 'deregistered_on' } as const;
  for (const key of Object.keys(columns) as (keyof LocationFacts)[]) {
    if (row[key] !== first[key]) fields.add(columns[key], `${shown(row[key] ?? '')} differs from ${shown(first[key] ?? '')} on this location's earlier rows`);
  }
}

function readRow(fields: CsvFields, firstFacts: Map<string, LocationFacts>): RatingRow | undefined {
  const values = allPresent({
    locationId: fields.schema('location_id', CqcId),
    publishedOn: fields.date('report_date'),
    overall: fields.oneOf('overall_rating', RATING_SPELLINGS),
    ownership: fields.oneOf('ownership', OWNERSHIP_SPELLINGS),
    registeredOn: fields.date('registered_on'),
    deregisteredOn: fields.value('deregistered_on') ? fields.date('deregistered_on') : null,
  });
  if (!values) return undefined;
  if (values.deregisteredOn !== null && values.deregisteredOn < values.registeredOn) {
    fields.add('deregistered_on', `${values.deregisteredOn} is before the registration on ${values.registeredOn}`);
  }
  checkAgainstFirst(fields, firstFacts.get(values.locationId), values);
  if (fields.problems.length === 0 && !firstFacts.has(values.locationId)) firstFacts.set(values.locationId, values);
  return values;
}

/**
 * Every row of the file kept or quarantined with its row, field and reason (a date that is not a real
 * YYYY-MM-DD or is after `receivedOn`, an unknown rating or ownership, a second rating of a location on one
 * day, registration facts that disagree between a location's rows). Never throws on bad content.
 */
export function readRatingHistory(text: string, context: Pick<ParseContext, 'origin' | 'receivedOn'>): RatingHistory {
  const firstFacts = new Map<string, LocationFacts>();
  const { records, quarantine } = parseCsvRecords<RatingRow>(
    text,
    { ...context, snapshotOn: context.receivedOn },
    {
      source: HISTORY_SOURCE,
      columns: HISTORY_COLUMNS,
      recordId: (values) => recordIdFrom(values.location_id, values.report_date),
      idField: 'report_date',
      read: (fields) => readRow(fields, firstFacts),
    },
  );
  const byLocation = new Map<string, LocationHistory>();
  for (const { locationId, publishedOn, overall, ...facts } of records) {
    const location = byLocation.get(locationId) ?? { locationId, ...facts, ratings: [] };
    location.ratings.push({ publishedOn, overall });
    byLocation.set(locationId, location);
  }
  for (const location of byLocation.values()) location.ratings.sort((a, b) => a.publishedOn.localeCompare(b.publishedOn));
  // Rows 0 and 1 are the file and its header, refused whole; they are not data rows.
  const badRows = new Set(quarantine.filter((q) => q.row > 1).map((q) => q.row)).size;
  return { rows: records.length + badRows, ratings: records.length, locations: [...byLocation.values()], quarantine };
}

/** The 1st of each quarter from `from` (itself a quarter's first day) to `to`, inclusive. */
export function quarterStarts(from: IsoDate, to: IsoDate): IsoDate[] {
  const dates: IsoDate[] = [];
  for (let on = from; on <= to; on = addMonths(on, 3)) dates.push(on);
  return dates;
}

export const SCORED_QUARTERS = quarterStarts('2016-01-01', '2023-10-01');

/** One location on one scoring date: what the scorer may know, and (apart) what followed. */
export interface LocationQuarter {
  locationId: string;
  on: IsoDate;
  registeredOn: IsoDate;
  ownership: Ownership;
  /** The ratings published by `on`, oldest first: never a later one, and never the deregistration date. */
  known: readonly PublishedRating[];
  current: Exclude<Rating, 'Inadequate'>;
  /** Outcomes, for measuring only: a rating of Inadequate published in (on, on + 12 months]. */
  inadequateWithin: boolean;
  /** Deregistered in (on, on + 12 months], for any reason. */
  deregisteredWithin: boolean;
}

/** How many of `ratings` (oldest first) were published by `on`. */
function publishedBy(ratings: readonly PublishedRating[], on: IsoDate): number {
  let count = 0;
  while (count < ratings.length && ratings[count]!.publishedOn <= on) count++;
  return count;
}

/**
 * The population of the data README's naive reference: on each date, every location registered then
 * (registered on or before it, not deregistered on or before it), with at least one rating published by
 * then, whose current rating is not Inadequate. In date order within each location.
 */
export function sampleLocationQuarters(locations: readonly LocationHistory[], dates: readonly IsoDate[] = SCORED_QUARTERS): LocationQuarter[] {
  const quarters: LocationQuarter[] = [];
  for (const location of locations) {
    const { locationId, registeredOn, deregisteredOn, ownership, ratings } = location;
    for (const on of dates) {
      if (registeredOn > on || (deregisteredOn !== null && deregisteredOn <= on)) continue;
      const known = ratings.slice(0, publishedBy(ratings, on));
      const current = known.at(-1)?.overall;
      if (current === undefined || current === 'Inadequate') continue;
      quarters.push({
        locationId,
        on,
        registeredOn,
        ownership,
        known,
        current,
        inadequateWithin: ratings.some((r) => r.overall === 'Inadequate' && warns(on, r.publishedOn, HORIZON_MONTHS)),
        deregisteredWithin: deregisteredOn !== null && warns(on, deregisteredOn, HORIZON_MONTHS),
      });
    }
  }
  return quarters;
}

/** The naive baseline's score: the current overall rating alone, higher for worse. */
export const BASELINE_RANK: Record<LocationQuarter['current'], number> = { Outstanding: 0, Good: 1, 'Requires improvement': 2 };

export const OUTCOMES = {
  inadequate: {
    label: 'rated Inadequate within 12 months',
    positive: (q: LocationQuarter) => q.inadequateWithin,
    eventsOf: (l: LocationHistory): IsoDate[] => l.ratings.filter((r) => r.overall === 'Inadequate').map((r) => r.publishedOn),
  },
  deregistration: {
    label: 'deregistered within 12 months, for any reason (closures and changes of owner together: the file cannot tell them apart)',
    positive: (q: LocationQuarter) => q.deregisteredWithin,
    eventsOf: (l: LocationHistory): IsoDate[] => (l.deregisteredOn === null ? [] : [l.deregisteredOn]),
  },
} as const;
export type Outcome = keyof typeof OUTCOMES;

/** The naive baseline's AUC over the sampled location-quarters, without the model or a bootstrap. */
export const baselineAuc = (quarters: readonly LocationQuarter[], outcome: Outcome): number | null =>
  auc(quarters.map((q) => ({ score: BASELINE_RANK[q.current], positive: OUTCOMES[outcome].positive(q) })));
