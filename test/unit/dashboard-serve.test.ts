// The local server's part: the development sign-in names only real parties with their own role, and the
// event it builds is API Gateway's, with claims only when signed in and never the cookie itself.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { devClaims, httpEvent } from '../../cli/serve/server.js';

describe('local dashboard server', () => {
  it('turns a development sign-in into the claims the JWT authorizer would pass, for real parties only', () => {
    // Act
    const council = devClaims('council', 'E10000014');
    const network = devClaims('adass', 'adass-south-east');
    const national = devClaims('national', null);

    // Assess
    expect(council).toEqual({ sub: 'dev-E10000014', 'custom:role': 'council-commissioner', 'custom:party': 'E10000014' });
    expect(network?.['custom:role']).toBe('adass-network');
    expect(national?.['custom:party']).toBe('national-market-oversight');
    expect([devClaims('council', 'adass-south-east'), devClaims('national', 'E10000014'), devClaims('admin', 'E10000014'), devClaims('council', 'E99999999')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('builds a payload 2.0 event without the cookie, and with an authorizer only when signed in', () => {
    // Prepare
    const request = { method: 'GET', headers: { host: '127.0.0.1:8080', cookie: 'dev-sign-in=x', 'user-agent': 'test' } } as unknown as IncomingMessage;
    const url = new URL('http://127.0.0.1:8080/councils/E10000014?band=Red');

    // Act
    const anonymous = httpEvent(request, url, undefined);
    const signedIn = httpEvent(request, url, { 'custom:role': 'national-oversight', 'custom:party': 'national-market-oversight' });

    // Assess
    expect(anonymous).toMatchObject({ version: '2.0', rawPath: '/councils/E10000014', rawQueryString: 'band=Red', queryStringParameters: { band: 'Red' } });
    expect(anonymous.headers).not.toHaveProperty('cookie');
    expect(anonymous.requestContext).not.toHaveProperty('authorizer');
    expect(signedIn.requestContext.authorizer.jwt.claims).toEqual({ 'custom:role': 'national-oversight', 'custom:party': 'national-market-oversight' });
  });
});
