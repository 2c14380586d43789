// The CQC and Companies House clients against a local HTTP server replaying responses of the publishers' shapes.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchSources } from '../../functions/fetch-sources/fetch.js';
import { CompaniesHouseClient } from '../../shared/adapters/http/companies-house-client.js';
import { CqcApiClient } from '../../shared/adapters/http/cqc-api-client.js';
import type { ApiClientOptions } from '../../shared/adapters/http/rate-limited-http.js';
import { realTimer } from '../../shared/adapters/http/token-bucket.js';

const CQC_KEY = 'cqc-key-do-not-leak';
const CH_KEY = 'ch-key-do-not-leak';
const CH_BASIC = `Basic ${Buffer.from(`${CH_KEY}:`).toString('base64')}`;
const example = (file: string): string => readFileSync(new URL(`../../data/examples/${file}`, import.meta.url), 'utf8');
const LOCATION = example('cqc-api-location.json');
const PROFILE = example('companies-house/05180888.json');
const INSOLVENCY = example('companies-house/05180888-insolvency.json');
// Non-ASCII and the publisher's own spacing must survive the trip unchanged.
const WELSH_LOCATION = LOCATION.replaceAll('1-9649169095', '1-1000000002').replace('1 Charmandean Road', 'Tŷ Gwyn – Côte House');
const OTHER_PROFILE = PROFILE.replaceAll('05180888', '01234567');

type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body: JSON.stringify(body), headers });
const apimError = (status: number, message: string, headers?: Record<string, string>) => json(status, { statusCode: status, message }, headers);
const changesPage = (page: number, changes: string[]) =>
  json(200, { total: 3, changes, page, perPage: 2, totalPages: 2, startTimestamp: 'x', endTimestamp: 'y', firstPageUri: '/changes/location?page=1' });

// Each route answers its replies in order, then repeats the last; CQC's changes pages are routed by page.
const script = new Map<string, Reply[]>();
const requests: { route: string; query: URLSearchParams; headers: IncomingHttpHeaders; at: number }[] = [];
const routeOf = (url: URL) => (url.searchParams.has('page') ? `${url.pathname}?page=${url.searchParams.get('page')}` : url.pathname);
let server: Server;
let baseUrl: string;
let sleeps: number[];

const options = (apiKey: string, overrides: ApiClientOptions = {}): ApiClientOptions => ({
  apiKey,
  baseUrl,
  rateLimit: { requests: 1000, perMs: 1, burst: 1000 },
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 1000, timeoutMs: 2000 },
  // Waits are recorded, not slept, so a Retry-After of seconds costs nothing here.
  timer: { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) },
  random: () => 0.5,
  ...overrides,
});
const cqcClient = (overrides?: ApiClientOptions) => new CqcApiClient({ ...options(CQC_KEY, overrides), perPage: 2 });
const chClient = (overrides?: ApiClientOptions) => new CompaniesHouseClient(options(CH_KEY, overrides));
const routesRequested = () => requests.map((request) => request.route);

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({ route: routeOf(url), query: url.searchParams, headers: request.headers, at: performance.now() });
    const replies = script.get(routeOf(url)) ?? [apimError(404, 'Resource not found')];
    const reply = (replies.length > 1 ? replies.shift() : replies[0]) as Reply;
    if (reply === 'hang') return;
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script.clear();
  requests.length = 0;
  sleeps = [];
});

