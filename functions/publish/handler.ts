// Publisher Lambda: drains the escalation outbox to SNS. The table stream runs it as soon as an outbox
// entry is inserted, and a schedule runs it with `{}` to sweep whatever is still pending (a failed run, or
// an entry the index had not yet shown). Every run drains everything pending, so which records triggered
// it does not matter; a failure throws, the stream retries the batch and then sends it to its dead-letter
// queue, and the entries stay pending for the next run. Publishing an entry twice repeats its keys only.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod/mini';
import { dynamoClient, requiredEnv, snsClient } from '../../shared/adapters/aws-clients.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { SnsNotifier, topicArnsFromEnvironment } from '../../shared/adapters/sns/notifier.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { asOfDate } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { drainOutbox } from '../../shared/application/outbox.js';

const PublishEvent = z.object({
  /** Present when the table stream invokes the function; the sweep schedule sends `{}`. */
  Records: z.optional(z.array(z.object({ eventName: z.optional(z.string()) }))),
});
type PublishEvent = z.infer<typeof PublishEvent>;

const logger = new Logger({ serviceName: 'publish' });
const ports = {
  escalations: new DynamoEscalationStore(dynamoClient(), requiredEnv('TABLE_NAME'), DEFAULT_PROTOCOL.retentionYears),
  notifier: new SnsNotifier(snsClient(), topicArnsFromEnvironment()),
};

async function run(event: PublishEvent) {
  // Disclosures are dated the day they are published.
  const report = await drainOutbox(ports, asOfDate({}));
  // Counts only: escalation content never goes to the logs.
  logger.info('published', { trigger: event.Records ? 'stream' : 'sweep', records: event.Records?.length ?? 0, ...report });
  return event.Records ? { batchItemFailures: [] } : report;
}

export const handler = middy<PublishEvent>().use(injectLambdaContext(logger)).use(parseEvent(PublishEvent)).handler(run);
