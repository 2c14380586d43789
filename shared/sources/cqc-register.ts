// Reads the CQC care directory extract (the 45-column register CSV) into locations (with their UPRN, which tells
// a change of owner from a closure), providers, brands and dated rating and registration signals. Every data row
// is either kept or quarantined with its line and reason.
import type { z } from 'zod/mini';
import { councilByName } from '../domain/councils.js';
import { type Council, CqcId, Group, type IsoDate, Location, Provider, type Rating, Signal } from '../domain/model.js';
import { describeIssue, emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import { uprnFrom } from './address-keys.js';
import { normaliseCompanyNumber } from './companies-house.js';
import { ratingFromText, serviceKindOf, sizeBandOf } from './cqc-terms.js';
import { numberedRecords, oversizedFields, oversizedFile, type Problem, quarantineRecord, shown } from './csv-rows.js';

const SOURCE = 'cqc-register';

const REGISTER_COLUMNS = [
  'Location Name',
  'Location ID',
  'Comments within last month / comments last recorded',
  'Registered manager',
  'Location UPRN',
  'Location telephone number',
  'Location Web Address',
  'Location Local Authority',
  'Location ADASS Region',
  'Primary inspection category',
  'Service Types',
  'Care homes beds',
  'Location HSCA start date',
  'Location HSCA end date',
  'Dormant',
  'Location Latest Overall Rating',
  'Publication Date',
  'Service users supported',
  'Size of care home (bands by number of beds)',
  'Location length of service (bands by number of years)',
  'Location safe rating',
  'Location effective rating',
  'Location caring rating',
  'Location responsive rating',
  'Location well-led rating',
  'Provider Name',
  'Provider ID',
  'Provider HSCA start date',
  'Provider length of service (bands by number of years)',
  'Provider Ownership Type',
  'Provider Companies House Number',
  'Provider characteristic - number of locations',
  'Provider characteristic - national group size (based on locations)',
  'Provider characteristic - number of beds',
  'Provider characteristic - share of beds (nationally)',
  'Provider characteristic - number of local authority areas where it has locations',
  'Provider characteristic - % of local authority areas where it has locations',
  'Brand Name',
  'Brand ID',
  'Brand characteristic - number of locations',
  'Brand characteristic -national group size (based on locations)',
  'Brand characteristic - number of beds',
  'Brand characteristic - share of beds (nationally)',
  'Brand characteristic - % of local authority areas where it has locations',
  'Brand characteristic - number of local authority areas where it has locations',
] as const;
type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

/** The columns the pipeline reads. `Registered manager` holds staff names and is left out so no code can read it. */
const READ_COLUMNS = [
  'Location Name',
  'Location ID',
  'Location UPRN',
  'Location Local Authority',
  'Service Types',
  'Care homes beds',
  'Location HSCA start date',
  'Location HSCA end date',
  'Dormant',
  'Location Latest Overall Rating',
  'Service users supported',
  'Location safe rating',
  'Location effective rating',
  'Location caring rating',
  'Location responsive rating',
  'Location well-led rating',
  'Provider Name',
  'Provider ID',
  'Provider Ownership Type',
  'Provider Companies House Number',
  'Brand Name',
  'Brand ID',
] as const satisfies readonly Exclude<RegisterColumn, 'Registered manager'>[];
type ReadColumn = (typeof READ_COLUMNS)[number];
type RegisterRow = Record<ReadColumn, string>;
const NAME_COLUMNS: ReadonlySet<string> = new Set<ReadColumn>(['Location Name', 'Provider Name', 'Brand Name']);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The register's other date style: US month/day order, usually with a midnight time ("1/2/2025 12:00:00 AM"). */
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$/i;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const COMPANY_NUMBER = /^[A-Z0-9]{8}$/;

type Reading<T> = { value: T } | { problem: string };

/** How each checked column is read, in file order so that a row's first failing field is its leftmost. */
function columnReaders(receivedOn: IsoDate) {
  return {
    'Location ID': readCqcId,
    'Location UPRN': readUprn,
    'Location Local Authority': readCouncil,
    'Care homes beds': readBeds,
    'Location HSCA start date': (text: string) => readDate(text, receivedOn),
    'Location HSCA end date': (text: string): Reading<IsoDate | null> =>
      text === '' ? { value: null } : readDate(text, receivedOn),
    Dormant: readDormant,
    'Location Latest Overall Rating': readRating,
    'Location safe rating': readRating,
    'Location effective rating': readRating,
    'Location caring rating': readRating,
    'Location responsive rating': readRating,
    'Location well-led rating': readRating,
    'Provider ID': readCqcId,
    'Provider Companies House Number': readCompanyNumber,
  } satisfies { [C in ReadColumn]?: (text: string) => Reading<unknown> };
}
type ColumnReaders = ReturnType<typeof columnReaders>;
type ColumnValues = {
  [C in keyof ColumnReaders]: ColumnReaders[C] extends (text: string) => Reading<infer T> ? T : never;
};
type ColumnReader = [ReadColumn, (text: string) => Reading<unknown>];

export const parseCqcRegister: SourceParser = (text, context) => {
  const tooLarge = oversizedFile(text, 'csv', SOURCE, context);
  if (tooLarge) return { ...emptyBatch(), quarantine: [tooLarge] };
  const [header, ...records] = numberedRecords(text, { relaxQuotes: true });
  if (!header) throw new Error('Not a CQC register extract: the file is empty');
  if ('unreadable' in header) throw new Error(`Not a CQC register extract: the header cannot be read as CSV (${header.unreadable})`);
  const columnIndex = indexColumns(header.cells);
  const readers = Object.entries(columnReaders(context.receivedOn)) as ColumnReader[];

  const batch = emptyBatch();
  const providerIds = new Set<string>();
  const groupIds = new Set<string>();
  const firstLineOfLocation = new Map<string, number>();
  const quarantine = (line: number, recordId: string | null, problems: readonly Problem[]): void => {
    batch.quarantine.push(quarantineRecord(SOURCE, context, line, recordId, problems));
  };

  for (const record of records) {
    if ('unreadable' in record) {
      quarantine(record.line, null, [{ field: null, detail: record.unreadable }]);
      continue;
    }
    const { cells, line } = record;
    if (cells.length !== REGISTER_COLUMNS.length) {
      // No record id: in a shifted row the id column may hold a manager's name.
      quarantine(line, null, [{ field: null, detail: `expected ${REGISTER_COLUMNS.length} columns, got ${cells.length}` }]);
      continue;
    }
    const row = projectRow(cells, columnIndex);
    const locationId = row['Location ID'];
    const duplicateOf = firstLineOfLocation.get(locationId);
    // The first row to carry an id claims it even when quarantined: which of two clashing rows is right is unknown.
    if (duplicateOf === undefined && isCqcId(locationId)) firstLineOfLocation.set(locationId, line);

    const outcome = interpretRow(row, context, readers, duplicateOf);
    if ('problems' in outcome) {
      quarantine(line, locationId || null, outcome.problems);
      continue;
    }
    const { location, provider, group, signals } = outcome;
    batch.locations.push(location);
    batch.signals.push(...signals);
    if (!providerIds.has(provider.providerId)) {
      providerIds.add(provider.providerId);
      batch.providers.push(provider);
    }
    if (group && !groupIds.has(group.groupId)) {
      groupIds.add(group.groupId);
      batch.groups.push(group);
    }
  }
  return batch;
};

/** A wrong header means a wrong file, not bad rows: refuse it whole. */
function indexColumns(header: readonly string[]): Record<ReadColumn, number> {
  const names = header.map((name) => name.trim());
  const missing = REGISTER_COLUMNS.filter((column) => !names.includes(column));
  const known = new Set<string>(REGISTER_COLUMNS);
  // Positions only: in a file without a header the "names" are a data row, which may hold a manager's name.
  const unexpected = names.flatMap((name, index) =>
    known.has(name) && names.indexOf(name) === index ? [] : [index + 1],
  );
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [
      missing.length > 0 ? `missing columns ${missing.map((column) => JSON.stringify(column)).join(', ')}` : '',
      unexpected.length > 0 ? `unexpected or repeated columns at positions ${unexpected.join(', ')}` : '',
    ];
    throw new Error(`Not a CQC register extract: ${parts.filter(Boolean).join('; ')}`);
  }
  const columnIndex: Partial<Record<ReadColumn, number>> = {};
  for (const column of READ_COLUMNS) columnIndex[column] = names.indexOf(column);
  return columnIndex as Record<ReadColumn, number>;
}

