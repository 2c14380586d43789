// Escalation Lambda, run by EventBridge Scheduler after scoring.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { dynamoClient, requiredEnv, snsClient, sqsClient } from '../../shared/adapters/aws-clients.js';
import { today } from '../../shared/adapters/clock.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { SnsNotifier, topicArnsFromEnvironment } from '../../shared/adapters/sns/notifier.js';
import { DEAD_LETTER_QUEUE_URL_ENV, SqsDeadLetters } from '../../shared/adapters/sqs/dead-letters.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { recordDrainMetrics } from '../../shared/application/outbox-metrics.js';
import { escalate } from './escalate.js';

const logger = new Logger({ serviceName: 'escalate' });
const metrics = new Metrics({ namespace: 'CareMarketEarlyWarning', serviceName: 'escalate' });
const tableName = requiredEnv('TABLE_NAME');
const stores = new DynamoStores(dynamoClient(), tableName);
const ports = {
  assessments: stores,
  reference: stores,
  placements: stores,
  escalations: new DynamoEscalationStore(dynamoClient(), tableName, DEFAULT_PROTOCOL.retentionYears),
  outbox: new DynamoOutbox(dynamoClient(), tableName, DEFAULT_PROTOCOL.retentionYears),
  notifier: new SnsNotifier(snsClient(), topicArnsFromEnvironment()),
  deadLetters: new SqsDeadLetters(sqsClient(), requiredEnv(DEAD_LETTER_QUEUE_URL_ENV)),
};

async function run(event: ScheduledEvent) {
  const report = await escalate(ports, asOfDate(event), DEFAULT_PROTOCOL, today());
  // Subjects and counts only: escalation content never goes to the logs.
  for (const failure of report.failures) logger.error('escalation decision failed', { subject: failure.subject, attempts: failure.attempts, error: failure.error });
  metrics.addMetric('EscalationDecisions', 'Count', report.decisions);
  metrics.addMetric('EscalationSubjectFailures', 'Count', report.failures.length);
  recordDrainMetrics(metrics, report.drained);
  logger.info('escalated', { asOf: report.asOf, decisions: report.decisions, failures: report.failures.length, drained: report.drained });
  return report;
}

export const handler = middy<ScheduledEvent>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(parseEvent(ScheduledEvent)).handler(run);
