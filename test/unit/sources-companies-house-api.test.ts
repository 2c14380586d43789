import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCompaniesHouseApi } from '../../shared/sources/companies-house-api.js';
import { SIGNAL_SOURCES } from '../../shared/sources/registry.js';

const PROVIDER = '1-2229122294';
const OTHER_PROVIDER = '1-209999999';
const providersByCompanyNumber = new Map([
  ['05180888', [PROVIDER]],
  ['SC123456', [PROVIDER, OTHER_PROVIDER]],
]);
const contextOf = (file: string): ParseContext => ({
  origin: `companies-house/2025-10-15/${file}`,
  receivedOn: '2025-10-15',
  snapshotOn: '2025-10-15',
  providersByCompanyNumber,
});
const example = (file: string): string => readFileSync(new URL(`../../data/examples/companies-house/${file}`, import.meta.url), 'utf8');
const person = `${PERSONAL_DATA_MARKER} Jane Example`;
const snapshotOfProvider = { source: 'companies-house', subject: { type: 'provider', id: PROVIDER }, describedOn: '2025-10-15', receivedOn: '2025-10-15' };

/** A healthy company profile as `GET /company/{number}` answers, with the keys the reader does not use. */
const profile = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  company_number: '05180888',
  company_name: 'FRANCIS HOUSE FAMILIES LIMITED',
  company_status: 'active',
  has_insolvency_history: false,
  has_charges: false,
  accounts: { overdue: false, next_due: '2026-06-30', next_accounts: { due_on: '2026-06-30', overdue: false } },
  confirmation_statement: { overdue: false, next_due: '2026-07-29' },
  registered_office_address: { address_line_1: '1 Example Street' },
  ...overrides,
});
const oneALine = (...documents: unknown[]): string => documents.map((document) => JSON.stringify(document)).join('\n');
const quarantineOf = (text: string, file = 'profiles.json') =>
  parseCompaniesHouseApi(text, contextOf(file)).quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }));

