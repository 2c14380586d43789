import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { capacityReturn, score } from '../support/fixtures.js';

const context: ParseContext = { origin: 'capacity-tracker/2025-10-15/capacity-tracker.csv', receivedOn: '2025-10-15', snapshotOn: '2025-10-14' };
const EXAMPLE = readFileSync(new URL('../../data/examples/capacity-tracker.csv', import.meta.url), 'utf8');
const HOME = '1-145585745';

/** A file of the given columns, one row per record, in the header's order. */
const csv = (header: readonly string[], ...rows: Record<string, string>[]): string =>
  `${[header.join(','), ...rows.map((row) => header.map((column) => row[column] ?? '').join(','))].join('\n')}\n`;
const REQUIRED = ['cqcid', 'maxcapacity', 'usedbeds', 'declaredvacancies', 'lastupdatedutc'];
const good = { cqcid: HOME, maxcapacity: '40', usedbeds: '35', declaredvacancies: '3', lastupdatedutc: '2025-10-09T10:42:00Z' };

describe('parseCapacityTracker with the documented field names', () => {
  it('reads the example file: rates only where their parts are given, admissions left blank as unknown', () => {
    // Prepare: the bundled example

    // Act
    const batch = parseCapacityTracker(EXAMPLE, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => [s.subject.id, s.describedOn, s.facts])).toEqual([
      [
        HOME,
        '2025-10-09',
        { kind: 'capacity-return', period: '2025-10', maxCapacity: 73, usedBeds: 61, declaredVacancies: 6, acceptingAdmissions: true, staffAbsencePct: 8.7, agencyHoursPct: null, agencyHours: 212.5 },
      ],
      [
        '1-130582583',
        '2025-10-13',
        { kind: 'capacity-return', period: '2025-10', maxCapacity: 37, usedBeds: 30, declaredVacancies: 0, acceptingAdmissions: false, staffAbsencePct: 8.6, agencyHoursPct: null },
      ],
      [
        '1-9649169095',
        '2025-10-08',
        { kind: 'capacity-return', period: '2025-10', maxCapacity: 8, usedBeds: 7, declaredVacancies: 1, acceptingAdmissions: null, staffAbsencePct: null, agencyHoursPct: null },
      ],
    ]);
    for (const signal of batch.signals) expect(Signal.safeParse(signal).success).toBe(true);
  });

  it('finds columns by name in any order, ignores extra ones, and dates the return by its last update', () => {
    // Prepare: a delivery of 1 November carrying October's return, columns shuffled, with unknown extras
    const header = ['flavour', 'lastupdatedutc', 'usedbeds', 'cqcid', 'declaredvacancies', 'maxcapacity', 'location'];
    const text = csv(header, { ...good, flavour: 'vanilla', location: 'Aaron Court' });

    // Act
    const batch = parseCapacityTracker(text, { ...context, receivedOn: '2025-11-01', snapshotOn: '2025-11-01' });

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.signals.map((s) => [s.naturalId, s.facts.kind === 'capacity-return' && s.facts.period])).toEqual([[`${HOME}#2025-10`, '2025-10']]);
  });

  it('quarantines the file when a required column is missing, but not when an optional one is', () => {
    // Prepare
    const withoutUpdate = csv(['cqcid', 'maxcapacity', 'usedbeds', 'declaredvacancies', 'isacceptingadmissions'], { ...good, isacceptingadmissions: 'Yes' });
    const withoutAdmissions = csv(REQUIRED, good);

    // Act
    const refused = parseCapacityTracker(withoutUpdate, context);
    const read = parseCapacityTracker(withoutAdmissions, context);

    // Assess
    expect(refused.quarantine.map(({ row, field, reason }) => ({ row, field, reason }))).toEqual([
      { row: 1, field: 'lastupdatedutc', reason: 'lastupdatedutc: column missing from the header' },
    ]);
    expect(read.signals.map((s) => s.facts)).toEqual([expect.objectContaining({ acceptingAdmissions: null, staffAbsencePct: null })]);
  });

  it('quarantines a row with a missing bed count or a bad staffing value, naming the field', () => {
    // Prepare
    const header = [...REQUIRED, 'careworkersemployed', 'careworkersabsentgeneral', 'hoursagency'];
    const text = csv(
      header,
      { ...good, cqcid: '1-100000001', declaredvacancies: '' },
      { ...good, cqcid: '1-100000002', careworkersemployed: '20', careworkersabsentgeneral: '25' },
      { ...good, cqcid: '1-100000003', hoursagency: 'lots' },
      { ...good, cqcid: '1-100000004', careworkersemployed: '20' },
    );

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect(batch.quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }))).toEqual([
      { row: 2, recordId: '1-100000001#2025-10', field: 'declaredvacancies', reason: 'declaredvacancies: missing' },
      { row: 3, recordId: '1-100000002#2025-10', field: 'careworkersabsentgeneral', reason: 'careworkersabsentgeneral: 25 is more than careworkersemployed 20' },
      { row: 4, recordId: '1-100000003#2025-10', field: 'hoursagency', reason: 'hoursagency: "lots" is not a number of 0 or more' },
    ]);
    expect(batch.signals.map((s) => [s.subject.id, s.facts.kind === 'capacity-return' && s.facts.staffAbsencePct])).toEqual([['1-100000004', null]]);
  });

  it('never reads completedby or a name column into a record or a reason', () => {
    // Prepare
    const header = [...REQUIRED, 'location', 'completedby'];
    const person = `${PERSONAL_DATA_MARKER} Jane Example`;
    const text = csv(header, { ...good, completedby: person, location: person }, { ...good, cqcid: '1-100000002', usedbeds: 'x', completedby: person });

    // Act
    const batch = parseCapacityTracker(text, context);

    // Assess
    expect([batch.signals.length, batch.quarantine.length]).toEqual([1, 1]);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });
});

describe('a return that does not say whether the home accepts admissions', () => {
  it('adds no "not accepting admissions" points, where a No does', () => {
    // Prepare
    const unknown = [capacityReturn('2025-09', { acceptingAdmissions: null })];
    const closed = [capacityReturn('2025-09', { acceptingAdmissions: false })];

    // Act
    const [unknownResult, closedResult] = [score({ signals: unknown }), score({ signals: closed })];

    // Assess
    const indicators = (result: ReturnType<typeof score>) => result.factors.filter((f) => f.family === 'occupancy').map((f) => f.indicator);
    expect(indicators(unknownResult)).not.toContain('Not accepting admissions');
    expect(indicators(closedResult)).toContain('Not accepting admissions');
  });
});
