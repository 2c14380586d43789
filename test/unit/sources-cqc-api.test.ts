import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { Location, Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCqcApiLocations } from '../../shared/sources/cqc-api.js';
import { SIGNAL_SOURCES } from '../../shared/sources/registry.js';
import { registration, score } from '../support/fixtures.js';

const context: ParseContext = { origin: 'cqc-api/2025-10-15/locations.json', receivedOn: '2025-10-15', snapshotOn: '2025-10-15' };
const EXAMPLE = readFileSync(new URL('../../data/examples/cqc-api-location.json', import.meta.url), 'utf8');
const person = `${PERSONAL_DATA_MARKER} Jane Example`;

/** A Leeds care home as the API answers for it, with a registered manager named in `contacts`. */
function apiLocation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    locationId: '1-100000001',
    providerId: '1-900000001',
    name: ' Rose House',
    type: 'Social Care Org',
    registrationStatus: 'Registered',
    registrationDate: '2015-01-01',
    numberOfBeds: 40,
    localAuthority: 'Leeds',
    region: 'North East',
    regulatedActivities: [{ name: 'Accommodation', code: 'RA2', contacts: [{ personGivenName: person, personFamilyName: person, personRoles: ['Registered Manager'] }] }],
    gacServiceTypes: [{ name: 'Nursing homes', description: 'Care home service with nursing' }],
    specialisms: [{ name: 'Dementia' }],
    currentRatings: {
      overall: {
        rating: 'Requires Improvement',
        reportDate: '2025-03-01',
        keyQuestionRatings: [
          { name: 'Safe', rating: 'Inadequate', reportDate: '2025-03-01' },
          { name: 'Well-led', rating: 'Requires improvement', reportDate: '2025-03-01' },
          { name: 'Caring', rating: 'Inspected but not rated', reportDate: '2025-03-01' },
        ],
      },
    },
    ...overrides,
  };
}

const reasonsOf = (text: string) => parseCqcApiLocations(text, context).quarantine.map(({ row, recordId, field, reason }) => ({ row, recordId, field, reason }));