/** Copies the read columns only, trimmed: the register pads names and company numbers with spaces. */
function projectRow(cells: readonly string[], columnIndex: Record<ReadColumn, number>): RegisterRow {
  const row: Partial<RegisterRow> = {};
  for (const column of READ_COLUMNS) row[column] = (cells[columnIndex[column]] ?? '').trim();
  return row as RegisterRow;
}

type RowOutcome =
  | { problems: Problem[] }
  | { location: Location; provider: Provider; group: Group | null; signals: Signal[] };

function interpretRow(
  row: RegisterRow,
  context: ParseContext,
  readers: readonly ColumnReader[],
  duplicateOf: number | undefined,
): RowOutcome {
  const { receivedOn, snapshotOn } = context;
  const problems: Problem[] = [];
  if (duplicateOf !== undefined) {
    problems.push({ field: 'Location ID', detail: `duplicate of row ${duplicateOf} (${shown(row['Location ID'])})` });
  }
  // A value over its size limit is not read further: its size is its problem.
  const oversized = oversizedFields(Object.entries(row), NAME_COLUMNS);
  if (oversized.length > 0) return { problems: [...problems, ...oversized] };
  const read = readColumns(row, readers, problems);
  if (!read || problems.length > 0) return { problems };

  // Every value was checked above; the schemas still have the last word, and the types come from them.
  const locationId = read['Location ID'];
  const beds = read['Care homes beds'];
  const council = read['Location Local Authority'];
  const groupId = row['Brand ID'] || null;
  const uprn = read['Location UPRN'];
  const deregisteredOn = read['Location HSCA end date'];
  const subject = { type: 'location', id: locationId };
  const location = build(Location, 'Location', problems, {
    locationId,
    providerId: read['Provider ID'],
    name: row['Location Name'],
    councilGss: council.gss,
    region: council.region,
    serviceKind: serviceKindOf(row['Service Types'].split(', ')),
    beds,
    sizeBand: sizeBandOf(beds),
    specialisms: row['Service users supported'].split(', ').filter(Boolean),
    registeredOn: read['Location HSCA start date'],
    ...(uprn === null ? {} : { uprn }),
    ...(deregisteredOn === null ? {} : { deregisteredOn }),
  });
  const provider = build(Provider, 'Provider', problems, {
    providerId: read['Provider ID'],
    name: row['Provider Name'],
    companyNumber: read['Provider Companies House Number'],
    ownershipType: row['Provider Ownership Type'],
    groupId,
  });
  const group =
    groupId === null ? null : build(Group, 'Group', problems, { groupId, name: brandName(row['Brand Name']) });
  const rating = build(Signal, 'Signal', problems, {
    source: SOURCE,
    naturalId: `${locationId}#rating#${snapshotOn}`,
    subject,
    describedOn: snapshotOn,
    receivedOn,
    facts: {
      kind: 'rating',
      overall: read['Location Latest Overall Rating'],
      safe: read['Location safe rating'],
      effective: read['Location effective rating'],
      caring: read['Location caring rating'],
      responsive: read['Location responsive rating'],
      wellLed: read['Location well-led rating'],
      // The extract's `Publication Date` repeats the registration date, so the report's date is unknown here.
      publishedOn: null,
    },
  });
  const registration = build(Signal, 'Signal', problems, {
    source: SOURCE,
    naturalId: `${locationId}#registration#${snapshotOn}`,
    subject,
    // A deregistration describes the day it happened, which may be long before this snapshot.
    describedOn: deregisteredOn ?? snapshotOn,
    receivedOn,
    facts: {
      kind: 'registration',
      status: deregisteredOn === null ? 'Registered' : 'Deregistered',
      dormant: read.Dormant,
      registeredManagerAbsentSince: null,
    },
  });
  if (!location || !provider || !rating || !registration || problems.length > 0) return { problems };
  return { location, provider, group, signals: [rating, registration] };
}

