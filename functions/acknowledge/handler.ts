// Acknowledge Lambda behind the HTTP API (POST /episodes/{episodeId}/acknowledgements). The JWT authorizer
// has already checked the token; its `custom:role`, `custom:party` and `sub` claims say who is acknowledging.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoClient, requiredEnv } from '../../shared/adapters/aws-clients.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { acknowledgeHttp } from './acknowledge.js';

const logger = new Logger({ serviceName: 'acknowledge' });
const ports = { acknowledgements: new DynamoEscalationStore(dynamoClient(), requiredEnv('TABLE_NAME'), DEFAULT_PROTOCOL.retentionYears) };

async function run(event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await acknowledgeHttp(ports, event);
  // The status only: the caller's identity is personal data, and the access log already names its party.
  logger.info('acknowledgement', { statusCode: response.statusCode });
  return response;
}

export const handler = middy<unknown, APIGatewayProxyStructuredResultV2>().use(injectLambdaContext(logger)).handler(run);