describe('fetching and landing a dated delivery', () => {
  it('pages through the changes, lands each location and company body unchanged, and reports the 404s', async () => {
    // Prepare
    script.set('/changes/location?page=1', [changesPage(1, ['1-9649169095', '1-1000000001'])]);
    script.set('/changes/location?page=2', [changesPage(2, ['1-1000000002'])]);
    script.set('/locations/1-9649169095', [{ status: 200, body: LOCATION }]);
    script.set('/locations/1-1000000002', [{ status: 200, body: WELSH_LOCATION }]);
    script.set('/company/05180888', [{ status: 200, body: PROFILE }]);
    script.set('/company/05180888/insolvency', [{ status: 200, body: INSOLVENCY }]);
    script.set('/company/01234567', [{ status: 200, body: OTHER_PROFILE }]);
    script.set('/company/01234567/insolvency', [json(404, { errors: [{ error: 'company-insolvencies-not-found', type: 'ch:service' }] })]);
    const landed = new Map<string, string>();
    const landing = { putText: async (bucket: string, key: string, text: string) => void landed.set(`${bucket}/${key}`, text) };
    const window = { start: '2025-10-14T00:00:00Z', end: '2025-10-15T00:00:00Z' };

    // Act
    const report = await fetchSources({ cqc: cqcClient(), companiesHouse: chClient(), landing }, 'landing', {
      window,
      deliveredOn: '2025-10-15',
      companyNumbers: [' 5180888 ', '1234567', '99999999', '05180888'],
    });

    // Assess
    expect(report).toEqual({
      deliveredOn: '2025-10-15',
      locationsLanded: 2,
      locationsNotFound: ['1-1000000001'],
      companiesLanded: 2,
      companiesNotFound: ['99999999'],
      insolvenciesLanded: 1,
      invalidCompanyNumbers: [],
    });
    const bytes = (text: string | undefined) => Buffer.from(text ?? '', 'utf8');
    expect([...landed.keys()].sort()).toEqual([
      'landing/2025-10-15/companies-house/01234567.json',
      'landing/2025-10-15/companies-house/05180888-insolvency.json',
      'landing/2025-10-15/companies-house/05180888.json',
      'landing/2025-10-15/cqc-api/locations/1-1000000002.json',
      'landing/2025-10-15/cqc-api/locations/1-9649169095.json',
    ]);
    expect(bytes(landed.get('landing/2025-10-15/cqc-api/locations/1-9649169095.json'))).toEqual(bytes(LOCATION));
    expect(bytes(landed.get('landing/2025-10-15/cqc-api/locations/1-1000000002.json'))).toEqual(bytes(WELSH_LOCATION));
    expect(bytes(landed.get('landing/2025-10-15/companies-house/05180888.json'))).toEqual(bytes(PROFILE));
    expect(bytes(landed.get('landing/2025-10-15/companies-house/05180888-insolvency.json'))).toEqual(bytes(INSOLVENCY));
    const changes = requests.filter((request) => request.route.startsWith('/changes/location'));
    expect(changes.map(({ query }) => Object.fromEntries(query))).toEqual([1, 2].map((page) => ({ startTimestamp: window.start, endTimestamp: window.end, page: String(page), perPage: '2' })));
    expect(routesRequested()).not.toContain('/company/99999999/insolvency');
    for (const { route, headers } of requests) {
      if (route.startsWith('/company/')) expect(headers.authorization).toBe(CH_BASIC);
      else expect(headers['ocp-apim-subscription-key']).toBe(CQC_KEY);
    }
  });
});

describe('retries and failures', () => {
  it('waits as long as a 429 Retry-After says, then reads the answer', async () => {
    // Prepare
    script.set('/locations/1-9649169095', [apimError(429, 'Rate limit is exceeded. Try again in 1 seconds.', { 'retry-after': '1' }), { status: 200, body: LOCATION }]);

    // Act
    const body = await cqcClient().locationBody('1-9649169095');

    // Assess
    expect(body).toBe(LOCATION);
    expect(sleeps).toEqual([1000]);
  });

  it('backs off with full jitter after 500s, then reads the answer', async () => {
    // Prepare
    const failure = apimError(500, 'Internal server error');
    script.set('/company/05180888', [failure, failure, { status: 200, body: PROFILE }]);

    // Act
    const body = await chClient().profileBody('05180888');

    // Assess: half (the injected draw) of 10 ms, then of 20 ms.
    expect(body).toBe(PROFILE);
    expect(sleeps).toEqual([5, 10]);
  });

  it('abandons an answer that does not come in time and asks again', async () => {
    // Prepare
    script.set('/locations/1-9649169095', ['hang', { status: 200, body: LOCATION }]);

    // Act: the same 2 s limit as every other request here, so the answer to the second attempt has time to come on any machine
    const body = await cqcClient().locationBody('1-9649169095');

    // Assess
    expect(body).toBe(LOCATION);
    expect(routesRequested()).toEqual(['/locations/1-9649169095', '/locations/1-9649169095']);
  });

  it('gives up after N attempts with an error naming the path and never the key', async () => {
    // Prepare
    script.set('/locations/1-1000000005', [apimError(500, 'Internal server error')]);

    // Act
    const failure = await cqcClient().locationBody('1-1000000005').catch((error: Error) => error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('GET /locations/1-1000000005 failed after 3 attempts: HTTP 500');
    expect(requests).toHaveLength(3);
  });

  it('fails at once on a refused key, naming the path and never the key', async () => {
    // Prepare
    script.set('/company/05180888/insolvency', [json(401, { error: 'Invalid Authorization', type: 'ch:service' })]);

    // Act
    const failure = await chClient().insolvencyBody('05180888').catch((error: Error) => error);

    // Assess
    const message = (failure as Error).message;
    expect(message).toBe('GET /company/05180888/insolvency answered HTTP 401');
    for (const secret of [CH_KEY, CH_BASIC]) expect(`${message}\n${(failure as Error).stack}`).not.toContain(secret);
    expect(requests).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('spaces requests at the configured rate even when they are all in flight at once', async () => {
    // Prepare
    script.set('/company/05180888', [{ status: 200, body: PROFILE }]);
    const client = chClient({ timer: realTimer, rateLimit: { requests: 1, perMs: 30, burst: 1 } });

    const start = performance.now();

    // Act
    await Promise.all([1, 2, 3, 4].map(() => client.profileBody('05180888')));

    // Assess: the nth arrival comes no sooner than n intervals after the start (timers may fire a little early).
    const arrivals = requests.map((request) => request.at - start).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(4);
    arrivals.forEach((at, n) => expect(at).toBeGreaterThanOrEqual(n * 30 - 3));
  });
});
