// Ingest Lambda: S3 ObjectCreated notifications arrive through an SQS queue; each record names one landed
// source file. A record that fails is reported back as a batch item failure and retried, then dead-lettered.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import * as z from 'zod/mini';
import { dynamoClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { pipelineMetrics, recordFileIngested } from '../../shared/adapters/metrics.js';
import { S3Objects } from '../../shared/adapters/s3/objects.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { ingestObject, type IngestReport } from './ingest.js';

const S3Notification = z.object({
  Records: z.optional(
    z.array(
      z.object({
        eventTime: z.string(),
        s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
      }),
    ),
  ),
});

const IngestEvent = z.object({
  Records: z.array(z.object({ messageId: z.string(), body: z.string() })),
});
type IngestEvent = z.infer<typeof IngestEvent>;

const logger = new Logger({ serviceName: 'ingest' });
const metrics = pipelineMetrics('ingest');
const stores = new DynamoStores(dynamoClient(), requiredEnv('TABLE_NAME'));
const ports = { objects: new S3Objects(s3Client()), signals: stores, reference: stores, placements: stores, quarantine: stores };

async function ingest(event: IngestEvent) {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  const reports: IngestReport[] = [];
  for (const record of event.Records) {
    try {
      const notification = S3Notification.parse(JSON.parse(record.body));
      for (const s3Record of notification.Records ?? []) {
        // Keys arrive URL-encoded, with '+' for spaces.
        const key = decodeURIComponent(s3Record.s3.object.key.replace(/\+/g, ' '));
        const report = await ingestObject(ports, s3Record.s3.bucket.name, key, s3Record.eventTime.slice(0, 10));
        logger.info('ingested', { ...report });
        recordFileIngested(metrics, report);
        reports.push(report);
      }
    } catch (error) {
      logger.error('record failed; it will be retried', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      metrics.addMetric('IngestRecordFailures', 'Count', 1);
    }
  }
  return { batchItemFailures, reports };
}

export const handler = middy<IngestEvent>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(parseEvent(IngestEvent)).handler(ingest);
