// Fuzzing the CSV readers: files of good rows and rows with a field made bad, with personal data in the columns
// never read. Every reader must return, keep every good row, quarantine every bad one under its row with the
// column named, account for every row one way or the other, and let no personal data into anything it returns.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';
import { badValue, cellText, expectPlansHandled, expectSaysWhereAndWhy, personalText, plannedValues, type ReaderResult, type RecordPlan, recordPlan, startLines } from '../support/fuzzing.js';

const context: ParseContext = { origin: 'fuzz/2025-10-15/file.csv', receivedOn: '2025-10-15', snapshotOn: '2025-10-15' };
const homeId = (i: number): string => `1-${100000000 + i}`;

interface CsvReader {
  name: string;
  header: readonly string[];
  /** A good row, unique in the file by its index. */
  goodRow(i: number): Record<string, string>;
  /** Columns the reader never reads that hold personal data (or any text): filled with the marker. */
  personal: readonly string[];
  /** Columns the reader checks, each made bad in turn. */
  checked: readonly string[];
  read(text: string): ReaderResult;
}

// The register, read by position against its published header: its header and one real row from the sample.
const [REGISTER_HEADER = [], REGISTER_ROW = []] = parse(readFileSync(new URL('../../data/cqc/locations-sample.csv', import.meta.url), 'utf8'), {
  bom: true,
  to_line: 2,
}) as string[][];
const registerRow = (i: number): Record<string, string> => ({
  ...Object.fromEntries(REGISTER_HEADER.map((column, at) => [column, REGISTER_ROW[at] ?? ''])),
  'Location ID': homeId(i),
});

const READERS: readonly CsvReader[] = [
  {
    name: 'the CQC register',
    header: REGISTER_HEADER,
    goodRow: registerRow,
    personal: ['Registered manager', 'Comments within last month / comments last recorded', 'Location telephone number'],
    checked: ['Location ID', 'Location Local Authority', 'Location HSCA start date', 'Dormant', 'Location safe rating', 'Provider ID', 'Provider Companies House Number'],
    read: (text) => {
      const batch = parseCqcRegister(text, context);
      return { kept: batch.locations.length, quarantine: batch.quarantine, output: batch };
    },
  },
  {
    name: 'the Capacity Tracker export',
    header: ['cqcid', 'maxcapacity', 'usedbeds', 'declaredvacancies', 'lastupdatedutc', 'completedby', 'isacceptingadmissions'],
    goodRow: (i) => ({ cqcid: homeId(i), maxcapacity: '40', usedbeds: '35', declaredvacancies: '3', lastupdatedutc: '2025-09-10T10:00:00Z', isacceptingadmissions: 'Yes' }),
    personal: ['completedby'],
    checked: ['cqcid', 'maxcapacity', 'usedbeds', 'lastupdatedutc', 'isacceptingadmissions'],
    read: (text) => {
      const batch = parseCapacityTracker(text, context);
      return { kept: batch.signals.length, quarantine: batch.quarantine, output: batch };
    },
  },
  {
    name: 'a council safeguarding return',
    header: ['concern_id', 'adult_name', 'date_of_birth', 'location_id', 'concern_date', 'abuse_type', 'section_42_enquiry', 'free_text'],
    goodRow: (i) => ({ concern_id: `SG-${i}`, location_id: homeId(i % 3), concern_date: '2025-09-01', abuse_type: 'neglect', section_42_enquiry: 'No' }),
    personal: ['adult_name', 'date_of_birth', 'free_text'],
    checked: ['location_id', 'concern_date', 'abuse_type', 'section_42_enquiry'],
    read: (text) => {
      const batch = parseSafeguardingReturn(text, context);
      return { kept: batch.signals.length, quarantine: batch.quarantine, output: batch };
    },
  },
  {
    name: "a council's commissioner actions",
    header: ['action_id', 'council_gss', 'location_id', 'action', 'date', 'officer_name', 'note'],
    goodRow: (i) => ({ action_id: `CA-${i}`, council_gss: 'E08000035', location_id: homeId(i % 3), action: 'placement-embargo', date: '2025-09-01' }),
    personal: ['officer_name', 'note'],
    checked: ['council_gss', 'location_id', 'action', 'date'],
    read: (text) => {
      const batch = parseCommissionerActions(text, context);
      return { kept: batch.signals.length, quarantine: batch.quarantine, output: batch };
    },
  },
  {
    name: 'placements',
    header: ['council_gss', 'location_id', 'residents_placed', 'resident_names'],
    goodRow: (i) => ({ council_gss: 'E08000035', location_id: homeId(i), residents_placed: '2' }),
    personal: ['resident_names'],
    checked: ['council_gss', 'location_id', 'residents_placed'],
    read: (text) => {
      const { placements, quarantine } = parsePlacements(text, context);
      return { kept: placements.length, quarantine, output: { placements, quarantine } };
    },
  },
];

const fileOf = (reader: CsvReader) =>
  fc.record({ plans: fc.array(recordPlan(reader.checked.length, badValue, cellText), { minLength: 1, maxLength: 8 }), personal: fc.array(personalText, { minLength: 1, maxLength: 3 }) });

function write(reader: CsvReader, plans: readonly RecordPlan<string>[], personal: readonly string[]): string {
  const rows = plans.map((plan, i) => {
    const row = reader.goodRow(i);
    reader.personal.forEach((column, at) => (row[column] = personal[at % personal.length]!));
    for (const [column, value] of plannedValues(plan)) row[reader.checked[column]!] = value;
    return reader.header.map((column) => row[column] ?? '');
  });
  return stringify([reader.header, ...rows], { record_delimiter: 'windows' });
}

describe.each(READERS)('fuzzing $name', (reader) => {
  it('keeps every good row, quarantines every bad one naming its column, and accounts for every row', () => {
    fc.assert(
      fc.property(fileOf(reader), ({ plans, personal }) => {
        // Prepare
        const text = write(reader, plans, personal);

        // Act
        const result = reader.read(text);

        // Assess
        const lines = startLines(text);
        expectPlansHandled(result, plans, (i) => lines[i + 1]!, reader.checked);
      }),
    );
  });

  it('returns on any text at all, every quarantine record saying where and why', () => {
    const anyCsv = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.array(fc.array(cellText, { maxLength: reader.header.length + 2 }), { maxLength: 6 }).map((rows) => [reader.header.join(','), ...rows.map((row) => row.join(','))].join('\n')),
    );
    fc.assert(
      fc.property(anyCsv, (text) => {
        // Act
        let result: ReaderResult | undefined;
        let refusal: unknown;
        try {
          result = reader.read(text);
        } catch (error) {
          refusal = error;
        }

        // Assess: only the register refuses a file whole by throwing (ingest quarantines it), and says why
        if (refusal !== undefined) {
          expect(reader.name).toBe('the CQC register');
          expect((refusal as Error).message).toMatch(/^Not a CQC register extract/);
          return;
        }
        expectSaysWhereAndWhy(result!.quarantine, context.origin);
      }),
    );
  });
});