describe('parseCompaniesHouseApi', () => {
  it('reads the example profile and insolvency files into signals for the provider with that company number', () => {
    // Prepare: the pretty-printed examples, read through the landing registry as ingest reads them
    const parse = SIGNAL_SOURCES['companies-house']!;

    // Act
    const profileBatch = parse(example('05180888.json'), contextOf('05180888.json'));
    const insolvencyBatch = parse(example('05180888-insolvency.json'), contextOf('05180888-insolvency.json'));

    // Assess
    expect(profileBatch.quarantine).toEqual([]);
    expect(profileBatch.signals).toEqual([
      {
        ...snapshotOfProvider,
        naturalId: '05180888#2025-10-15',
        facts: {
          kind: 'financial-indicator',
          companyNumber: '05180888',
          companyStatus: 'administration',
          accountsOverdueDays: 107,
          confirmationStatementOverdue: false,
          insolvencyCases: 1,
          newChargeWithin12Months: false,
          creditScore: null,
          hasCharges: true,
        },
      },
    ]);
    expect(insolvencyBatch.quarantine).toEqual([]);
    expect(insolvencyBatch.signals).toEqual([
      {
        ...snapshotOfProvider,
        naturalId: '05180888#insolvency#2025-10-15',
        facts: { kind: 'insolvency-cases', companyNumber: '05180888', caseTypes: ['in-administration'], latestDateOn: '2025-08-01' },
      },
    ]);
    for (const signal of [...profileBatch.signals, ...insolvencyBatch.signals]) expect(Signal.safeParse(signal).success).toBe(true);
  });

  it('reads one document a line, normalising string company numbers and matching every provider of the company', () => {
    // Prepare
    const text = oneALine(profile({ company_number: ' 5180888' }), profile({ company_number: 'sc123456 ', has_charges: true }));

    // Act
    const batch = parseCompaniesHouseApi(text, contextOf('profiles.jsonl'));

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => [s.subject.id, s.naturalId])).toEqual([
      [PROVIDER, '05180888#2025-10-15'],
      [PROVIDER, 'SC123456#2025-10-15'],
      [OTHER_PROVIDER, 'SC123456#2025-10-15'],
    ]);
  });

  it('quarantines a document with wrong JSON types as one record naming each field, and pads no number', () => {
    // Prepare
    const text = JSON.stringify(
      profile({ company_number: 5180888, has_charges: 'true', accounts: { overdue: 'yes' }, confirmation_statement: 'overdue' }),
      null,
      2,
    );

    // Act
    const quarantine = quarantineOf(text, '05180888.json');

    // Assess
    expect(quarantine).toEqual([
      {
        row: 1,
        recordId: null,
        field: 'company_number',
        reason:
          'company_number: 5180888 is not of type string; has_charges: "true" is not of type boolean; ' +
          'accounts.overdue: "yes" is not of type boolean; confirmation_statement: "overdue" is not of type object',
      },
    ]);
  });

  it('quarantines a missing field, an unknown status, a company no provider has, and a repeated company', () => {
    // Prepare
    const text = oneALine(
      profile({ company_status: undefined }),
      profile({ company_status: 'zombie' }),
      profile({ company_number: '09999999' }),
      profile(),
      profile({ company_number: '5180888' }),
      profile({ company_number: '12-34' }),
    );

    // Act
    const quarantine = quarantineOf(text);

    // Assess
    expect(quarantine).toEqual([
      { row: 1, recordId: '05180888', field: 'company_status', reason: 'company_status: missing' },
      { row: 2, recordId: '05180888', field: 'company_status', reason: expect.stringMatching(/^company_status: "zombie" is not one of active, /) },
      { row: 3, recordId: '09999999', field: 'company_number', reason: 'company_number: "09999999" is the company of no provider in the register' },
      { row: 5, recordId: '5180888', field: 'company_number', reason: 'company_number: duplicate of row 4 ("05180888#2025-10-15")' },
      { row: 6, recordId: '12-34', field: 'company_number', reason: 'company_number: "12-34" is not a company number of 8 letters or digits' },
    ]);
  });

  it('quarantines an insolvency resource whose file name gives no company, or with a wrong type', () => {
    // Prepare
    const resource = JSON.parse(example('05180888-insolvency.json')) as { cases: Record<string, unknown>[] };
    const badDates = { cases: [{ ...resource.cases[0], dates: 'soon' }] };

    // Act
    const unnamed = quarantineOf(JSON.stringify(resource), 'insolvency.json');
    const wrongType = quarantineOf(JSON.stringify(badDates), '05180888-insolvency.json');

    // Assess
    expect(unnamed).toEqual([
      { row: 1, recordId: null, field: null, reason: 'an insolvency resource names no company: its file must be named <number>-insolvency.json' },
    ]);
    expect(wrongType).toEqual([{ row: 1, recordId: '05180888', field: 'cases.0.dates', reason: 'cases.0.dates: "soon" is not of type array' }]);
  });

  it('never lets a practitioner name reach a record or a reason', () => {
    // Prepare
    const bad = JSON.stringify({ cases: [{ type: 'in-administration', dates: [{ type: 'x', date: '2025-13-01' }], practitioners: [{ name: person }] }] });
    const good = example('05180888-insolvency.json').replaceAll(PERSONAL_DATA_MARKER, person);

    // Act
    const batches = [parseCompaniesHouseApi(good, contextOf('05180888-insolvency.json')), parseCompaniesHouseApi(bad, contextOf('05180888-insolvency.json'))];

    // Assess
    expect(batches.map((b) => [b.signals.length, b.quarantine.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(JSON.stringify(batches)).not.toContain(PERSONAL_DATA_MARKER);
  });

  it('still reads the fetcher envelope through the same landing prefix', () => {
    // Prepare
    const envelope = JSON.stringify({ providerId: PROVIDER, profile: profile(), insolvency: null, charges: null, creditScore: 20 });

    // Act
    const batch = SIGNAL_SOURCES['companies-house']!(`${envelope}\n`, contextOf('snapshot.jsonl'));

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => s.facts)).toEqual([expect.objectContaining({ kind: 'financial-indicator', creditScore: 20 })]);
  });
});
