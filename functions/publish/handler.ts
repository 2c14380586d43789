// Publisher Lambda: drains the escalation outbox to SNS. The table stream runs it as soon as a decision's
// messages are released, and a schedule runs it with `{}` to sweep whatever is still pending (a failed run,
// or an entry the index had not yet shown). Every run drains everything pending, so which records triggered
// it does not matter. A notice that fails stays pending and is counted; after repeated failures it goes to
// the outbox dead-letter queue, which is alarmed. Publishing a notice twice repeats its key only.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import * as z from 'zod/mini';
import { dynamoClient, requiredEnv, snsClient, sqsClient } from '../../shared/adapters/aws-clients.js';
import { today } from '../../shared/adapters/clock.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { SnsNotifier, topicArnsFromEnvironment } from '../../shared/adapters/sns/notifier.js';
import { DEAD_LETTER_QUEUE_URL_ENV, SqsDeadLetters } from '../../shared/adapters/sqs/dead-letters.js';
import { drainOutbox } from '../../shared/application/outbox.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { recordDrainMetrics } from '../../shared/application/outbox-metrics.js';

const PublishEvent = z.object({
  /** Present when the table stream invokes the function; the sweep schedule sends `{}`. */
  Records: z.optional(z.array(z.object({ eventName: z.optional(z.string()) }))),
});
type PublishEvent = z.infer<typeof PublishEvent>;

const logger = new Logger({ serviceName: 'publish' });
const metrics = new Metrics({ namespace: 'CareMarketEarlyWarning', serviceName: 'publish' });
const ports = {
  outbox: new DynamoOutbox(dynamoClient(), requiredEnv('TABLE_NAME'), DEFAULT_PROTOCOL.retentionYears),
  notifier: new SnsNotifier(snsClient(), topicArnsFromEnvironment()),
  deadLetters: new SqsDeadLetters(sqsClient(), requiredEnv(DEAD_LETTER_QUEUE_URL_ENV)),
};

async function run(event: PublishEvent) {
  // Disclosures are dated the day they are published (the delivery date in a replay).
  const report = await drainOutbox(ports, today(), DEFAULT_PROTOCOL);
  recordDrainMetrics(metrics, report);
  // Keys and counts only: escalation content never goes to the logs.
  if (report.failed.length > 0 || report.deadLettered.length > 0) logger.error('notices not published', { failed: report.failed, deadLettered: report.deadLettered });
  logger.info('published', { trigger: event.Records ? 'stream' : 'sweep', records: event.Records?.length ?? 0, published: report.published, messages: report.messagesPublished });
  return event.Records ? { batchItemFailures: [] } : report;
}

export const handler = middy<PublishEvent>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(parseEvent(PublishEvent)).handler(run);
