// Which source a landed file is: by its key's source folder, or for a dated delivery by its header or JSON shape.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recogniseSource, signalParser } from '../../shared/sources/registry.js';

const read = (path: string): string => readFileSync(new URL(`../../data/${path}`, import.meta.url), 'utf8');
const example = (file: string): string => read(`examples/${file}`);
const firstLine = (text: string): string => text.split(/\r?\n/, 1)[0]!;
const DAY = '2025-10-15';

describe('recogniseSource', () => {
  it('takes the source and snapshot date from a <source>/<date>/<file> key, as the sample lands them', () => {
    // Prepare
    const key = 'capacity-tracker/2025-10-14/returns-2025-10.csv';

    // Act
    const recognised = recogniseSource(key, example('capacity-tracker.csv'));

    // Assess
    expect(recognised).toEqual({ source: 'capacity-tracker', snapshotOn: '2025-10-14', dated: false });
  });

  it.each([
    ['a register extract by its 45-column header', 'register.csv', () => read('cqc/locations-sample.csv'), 'cqc-register'],
    ['a Capacity Tracker export by its field names', 'capacity-tracker.csv', () => example('capacity-tracker.csv'), 'capacity-tracker'],
    ['a safeguarding return', 'safeguarding.csv', () => example('safeguarding.csv'), 'safeguarding'],
    [
      'a safeguarding return in the earlier spellings',
      'concerns.csv',
      () => 'concern_id,council_gss,location_id,date_received,abuse_type,section42_enquiry\n',
      'safeguarding',
    ],
    ['commissioner actions', 'commissioner-actions.csv', () => example('commissioner-actions.csv'), 'commissioner-actions'],
    [
      'commissioner actions in the earlier spellings',
      'actions.csv',
      () => 'action_id,council_gss,subject_type,subject_id,action,effective_date\n',
      'commissioner-actions',
    ],
    ['placements', 'placements.csv', () => 'council_gss,location_id,residents_placed\n', 'placements'],
    ['a CQC API location', 'cqc-api/locations/1-9649169095.json', () => example('cqc-api-location.json'), 'cqc-api'],
    ['a JSON array of CQC API locations', 'cqc-api/changed.json', () => `[${example('cqc-api-location.json')}]`, 'cqc-api'],
    ['a Companies House profile', 'companies-house/05180888.json', () => example('companies-house/05180888.json'), 'companies-house'],
    [
      'a Companies House insolvency resource',
      'companies-house/05180888-insolvency.json',
      () => example('companies-house/05180888-insolvency.json'),
      'companies-house',
    ],
    ['the fetcher envelope, one a line', 'companies.jsonl', () => '{"providerId":"1-101","profile":{}}\n{"providerId":"1-102","profile":{}}\n', 'companies-house'],
  ])('recognises %s in a dated delivery by its content', (_, path, text, source) => {
    // Prepare
    const key = `${DAY}/${path}`;

    // Act
    const recognised = recogniseSource(key, text());

    // Assess
    expect(recognised).toEqual({ source, snapshotOn: DAY, dated: true });
  });

  it('goes by content, not by the name the sender gave the file', () => {
    // Prepare: a safeguarding return named as a Capacity Tracker export
    const text = example('safeguarding.csv');

    // Act
    const recognised = recogniseSource(`${DAY}/capacity-tracker.csv`, text);

    // Assess
    expect(recognised).toEqual({ source: 'safeguarding', snapshotOn: DAY, dated: true });
  });

  it('recognises a header-only CSV, which its parser reads as a valid empty return', () => {
    // Prepare
    const text = `${firstLine(example('capacity-tracker.csv'))}\n`;

    // Act
    const recognised = recogniseSource(`${DAY}/capacity-tracker.csv`, text);
    const batch = 'source' in recognised ? signalParser(recognised.source)!(text, { origin: 'x', receivedOn: DAY, snapshotOn: DAY }) : undefined;

    // Assess
    expect(recognised).toMatchObject({ source: 'capacity-tracker' });
    expect(batch).toMatchObject({ signals: [], quarantine: [] });
  });

  it.each([
    ['a CSV of no known format, without quoting its header', 'a,PII-MARKER Example Name\n1,2\n', /^unrecognised file: its CSV header has the required columns of no known format \(/],
    ['a CSV whose header is short of one format', 'cqcid,maxcapacity,usedbeds\n', /CSV header has the required columns of no known format/],
    ['JSON of no known shape', '{"locationId":"1-101","name":"PII-MARKER"}', /^unrecognised file: a JSON object of no known shape/],
    ['text that is not JSON', '{"locationId": ', /^unrecognised file: not valid JSON$/],
    ['an empty JSON list', '[]', /^unrecognised file: an empty JSON list names no source$/],
    ['JSON holding no object', '[1, 2]', /^unrecognised file: it holds no JSON object$/],
    ['an empty file', '\uFEFF \n', /^unrecognised file: it is empty$/],
  ])('refuses %s with the reason', (_, text, reason) => {
    // Prepare
    const key = `${DAY}/incoming/file.dat`;

    // Act
    const recognised = recogniseSource(key, text);

    // Assess
    expect(recognised).toEqual({ error: expect.stringMatching(reason) });
    expect(JSON.stringify(recognised)).not.toContain('PII-MARKER');
  });

  it.each([
    ['constructor/2025-10-15/x.csv', /^unknown source "constructor"; known: /],
    ['__proto__/2025-10-15/x.csv', /^object key "__proto__\/2025-10-15\/x.csv" is neither/],
    ['toString/2025-10-15/x.csv', /is neither <source>\/<YYYY-MM-DD>\/<file> nor <YYYY-MM-DD>\/<path>$/],
    ['capacity-tracker/2025-02-30/x.csv', /^"2025-02-30" in "capacity-tracker\/2025-02-30\/x.csv" is not a real date$/],
    ['2025-13-01/capacity-tracker.csv', /^"2025-13-01" in .* is not a real date$/],
    ['2025-10-15//capacity-tracker.csv', /is neither/],
    ['2025-10-15/', /is neither/],
  ])('refuses the key %s cleanly', (key, reason) => {
    // Prepare
    const text = example('capacity-tracker.csv');

    // Act
    const recognised = recogniseSource(key, text);

    // Assess
    expect(recognised).toEqual({ error: expect.stringMatching(reason) });
  });

  it('quotes at most 80 characters of a hostile key', () => {
    // Prepare
    const key = `${'x'.repeat(500)}/file.csv`;

    // Act
    const recognised = recogniseSource(key, 'a,b\n');

    // Assess
    const error = 'error' in recognised ? recognised.error : '';
    expect(error).toMatch(/^object key "x{50,}.* is neither/);
    expect(error).not.toContain('x'.repeat(81));
  });
});

describe('signalParser', () => {
  it('names a parser for its own sources only, never for an inherited property', () => {
    // Act
    const parsers = ['capacity-tracker', 'constructor', '__proto__', 'hasOwnProperty'].map((source) => signalParser(source) !== undefined);

    // Assess
    expect(parsers).toEqual([true, false, false, false]);
  });
});
