// Fuzzing the JSON readers (the CQC API's locations, Companies House's own resources and the fetcher's company
// lines): documents good or with a field made bad, personal data where the schemas never look. Every reader must
// return, keep every good document, quarantine every bad one under its position naming the field's path, account
// for every document, and let no personal data into anything it returns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseContext, ParsedBatch } from '../../shared/sources/batch.js';
import { parseCompaniesHouseApi } from '../../shared/sources/companies-house-api.js';
import { parseCqcApiLocations } from '../../shared/sources/cqc-api.js';
import { signalParser } from '../../shared/sources/registry.js';
import { badValue, cellText, expectPlansHandled, expectSaysWhereAndWhy, personalText, plannedValues, type ReaderResult, type RecordPlan, recordPlan } from '../support/fuzzing.js';

const companyNumber = (i: number): string => `CH${String(i).padStart(6, '0')}`;
const providerId = (i: number): string => `1-${900000000 + i}`;
const context: ParseContext = {
  origin: 'fuzz/2025-10-15/file.json',
  receivedOn: '2025-10-15',
  snapshotOn: '2025-10-15',
  providersByCompanyNumber: new Map(Array.from({ length: 10 }, (_, i) => [companyNumber(i), [providerId(i)]])),
};

type Json = Record<string, unknown>;

interface JsonReader {
  name: string;
  /** A good document, unique in the file by its index, with personal data where the reader never looks. */
  goodDocument(i: number, personal: string): Json;
  /** Paths the reader checks, each made bad in turn. */
  checked: readonly string[];
  /** One document a line, or a JSON array of them. */
  lines: boolean;
  read(text: string): ParsedBatch;
  kept(batch: ParsedBatch): number;
}

const profile = (i: number, personal: string): Json => ({
  company_number: companyNumber(i),
  company_status: 'active',
  accounts: { overdue: false, next_due: '2026-03-31', last_accounts: { made_up_to: '2025-03-31', type: 'full' } },
  confirmation_statement: { overdue: false, next_due: '2026-01-01' },
  registered_office_address: { care_of: personal, address_line_1: '1 High Street' },
});

const READERS: readonly JsonReader[] = [
  {
    name: "the CQC API's locations",
    goodDocument: (i, personal) => ({
      locationId: `1-${100000000 + i}`,
      providerId: providerId(0),
      name: 'Rose House',
      registrationStatus: 'Registered',
      registrationDate: '2015-01-01',
      localAuthority: 'Leeds',
      numberOfBeds: 40,
      gacServiceTypes: [{ name: 'Care home service without nursing' }],
      regulatedActivities: [{ name: 'Accommodation', contacts: [{ personGivenName: personal, personFamilyName: personal, personRoles: ['Registered Manager'] }] }],
      relationships: [{ relatedLocationId: '1-199999999', relatedLocationName: personal, type: 'HSCA Predecessor', reason: 'Change of ownership' }],
      currentRatings: { overall: { rating: 'Good', reportDate: '2024-01-01', keyQuestionRatings: [{ name: 'Safe', rating: 'Good' }] } },
    }),
    checked: ['locationId', 'providerId', 'registrationStatus', 'registrationDate', 'localAuthority', 'numberOfBeds', 'currentRatings.overall.rating', 'currentRatings.overall.reportDate'],
    lines: false,
    read: (text) => parseCqcApiLocations(text, context),
    kept: (batch) => batch.locations.length,
  },
  {
    name: "Companies House's company profiles",
    goodDocument: (i, personal) => profile(i, personal),
    checked: ['company_number', 'company_status', 'accounts.overdue', 'accounts.last_accounts.made_up_to', 'confirmation_statement.overdue'],
    lines: true,
    read: (text) => parseCompaniesHouseApi(text, context),
    kept: (batch) => batch.signals.length,
  },
  {
    name: "the fetcher's company lines",
    goodDocument: (i, personal) => ({
      providerId: providerId(i),
      profile: profile(i, personal),
      insolvency: { cases: [{ type: 'administration', dates: [{ type: 'administration-started-on', date: '2025-06-01' }], practitioners: [{ name: personal }] }] },
      charges: null,
      creditScore: 40,
    }),
    checked: ['providerId', 'profile.company_number', 'profile.company_status', 'insolvency.cases.0.dates.0.date', 'creditScore'],
    lines: true,
    read: (text) => signalParser('companies-house')!(text, context),
    kept: (batch) => batch.signals.length,
  },
];

/** A value no checked field accepts: bad text, or the wrong JSON type (not null or a boolean, which some fields take). */
const badJson: fc.Arbitrary<unknown> = fc.oneof(badValue, fc.constantFrom({}, [], -1.5));

/** Sets the value at a dotted path, the containers on the way being the good document's own. */
function setAt(document: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, document);
  parent[last] = value;
}

function write(reader: JsonReader, plans: readonly RecordPlan<unknown>[], personal: string): string {
  const documents = plans.map((plan, i) => {
    const document = reader.goodDocument(i, personal);
    for (const [path, value] of plannedValues(plan)) setAt(document, reader.checked[path]!, value);
    return document;
  });
  return reader.lines ? documents.map((document) => JSON.stringify(document)).join('\n') : JSON.stringify(documents, null, 2);
}

const run = (reader: JsonReader, text: string): ReaderResult => {
  const batch = reader.read(text);
  return { kept: reader.kept(batch), quarantine: batch.quarantine, output: batch };
};

describe.each(READERS)('fuzzing $name', (reader) => {
  it('keeps every good document, quarantines every bad one naming the path, and accounts for every document', () => {
    fc.assert(
      fc.property(fc.array(recordPlan(reader.checked.length, badJson, fc.oneof(fc.jsonValue(), cellText)), { minLength: 1, maxLength: 8 }), personalText, (plans, personal) => {
        // Prepare
        const text = write(reader, plans, personal);

        // Act
        const result = run(reader, text);

        // Assess
        // A JSON record's row is its position in the file, from 1.
        expectPlansHandled(result, plans, (i) => i + 1, reader.checked);
      }),
    );
  });

  it('returns on any text or JSON at all, every quarantine record saying where and why', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.json(),
      fc.array(fc.jsonValue(), { maxLength: 5 }).map((values) => values.map((value) => JSON.stringify(value)).join('\n')),
      fc.array(fc.dictionary(fc.constantFrom(...reader.checked.map((path) => path.split('.')[0]!)), fc.jsonValue()), { maxLength: 5 }).map((values) => JSON.stringify(values)),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        // Act
        const { quarantine } = reader.read(text);

        // Assess
        expectSaysWhereAndWhy(quarantine, context.origin);
      }),
    );
  });
});
