// The dashboard's rules of who sees what, and the pure pieces of its pages: the protocol's capacities,
// small-number suppression on the map, withheld reasons, band runs, council rows and CSV, search, codes.
import { describe, expect, it } from 'vitest';
import { COUNCILS } from '../../shared/domain/councils.js';
import { capacityFor, mayOpenCouncil, type Viewer } from '../../shared/domain/dashboard/access.js';
import { aggregateViewFor, FEWER_THAN_5 } from '../../shared/domain/dashboard/aggregate.js';
import { councilCsvRecords, councilRows, CSV_HEADER, filterRows } from '../../shared/domain/dashboard/council-page.js';
import { bandRun, topReasons } from '../../shared/domain/dashboard/history.js';
import { matches, search } from '../../shared/domain/dashboard/search-page.js';
import { shortCodeOf } from '../../shared/domain/dashboard/short-codes.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { assessment, BRADFORD, heatMapOfOneRedHome, LEEDS, location, MANCHESTER, provider } from '../support/fixtures.js';

const leedsCouncil: Viewer = { kind: 'council', id: LEEDS };
const bradfordCouncil: Viewer = { kind: 'council', id: BRADFORD };
const manchesterCouncil: Viewer = { kind: 'council', id: MANCHESTER };
const yorkshireNetwork: Viewer = { kind: 'adass-network', id: 'adass-yorkshire-and-humber', region: 'Yorkshire and Humber' };
const northWestNetwork: Viewer = { kind: 'adass-network', id: 'adass-north-west', region: 'North West' };
const national: Viewer = { kind: 'national', id: 'national-market-oversight' };
const publicViewer: Viewer = { kind: 'public' };

describe('who sees a location', () => {
  const home = location({ councilGss: LEEDS });

  it('gives each party the capacity the protocol names, and the public none', () => {
    // Act
    const capacities = [leedsCouncil, manchesterCouncil, bradfordCouncil, yorkshireNetwork, northWestNetwork, national, publicViewer].map((v) => capacityFor(v, home, [MANCHESTER]));

    // Assess
    expect(capacities).toEqual(['host-council', 'placing-council', undefined, 'adass-network', undefined, 'national', undefined]);
  });

  it('opens a council page to its own council, its region\'s network and national oversight only', () => {
    // Act
    const open = [leedsCouncil, bradfordCouncil, yorkshireNetwork, northWestNetwork, national, publicViewer].map((v) => mayOpenCouncil(v, LEEDS));

    // Assess
    expect(open).toEqual([true, false, true, false, true, false]);
  });
});

describe('small numbers on the map', () => {
  // Leeds: 3 concerns and 1 section 42 enquiry in the 12 months.
  const cellOf = (viewer: Viewer, code: string) => aggregateViewFor(viewer, heatMapOfOneRedHome()).cells.find((c) => c.area.code === code)!;

  it('reads "fewer than 5" for a count of 1 to 4, with its rate withheld, for every viewer but the council itself', () => {
    for (const viewer of [publicViewer, bradfordCouncil, northWestNetwork, yorkshireNetwork, national]) {
      // Act
      const leeds = cellOf(viewer, LEEDS);

      // Assess
      expect(leeds.figures.concerns).toEqual({ value: null, text: FEWER_THAN_5, suppressed: true });
      expect(leeds.figures['concerns-rate']).toMatchObject({ value: null, suppressed: true });
    }
  });

  it('keeps the exact count for the council itself, which made those returns', () => {
    // Act
    const leeds = cellOf(leedsCouncil, LEEDS);

    // Assess
    expect(leeds.figures.concerns).toEqual({ value: 3, text: '3', suppressed: false });
    expect(leeds.figures['concerns-rate'].value).toBeCloseTo(7.5);
  });

  it('suppresses the region and England totals too, so the count cannot be read from them', () => {
    // Act
    const region = cellOf(leedsCouncil, 'Yorkshire and Humber');
    const england = cellOf(publicViewer, 'E92000001');

    // Assess
    expect(region.figures.concerns.suppressed).toBe(true);
    expect(england.figures.concerns.suppressed).toBe(true);
    expect(cellOf(national, 'E92000001').figures.concerns.suppressed).toBe(true);
  });

  it('leaves a zero as zero: no concern is not a small number', () => {
    // Act
    const bradford = cellOf(publicViewer, BRADFORD);

    // Assess
    expect(bradford.figures.concerns).toEqual({ value: 0, text: '0', suppressed: false });
  });
});

