import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';

// test/fixtures/cqc-register-broken.csv: the real 45-column header and rows copied from
// data/cqc/locations-sample.csv (CRLF, like the real file), some edited. Line by line:
//   2  good: " AbilityAvenue Care" (leading space), Dorset, supported living, 0 beds, dormant, unrated, ISO date;
//      `Registered manager` holds MANAGER_MARKER
//   3  good: Location HSCA start date rewritten as "2/9/2022 12:00:00 AM" (US order, with time)
//   4  good: nursing home, 78 beds, ratings "Requires Improvement", brand BD459
//   5  good: nursing home, 50 beds (the large boundary), brand BD459 again
//   6  good: 7-digit company number with trailing spaces "5180888  "
//   7  good: residential home, 8 beds, brand BD519, provider 1-116992858
//   8  good: 11 beds, same provider as line 7; start date rewritten as "12/1/2020" (US order, no time)
//   9  good: ratings "Inspected but not rated"
//   10 good: Location HSCA end date 2025-03-31 (deregistered)
//   11 bad: 44 columns (Location UPRN cell removed); `Registered manager` holds MANAGER_MARKER
//   12 bad: impossible date 2025-02-30
//   13 bad: unknown council "Atlantis"
//   14 bad: beds "-3"; `Registered manager` holds MANAGER_MARKER
//   15 bad: beds "twelve"
//   16 bad: start date "11/15/2025 12:00:00 AM", after the file was received
//   17 bad: Location ID 1-11958380640 repeats line 3
//   18 bad: safe rating "Excellent"
//   19 bad: three problems: beds "4.5", start date "13/45/2025 12:00:00 AM", company number "AB-12345"
//   20 bad: Provider ID "1-12X"
//   21 good: after the bad rows, brand BD226 ("BRAND Voyage")
const MANAGER_MARKER = 'MANAGER-NAME-MARKER';
const FIXTURE_DATA_ROWS = 20;

const context: ParseContext = {
  origin: 'cqc-register/2025-09-30.csv',
  receivedOn: '2025-10-01',
  snapshotOn: '2025-09-30',
};

const readText = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
const fixture = readText('../fixtures/cqc-register-broken.csv');
const realSample = readText('../../data/cqc/locations-sample.csv');

