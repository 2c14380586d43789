import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';

const context: ParseContext = { origin: 'council-returns/2025-10-15/return.csv', receivedOn: '2025-10-15', snapshotOn: '2025-10-15' };
const example = (file: string): string => readFileSync(new URL(`../../data/examples/${file}`, import.meta.url), 'utf8');
const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;
const person = `${PERSONAL_DATA_MARKER} Jane Example`;
const HOME = '1-145585745';
const OTHER_HOME = '1-130582583';
const PROVIDER = '1-101668998';
const CHESHIRE_WEST = 'E06000050';
const CONTENT_ID = /^[0-9a-f]{16}-\d+$/;
const faults = (quarantine: readonly { row: number; field: string | null; reason: string }[]) => quarantine.map(({ row, field, reason }) => ({ row, field, reason }));

describe('parseSafeguardingReturn in the documented format', () => {
  it('reads the example return, ids each concern from its content and names the columns it never read', () => {
    // Prepare: the bundled example, which names no reporting council and gives no concern ids

    // Act
    const batch = parseSafeguardingReturn(example('safeguarding.csv'), context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => [s.subject.id, s.describedOn, s.facts])).toEqual([
      [HOME, '2025-08-04', { kind: 'safeguarding-concern', abuseType: 'neglect-and-acts-of-omission', section42Enquiry: true, reportingCouncilGss: null }],
      [HOME, '2025-09-12', { kind: 'safeguarding-concern', abuseType: 'financial-or-material', section42Enquiry: false, reportingCouncilGss: null }],
      [OTHER_HOME, '2025-09-30', { kind: 'safeguarding-concern', abuseType: 'organisational', section42Enquiry: false, reportingCouncilGss: null }],
    ]);
    expect(batch.signals.map((s) => s.naturalId.split('#'))).toEqual([
      [HOME, expect.stringMatching(CONTENT_ID)],
      [HOME, expect.stringMatching(CONTENT_ID)],
      [OTHER_HOME, expect.stringMatching(CONTENT_ID)],
    ]);
    expect(batch.ignoredColumns).toEqual(['outcome', 'adult_name', 'date_of_birth', 'nhs_number', 'free_text']);
    for (const signal of batch.signals) expect(Signal.safeParse(signal).success).toBe(true);
  });

  it('gives identical concerns different ids by position, and the same ids when the file is sent again with more', () => {
    // Prepare
    const header = 'location_id,concern_date,abuse_type,section_42_enquiry';
    const concern = `${HOME},2025-09-01,physical,No`;
    const first = lines(header, concern, concern);
    const resent = lines(header, concern, concern, `${HOME},2025-09-02,physical,No`);

    // Act
    const idsOf = (text: string) => parseSafeguardingReturn(text, context).signals.map((s) => s.naturalId);
    const [firstIds, resentIds] = [idsOf(first), idsOf(resent)];

    // Assess
    expect(firstIds).toHaveLength(2);
    expect(new Set(firstIds).size).toBe(2);
    expect(firstIds.map((id) => id.slice(-2))).toEqual(['-1', '-2']);
    expect(resentIds.slice(0, 2)).toEqual(firstIds);
  });

  it('reads the earlier spellings of its columns, in any order, and names a column as the file spells it', () => {
    // Prepare
    const text = lines(
      'section42_enquiry,abuse_type,date_received,location_id,council_gss,concern_id',
      `Yes,Sexual abuse,2025-09-01,${HOME},${CHESHIRE_WEST},SG-1`,
      `Maybe,physical,2025-09-01,${HOME},${CHESHIRE_WEST},SG-2`,
    );

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect(batch.signals.map((s) => [s.naturalId, s.facts])).toEqual([
      [`${CHESHIRE_WEST}#SG-1`, { kind: 'safeguarding-concern', abuseType: 'sexual', section42Enquiry: true, reportingCouncilGss: CHESHIRE_WEST }],
    ]);
    expect(faults(batch.quarantine)).toEqual([{ row: 3, field: 'section42_enquiry', reason: 'section42_enquiry: "Maybe" is not Yes or No' }]);
  });

  it('quarantines each kind of bad concern with its field, and a file without a needed column whole', () => {
    // Prepare
    const text = lines(
      'location_id,concern_date,abuse_type,section_42_enquiry,reporting_council_gss',
      `,2025-09-01,physical,No,${CHESHIRE_WEST}`,
      `${HOME},2025-09-01,witchcraft,No,${CHESHIRE_WEST}`,
      `${HOME},2025-09-01,physical,No,E07000008`,
      `${HOME},2025-10-16,physical,No,`,
    );
    const headless = lines('location_id,concern_date,section_42_enquiry', `${HOME},2025-09-01,No`);

    // Act
    const batch = parseSafeguardingReturn(text, context);
    const refused = parseSafeguardingReturn(headless, context);

    // Assess
    expect(batch.signals).toEqual([]);
    expect(faults(batch.quarantine)).toEqual([
      { row: 2, field: 'location_id', reason: 'location_id: missing' },
      { row: 3, field: 'abuse_type', reason: expect.stringMatching(/^abuse_type: "witchcraft" is not one of physical, /) },
      { row: 4, field: 'reporting_council_gss', reason: 'reporting_council_gss: "E07000008" is not a council with adult social services responsibility' },
      { row: 5, field: 'concern_date', reason: 'concern_date: "2025-10-16" is in the future (received 2025-10-15)' },
    ]);
    expect(faults(refused.quarantine)).toEqual([{ row: 1, field: 'abuse_type', reason: 'abuse_type: column missing from the header' }]);
    expect(refused.ignoredColumns).toEqual([]);
  });

  it('never lets a personal-data column reach a record or a reason, in good rows or bad ones', () => {
    // Prepare
    const text = lines(
      'location_id,concern_date,abuse_type,section_42_enquiry,adult_name,date_of_birth,nhs_number,free_text,keyworker',
      `${HOME},2025-09-01,physical,No,${person},${person},${person},${person},${person}`,
      `${HOME},2025-09-01,physical,Perhaps,${person},${person},${person},${person},${person}`,
    );

    // Act
    const batch = parseSafeguardingReturn(text, context);

    // Assess
    expect([batch.signals.length, batch.quarantine.length]).toEqual([1, 1]);
    expect(batch.ignoredColumns).toEqual(['adult_name', 'date_of_birth', 'nhs_number', 'free_text', 'keyworker']);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('parseCommissionerActions in the documented format', () => {
  it('reads the example actions about a location and a provider', () => {
    // Prepare: the bundled example

    // Act
    const batch = parseCommissionerActions(example('commissioner-actions.csv'), context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => [s.subject, s.describedOn, s.facts])).toEqual([
      [{ type: 'location', id: HOME }, '2025-09-15', { kind: 'commissioner-action', action: 'placement-embargo', councilGss: CHESHIRE_WEST }],
      [{ type: 'location', id: HOME }, '2025-10-06', { kind: 'commissioner-action', action: 'placement-embargo-lifted', councilGss: CHESHIRE_WEST }],
      [{ type: 'provider', id: PROVIDER }, '2025-10-01', { kind: 'commissioner-action', action: 'default-notice', councilGss: 'E06000065' }],
    ]);
    expect(batch.signals.map((s) => s.naturalId.split('#')[1])).toEqual([
      expect.stringMatching(CONTENT_ID),
      expect.stringMatching(CONTENT_ID),
      expect.stringMatching(CONTENT_ID),
    ]);
    expect(batch.ignoredColumns).toEqual(['note']);
    for (const signal of batch.signals) expect(Signal.safeParse(signal).success).toBe(true);
  });

  it('reads "contract-lifted" as the end of a suspension', () => {
    // Prepare
    const text = lines('location_id,council_gss,action,date', `${HOME},${CHESHIRE_WEST},contract-lifted,2025-10-01`);

    // Act
    const batch = parseCommissionerActions(text, context);

    // Assess
    expect(batch.signals.map((s) => s.facts)).toEqual([{ kind: 'commissioner-action', action: 'contract-reinstated', councilGss: CHESHIRE_WEST }]);
  });

  it('quarantines an action about both or neither, an unknown council or action, and a file without a date column', () => {
    // Prepare
    const text = lines(
      'location_id,provider_id,council_gss,action,date',
      `${HOME},${PROVIDER},${CHESHIRE_WEST},s56-notice,2025-10-01`,
      `,,${CHESHIRE_WEST},s56-notice,2025-10-01`,
      `${HOME},,E07000008,s56-notice,2025-10-01`,
      `${HOME},,${CHESHIRE_WEST},closed-down,2025-10-01`,
      `,not-an-id,${CHESHIRE_WEST},s56-notice,2025-10-01`,
    );
    const undated = lines('location_id,council_gss,action', `${HOME},${CHESHIRE_WEST},s56-notice`);

    // Act
    const batch = parseCommissionerActions(text, context);
    const refused = parseCommissionerActions(undated, context);

    // Assess
    expect(batch.signals).toEqual([]);
    expect(faults(batch.quarantine)).toEqual([
      { row: 2, field: 'provider_id', reason: 'provider_id: given with location_id: give exactly one' },
      { row: 3, field: 'location_id', reason: 'location_id: missing: give location_id or provider_id' },
      { row: 4, field: 'council_gss', reason: 'council_gss: "E07000008" is not a council with adult social services responsibility' },
      { row: 5, field: 'action', reason: expect.stringMatching(/^action: "closed-down" is not one of contract-suspended, /) },
      { row: 6, field: 'provider_id', reason: 'provider_id: "not-an-id" is not a CQC id such as 1-125856395 (or an NHS ODS code such as RX3LD)' },
    ]);
    expect(faults(refused.quarantine)).toEqual([{ row: 1, field: 'date', reason: 'date: column missing from the header' }]);
  });

  it('never reads the note or an officer name into a record or a reason', () => {
    // Prepare
    const text = lines(
      'location_id,council_gss,action,date,note,officer_name',
      `${HOME},${CHESHIRE_WEST},cqc-enforcement,2025-10-01,${person},${person}`,
      `${HOME},${CHESHIRE_WEST},cqc-enforcement,2025-13-01,${person},${person}`,
    );

    // Act
    const batch = parseCommissionerActions(text, context);

    // Assess
    expect([batch.signals.length, batch.quarantine.length]).toEqual([1, 1]);
    expect(batch.ignoredColumns).toEqual(['note', 'officer_name']);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});