/** Runs every reader so that a row's reason lists all of its problems, not just the first. */
function readColumns(row: RegisterRow, readers: readonly ColumnReader[], problems: Problem[]): ColumnValues | null {
  const values: Partial<Record<ReadColumn, unknown>> = {};
  let readable = true;
  for (const [column, reader] of readers) {
    const reading = reader(row[column]);
    if ('value' in reading) {
      values[column] = reading.value;
    } else {
      readable = false;
      problems.push({ field: column, detail: `${shown(row[column])} ${reading.problem}` });
    }
  }
  return readable ? (values as ColumnValues) : null;
}

function build<T>(schema: z.ZodMiniType<T>, schemaName: string, problems: Problem[], input: unknown): T | null {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const { field, reason } = describeIssue(issue);
    problems.push({ field: `${schemaName}.${field}`, detail: reason });
  }
  return null;
}

function isCqcId(text: string): boolean {
  return CqcId.safeParse(text).success;
}

function readCqcId(text: string): Reading<string> {
  return isCqcId(text) ? { value: text } : { problem: 'is not a CQC id' };
}

/** Blank where the register has no UPRN for the location. */
function readUprn(text: string): Reading<string | null> {
  if (text === '') return { value: null };
  const uprn = uprnFrom(text);
  return uprn === undefined ? { problem: 'is not a UPRN (up to 12 digits)' } : { value: uprn };
}

