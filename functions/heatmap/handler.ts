// Heat map Lambda, run by EventBridge Scheduler after scoring.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { dynamoClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { newestReceivedBySource, pipelineMetrics, recordDataAge } from '../../shared/adapters/metrics.js';
import { S3Objects } from '../../shared/adapters/s3/objects.js';
import { CURRENT_MODEL_VERSION } from '../../shared/domain/risk-model.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { publishHeatMap } from './heatmap.js';

const logger = new Logger({ serviceName: 'heatmap' });
const stores = new DynamoStores(dynamoClient(), requiredEnv('TABLE_NAME'));
const metrics = pipelineMetrics('heatmap');

async function run(event: ScheduledEvent) {
  // The map reads every location's signals: on the way, how old each source's newest data is.
  const observed = newestReceivedBySource(stores);
  const ports = { reference: stores, signals: observed.signals, assessments: stores, output: new S3Objects(s3Client()) };
  const report = await publishHeatMap(ports, requiredEnv('OUTPUT_BUCKET'), asOfDate(event), process.env.MODEL_VERSION || CURRENT_MODEL_VERSION);
  recordDataAge(metrics, report.asOf, observed.newest);
  logger.info('heat map published', { asOf: report.asOf, jsonKey: report.jsonKey, pageKey: report.pageKey, cells: report.heatMap.cells.length });
  return { asOf: report.asOf, jsonKey: report.jsonKey, pageKey: report.pageKey, cells: report.heatMap.cells.length };
}

export const handler = middy<ScheduledEvent>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(parseEvent(ScheduledEvent)).handler(run);
