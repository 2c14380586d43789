import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { parseCompaniesHouse } from '../../shared/sources/companies-house.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';

const context: ParseContext = { origin: 'landing/test-file', receivedOn: '2025-09-15', snapshotOn: '2025-09-14' };
const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;
const person = `${PERSONAL_DATA_MARKER} Jane Example`;

const HALTON = 'E06000006';
const WARRINGTON = 'E06000007';
const HOME = '1-101234567';
const OTHER_HOME = '1-109876543';
const PROVIDER = '1-202345678';

function expectValidSignals(signals: readonly unknown[]): void {
  for (const signal of signals) expect(Signal.safeParse(signal).success).toBe(true);
}

describe('parseCapacityTracker', () => {
  const header =
    'cqcid,odscode,location,localauthority,region,icb,parentorganisation,maxcapacity,usedbeds,declaredvacancies,isacceptingadmissions,admissionstatus,nursesemployed,careworkersemployed,agencynursesemployed,agencycareworkersemployed,staffabsentpct,agencyhourspct,lastupdatedutc,completedby';
  const row = (overrides: Partial<Record<string, string>> = {}): string => {
    const values: Record<string, string> = {
      cqcid: HOME,
      odscode: 'VAB12',
      location: '"Rose House, Widnes"',
      localauthority: 'Halton',
      region: 'North West',
      icb: 'NHS Cheshire and Merseyside ICB',
      parentorganisation: 'Rose Care Ltd',
      maxcapacity: '40',
      usedbeds: '35',
      declaredvacancies: '3',
      isacceptingadmissions: 'Yes',
      admissionstatus: 'Accepting admissions',
      nursesemployed: '6',
      careworkersemployed: '44',
      agencynursesemployed: '1',
      agencycareworkersemployed: '2',
      staffabsentpct: '4.5',
      agencyhourspct: '',
      lastupdatedutc: '2025-09-10T14:32:00Z',
      completedby: person,
      ...overrides,
    };
    return header.split(',').map((column) => values[column]).join(',');
  };

  it('turns each good row into a capacity-return signal for the snapshot month', () => {
    // Prepare
    const text = lines(header, row(), row({ cqcid: OTHER_HOME, isacceptingadmissions: 'false', lastupdatedutc: '2025-09-09T23:30:00-02:00' }));

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals[0]).toEqual({
      source: 'capacity-tracker',
      naturalId: `${HOME}#2025-09`,
      subject: { type: 'location', id: HOME },
      describedOn: '2025-09-10',
      receivedOn: '2025-09-15',
      facts: {
        kind: 'capacity-return',
        period: '2025-09',
        maxCapacity: 40,
        usedBeds: 35,
        declaredVacancies: 3,
        acceptingAdmissions: true,
        staffAbsencePct: 4.5,
        agencyHoursPct: null,
      },
    });
    expect(batch.signals[1]).toMatchObject({ describedOn: '2025-09-10', facts: { acceptingAdmissions: false } });
    expectValidSignals(batch.signals);
  });

  it('quarantines each kind of bad row with its row, field and reason, and keeps the good rows', () => {
    // Prepare
    const text = lines(
      header,
      row({ cqcid: '1-100000001', usedbeds: '41' }),
      row({ cqcid: '1-100000002', maxcapacity: '-3' }),
      row({ cqcid: '1-100000003', isacceptingadmissions: 'Maybe' }),
      row({ cqcid: '1-100000004', staffabsentpct: '140' }),
      row({ cqcid: '1-100000005', lastupdatedutc: '2025-02-30T10:00:00Z' }),
      row({ cqcid: '1-100000006', lastupdatedutc: '2025-09-20T10:00:00Z' }),
      row({ cqcid: 'ABC' }),
      row({ cqcid: '1-100000008', declaredvacancies: '9' }),
      row({ cqcid: '1-100000009', careworkersemployed: 'many' }),
      row({ cqcid: '1-100000010', usedbeds: '' }),
      row(),
    );

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.signals.map((s) => s.subject.id)).toEqual([HOME]);
    expect(batch.quarantine.map(({ row, recordId, field }) => ({ row, recordId, field }))).toEqual([
      { row: 2, recordId: '1-100000001#2025-09', field: 'usedbeds' },
      { row: 3, recordId: '1-100000002#2025-09', field: 'maxcapacity' },
      { row: 4, recordId: '1-100000003#2025-09', field: 'isacceptingadmissions' },
      { row: 5, recordId: '1-100000004#2025-09', field: 'staffabsentpct' },
      // No month in its id: its timestamp is not a real one.
      { row: 6, recordId: '1-100000005', field: 'lastupdatedutc' },
      { row: 7, recordId: '1-100000006#2025-09', field: 'lastupdatedutc' },
      { row: 8, recordId: 'ABC#2025-09', field: 'cqcid' },
      { row: 9, recordId: '1-100000008#2025-09', field: 'declaredvacancies' },
      { row: 10, recordId: '1-100000009#2025-09', field: 'careworkersemployed' },
      { row: 11, recordId: '1-100000010#2025-09', field: 'usedbeds' },
    ]);
    const reasons = batch.quarantine.map((q) => q.reason);
    expect(reasons[0]).toBe('usedbeds: 41 is more than maxcapacity 40');
    expect(reasons[1]).toBe('maxcapacity: "-3" is not a whole number of 0 or more');
    expect(reasons[2]).toBe('isacceptingadmissions: "Maybe" is not Yes or No');
    expect(reasons[3]).toBe('staffabsentpct: "140" is not a percentage from 0 to 100');
    expect(reasons[4]).toContain('"2025-02-30T10:00:00Z" is not a real ISO timestamp');
    expect(reasons[5]).toBe('lastupdatedutc: "2025-09-20" is in the future (received 2025-09-15)');
    expect(reasons[6]).toBe('cqcid: "ABC" is not a CQC id such as 1-125856395 (or an NHS ODS code such as RX3LD)');
    expect(reasons[9]).toBe('usedbeds: missing');
    expect(batch.quarantine.every((q) => q.source === 'capacity-tracker' && q.origin === context.origin)).toBe(true);
  });

  it('names every problem of a row, in column order, with the first as the field', () => {
    // Prepare
    const text = lines(header, row({ lastupdatedutc: 'yesterday', usedbeds: '50', agencyhourspct: 'n/a' }));

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.quarantine).toEqual([
      {
        source: 'capacity-tracker',
        origin: context.origin,
        row: 2,
        recordId: HOME,
        field: 'usedbeds',
        reason:
          'usedbeds: 50 is more than maxcapacity 40; agencyhourspct: "n/a" is not a percentage from 0 to 100; ' +
          'lastupdatedutc: "yesterday" is not a real ISO timestamp such as 2025-09-10T14:32:00Z',
      },
    ]);
  });

  it('keeps the first of a duplicated cqcid and quarantines the later one', () => {
    // Prepare
    const text = lines(header, row(), row({ cqcid: OTHER_HOME }), row({ usedbeds: '30' }));

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.signals.map((s) => [s.subject.id, s.facts.kind === 'capacity-return' && s.facts.usedBeds])).toEqual([
      [HOME, 35],
      [OTHER_HOME, 35],
    ]);
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 4, recordId: `${HOME}#2025-09`, field: 'cqcid', reason: `cqcid: duplicate of row 2 ("${HOME}#2025-09")` }),
    ]);
  });

  it('quarantines rows that cannot be read as CSV and a header that lacks a column', () => {
    // Prepare
    const shortRow = `${OTHER_HOME},VAB12,Rose House,Halton`;
    const unreadable = lines(header, row(), shortRow, `1-100000003,"unclosed,${person}`);
    const headless = lines(header.replace('usedbeds,', ''), row());

    // Act
    const batch = parseCapacityTracker(unreadable, context);
    const headlessBatch = parseCapacityTracker(headless, context);

    // Assess
    expect(batch.signals).toHaveLength(1);
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 3, recordId: null, field: null, reason: 'the record has 4 fields where the header has 20' }),
      expect.objectContaining({ row: 4, recordId: null, field: null, reason: 'a quoted field is never closed' }),
    ]);
    expect(headlessBatch.signals).toEqual([]);
    expect(headlessBatch.quarantine).toEqual([
      expect.objectContaining({ row: 1, recordId: null, field: 'usedbeds', reason: 'usedbeds: column missing from the header' }),
    ]);
  });

  it('never lets the completedby column reach a signal or a quarantine reason', () => {
    // Prepare
    const text = lines(header, row(), row({ cqcid: OTHER_HOME, usedbeds: 'x' }), `${row({ cqcid: '1-100000003' })},${person}`);

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.quarantine).toHaveLength(2);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('parseSafeguardingReturn', () => {
  const header = 'concern_id,reporting_council_gss,location_id,date_received,abuse_type,section42_enquiry,adult_name,adult_date_of_birth,notes';
  const concern = (id: string, fields = `${HALTON},${HOME},2025-06-01,Neglect and acts of omission,Yes`): string =>
    `${id},${fields},${person},${PERSONAL_DATA_MARKER} 1941-03-02,"${PERSONAL_DATA_MARKER} seen by GP, ""bruising""\nfamily told"`;

  it('turns each good concern into a safeguarding-concern signal, whichever spelling of the type', () => {
    // Prepare
    const text = lines(
      header,
      concern('SG-1'),
      concern('SG-2', `${WARRINGTON},${HOME},2025-07-01,Financial or material abuse,No`),
      concern('SG-3', `${HALTON},${OTHER_HOME},2025-08-01,organisational,true`),
      concern('SG-4', `${HALTON},${OTHER_HOME},2025-08-02,Self neglect,false`),
    );

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals[0]).toEqual({
      source: 'safeguarding-return',
      naturalId: `${HALTON}#SG-1`,
      subject: { type: 'location', id: HOME },
      describedOn: '2025-06-01',
      receivedOn: context.receivedOn,
      facts: { kind: 'safeguarding-concern', abuseType: 'neglect-and-acts-of-omission', section42Enquiry: true, reportingCouncilGss: HALTON },
    });
    expect(batch.signals.slice(1).map((s) => s.facts.kind === 'safeguarding-concern' && s.facts.abuseType)).toEqual([
      'financial-or-material',
      'organisational',
      'self-neglect',
    ]);
    expectValidSignals(batch.signals);
  });

  it('quarantines each kind of bad concern, counting rows as lines even after multi-line notes, and ids a concern without one', () => {
    // Prepare
    const text = lines(
      header,
      concern('SG-1', `${HALTON},${HOME},2025-06-01,Witchcraft,Yes`),
      concern('SG-2', `E07000008,${HOME},2025-06-01,physical,Yes`),
      concern('SG-3', `${HALTON},${HOME},2025-02-29,physical,Yes`),
      concern('SG-4', `${HALTON},${HOME},2025-10-01,physical,Yes`),
      concern('SG-5', `${HALTON},${HOME},2025-06-01,physical,Perhaps`),
      concern('', `${HALTON},${HOME},2025-06-01,physical,No`),
      concern('SG-7'),
    );

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect(batch.signals.map((s) => s.naturalId)).toEqual([expect.stringMatching(new RegExp(`^${HALTON}#[0-9a-f]{16}-1$`)), `${HALTON}#SG-7`]);
    expect(batch.quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }))).toEqual([
      { row: 2, recordId: `${HALTON}#SG-1`, field: 'abuse_type', reason: expect.stringMatching(/^abuse_type: "Witchcraft" is not one of physical, /) },
      {
        row: 4,
        recordId: 'E07000008#SG-2',
        field: 'reporting_council_gss',
        reason: 'reporting_council_gss: "E07000008" is not a council with adult social services responsibility',
      },
      { row: 6, recordId: `${HALTON}#SG-3`, field: 'date_received', reason: 'date_received: "2025-02-29" is not a real date (YYYY-MM-DD)' },
      { row: 8, recordId: `${HALTON}#SG-4`, field: 'date_received', reason: 'date_received: "2025-10-01" is in the future (received 2025-09-15)' },
      { row: 10, recordId: `${HALTON}#SG-5`, field: 'section42_enquiry', reason: 'section42_enquiry: "Perhaps" is not Yes or No' },
    ]);
  });

  it('quarantines a second concern with the same council and id, and keeps the same id from another council', () => {
    // Prepare
    const text = lines(header, concern('SG-1'), concern('SG-1', `${WARRINGTON},${HOME},2025-06-01,physical,No`), concern('SG-1'));

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect(batch.signals.map((s) => s.naturalId)).toEqual([`${HALTON}#SG-1`, `${WARRINGTON}#SG-1`]);
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 6, field: 'concern_id', reason: `concern_id: duplicate of row 2 ("${HALTON}#SG-1")` }),
    ]);
  });

  it('never lets the adult name, date of birth or notes reach a signal or a quarantine reason', () => {
    // Prepare
    const text = lines(header, concern('SG-1'), concern('SG-2', `${HALTON},${HOME},2025-06-01,unknown,No`), `SG-3,${HALTON},${person}`);

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect(batch.quarantine).toHaveLength(2);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('parseCompaniesHouse', () => {
  const snapshot: ParseContext = { origin: 'landing/companies-house.jsonl', receivedOn: '2025-09-30', snapshotOn: '2025-09-30' };
  const company = (overrides: Record<string, unknown> = {}, profile: Record<string, unknown> = {}): string =>
    JSON.stringify({
      providerId: PROVIDER,
      profile: {
        company_number: '01234567',
        company_name: 'ROSE CARE LIMITED',
        company_status: 'active',
        has_insolvency_history: false,
        has_charges: true,
        accounts: {
          overdue: false,
          next_due: '2026-03-31',
          next_accounts: { due_on: '2026-03-31', overdue: false },
          last_accounts: { made_up_to: '2024-06-30', type: 'small' },
        },
        confirmation_statement: { overdue: false, next_due: '2026-01-14' },
        ...profile,
      },
      insolvency: null,
      charges: { items: [{ created_on: '2023-01-10', status: 'outstanding' }] },
      creditScore: 71,
      ...overrides,
    });
  const insolvency = {
    cases: [
      {
        type: 'in-administration',
        number: '1',
        dates: [{ type: 'administration-started-on', date: '2025-08-01' }],
        practitioners: [{ name: person, appointed_on: '2025-08-01', role: 'practitioner' }],
      },
    ],
  };

  it('turns each company line into a financial-indicator snapshot for its provider', () => {
    // Prepare
    const text = lines(
      company(),
      company(
        { providerId: '1-209999999', insolvency, charges: { items: [{ created_on: '2025-02-01', status: 'outstanding' }] }, creditScore: null },
        {
          company_number: 'SC123456',
          company_status: 'administration',
          accounts: { overdue: true, next_due: '2025-06-30', next_accounts: { due_on: '2025-06-30', overdue: true } },
          confirmation_statement: { overdue: true, next_due: '2025-08-01' },
        },
      ),
      company({ providerId: '1-208888888' }, { company_number: '07654321', accounts: { overdue: true, next_due: '2025-09-10' } }),
    );

    // Act
    const batch = parseCompaniesHouse(text, snapshot);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals[0]).toEqual({
      source: 'companies-house',
      naturalId: '01234567#2025-09-30',
      subject: { type: 'provider', id: PROVIDER },
      describedOn: '2025-09-30',
      receivedOn: '2025-09-30',
      facts: {
        kind: 'financial-indicator',
        companyNumber: '01234567',
        companyStatus: 'active',
        accountsOverdueDays: 0,
        confirmationStatementOverdue: false,
        insolvencyCases: 0,
        newChargeWithin12Months: false,
        creditScore: 71,
      },
    });
    expect(batch.signals[1]?.facts).toMatchObject({
      companyStatus: 'administration',
      accountsOverdueDays: 92,
      confirmationStatementOverdue: true,
      insolvencyCases: 1,
      newChargeWithin12Months: true,
      creditScore: null,
    });
    expect(batch.signals[2]?.facts).toMatchObject({ accountsOverdueDays: 20 });
    expectValidSignals(batch.signals);
  });

  it('quarantines a line that is not JSON or breaks the schema, by line number, and keeps the rest', () => {
    // Prepare
    const text = lines(
      company(),
      '',
      `{"providerId":"${PROVIDER}","insolvency":{"practitioners":[{"name":"${person}"`,
      company({ providerId: '1-203333333' }, { company_number: '03333333', company_status: 'zombie' }),
      company({ providerId: '1-204444444', charges: { items: [{ created_on: '2025-12-01', status: 'outstanding' }] } }, { company_number: '04444444' }),
      company({ providerId: '1-205555555', creditScore: 140 }, { company_number: '05555555', accounts: { overdue: true } }),
      company({ providerId: 'nobody', insolvency: { cases: [{ type: 'x', dates: [], practitioners: 'lots' }] } }, { company_number: '06666666' }),
    );

    // Act
    const batch = parseCompaniesHouse(text, snapshot);

    // Assess
    expect(batch.signals.map((s) => s.subject.id)).toEqual([PROVIDER]);
    expect(batch.quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }))).toEqual([
      { row: 3, recordId: null, field: null, reason: 'not valid JSON' },
      { row: 4, recordId: '03333333', field: 'profile.company_status', reason: expect.stringMatching(/^profile\.company_status: "zombie" is not one of active, /) },
      { row: 5, recordId: '04444444', field: 'charges.items.0.created_on', reason: 'charges.items.0.created_on: "2025-12-01" is in the future (received 2025-09-30)' },
      { row: 6, recordId: '05555555', field: 'creditScore', reason: 'creditScore: 140 is above 100' },
      { row: 7, recordId: '06666666', field: 'providerId', reason: 'providerId: "nobody" is not a CQC id such as 1-125856395 (or an NHS ODS code such as RX3LD)' },
    ]);
  });

  it('quarantines an overdue company that gives no due date', () => {
    // Prepare
    const text = lines(company({}, { accounts: { overdue: true } }));

    // Act
    const batch = parseCompaniesHouse(text, snapshot);

    // Assess
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 1, field: 'profile.accounts.next_accounts.due_on', reason: 'profile.accounts.next_accounts.due_on: missing while the accounts are overdue' }),
    ]);
  });

  it('quarantines a second line for the same company number', () => {
    // Prepare
    const text = lines(company(), company({ providerId: '1-207777777' }));

    // Act
    const batch = parseCompaniesHouse(text, snapshot);

    // Assess
    expect(batch.signals.map((s) => s.subject.id)).toEqual([PROVIDER]);
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 2, recordId: '01234567', field: 'profile.company_number', reason: 'profile.company_number: duplicate of row 1 ("01234567")' }),
    ]);
  });

  it('never lets an insolvency practitioner name reach a signal or a quarantine reason', () => {
    // Prepare
    const text = lines(
      company({ insolvency }),
      company({ insolvency: { cases: [{ ...insolvency.cases[0], dates: [{ type: 'x', date: '2025-13-01' }] }] } }, { company_number: '09999999' }),
      `{"broken": "${person}"`,
    );

    // Act
    const batch = parseCompaniesHouse(text, snapshot);

    // Assess
    expect(batch.signals).toHaveLength(1);
    expect(batch.quarantine).toHaveLength(2);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('parseCommissionerActions', () => {
  const header = 'action_id,council_gss,subject_type,subject_id,action,effective_date,officer_name';
  const action = (fields: string): string => `${fields},${person}`;

  it('turns each good action into a commissioner-action signal about a location or a provider', () => {
    // Prepare
    const text = lines(
      header,
      action(`CA-1,${HALTON},location,${HOME},placement-embargo,2025-07-01`),
      action(`CA-2,${HALTON},provider,${PROVIDER},S56 notice,2025-08-01`),
    );

    // Act
    const batch = parseCommissionerActions(text, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals).toEqual([
      {
        source: 'commissioner-action',
        naturalId: `${HALTON}#CA-1`,
        subject: { type: 'location', id: HOME },
        describedOn: '2025-07-01',
        receivedOn: context.receivedOn,
        facts: { kind: 'commissioner-action', action: 'placement-embargo', councilGss: HALTON },
      },
      {
        source: 'commissioner-action',
        naturalId: `${HALTON}#CA-2`,
        subject: { type: 'provider', id: PROVIDER },
        describedOn: '2025-08-01',
        receivedOn: context.receivedOn,
        facts: { kind: 'commissioner-action', action: 's56-notice', councilGss: HALTON },
      },
    ]);
    expectValidSignals(batch.signals);
  });

  it('quarantines each kind of bad action and a duplicate, and keeps the rest', () => {
    // Prepare
    const text = lines(
      header,
      action(`CA-1,${HALTON},group,${HOME},placement-embargo,2025-07-01`),
      action(`CA-2,${HALTON},location,${HOME},closed-down,2025-07-01`),
      action(`CA-3,${HALTON},location,${HOME},placement-embargo,2025-09-16`),
      action(`CA-4,Halton,location,${HOME},placement-embargo,2025-07-01`),
      action(`CA-5,${HALTON},location,${HOME},contract-suspended,2025-07-01`),
      action(`CA-5,${HALTON},location,${HOME},contract-reinstated,2025-08-01`),
    );

    // Act
    const batch = parseCommissionerActions(text, context);

    // Assess
    expect(batch.signals.map((s) => s.naturalId)).toEqual([`${HALTON}#CA-5`]);
    expect(batch.quarantine.map(({ row, field, reason }) => ({ row, field, reason }))).toEqual([
      { row: 2, field: 'subject_type', reason: 'subject_type: "group" is not one of location, provider' },
      { row: 3, field: 'action', reason: expect.stringMatching(/^action: "closed-down" is not one of contract-suspended, /) },
      { row: 4, field: 'effective_date', reason: 'effective_date: "2025-09-16" is in the future (received 2025-09-15)' },
      { row: 5, field: 'council_gss', reason: 'council_gss: "Halton" is not a GSS council code such as E10000008' },
      { row: 7, field: 'action_id', reason: `action_id: duplicate of row 6 ("${HALTON}#CA-5")` },
    ]);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('parsePlacements', () => {
  const header = 'council_gss,location_id,residents_placed';

  it('reads who places how many residents where, and quarantines bad rows and duplicates', () => {
    // Prepare
    const text = lines(
      header,
      `${HALTON},${HOME},12`,
      `${WARRINGTON},${HOME},2`,
      `${HALTON},${OTHER_HOME},0`,
      `${HALTON},${OTHER_HOME},two`,
      `${HALTON},${HOME},3`,
    );

    // Act
    const result = parsePlacements(text, context);

    // Assess
    expect(result.placements).toEqual([
      { councilGss: HALTON, locationId: HOME, residentsPlaced: 12 },
      { councilGss: WARRINGTON, locationId: HOME, residentsPlaced: 2 },
    ]);
    expect(result.quarantine.map(({ source, row, recordId, field, reason }) => ({ source, row, recordId, field, reason }))).toEqual([
      { source: 'placements', row: 4, recordId: `${HALTON}#${OTHER_HOME}`, field: 'residents_placed', reason: 'residents_placed: 0 is not a placement: a row needs at least one resident' },
      {
        source: 'placements',
        row: 5,
        recordId: `${HALTON}#${OTHER_HOME}`,
        field: 'location_id',
        reason: `location_id: duplicate of row 4 ("${HALTON}#${OTHER_HOME}"); residents_placed: "two" is not a whole number of 0 or more`,
      },
      { source: 'placements', row: 6, recordId: `${HALTON}#${HOME}`, field: 'location_id', reason: `location_id: duplicate of row 2 ("${HALTON}#${HOME}")` },
    ]);
  });
});