function readCouncil(name: string): Reading<Council> {
  const council = councilByName(name);
  return council ? { value: council } : { problem: 'is not an English council with adult social care duties' };
}

function readBeds(text: string): Reading<number> {
  const beds = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(beds)
    ? { value: beds }
    : { problem: 'is not a non-negative whole number' };
}

function readDate(text: string, receivedOn: IsoDate): Reading<IsoDate> {
  if (text === '') return { problem: 'is missing' };
  const iso = ISO_DATE.exec(text);
  const us = iso ? null : US_DATE.exec(text);
  if (!iso && !us) return { problem: 'is not a date in the form YYYY-MM-DD or M/D/YYYY' };
  const date = iso ? calendarDate(iso[1], iso[2], iso[3]) : calendarDate(us?.[3], us?.[1], us?.[2]);
  if (date === null) return { problem: 'is not a real date' };
  if (date > receivedOn) return { problem: `is in the future (the file was received on ${receivedOn})` };
  return { value: date };
}

function calendarDate(yearText = '', monthText = '', dayText = ''): IsoDate | null {
  const [year, month, day] = [Number(yearText), Number(monthText), Number(dayText)];
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  const daysInMonth = DAYS_IN_MONTH[month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth + leapDay) return null;
  return `${yearText}-${monthText.padStart(2, '0')}-${dayText.padStart(2, '0')}`;
}

function readDormant(text: string): Reading<boolean> {
  const answer = text.toUpperCase();
  return answer === 'Y' || answer === 'N' ? { value: answer === 'Y' } : { problem: 'is not Y or N' };
}

function readRating(text: string): Reading<Rating | null> {
  const rating = ratingFromText(text);
  return rating === undefined ? { problem: 'is not a CQC rating' } : { value: rating };
}

function readCompanyNumber(text: string): Reading<string | null> {
  if (text === '') return { value: null };
  const number = normaliseCompanyNumber(text);
  return COMPANY_NUMBER.test(number) ? { value: number } : { problem: 'is not a Companies House number' };
}

/** The register prefixes brand names with "BRAND " ("BRAND Voyage"); the group is the brand itself. */
function brandName(text: string): string {
  return text.replace(/^BRAND\s+/, '');
}