describe('parseCqcApiLocations', () => {
  it('reads the example file into its location, its dated ratings, its manager absence and its predecessor', () => {
    // Prepare: the bundled example, a West Sussex home rated Good in 2022 and Requires improvement in 2024, taken over in 2020

    // Act
    const batch = parseCqcApiLocations(EXAMPLE, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.locations).toEqual([
      {
        locationId: '1-9649169095',
        providerId: '1-116992858',
        name: '1 Charmandean Road',
        councilGss: 'E10000032',
        region: 'South East',
        serviceKind: 'residential-home',
        beds: 8,
        sizeBand: 'small',
        specialisms: ['Caring for adults under 65 yrs', 'Learning disabilities', 'Physical disabilities'],
        registeredOn: '2020-12-01',
        uprn: '100061882205',
        postcode: 'BN14 9LB',
      },
    ]);
    expect(batch.links).toEqual([
      {
        predecessorId: '1-108432165',
        successorId: '1-9649169095',
        linkedOn: '2020-12-01',
        kind: 'ownership-change',
        reason: 'Change of ownership',
        evidence: 'cqc-relationship',
        confidence: 1,
        source: 'cqc-api',
        origin: context.origin,
        receivedOn: '2025-10-15',
      },
    ]);
    expect(batch.signals.map((s) => [s.naturalId, s.describedOn, s.facts])).toEqual([
      [
        '1-9649169095#rating#2024-11-20',
        '2024-11-20',
        { kind: 'rating', overall: 'Requires improvement', safe: 'Requires improvement', effective: 'Good', caring: 'Good', responsive: 'Good', wellLed: 'Requires improvement', publishedOn: '2024-11-20' },
      ],
      ['1-9649169095#rating#2022-05-11', '2022-05-11', { kind: 'rating', overall: 'Good', safe: 'Good', effective: 'Good', caring: 'Good', responsive: 'Good', wellLed: 'Good', publishedOn: '2022-05-11' }],
      ['1-9649169095#manager#2025-10-15', '2025-10-15', { kind: 'registered-manager', absentSince: '2025-03-17' }],
    ]);
    for (const signal of batch.signals) expect(Signal.safeParse(signal).success).toBe(true);
    expect(Location.safeParse(batch.locations[0]).success).toBe(true);
  });

  it('takes the ADASS region from the reference table, never from the API, and CQC ratings in any spelling', () => {
    // Prepare: Leeds is in Yorkshire and Humber; the document claims North East
    const text = JSON.stringify(apiLocation());

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch.locations[0]).toMatchObject({ name: 'Rose House', councilGss: 'E08000035', region: 'Yorkshire and Humber', serviceKind: 'nursing-home', sizeBand: 'medium' });
    expect(batch.signals[0]?.facts).toEqual({
      kind: 'rating',
      overall: 'Requires improvement',
      safe: 'Inadequate',
      effective: null,
      caring: null,
      responsive: null,
      wellLed: 'Requires improvement',
      publishedOn: '2025-03-01',
    });
    expect(batch.signals[1]?.facts).toEqual({ kind: 'registered-manager', absentSince: null });
  });

  it('reads a JSON array: a deregistration on its date, and assessment ratings where there is no current rating', () => {
    // Prepare
    const deregistered = apiLocation({ locationId: '1-100000002', registrationStatus: 'Deregistered', deregistrationDate: '2025-09-30', dormancy: 'Y' });
    const assessed = apiLocation({
      locationId: '1-100000003',
      currentRatings: undefined,
      assessment: [
        {
          assessmentPlanPublishedDateTime: '2025-06-01 00:00:00',
          ratings: { overall: [{ rating: 'Inadequate', status: 'Current', keyQuestionRatings: [{ name: 'Well-led', rating: 'Inadequate' }] }] },
        },
      ],
    });
    const unrated = apiLocation({ locationId: '1-100000004', currentRatings: { overall: { rating: 'No published rating' } } });

    // Act
    const batch = parseCqcApiLocations(JSON.stringify([deregistered, assessed, unrated], null, 2), context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.locations.map((l) => l.locationId)).toEqual(['1-100000002', '1-100000003', '1-100000004']);
    const byLocation = (id: string) => batch.signals.filter((s) => s.subject.id === id).map((s) => [s.naturalId, s.facts.kind]);
    expect(byLocation('1-100000002')).toEqual([
      ['1-100000002#rating#2025-03-01', 'rating'],
      ['1-100000002#manager#2025-10-15', 'registered-manager'],
      ['1-100000002#registration#2025-09-30', 'registration'],
    ]);
    expect(batch.signals.find((s) => s.naturalId === '1-100000002#registration#2025-09-30')).toMatchObject({
      describedOn: '2025-09-30',
      facts: { kind: 'registration', status: 'Deregistered', dormant: true },
    });
    expect(batch.signals.find((s) => s.naturalId === '1-100000003#rating#2025-06-01')?.facts).toMatchObject({ overall: 'Inadequate', wellLed: 'Inadequate', publishedOn: '2025-06-01' });
    expect(byLocation('1-100000004')).toEqual([['1-100000004#manager#2025-10-15', 'registered-manager']]);
  });

  it('quarantines a location with a wrong JSON type, naming each field by its path', () => {
    // Prepare
    const text = JSON.stringify([
      apiLocation({ numberOfBeds: '40', name: 12 }),
      apiLocation({ locationId: '1-100000002', currentRatings: { overall: 'Good' } }),
      apiLocation({ locationId: '1-100000003', historicRatings: [{ reportDate: 20240101, overall: { rating: 'Good' } }] }),
    ]);

    // Act
    const quarantine = reasonsOf(text);

    // Assess
    expect(quarantine).toEqual([
      { row: 1, recordId: '1-100000001', field: 'name', reason: 'name: 12 is not of type string; numberOfBeds: "40" is not of type number' },
      { row: 2, recordId: '1-100000002', field: 'currentRatings.overall', reason: 'currentRatings.overall: "Good" is not of type object' },
      { row: 3, recordId: '1-100000003', field: 'historicRatings.0.reportDate', reason: 'historicRatings.0.reportDate: 20240101 is not of type string' },
    ]);
  });

  it('quarantines a location missing a required field, a rating without its date, or an unknown value', () => {
    // Prepare
    const text = JSON.stringify([
      apiLocation({ localAuthority: undefined }),
      apiLocation({ locationId: '1-100000002', currentRatings: { overall: { rating: 'Good' } } }),
      apiLocation({ locationId: '1-100000003', currentRatings: { overall: { rating: 'Excellent', reportDate: '2025-03-01' } } }),
      apiLocation({ locationId: '1-100000004', registrationStatus: 'Deregistered' }),
      apiLocation({ locationId: '1-100000005', registeredManagerAbsentDate: '2025-11-01' }),
      apiLocation({ locationId: '1-100000006', historicRatings: [{ reportDate: '2020-01-01', overall: { rating: 'Good', keyQuestionRatings: [{ name: 'Safe', rating: 'Superb' }] } }] }),
    ]);

    // Act
    const quarantine = reasonsOf(text);

    // Assess
    expect(quarantine).toEqual([
      { row: 1, recordId: '1-100000001', field: 'localAuthority', reason: 'localAuthority: missing' },
      { row: 2, recordId: '1-100000002', field: 'currentRatings.overall.reportDate', reason: 'currentRatings.overall.reportDate: missing while a rating is given' },
      { row: 3, recordId: '1-100000003', field: 'currentRatings.overall.rating', reason: 'currentRatings.overall.rating: "Excellent" is not a CQC rating' },
      { row: 4, recordId: '1-100000004', field: 'deregistrationDate', reason: 'deregistrationDate: missing while registrationStatus is Deregistered' },
      { row: 5, recordId: '1-100000005', field: 'registeredManagerAbsentDate', reason: 'registeredManagerAbsentDate: "2025-11-01" is in the future (received 2025-10-15)' },
      {
        row: 6,
        recordId: '1-100000006',
        field: 'historicRatings.0.overall.keyQuestionRatings.0.rating',
        reason: 'historicRatings.0.overall.keyQuestionRatings.0.rating: "Superb" is not a CQC rating',
      },
    ]);
  });

  it('quarantines a location in a council the reference table does not know, and a repeated location', () => {
    // Prepare
    const text = [apiLocation({ localAuthority: 'Narnia' }), apiLocation({ locationId: '1-100000002' }), apiLocation({ locationId: '1-100000002' })]
      .map((doc) => JSON.stringify(doc))
      .join('\n');

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch.locations.map((l) => l.locationId)).toEqual(['1-100000002']);
    expect(batch.quarantine.map(({ row, field, reason }) => ({ row, field, reason }))).toEqual([
      { row: 1, field: 'localAuthority', reason: 'localAuthority: "Narnia" is not an English council with adult social services responsibility' },
      { row: 3, field: 'locationId', reason: 'locationId: duplicate of row 2 ("1-100000002")' },
    ]);
  });

  it('quarantines a file that is not JSON once, not line by line', () => {
    // Prepare: a pretty-printed response cut short
    const text = JSON.stringify(apiLocation(), null, 2).slice(0, 200);

    // Act
    const quarantine = reasonsOf(text);

    // Assess
    expect(quarantine).toEqual([{ row: 1, recordId: null, field: null, reason: 'not valid JSON' }]);
  });

  it('never lets a contact name reach a record or a reason, in good documents or bad ones', () => {
    // Prepare
    const text = JSON.stringify([apiLocation(), apiLocation({ locationId: '1-100000002', numberOfBeds: -1 }), person, apiLocation({ locationId: '1-100000003', contacts: [{ name: person }] })]);

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch.locations).toHaveLength(2);
    expect(batch.quarantine.map((q) => q.reason)).toEqual(['numberOfBeds: -1 is below 0', 'the document is not a JSON object']);
    expect(JSON.stringify(batch)).not.toContain(PERSONAL_DATA_MARKER);
  });

  it('links each relationship by its side: the predecessor dated by its deregistration, the successor by its registration', () => {
    // Prepare: 1-100000001 passed to 1-100000002 (both documents in the file) and moved on from 1-100000009;
    // 1-100000003 is still registered and names its successor; an undocumented type names 1-100000008
    const old = apiLocation({
      registrationStatus: 'Deregistered',
      deregistrationDate: '2025-09-30',
      relationships: [
        { relatedLocationId: '1-100000002', relatedLocationName: 'Rose House', type: 'HSCA Successor', reason: 'Change of ownership' },
        { relatedLocationId: '1-100000009', relatedLocationName: 'Rose House', type: 'HSCA Predecessor', reason: 'Location Move' },
      ],
    });
    const successor = apiLocation({
      locationId: '1-100000002',
      registrationDate: '2025-10-01',
      relationships: [{ relatedLocationId: '1-100000001', relatedLocationName: 'Rose House', type: 'HSCA Predecessor', reason: 'New Provider' }],
    });
    const handingOver = apiLocation({
      locationId: '1-100000003',
      relationships: [
        { relatedLocationId: '1-100000004', relatedLocationName: 'Lily House', type: 'HSCA Successor', reason: 'Change of ownership' },
        { relatedLocationId: '1-100000008', relatedLocationName: 'Lily House', type: 'Registered Manager Shared', reason: 'Other' },
      ],
    });

    // Act
    const batch = parseCqcApiLocations(JSON.stringify([successor, old, handingOver]), context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.locations.find((l) => l.locationId === '1-100000001')?.deregisteredOn).toBe('2025-09-30');
    expect(batch.locations.find((l) => l.locationId === '1-100000002')).not.toHaveProperty('deregisteredOn');
    expect(batch.links?.map((l) => [l.predecessorId, l.successorId, l.linkedOn, l.kind, l.reason])).toEqual([
      ['1-100000001', '1-100000002', '2025-09-30', 'ownership-change', 'Change of ownership'],
      ['1-100000009', '1-100000001', '2015-01-01', 'move', 'Location Move'],
    ]);
    expect(JSON.stringify(batch)).not.toContain('Lily House');
  });

  it('reads the UPRN as text or a number and writes the postcode in capitals with one space', () => {
    // Prepare
    const text = JSON.stringify([
      apiLocation({ uprn: 100023336956, postalCode: ' ls1  1aa ' }),
      apiLocation({ locationId: '1-100000002', uprn: '000012094378', postalCode: 'LS11AA' }),
      apiLocation({ locationId: '1-100000003', uprn: '', postalCode: '' }),
    ]);

    // Act
    const batch = parseCqcApiLocations(text, context);

    // Assess
    expect(batch.quarantine).toEqual([]);
    expect(batch.locations.map(({ uprn, postcode }) => ({ uprn, postcode }))).toEqual([
      { uprn: '100023336956', postcode: 'LS1 1AA' },
      { uprn: '12094378', postcode: 'LS1 1AA' },
      { uprn: undefined, postcode: undefined },
    ]);
    expect(batch.locations[2]).not.toHaveProperty('uprn');
    for (const location of batch.locations) expect(Location.safeParse(location).success).toBe(true);
  });

  it('quarantines a location with a malformed relationship, UPRN or postcode, naming the field by its path', () => {
    // Prepare
    const text = JSON.stringify([
      apiLocation({ relationships: [{ relatedLocationName: 'Rose House', type: 'HSCA Predecessor', reason: 'Change of ownership' }] }),
      apiLocation({ locationId: '1-100000002', relationships: [{ relatedLocationId: 'Rose House', type: 'HSCA Predecessor', reason: 'Change of ownership' }] }),
      apiLocation({ locationId: '1-100000003', relationships: [{ relatedLocationId: '1-100000009', type: 'HSCA Predecessor' }] }),
      apiLocation({ locationId: '1-100000004', relationships: [{ relatedLocationId: '1-100000004', type: 'HSCA Predecessor', reason: 'Change of ownership' }] }),
      apiLocation({ locationId: '1-100000005', uprn: '10002-219989' }),
      apiLocation({ locationId: '1-100000006', uprn: 1.5 }),
      apiLocation({ locationId: '1-100000007', postalCode: 'Leeds' }),
    ]);

    // Act
    const quarantine = reasonsOf(text);

    // Assess
    expect(quarantine).toEqual([
      { row: 1, recordId: '1-100000001', field: 'relationships.0.relatedLocationId', reason: 'relationships.0.relatedLocationId: missing' },
      {
        row: 2,
        recordId: '1-100000002',
        field: 'relationships.0.relatedLocationId',
        reason: 'relationships.0.relatedLocationId: "Rose House" is not a CQC id such as 1-125856395 (or an NHS ODS code such as RX3LD)',
      },
      { row: 3, recordId: '1-100000003', field: 'relationships.0.reason', reason: 'relationships.0.reason: missing' },
      { row: 4, recordId: '1-100000004', field: 'relationships.0.relatedLocationId', reason: 'relationships.0.relatedLocationId: names the location itself' },
      { row: 5, recordId: '1-100000005', field: 'uprn', reason: 'uprn: "10002-219989" is not a UPRN (up to 12 digits)' },
      { row: 6, recordId: '1-100000006', field: 'uprn', reason: 'uprn: 1.5 is not a UPRN (up to 12 digits)' },
      { row: 7, recordId: '1-100000007', field: 'postalCode', reason: 'postalCode: "Leeds" is not a UK postcode' },
    ]);
  });

  it('is the reader for landed cqc-api files', () => {
    // Prepare
    const parse = SIGNAL_SOURCES['cqc-api'];

    // Act
    const batch = parse?.(EXAMPLE, context);

    // Assess
    expect(batch?.locations).toHaveLength(1);
  });
});

