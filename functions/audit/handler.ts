// Audit Lambda behind the HTTP API (GET /disclosures?provider=<id> or ?recipient=<id>). The JWT authorizer
// has already checked the token; its `custom:role` and `custom:party` claims say who is asking.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoClient, requiredEnv } from '../../shared/adapters/aws-clients.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { auditQueryFrom, callerFrom, listDisclosures } from './audit.js';

const logger = new Logger({ serviceName: 'audit' });
const store = new DynamoOutbox(dynamoClient(), requiredEnv('TABLE_NAME'), DEFAULT_PROTOCOL.retentionYears);

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function run(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  const claims = event.requestContext.authorizer.jwt.claims;
  const caller = callerFrom(claims['custom:role'], claims['custom:party'], DEFAULT_PROTOCOL);
  if (!caller) return json(403, { message: 'the token names no council, ADASS network or national oversight with its role' });
  const query = auditQueryFrom(event.queryStringParameters ?? {}, DEFAULT_PROTOCOL);
  if ('invalid' in query) return json(400, { message: query.invalid });
  const result = await listDisclosures(store, caller, query, DEFAULT_PROTOCOL);
  // Who asked for which trail is itself worth keeping; disclosures hold no personal data.
  logger.info('disclosure audit', { caller, query, outcome: result.outcome, ...(result.outcome === 'listed' ? { count: result.disclosures.length } : {}) });
  return result.outcome === 'listed' ? json(200, { query: result.query, disclosures: result.disclosures }) : json(403, { message: result.reason });
}

export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>().use(injectLambdaContext(logger)).handler(run);