describe('reasons and band runs', () => {
  const red = assessment({
    hardTriggers: ['Council contract suspended'],
    factors: [
      { family: 'financial', indicator: 'Credit score in warning area (15)', points: 100, evidence: [] },
      { family: 'occupancy', indicator: 'Occupancy 67%', points: 60, evidence: [] },
      { family: 'quality', indicator: 'Rated Inadequate', points: 50, evidence: [] },
    ],
  });

  it('says only that a financial or occupancy concern exists to a viewer without those classes', () => {
    // Act
    const network = topReasons(red, new Set(DEFAULT_PROTOCOL.disclosure['adass-network']), 4);
    const host = topReasons(red, new Set(DEFAULT_PROTOCOL.disclosure['host-council']), 4);

    // Assess
    expect(network).toEqual(['hard trigger: Council contract suspended', expect.stringMatching(/^a financial concern/), expect.stringMatching(/^an occupancy or workforce concern/), 'Rated Inadequate (+50)']);
    expect(host).toEqual(['hard trigger: Council contract suspended', 'Credit score in warning area (15) (+100)', 'Occupancy 67% (+60)', 'Rated Inadequate (+50)']);
  });

  it('dates the current band from the first assessment of its unbroken run', () => {
    // Act
    const run = bandRun([
      { asOf: '2025-07-01', band: 'Red' },
      { asOf: '2025-08-01', band: 'Amber' },
      { asOf: '2025-09-01', band: 'Red' },
      { asOf: '2025-10-01', band: 'Red' },
    ]);

    // Assess
    expect(run).toEqual({ band: 'Red', since: '2025-09-01', previous: 'Amber' });
    expect(bandRun([])).toBeUndefined();
  });
});

describe('council rows', () => {
  const ownHome = location({ locationId: '1-100000001', councilGss: MANCHESTER, providerId: '1-900000001', serviceKind: 'nursing-home' });
  const placedHome = location({ locationId: '1-100000002', councilGss: LEEDS, providerId: '1-900000002' });
  const elsewhere = location({ locationId: '1-100000003', councilGss: LEEDS, providerId: '1-900000002' });
  const providers = [provider({ providerId: '1-900000001', name: 'Own Care' }), provider({ providerId: '1-900000002', name: 'Placed Care' })];
  const latest = new Map([
    ['location#1-100000002', assessment({ subject: { type: 'location', id: '1-100000002' }, band: 'Red' })],
    ['provider#1-900000002', assessment({ subject: { type: 'provider', id: '1-900000002' }, band: 'Amber', factors: [{ family: 'financial', indicator: 'Accounts overdue', points: 40, evidence: [] }] })],
  ]);
  const rowsFor = (viewer: Viewer) =>
    councilRows({
      council: COUNCILS.find((c) => c.gss === MANCHESTER)!,
      viewer,
      protocol: DEFAULT_PROTOCOL,
      locations: [ownHome, placedHome, elsewhere],
      placingCouncils: new Map([['1-100000002', [MANCHESTER]]]),
      providers,
      latest,
      histories: new Map(),
      episodes: new Map(),
    });

  it('lists the council\'s own services and those it places at, never another council\'s others', () => {
    // Act
    const rows = rowsFor(manchesterCouncil);

    // Assess
    expect(rows.map((r) => [r.type, r.id, r.placedFromHere])).toEqual([
      ['provider', '1-900000002', true],
      ['provider', '1-900000001', false],
      ['location', '1-100000002', true],
      ['location', '1-100000001', false],
    ]);
    // As a placing council only, it is not told the provider's financial figures.
    expect(rows[0]!.reasons).toEqual([expect.stringMatching(/^a financial concern/)]);
  });

  it('filters by band and service kind, and writes the same rows as CSV', () => {
    // Prepare
    const rows = rowsFor(national);

    // Act
    const red = filterRows(rows, { band: 'Red', kind: '' });
    const nursing = filterRows(rows, { band: '', kind: 'nursing-home' });
    const csv = councilCsvRecords(rows);

    // Assess
    expect(red.map((r) => r.id)).toEqual(['1-100000002']);
    expect(nursing.map((r) => r.id)).toEqual(['1-900000001', '1-100000001']);
    expect(csv[0]).toEqual([...CSV_HEADER]);
    expect(csv).toHaveLength(rows.length + 1);
    expect(csv[1]).toContain('Accounts overdue (+40)');
  });
});

describe('search and short codes', () => {
  it('finds by every word of a name, an exact CQC id or company number', () => {
    // Prepare
    const locations = [location({ locationId: '1-100000001', name: 'Rose Lodge Nursing Home' })];
    const providers = [provider({ providerId: '1-900000001', name: 'Acme Care Ltd', companyNumber: '01234567' })];

    // Act
    const byWords = search({ query: 'lodge rose', locations, providers, groups: [] });
    const byCompany = search({ query: '01234567', locations, providers, groups: [] });
    const byId = search({ query: '1-100000001', locations, providers, groups: [] });

    // Assess
    expect(byWords.map((h) => h.id)).toEqual(['1-100000001']);
    expect(byCompany.map((h) => h.id)).toEqual(['1-900000001']);
    expect(byId.map((h) => h.type)).toEqual(['location']);
    expect(matches('', 'anything', [])).toBe(false);
  });

  it('gives each of the 153 councils its own three-letter code', () => {
    // Act
    const codes = COUNCILS.map((c) => shortCodeOf(c.gss));

    // Assess
    expect(new Set(codes).size).toBe(153);
    expect(codes.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(shortCodeOf(LEEDS)).toBe('LEE');
  });
});
