// The dashboard behind the HTTP API (payload 2.0): GET /, /councils/{gss}, /councils/{gss}.csv,
// /locations/{id}, /providers/{id}, /groups/{id} and /search?q=. Who is asking comes from the JWT
// authorizer's claims alone (`custom:role` and `custom:party`, as for acknowledgements and the audit):
// no claims is the public, who sees the aggregate map. Nothing else in the request (no cookie, no header)
// names a caller.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { PUBLIC_VIEWER, type Viewer } from '../../shared/domain/dashboard/access.js';
import { renderRefusal } from '../../shared/domain/dashboard/search-page.js';
import { callerFrom } from '../audit/audit.js';
import { toCsv } from './csv.js';
import { councilCsv, councilPage, mapPage, type PageResult, searchPage } from './pages.js';
import type { DashboardPorts } from './ports.js';
import { subjectPage, type SubjectType } from './subject-pages.js';

/** The part of the event the dashboard reads; a route without an authorizer has no `authorizer`. */
export const DashboardHttpEvent = z.object({
  rawPath: z.string(),
  queryStringParameters: z.optional(z.record(z.string(), z.string())),
  requestContext: z.object({
    http: z.object({ method: z.string() }),
    authorizer: z.optional(z.object({ jwt: z.optional(z.object({ claims: z.optional(z.record(z.string(), z.unknown())) })) })),
  }),
});

/** Nothing may load from another host; inline styles and the small inline scripts only. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Pages depend on who asks: no shared cache may keep one.
  'cache-control': 'private, no-store',
};

const htmlResponse = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...HEADERS, 'content-type': 'text/html; charset=utf-8' },
  body,
});

export function viewerFrom(claims: Readonly<Record<string, unknown>> | undefined, ports: Pick<DashboardPorts, 'protocol'>): Viewer {
  if (!claims) return PUBLIC_VIEWER;
  return callerFrom(claims['custom:role'], claims['custom:party'], ports.protocol) ?? PUBLIC_VIEWER;
}

const GSS_PATH = /^\/councils\/(E\d{8})(\.csv)?$/;
const SUBJECT_PATH = /^\/(location|provider|group)s\/([A-Za-z0-9][A-Za-z0-9_.-]{0,99})$/;

async function route(ports: DashboardPorts, viewer: Viewer, path: string, query: Record<string, string | undefined>): Promise<PageResult> {
  if (path === '/' || path === '') return mapPage(ports, viewer, query);
  if (path === '/search') return searchPage(ports, viewer, query.q ?? '');
  const council = GSS_PATH.exec(path);
  if (council) return council[2] ? councilCsv(ports, viewer, council[1]!, query) : councilPage(ports, viewer, council[1]!, query);
  const subject = SUBJECT_PATH.exec(path);
  if (subject) return subjectPage(ports, viewer, subject[1] as SubjectType, subject[2]!, query);
  return { refused: 404, message: 'There is no such page.' };
}

export async function dashboardHttp(ports: DashboardPorts, event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const parsed = DashboardHttpEvent.safeParse(event);
  if (!parsed.success) return htmlResponse(400, renderRefusal(PUBLIC_VIEWER, 400, 'The request could not be read.'));
  const { rawPath, queryStringParameters = {}, requestContext } = parsed.data;
  const viewer = viewerFrom(requestContext.authorizer?.jwt?.claims, ports);
  if (requestContext.http.method !== 'GET' && requestContext.http.method !== 'HEAD') {
    return { statusCode: 405, headers: { ...HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'Only GET and HEAD.' };
  }
  const result = await route(ports, viewer, rawPath.replace(/\/+$/, '') || '/', queryStringParameters);
  if ('refused' in result) return htmlResponse(result.refused, renderRefusal(viewer, result.refused, result.message));
  if ('csv' in result) {
    return {
      statusCode: 200,
      headers: { ...HEADERS, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${result.filename}"` },
      body: toCsv(result.csv),
    };
  }
  return htmlResponse(200, result.page);
}
