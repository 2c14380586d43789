import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import type { ParseContext, ParsedBatch } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { parseCompaniesHouseApi } from '../../shared/sources/companies-house-api.js';
import { parseCqcApiLocations } from '../../shared/sources/cqc-api.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { MAX_FILE_BYTES } from '../../shared/sources/limits.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';

const context: ParseContext = {
  origin: 'hostile/2025-10-15/file',
  receivedOn: '2025-10-15',
  snapshotOn: '2025-10-15',
  providersByCompanyNumber: new Map([['05180888', ['1-2229122294']]]),
};
const person = `${PERSONAL_DATA_MARKER} Jane Example`;
/** Long enough that a reason quoting it whole would carry the marker; one quoting 80 characters does not. */
const past80 = (start: string): string => `${start.padEnd(100, 'z')}${person}`;
const HOME = '1-101234567';
const OTHER_HOME = '1-109876543';
const faults = (batch: Pick<ParsedBatch, 'quarantine'>) => batch.quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }));
/** The value a reason quotes, cut short, so its length can be checked. */
const quotedIn = (reason: string): string | undefined => /"([^"]*)"\.\.\./.exec(reason)?.[1];

/** What every hostile input must leave: no personal data in any record or reason, and every quarantine item small. */
function expectContained(batch: Pick<ParsedBatch, 'quarantine'>): void {
  expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  for (const record of batch.quarantine) expect(JSON.stringify(record).length).toBeLessThan(2048);
}

// The register: its header and first two rows, real ones from the bundled sample.
const [REGISTER_HEADER = [], FIRST_LOCATION = [], SECOND_LOCATION = []] = parse(
  readFileSync(new URL('../../data/cqc/locations-sample.csv', import.meta.url), 'utf8'),
  { bom: true, to_line: 3 },
) as string[][];
const cellOf = (column: string): number => REGISTER_HEADER.indexOf(column);
const withCell = (cells: readonly string[], column: string, value: string): string[] => cells.map((cell, at) => (at === cellOf(column) ? value : cell));
const register = (...rows: readonly (readonly string[])[]): string =>
  `${[REGISTER_HEADER, ...rows].map((cells) => cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(',')).join('\r\n')}\r\n`;
const FIRST_ID = FIRST_LOCATION[cellOf('Location ID')]!;
const SECOND_ID = SECOND_LOCATION[cellOf('Location ID')]!;

// A council safeguarding return, with the adult's name in a column never read.
const SAFEGUARDING_HEADER = 'concern_id,adult_name,location_id,concern_date,abuse_type,section_42_enquiry,free_text';
const concern = (id: string, overrides: { name?: string; abuseType?: string; freeText?: string } = {}): string =>
  `${id},${overrides.name ?? person},${HOME},2025-09-01,${overrides.abuseType ?? 'neglect'},No,${overrides.freeText ?? person}`;
const safeguarding = (...rows: string[]): string => `${[SAFEGUARDING_HEADER, ...rows].join('\n')}\n`;

/** A Leeds care home as the CQC API answers for it, its registered manager named in `contacts`. */
const apiLocation = (locationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  locationId,
  providerId: '1-900000001',
  name: 'Rose House',
  registrationStatus: 'Registered',
  registrationDate: '2015-01-01',
  localAuthority: 'Leeds',
  regulatedActivities: [{ name: 'Accommodation', contacts: [{ personGivenName: person }] }],
  ...overrides,
});

