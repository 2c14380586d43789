// Escalation Lambda, run by EventBridge Scheduler after scoring.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { dynamoClient, requiredEnv, snsClient } from '../../shared/adapters/aws-clients.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { SnsNotifier, topicArnsFromEnvironment } from '../../shared/adapters/sns/notifier.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { escalate } from './escalate.js';

const logger = new Logger({ serviceName: 'escalate' });
const tableName = requiredEnv('TABLE_NAME');
const stores = new DynamoStores(dynamoClient(), tableName);
const ports = {
  assessments: stores,
  reference: stores,
  placements: stores,
  escalations: new DynamoEscalationStore(dynamoClient(), tableName, DEFAULT_PROTOCOL.retentionYears),
  notifier: new SnsNotifier(snsClient(), topicArnsFromEnvironment()),
};

async function run(event: ScheduledEvent) {
  const report = await escalate(ports, asOfDate(event), DEFAULT_PROTOCOL);
  // Counts only: escalation content never goes to the logs.
  logger.info('escalated', { ...report });
  return report;
}

export const handler = middy<ScheduledEvent>().use(injectLambdaContext(logger)).use(parseEvent(ScheduledEvent)).handler(run);
