// The dashboard Lambda's HTTP side on in-memory ports: the JWT claims alone decide who is asking (a dev
// cookie or header changes nothing), a role without rights gets 403, and the pages and CSV carry what
// the role may see.
import type { HexJsonInput } from 'd3-hexjson';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardHttp } from '../../functions/dashboard/dashboard.js';
import type { DashboardPorts } from '../../functions/dashboard/ports.js';
import { buildHeatMap } from '../../shared/domain/heatmap.js';
import type { Location, Provider, RiskAssessment, Subject } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { assessment, BRADFORD, concern, LEEDS, location, MANCHESTER, provider } from '../support/fixtures.js';

const AS_OF = '2025-10-15';
const leedsHome = location({ locationId: '1-100000001', councilGss: LEEDS, providerId: '1-900000001', name: 'Rose Lodge', beds: 40, serviceKind: 'nursing-home' });
const manchesterHome = location({ locationId: '1-100000002', councilGss: MANCHESTER, region: 'North West', providerId: '1-900000002', name: 'Oak House' });
const providers: Provider[] = [provider({ providerId: '1-900000001', name: 'Rose Care Ltd', companyNumber: '01234567' }), provider({ providerId: '1-900000002', name: 'Oak Care Ltd', companyNumber: '07654321' })];
const locations: Location[] = [leedsHome, manchesterHome];
const assessed = (subject: Subject, band: RiskAssessment['band'], asOf = AS_OF) => assessment({ subject, band, asOf, modelVersion: 'model-test', name: subject.id });
const history: RiskAssessment[] = [
  assessed({ type: 'location', id: leedsHome.locationId }, 'Amber', '2025-09-15'),
  assessed({ type: 'location', id: leedsHome.locationId }, 'Red'),
  assessed({ type: 'provider', id: '1-900000001' }, 'Red'),
  assessed({ type: 'location', id: manchesterHome.locationId }, 'Green'),
  assessed({ type: 'provider', id: '1-900000002' }, 'Green'),
];
const latest = history.filter((a) => a.asOf === AS_OF);
const concerns = [concern('2025-09-01', { subject: { type: 'location', id: leedsHome.locationId } }), concern('2025-09-20', { subject: { type: 'location', id: leedsHome.locationId } })];

const ports: DashboardPorts = {
  reference: {
    listLocations: async () => locations,
    listProviders: async () => providers,
    listGroups: async () => [],
    getLocation: async (id) => locations.find((l) => l.locationId === id),
    getProvider: async (id) => providers.find((p) => p.providerId === id),
    getGroup: async () => undefined,
    locationsOfProvider: async (id) => locations.filter((l) => l.providerId === id),
    providersOfGroup: async () => [],
    listLinks: async () => [],
    linksOf: async () => [],
    putReference: async () => undefined,
  },
  signals: { signalsFor: async (s) => concerns.filter((c) => c.subject.id === s.id), putSignals: async () => ({ stored: 0, alreadyPresent: 0 }) },
  assessments: {
    assessmentsAsOf: async (asOf, type) => latest.filter((a) => a.asOf === asOf && a.subject.type === type),
    latestAssessment: async () => undefined,
    putAssessments: async () => ({ stored: 0, alreadyPresent: 0 }),
  },
  // Manchester places residents at the Leeds home.
  placements: { listPlacements: async () => [{ councilGss: MANCHESTER, locationId: leedsHome.locationId, residentsPlaced: 3 }], putPlacements: async () => undefined },
  baselines: { latestBaseline: async () => ({ asOf: AS_OF }) as never },
  reads: { assessmentHistory: async (s) => history.filter((a) => a.subject.type === s.type && a.subject.id === s.id) },
  episodes: { currentEpisode: async () => undefined },
  heatMap: async (asOf) =>
    buildHeatMap({
      asOf,
      modelVersion: 'model-test',
      locations,
      facts: new Map([[leedsHome.locationId, { locationId: leedsHome.locationId, asOf, latestReturn: null, monthsSinceLastReturn: null, staleReturn: false, concernsLast12Months: 2, concernsPrevious12Months: 0, section42EnquiriesLast12Months: 0, latestOverallRating: null, deregisteredOn: null }]]),
      locationAssessments: latest.filter((a) => a.subject.type === 'location'),
      providerAssessments: latest.filter((a) => a.subject.type === 'provider'),
    }),
  protocol: DEFAULT_PROTOCOL,
  modelVersion: 'model-test',
  hexjson: COUNCILS_HEXMAP as HexJsonInput,
};

/** A payload 2.0 event; `claims` as the JWT authorizer passes them, absent on a route without one. */
function request(path: string, options: { claims?: Record<string, string>; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      http: { method: 'GET', path },
      timeEpoch: Date.parse(`${AS_OF}T10:00:00Z`),
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims, scopes: [] } } } : {}),
    },
  };
}

const council = (gss: string) => ({ sub: `user-${gss}`, 'custom:role': 'council-commissioner', 'custom:party': gss });
const NATIONAL = { sub: 'user-n', 'custom:role': 'national-oversight', 'custom:party': 'national-market-oversight' };
/** What a development sign-in would send if the deployed API read it: it must not. */
const DEV_COOKIE_HEADERS = { cookie: 'dev-sign-in=role%3Dnational-oversight%26party%3Dnational-market-oversight', 'x-dev-role': 'national-oversight', 'x-dev-party': 'national-market-oversight' };