describe('hostile input to the CSV readers', () => {
  it('quarantines a row with a name over 300 characters, naming the column, and keeps the others', () => {
    // Prepare
    const text = register(withCell(FIRST_LOCATION, 'Location Name', `${person} ${'n'.repeat(300)}`), SECOND_LOCATION);

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(faults(batch)).toEqual([
      { row: 2, recordId: FIRST_ID, field: 'Location Name', reason: 'Location Name: 324 characters, over the 300 a name may have' },
    ]);
    expect(batch.locations.map((location) => location.locationId)).toEqual([SECOND_ID]);
    expectContained(batch);
  });

  it('quarantines a row with a field over 4 KB, naming the column, but not for a long column it never reads', () => {
    // Prepare
    const registerText = register(withCell(FIRST_LOCATION, 'Service users supported', person.repeat(500)), SECOND_LOCATION);
    const returnText = safeguarding(concern(`SG-${person.repeat(400)}`), concern('SG-2', { freeText: person.repeat(1000) }));

    // Act
    const registerBatch = parseCqcRegister(registerText, context);
    const returnBatch = parseSafeguardingReturn(returnText, context);

    // Assess
    expect(faults(registerBatch)).toEqual([
      { row: 2, recordId: FIRST_ID, field: 'Service users supported', reason: 'Service users supported: 11500 bytes, over the 4096 a field may have' },
    ]);
    expect(registerBatch.locations.map((location) => location.locationId)).toEqual([SECOND_ID]);
    // The id is too long to be a real one, so it is not made part of the quarantine key.
    expect(faults(returnBatch)).toEqual([{ row: 2, recordId: null, field: 'concern_id', reason: 'concern_id: 9203 bytes, over the 4096 a field may have' }]);
    expect(returnBatch.signals.map((signal) => signal.naturalId)).toEqual([`${HOME}#SG-2`]);
    expectContained(registerBatch);
    expectContained(returnBatch);
  });

  it('refuses a file over the CSV size limit whole, saying why', () => {
    // Prepare
    const padding = ' '.repeat(MAX_FILE_BYTES.csv);
    const refusal = (source: string) => ({
      source,
      origin: context.origin,
      row: 0,
      recordId: null,
      field: null,
      reason: 'the file is 50.0 MB, over the 50 MB limit for one CSV file',
    });

    // Act
    const registerBatch = parseCqcRegister(`${register(FIRST_LOCATION)}${padding}`, context);
    const returnBatch = parseSafeguardingReturn(`${safeguarding(concern('SG-1'))}${padding}`, context);

    // Assess
    expect(registerBatch).toEqual({ signals: [], locations: [], providers: [], groups: [], quarantine: [refusal('cqc-register')] });
    expect(returnBatch).toEqual({ signals: [], locations: [], providers: [], groups: [], quarantine: [refusal('safeguarding-return')], ignoredColumns: [] });
  });

  it('quotes at most 80 characters of a value in a reason', () => {
    // Prepare
    const registerText = register(withCell(FIRST_LOCATION, 'Location Local Authority', past80('Leeds')), SECOND_LOCATION);
    const returnText = safeguarding(concern('SG-1', { abuseType: past80('Neglect') }), concern('SG-2'));

    // Act
    const batches = [parseCqcRegister(registerText, context), parseSafeguardingReturn(returnText, context)];

    // Assess
    expect(batches.map((batch) => batch.quarantine.map((record) => [record.field, quotedIn(record.reason)?.length]))).toEqual([
      [['Location Local Authority', 80]],
      [['abuse_type', 80]],
    ]);
    expect(batches.map((batch) => batch.signals.length)).toEqual([2, 1]);
    for (const batch of batches) expectContained(batch);
  });

  it('takes no record id from a row with the wrong field count, so a name shifted into the id column reaches no key or reason', () => {
    // Prepare: each shifted row has lost the cell before its id, which now holds the person's name
    const registerText = register(FIRST_LOCATION, [person, ...SECOND_LOCATION.slice(2)]);
    const returnText = safeguarding(concern('SG-1'), `${person},${HOME},2025-09-01,neglect,No,${person}`);

    // Act
    const registerBatch = parseCqcRegister(registerText, context);
    const returnBatch = parseSafeguardingReturn(returnText, context);

    // Assess
    expect(faults(registerBatch)).toEqual([{ row: 3, recordId: null, field: null, reason: 'expected 45 columns, got 44' }]);
    expect(registerBatch.locations.map((location) => location.locationId)).toEqual([FIRST_ID]);
    expect(faults(returnBatch)).toEqual([{ row: 3, recordId: null, field: null, reason: 'the record has 6 fields where the header has 7' }]);
    expect(returnBatch.signals.map((signal) => signal.naturalId)).toEqual([`${HOME}#SG-1`]);
    expectContained(registerBatch);
    expectContained(returnBatch);
  });

  it("quarantines a row repeating an earlier row's id as a duplicate of that row", () => {
    // Prepare: the Capacity Tracker's id is the home and the month of its return
    const registerText = register(FIRST_LOCATION, SECOND_LOCATION, withCell(FIRST_LOCATION, 'Location Name', 'Renamed'));
    const returnOf = (cqcid: string, updated: string) => `${cqcid},40,35,3,${updated},${person}`;
    const trackerText = [
      'cqcid,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc,completedby',
      returnOf(HOME, '2025-09-10T10:00:00Z'),
      returnOf(HOME, '2025-10-10T10:00:00Z'),
      returnOf(OTHER_HOME, '2025-10-10T10:00:00Z'),
      returnOf(HOME, '2025-09-30T23:00:00Z'),
    ].join('\n');

    // Act
    const registerBatch = parseCqcRegister(registerText, context);
    const trackerBatch = parseCapacityTracker(trackerText, context);

    // Assess
    expect(faults(registerBatch)).toEqual([{ row: 4, recordId: FIRST_ID, field: 'Location ID', reason: `Location ID: duplicate of row 2 ("${FIRST_ID}")` }]);
    expect(registerBatch.locations.map((location) => location.locationId)).toEqual([FIRST_ID, SECOND_ID]);
    expect(faults(trackerBatch)).toEqual([
      { row: 5, recordId: `${HOME}#2025-09`, field: 'cqcid', reason: `cqcid: duplicate of row 2 ("${HOME}#2025-09")` },
    ]);
    expect(trackerBatch.signals.map((signal) => signal.naturalId)).toEqual([`${HOME}#2025-09`, `${HOME}#2025-10`, `${OTHER_HOME}#2025-10`]);
    expectContained(registerBatch);
    expectContained(trackerBatch);
  });
});