describe('the CQC API manager absence in scoring', () => {
  it('scores the absence the API reports even when a later register snapshot cannot tell', () => {
    // Prepare: absent since March by the API on 1 October; the register's registration of 2 October says nothing
    const [manager] = parseCqcApiLocations(JSON.stringify(apiLocation({ registeredManagerAbsentDate: '2025-03-01', currentRatings: undefined })), {
      ...context,
      receivedOn: '2025-10-01',
      snapshotOn: '2025-10-01',
    }).signals;
    const signals = [manager!, registration({ describedOn: '2025-10-02' })];

    // Act
    const result = score({ signals });

    // Assess
    expect(result.factors.filter((f) => f.family === 'workforce').map((f) => [f.indicator, f.points, f.evidence[0]?.source])).toEqual([
      ['Registered manager absent 7 months', 100, 'cqc-api'],
    ]);
  });

  it('ends the absence when the API no longer reports one', () => {
    // Prepare
    const absent = parseCqcApiLocations(JSON.stringify(apiLocation({ registeredManagerAbsentDate: '2025-03-01', currentRatings: undefined })), {
      ...context,
      snapshotOn: '2025-09-01',
    }).signals;
    const back = parseCqcApiLocations(JSON.stringify(apiLocation({ currentRatings: undefined })), { ...context, snapshotOn: '2025-10-01' }).signals;

    // Act
    const result = score({ signals: [...absent, ...back] });

    // Assess
    expect(result.factors.filter((f) => f.family === 'workforce')).toEqual([]);
  });
});