describe('dashboard HTTP API', () => {
  let map: { statusCode?: number; body?: string; headers?: Record<string, unknown> };
  beforeAll(async () => {
    map = (await dashboardHttp(ports, request('/', { headers: DEV_COOKIE_HEADERS }))) as typeof map;
  });

  it('answers GET / without sign-in with the aggregate map, small numbers suppressed, dev cookie ignored', () => {
    // Assess
    expect(map.statusCode).toBe(200);
    expect(map.headers?.['content-type']).toContain('text/html');
    expect(map.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(map.body).toContain('Viewing as not signed in');
    const leedsRow = /<tr id="council-E08000035">.*?<\/tr>/s.exec(map.body ?? '')?.[0] ?? '';
    expect(leedsRow).toContain('fewer than 5');
    expect(map.body).not.toContain('href="/councils/');
  });

  it('refuses detail to a request without claims, whatever cookie or header it carries', async () => {
    for (const path of [`/councils/${LEEDS}`, `/councils/${LEEDS}.csv`, `/locations/${leedsHome.locationId}`, '/providers/1-900000001', '/search']) {
      // Act
      const response = await dashboardHttp(ports, request(path, { headers: DEV_COOKIE_HEADERS, query: { q: 'rose' } }));

      // Assess
      expect(response.statusCode, path).toBe(403);
      expect(response.body).not.toContain('Rose Lodge');
    }
  });

  it('refuses a council another council\'s page and a home it neither hosts nor places at', async () => {
    // Act
    const otherCouncil = await dashboardHttp(ports, request(`/councils/${LEEDS}`, { claims: council(BRADFORD) }));
    const otherHome = await dashboardHttp(ports, request(`/locations/${leedsHome.locationId}`, { claims: council(BRADFORD) }));
    const csv = await dashboardHttp(ports, request(`/councils/${LEEDS}.csv`, { claims: council(MANCHESTER) }));

    // Assess
    expect([otherCouncil.statusCode, otherHome.statusCode, csv.statusCode]).toEqual([403, 403, 403]);
  });

  it('shows a placing council the home it places at, on its own page and in its CSV', async () => {
    // Act
    const page = await dashboardHttp(ports, request(`/councils/${MANCHESTER}`, { claims: council(MANCHESTER) }));
    const home = await dashboardHttp(ports, request(`/locations/${leedsHome.locationId}`, { claims: council(MANCHESTER) }));
    const csv = await dashboardHttp(ports, request(`/councils/${MANCHESTER}.csv`, { claims: council(MANCHESTER), query: { band: 'Red' } }));

    // Assess
    expect([page.statusCode, home.statusCode]).toEqual([200, 200]);
    expect(page.body).toMatch(/Rose Lodge<\/a> <small>\(placed from here\)/);
    expect(home.body).toMatch(/https:\/\/www\.cqc\.org\.uk\/location\/1-100000001.*since 2025-10-15 \(was Amber\)/s);
    expect(csv.headers?.['content-type']).toContain('text/csv');
    expect(csv.body?.trim().split('\n').map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['type,cqc_id', 'provider,1-900000001', 'location,1-100000001']);
  });

  it('gives the host council its exact safeguarding count on the map', async () => {
    // Act
    const response = await dashboardHttp(ports, request('/', { claims: council(LEEDS) }));

    // Assess
    const leedsRow = /<tr id="council-E08000035">.*?<\/tr>/s.exec(response.body ?? '')?.[0] ?? '';
    expect(leedsRow).not.toContain('fewer than 5');
    expect(leedsRow).toContain('href="/councils/E08000035"');
  });

  it('searches only what the caller may see', async () => {
    // Act
    const manchester = await dashboardHttp(ports, request('/search', { claims: council(MANCHESTER), query: { q: 'care' } }));
    const bradford = await dashboardHttp(ports, request('/search', { claims: council(BRADFORD), query: { q: 'care' } }));
    const byCompany = await dashboardHttp(ports, request('/search', { claims: NATIONAL, query: { q: '07654321' } }));

    // Assess
    expect(manchester.body).toContain('Rose Care Ltd');
    expect(manchester.body).toContain('Oak Care Ltd');
    expect(bradford.body).toContain('0 results');
    expect(byCompany.body).toContain('href="/providers/1-900000002"');
  });

  it('answers 404 for an unknown page or council, and 405 for anything but GET', async () => {
    // Act
    const unknown = await dashboardHttp(ports, request('/nowhere', { claims: NATIONAL }));
    const notCouncil = await dashboardHttp(ports, request('/councils/E99999999', { claims: NATIONAL }));
    const post = await dashboardHttp(ports, { ...request('/'), requestContext: { http: { method: 'POST' } } });

    // Assess
    expect([unknown.statusCode, notCouncil.statusCode, post.statusCode]).toEqual([404, 404, 405]);
  });
});

describe('the deployed dashboard Lambda', () => {
  it('has no development sign-in: a dev cookie or header on a request without claims gets 403', async () => {
    // Prepare: the handler as deployed (no table is reached: refusing a public caller reads nothing)
    Object.assign(process.env, { TABLE_NAME: 'no-such-table', AWS_REGION: 'eu-west-2', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const { handler } = await import('../../functions/dashboard/handler.js');

    // Act
    const response = (await handler(request(`/councils/${LEEDS}`, { headers: DEV_COOKIE_HEADERS }), { awsRequestId: 'test', functionName: 'dashboard' } as never)) as { statusCode: number; body: string };

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Viewing as not signed in');
  });
});