describe('hostile input to the JSON readers', () => {
  it('quarantines a document with a name over 300 characters, naming the field, and keeps the others', () => {
    // Prepare
    const text = JSON.stringify([apiLocation(HOME, { name: `${person} ${'n'.repeat(300)}` }), apiLocation(OTHER_HOME)]);

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(faults(batch)).toEqual([{ row: 1, recordId: HOME, field: 'name', reason: 'name: 324 characters, over the 300 a name may have' }]);
    expect(batch.locations.map((location) => location.locationId)).toEqual([OTHER_HOME]);
    expectContained(batch);
  });

  it('quarantines a document with a field over 4 KB, naming it by its path, but not for a long field it never reads', () => {
    // Prepare
    const longType = { accounts: { last_accounts: { made_up_to: '2025-03-31', type: person.repeat(300) } } };
    const companies = JSON.stringify({ company_number: '05180888', company_status: 'active', ...longType });
    const locations = JSON.stringify([
      apiLocation(HOME, { specialisms: [{ name: 'Dementia' }, { name: person.repeat(300) }] }),
      apiLocation(OTHER_HOME, { regulatedActivities: [{ name: 'Accommodation', contacts: [{ personGivenName: person.repeat(1000) }] }] }),
    ]);

    // Act
    const companyBatch = parseCompaniesHouseApi(companies, context);
    const locationBatch = parseCqcApiLocations(locations, context);

    // Assess
    expect(faults(companyBatch)).toEqual([
      { row: 1, recordId: '05180888', field: 'accounts.last_accounts.type', reason: 'accounts.last_accounts.type: 6900 bytes, over the 4096 a field may have' },
    ]);
    expect(companyBatch.signals).toEqual([]);
    expect(faults(locationBatch)).toEqual([{ row: 1, recordId: HOME, field: 'specialisms.1.name', reason: 'specialisms.1.name: 6900 bytes, over the 4096 a field may have' }]);
    expect(locationBatch.locations.map((location) => location.locationId)).toEqual([OTHER_HOME]);
    expectContained(companyBatch);
    expectContained(locationBatch);
  });

  it('refuses a file over the JSON size limit whole, saying why', () => {
    // Prepare
    const text = `${JSON.stringify([apiLocation(HOME)])}${' '.repeat(MAX_FILE_BYTES.json)}`;

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch).toEqual({
      signals: [],
      locations: [],
      providers: [],
      groups: [],
      quarantine: [
        { source: 'cqc-api', origin: context.origin, row: 0, recordId: null, field: null, reason: 'the file is 25.0 MB, over the 25 MB limit for one JSON file' },
      ],
    });
  });

  it('quotes at most 80 characters of a value, keeps no overlong record id, and lists at most 20 problems in a reason', () => {
    // Prepare
    const badRatings = Array.from({ length: 1000 }, () => ({ reportDate: '2024-01-01', overall: { rating: 'Superb' } }));
    const text = JSON.stringify([
      apiLocation(HOME, { localAuthority: past80('Leeds') }),
      apiLocation(past80('1-')),
      apiLocation(OTHER_HOME, { historicRatings: badRatings }),
      apiLocation('1-100000004'),
    ]);

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch.quarantine.map((record) => [record.row, record.recordId, record.field, quotedIn(record.reason)?.length])).toEqual([
      [1, HOME, 'localAuthority', 80],
      [2, null, 'locationId', 80],
      [3, OTHER_HOME, 'historicRatings.0.overall.rating', undefined],
    ]);
    expect(batch.quarantine[2]?.reason).toMatch(/^(historicRatings\.\d+\.overall\.rating: "Superb" is not a CQC rating; ){20}and 980 more problems$/);
    expect(batch.locations.map((location) => location.locationId)).toEqual(['1-100000004']);
    expectContained(batch);
  });

  it("quarantines a document repeating an earlier document's id as a duplicate of it", () => {
    // Prepare
    const documents = [apiLocation(HOME), apiLocation(OTHER_HOME), apiLocation(HOME, { name: person })];
    const text = documents.map((document) => JSON.stringify(document)).join('\n');

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(faults(batch)).toEqual([{ row: 3, recordId: HOME, field: 'locationId', reason: `locationId: duplicate of row 1 ("${HOME}")` }]);
    expect(batch.locations.map((location) => location.locationId)).toEqual([HOME, OTHER_HOME]);
    expectContained(batch);
  });
});
