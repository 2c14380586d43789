// Admission at ingest: signals about subjects the registry does not know are quarantined with their file, row and
// field; a file's own reference records count as known.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KnownSubjects } from '../../shared/domain/admission.js';
import type { Provider } from '../../shared/domain/model.js';
import { admitSignals, providersByCompanyNumber, signalRows, subjectsToLookUp } from '../../shared/sources/admission.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { signalParser } from '../../shared/sources/registry.js';

const context: ParseContext = { origin: '2025-10-15/returns/capacity-tracker.csv', receivedOn: '2025-10-15', snapshotOn: '2025-10-15' };
const KNOWN = '1-145585745';
const OTHER = '1-130582583';
const THIRD = '1-9649169095';
const UNKNOWN = '1-999999999';
const known: KnownSubjects = { locationIds: new Set([KNOWN, OTHER, THIRD]), providerIds: new Set(['1-101010101']) };
const nothingKnown: KnownSubjects = { locationIds: new Set(), providerIds: new Set() };

/** Parses a file with its source's parser and admits its signals as ingest does. */
function ingestLike(source: string, text: string, stored: KnownSubjects) {
  const batch = signalParser(source)!(text, context);
  return { batch, admitted: admitSignals(batch, stored, context.origin, () => signalRows(text, batch, context)) };
}

const faults = (records: readonly { row: number; field: string | null; reason: string }[]) => records.map(({ row, field, reason }) => ({ row, field, reason }));

describe('admitSignals', () => {
  it('quarantines a Capacity Tracker row about an unknown cqcid with its own row, past bad and multi-line rows', () => {
    // Prepare: row 3 is bad for the parser, row 4 spans two lines, so rows and signals no longer line up by count
    const text = [
      'cqcid,location,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc',
      `${KNOWN},Home,40,35,3,2025-10-09T10:42:00Z`,
      `${OTHER},Home,40,45,0,2025-09-09T10:42:00Z`,
      `${UNKNOWN},"Two-line`,
      `name",40,35,3,2025-10-09T10:42:00Z`,
      `${THIRD},Home,40,30,3,2025-08-09T10:42:00Z`,
    ].join('\n');

    // Act
    const { batch, admitted } = ingestLike('capacity-tracker', text, known);

    // Assess
    expect(faults(batch.quarantine)).toEqual([{ row: 3, field: 'usedbeds', reason: expect.stringMatching(/^usedbeds: 45 is more than maxcapacity 40/) }]);
    expect(admitted.signals.map((s) => [s.subject.id, s.describedOn])).toEqual([
      [KNOWN, '2025-10-09'],
      [THIRD, '2025-08-09'],
    ]);
    expect(admitted.quarantine).toEqual([
      {
        source: 'capacity-tracker',
        origin: context.origin,
        row: 4,
        recordId: `${UNKNOWN}#2025-10`,
        field: 'cqcid',
        reason: `unknown location ${UNKNOWN}: not in any register or CQC API file received so far`,
      },
    ]);
  });

  it('names provider_id for a commissioner action about an unknown provider', () => {
    // Prepare
    const text = ['location_id,provider_id,council_gss,action,date', `${KNOWN},,E06000050,placement-embargo,2025-09-15`, ',1-202020202,E06000050,default-notice,2025-10-01'].join('\n');

    // Act
    const { admitted } = ingestLike('commissioner-actions', text, known);

    // Assess
    expect(admitted.signals.map((s) => s.subject)).toEqual([{ type: 'location', id: KNOWN }]);
    expect(faults(admitted.quarantine)).toEqual([
      { row: 3, field: 'provider_id', reason: 'unknown provider 1-202020202: not in any register or CQC API file received so far' },
    ]);
  });

  it('quarantines a line of the Companies House envelope about an unknown provider by its line', () => {
    // Prepare
    const line = (providerId: string, companyNumber: string) =>
      JSON.stringify({ providerId, profile: { company_number: companyNumber, company_status: 'active' }, insolvency: null, charges: null, creditScore: null });
    const text = `${line('1-101010101', '05180888')}\n${line('1-303030303', '09248786')}\n`;

    // Act
    const { admitted } = ingestLike('companies-house', text, known);

    // Assess
    expect(admitted.signals.map((s) => s.subject.id)).toEqual(['1-101010101']);
    expect(faults(admitted.quarantine)).toEqual([
      { row: 2, field: 'providerId', reason: 'unknown provider 1-303030303: not in any register or CQC API file received so far' },
    ]);
  });

  it('admits a CQC API file on its own locations, without asking for rows or the stored registry', () => {
    // Prepare
    const text = readFileSync(new URL('../../data/examples/cqc-api-location.json', import.meta.url), 'utf8');
    const batch = signalParser('cqc-api')!(text, context);

    // Act
    const lookUp = subjectsToLookUp(batch);
    const admitted = admitSignals(batch, nothingKnown, context.origin, () => {
      throw new Error('rows asked for');
    });

    // Assess
    expect(batch.signals.length).toBeGreaterThan(1);
    expect(lookUp).toEqual({ locations: false, providers: false });
    expect(admitted).toEqual({ signals: batch.signals, quarantine: [] });
  });

  it('asks for the stored locations only when a file names locations beyond its own', () => {
    // Prepare
    const text = `cqcid,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc\n${UNKNOWN},40,35,3,2025-10-09T10:42:00Z\n`;
    const batch = signalParser('capacity-tracker')!(text, context);

    // Act
    const lookUp = subjectsToLookUp(batch);

    // Assess
    expect(lookUp).toEqual({ locations: true, providers: false });
  });
});

describe('providersByCompanyNumber', () => {
  it('lists every provider of a company, and none without a company number', () => {
    // Prepare
    const provider = (providerId: string, companyNumber: string | null): Provider => ({ providerId, name: 'P', companyNumber, ownershipType: 'Organisation', groupId: null });

    // Act
    const byNumber = providersByCompanyNumber([provider('1-101010101', '05180888'), provider('1-102020202', 'SC123456'), provider('1-103030303', '05180888'), provider('1-104040404', null)]);

    // Assess
    expect([...byNumber]).toEqual([
      ['05180888', ['1-101010101', '1-103030303']],
      ['SC123456', ['1-102020202']],
    ]);
  });
});
