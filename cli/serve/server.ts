// `npm run serve`: the dashboard on 127.0.0.1 over the database the last run left in its state folder.
// It starts DynamoDB Local on that folder and invokes the same Lambda handler the HTTP API runs on AWS,
// translating each HTTP request into an API Gateway payload 2.0 event and the handler's result back.
// The development sign-in below exists only here: it turns a cookie into the JWT claims AWS's authorizer
// would pass. The handler never sees the cookie.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { adassNetworkId, DEFAULT_PROTOCOL, partyOf, PartyRole, roleOf } from '../../shared/domain/protocol.js';
import { ADASS_REGIONS } from '../../shared/domain/model.js';
import { type LocalEngines, pointAwsSdkAt, startLocalEngines } from '../local/engines.js';
import type { Context } from 'aws-lambda';
import { invoke } from '../local/invoke.js';

type DashboardHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export const DEV_COOKIE = 'dev-sign-in';

/** A party id and its role from the sign-in form: `role=council&party=E10000014` and the like. */
export function devClaims(role: string | null, party: string | null): Record<string, string> | undefined {
  const aliases: Record<string, PartyRole> = { council: 'council-commissioner', adass: 'adass-network', national: 'national-oversight' };
  const parsedRole = PartyRole.safeParse(aliases[role ?? ''] ?? role);
  if (!parsedRole.success) return undefined;
  const id = parsedRole.data === 'national-oversight' ? (party ?? DEFAULT_PROTOCOL.parties.nationalOversight.id) : party;
  const caller = id === null ? undefined : partyOf(id, DEFAULT_PROTOCOL);
  if (!caller || roleOf(caller, DEFAULT_PROTOCOL) !== parsedRole.data) return undefined;
  return { sub: `dev-${caller.id}`, 'custom:role': parsedRole.data, 'custom:party': caller.id };
}

function cookieClaims(request: IncomingMessage): Record<string, string> | undefined {
  const cookie = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${DEV_COOKIE}=`));
  if (!cookie) return undefined;
  const params = new URLSearchParams(decodeURIComponent(cookie.slice(DEV_COOKIE.length + 1)));
  return devClaims(params.get('role'), params.get('party'));
}

/** The event API Gateway would give the Lambda for this request, with the authorizer's claims if signed in. */
export function httpEvent(request: IncomingMessage, url: URL, claims: Record<string, string> | undefined): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = Date.now();
  const query = Object.fromEntries(url.searchParams);
  const headers = Object.fromEntries(Object.entries(request.headers).flatMap(([k, v]) => (k === 'cookie' || v === undefined ? [] : [[k, Array.isArray(v) ? v.join(',') : v]])));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method: request.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: request.headers['user-agent'] ?? '' },
      requestId: `local-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      // Only a signed-in request carries an authorizer, as on AWS where GET / has none.
      ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } } } : {}),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
  };
}

function signInPage(): string {
  const regions = ADASS_REGIONS.map((r) => `<li><a href="/dev/sign-in?role=adass-network&amp;party=${adassNetworkId(r, DEFAULT_PROTOCOL)}">ADASS ${r}</a></li>`).join('');
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Development sign-in</title></head><body>
<h1>Development sign-in (npm run serve only)</h1>
<p>Pick a role; the local server passes it to the dashboard Lambda as the JWT claims AWS's authorizer would.</p>
<form action="/dev/sign-in" method="get"><label>Council GSS code <input name="party" value="E10000014"></label><input type="hidden" name="role" value="council-commissioner"><button>Sign in as this council</button></form>
<ul><li><a href="/dev/sign-in?role=national-oversight">National market oversight</a></li>${regions}<li><a href="/dev/sign-out">Sign out (public)</a></li></ul>
</body></html>`;
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2, head: boolean): void {
  response.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
  response.end(head ? undefined : (result.body ?? ''));
}

function devRoute(url: URL, response: ServerResponse): boolean {
  if (url.pathname === '/dev/sign-in') {
    const role = url.searchParams.get('role');
    if (role === null) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(signInPage());
      return true;
    }
    const claims = devClaims(role, url.searchParams.get('party'));
    if (!claims) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('role must be council, adass or national (or a protocol role), with the party it names');
      return true;
    }
    const value = encodeURIComponent(`role=${claims['custom:role']}&party=${claims['custom:party']}`);
    response.writeHead(303, { location: '/', 'set-cookie': `${DEV_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict` });
    response.end();
    return true;
  }
  if (url.pathname === '/dev/sign-out') {
    response.writeHead(303, { location: '/', 'set-cookie': `${DEV_COOKIE}=; Path=/; Max-Age=0` });
    response.end();
    return true;
  }
  return false;
}

export interface DashboardServer {
  url: string;
  server: Server;
  engines: LocalEngines;
  stop(): Promise<void>;
}

/** The file DynamoDB Local keeps a `-sharedDb` database in. */
const DB_FILE = 'shared-local-instance.db';

/** A local run's state folder must hold its database: an empty one would be created and found wanting. */
export function assertStateExists(stateDir: string): void {
  if (!existsSync(join(stateDir, DB_FILE))) throw new Error(`no database in ${stateDir}: run npm start (or npm run replay -- <dir>) first`);
}

export async function startDashboardServer(options: { stateDir: string; port: number }): Promise<DashboardServer> {
  assertStateExists(options.stateDir);
  const engines = await startLocalEngines({ dataDir: options.stateDir, keepData: true });
  pointAwsSdkAt(engines);
  // Handlers read their configuration when loaded, as in Lambda: load it once the environment is set.
  const handler = (await import('../../functions/dashboard/handler.js')).handler as unknown as DashboardHandler;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    if (devRoute(url, response)) return;
    invoke('dashboard', handler, httpEvent(request, url, cookieClaims(request)))
      .then((result) => send(response, result, request.method === 'HEAD'))
      .catch((error: unknown) => {
        console.error(error);
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('The dashboard failed; see the server output.');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    engines,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await engines.stop();
    },
  };
}