const thrownBy = (act: () => unknown): Error | undefined => {
  try {
    act();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  return undefined;
};

const quoteCsv = (cells: readonly string[]): string => cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(',');

describe('parseCqcRegister on the broken fixture', () => {
  it('quarantines exactly the broken rows, once each, with their line, id and first failing field', () => {
    // Prepare
    const text = fixture;

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(batch.quarantine.map(({ row, recordId, field }) => ({ row, recordId, field }))).toEqual([
      { row: 11, recordId: null, field: null },
      { row: 12, recordId: '1-1070281691', field: 'Location HSCA start date' },
      { row: 13, recordId: '1-4607245586', field: 'Location Local Authority' },
      { row: 14, recordId: '1-9790438501', field: 'Care homes beds' },
      { row: 15, recordId: '1-9790438583', field: 'Care homes beds' },
      { row: 16, recordId: '1-9791332087', field: 'Location HSCA start date' },
      { row: 17, recordId: '1-11958380640', field: 'Location ID' },
      { row: 18, recordId: '1-9791332311', field: 'Location safe rating' },
      { row: 19, recordId: '1-11051756072', field: 'Care homes beds' },
      { row: 20, recordId: '1-19614282617', field: 'Provider ID' },
    ]);
    const fromThisFile = (record: { source: string; origin: string }) =>
      record.source === 'cqc-register' && record.origin === context.origin;
    expect(batch.quarantine.every(fromThisFile)).toBe(true);
  });

  it('gives reasons that name the field and the offending value, and lists every problem of a row', () => {
    // Prepare
    const text = fixture;

    // Act
    const reasons = new Map(parseCqcRegister(text, context).quarantine.map((record) => [record.row, record.reason]));

    // Assess
    expect(reasons.get(11)).toBe('expected 45 columns, got 44');
    expect(reasons.get(12)).toBe('Location HSCA start date: "2025-02-30" is not a real date');
    expect(reasons.get(13)).toContain('Location Local Authority: "Atlantis"');
    expect(reasons.get(14)).toBe('Care homes beds: "-3" is not a non-negative whole number');
    expect(reasons.get(15)).toBe('Care homes beds: "twelve" is not a non-negative whole number');
    expect(reasons.get(16)).toContain('Location HSCA start date: "11/15/2025 12:00:00 AM" is in the future');
    expect(reasons.get(17)).toBe('Location ID: duplicate of row 3 ("1-11958380640")');
    expect(reasons.get(18)).toBe('Location safe rating: "Excellent" is not a CQC rating');
    expect(reasons.get(19)).toBe(
      'Care homes beds: "4.5" is not a non-negative whole number; ' +
        'Location HSCA start date: "13/45/2025 12:00:00 AM" is not a real date; ' +
        'Provider Companies House Number: "AB-12345" is not a Companies House number',
    );
    expect(reasons.get(20)).toBe('Provider ID: "1-12X" is not a CQC id');
  });

  it('accounts for every data row as either a location or a quarantine record', () => {
    // Prepare
    const text = fixture;

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(batch.locations).toHaveLength(10);
    expect(batch.locations.length + batch.quarantine.length).toBe(FIXTURE_DATA_ROWS);
    expect(batch.signals).toHaveLength(2 * batch.locations.length);
  });

  it('stores good rows with trimmed, normalised values', () => {
    // Prepare
    const text = fixture;

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    const location = (id: string) => batch.locations.find((candidate) => candidate.locationId === id);
    expect(location('1-21268168552')).toEqual({
      locationId: '1-21268168552',
      providerId: '1-18392978582',
      name: 'AbilityAvenue Care',
      councilGss: 'E06000059',
      region: 'South West',
      serviceKind: 'home-care',
      beds: 0,
      sizeBand: null,
      specialisms: [
        'Caring for adults under 65 yrs',
        'Learning Disabilities or autistic spectrum disorder',
        'Mental health conditions',
        'Physical disabilities',
      ],
      registeredOn: '2025-01-02',
      uprn: '10094781981',
    });
    expect(location('1-11958380640')?.registeredOn).toBe('2022-02-09');
    expect(location('1-9655004060')?.registeredOn).toBe('2020-12-01');
    expect(location('1-127846026')).toMatchObject({ serviceKind: 'nursing-home', beds: 78, sizeBand: 'large' });
    expect(location('1-136143611')).toMatchObject({ beds: 50, sizeBand: 'large', councilGss: 'E09000026' });
    expect(location('1-9655004060')).toMatchObject({ serviceKind: 'residential-home', sizeBand: 'medium' });
    expect(location('1-9649169095')).toMatchObject({
      sizeBand: 'small',
      councilGss: 'E10000032',
      region: 'South East',
    });
    expect(batch.providers.find((provider) => provider.providerId === '1-2229122294')?.companyNumber).toBe('05180888');
  });

  it('emits a rating and a registration signal per good location, with ratings normalised', () => {
    // Prepare
    const text = fixture;

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    const signal = (naturalId: string) => batch.signals.find((candidate) => candidate.naturalId === naturalId);
    expect(signal('1-127846026#rating#2025-09-30')).toEqual({
      source: 'cqc-register',
      naturalId: '1-127846026#rating#2025-09-30',
      subject: { type: 'location', id: '1-127846026' },
      describedOn: '2025-09-30',
      receivedOn: '2025-10-01',
      facts: {
        kind: 'rating',
        overall: 'Requires improvement',
        safe: 'Requires improvement',
        effective: 'Good',
        caring: 'Requires improvement',
        responsive: 'Requires improvement',
        wellLed: 'Requires improvement',
        publishedOn: null,
      },
    });
    expect(signal('1-3081023799#rating#2025-09-30')?.facts).toMatchObject({ overall: null, safe: null });
    expect(signal('1-21268168552#registration#2025-09-30')?.facts).toEqual({
      kind: 'registration',
      status: 'Registered',
      dormant: true,
      registeredManagerAbsentSince: null,
    });
    expect(signal('1-2807959465#registration#2025-09-30')?.facts).toMatchObject({
      status: 'Deregistered',
      dormant: false,
    });
  });

  it('reads the UPRN and dates a deregistration by its end date, keeping the snapshot in the natural id', () => {
    // Prepare: line 10 (1-2807959465) ended on 2025-03-31

    // Act
    const batch = parseCqcRegister(fixture, context);

    // Assess
    const ended = batch.locations.find((location) => location.locationId === '1-2807959465');
    expect(ended).toMatchObject({ uprn: '10002219989', deregisteredOn: '2025-03-31' });
    expect(batch.locations.find((location) => location.locationId === '1-9649169095')).toMatchObject({ uprn: '100061882205' });
    expect(batch.locations.filter((location) => location.deregisteredOn !== undefined).map((location) => location.locationId)).toEqual(['1-2807959465']);
    expect(batch.signals.find((signal) => signal.naturalId === '1-2807959465#registration#2025-09-30')).toMatchObject({
      describedOn: '2025-03-31',
      facts: { kind: 'registration', status: 'Deregistered' },
    });
    expect(batch.signals.find((signal) => signal.naturalId === '1-21268168552#registration#2025-09-30')?.describedOn).toBe('2025-09-30');
  });

  it('takes a blank UPRN as none, drops its padding zeros, and quarantines one that is not digits', () => {
    // Prepare
    const [header = [], first = [], second = [], third = []] = parse(fixture, { to_line: 4 });
    const uprnColumn = header.indexOf('Location UPRN');
    const withUprn = (cells: string[], uprn: string) => cells.map((cell, column) => (column === uprnColumn ? uprn : cell));
    const text = [header, withUprn(first, ''), withUprn(second, '000012094378'), withUprn(third, 'UPRN 12094378')].map(quoteCsv).join('\r\n');

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(batch.locations.map((location) => [location.locationId, location.uprn])).toEqual([
      ['1-21268168552', undefined],
      ['1-11958380640', '12094378'],
    ]);
    expect(batch.locations[0]).not.toHaveProperty('uprn');
    expect(batch.quarantine.map(({ row, field, reason }) => ({ row, field, reason }))).toEqual([
      { row: 4, field: 'Location UPRN', reason: 'Location UPRN: "UPRN 12094378" is not a UPRN (up to 12 digits)' },
    ]);
  });

  it('keeps each provider and brand once, with the brand prefix dropped from group names', () => {
    // Prepare
    const text = fixture;

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    const providerIds = batch.providers.map((provider) => provider.providerId);
    expect(new Set(providerIds).size).toBe(providerIds.length);
    expect(providerIds.filter((id) => id === '1-116992858')).toHaveLength(1);
    expect(batch.groups).toEqual([
      { groupId: 'BD459', name: 'Abbey Total Care Group' },
      { groupId: 'BD519', name: 'Achieve Together' },
      { groupId: 'BD226', name: 'Voyage' },
    ]);
    expect(batch.providers.find((provider) => provider.providerId === '1-101654380')?.groupId).toBe('BD459');
    expect(batch.providers.find((provider) => provider.providerId === '1-18392978582')?.groupId).toBeNull();
  });

  it('never copies the Registered manager column anywhere', () => {
    // Prepare
    expect(fixture).toContain(MANAGER_MARKER);

    // Act
    const batch = parseCqcRegister(fixture, context);

    // Assess
    expect(JSON.stringify(batch)).not.toContain(MANAGER_MARKER);
  });
});

describe('parseCqcRegister on the real sample', () => {
  it('keeps every row, matching every council name and keeping the NHS location with ODS ids', () => {
    // Prepare
    const dataRows = parse(realSample).length - 1;

    // Act
    const batch = parseCqcRegister(realSample, context);

    // Assess
    expect(dataRows).toBe(500);
    expect(batch.quarantine).toEqual([]);
    expect(batch.locations).toHaveLength(dataRows);
    expect(batch.locations.find((location) => location.locationId === 'RX3LD')).toMatchObject({
      providerId: 'RX3',
      councilGss: 'E06000004',
      serviceKind: 'nursing-home',
    });
  });

  it('parses a national-size register of 15,000 rows (its speed is measured by npm run bench)', () => {
    // Prepare
    const [header = [], ...rows] = parse(realSample);
    const copies = 30;
    const bigRows = Array.from({ length: copies }, (_, copy) =>
      rows.map((cells, index) => {
        const uniqueId = `1-${String(copy * 1000 + index).padStart(9, '0')}`;
        return quoteCsv(cells.map((cell, column) => (column === 1 ? uniqueId : cell)));
      }),
    ).flat();
    const text = [quoteCsv(header), ...bigRows].join('\r\n');

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(bigRows).toHaveLength(15_000);
    expect(batch.locations).toHaveLength(15_000);
    expect(batch.quarantine).toEqual([]);
  });
});

describe('parseCqcRegister on malformed files', () => {
  it('throws, naming the missing columns, when the header is not the register header', () => {
    // Prepare
    const text = fixture.replace('"Care homes beds"', '"Beds"').replace('"Dormant"', '"Dormant?"');

    // Act
    const act = () => parseCqcRegister(text, context);

    // Assess
    expect(act).toThrow(/missing columns "Care homes beds", "Dormant"/);
  });

  it('throws on a file with no header without echoing its cells', () => {
    // Prepare
    const text = fixture.slice(fixture.indexOf('\n') + 1);

    // Act
    const failure = thrownBy(() => parseCqcRegister(text, context));

    // Assess
    expect(failure?.message).toMatch(/^Not a CQC register extract/);
    expect(failure?.message).not.toContain(MANAGER_MARKER);
  });

  it('takes no record id from a row whose cells have shifted', () => {
    // Prepare
    const [header = [], first = []] = parse(fixture, { to_line: 2 });
    const shifted = first.map((cell, column) => (column === 3 ? 'MGRMARKER' : cell)).slice(2);
    const text = [quoteCsv(header), quoteCsv(shifted)].join('\r\n');

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(batch.quarantine).toEqual([
      expect.objectContaining({ row: 2, recordId: null, field: null, reason: 'expected 45 columns, got 43' }),
    ]);
    expect(JSON.stringify(batch)).not.toContain('MGRMARKER');
  });

  it('throws on an empty file', () => {
    // Prepare
    const text = '';

    // Act
    const act = () => parseCqcRegister(text, context);

    // Assess
    expect(act).toThrow(/empty/);
  });

  it('numbers rows by file line across multi-line cells, CRLF line ends and blank lines', () => {
    // Prepare
    const [header = [], first = [], second = []] = parse(fixture, { to_line: 3 });
    const multiLineName = first.map((cell, column) => (column === 0 ? 'Line one\r\nline two\r\nline three' : cell));
    const negativeBeds = second.map((cell, column) => (column === 11 ? '-1' : cell));
    const text = [quoteCsv(header), quoteCsv(multiLineName), '', quoteCsv(negativeBeds), ''].join('\r\n');

    // Act
    const batch = parseCqcRegister(text, context);

    // Assess
    expect(batch.locations.map((location) => location.name)).toEqual(['Line one\r\nline two\r\nline three']);
    expect(batch.quarantine.map(({ row, field }) => ({ row, field }))).toEqual([{ row: 6, field: 'Care homes beds' }]);
  });
});
