// Scoring Lambda. EventBridge Scheduler runs it daily over the whole market (`{ "asOf": ... }`, or a past
// date to re-score); the table's stream runs it on newly stored signals, rescoring only what they touch.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { dynamoClient, requiredEnv } from '../../shared/adapters/aws-clients.js';
import { DynamoStores, newSignalsOf } from '../../shared/adapters/dynamodb/stores.js';
import { pipelineMetrics } from '../../shared/adapters/metrics.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { scoreAffected } from './score.js';
import { scoreAll } from './score-all.js';

const SignalStreamEvent = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      dynamodb: z.object({ OldImage: z.optional(z.record(z.string(), z.unknown())), NewImage: z.optional(z.record(z.string(), z.unknown())) }),
    }),
  ),
});
const ScoreEvent = z.union([SignalStreamEvent, ScheduledEvent]);
type ScoreEvent = z.infer<typeof ScoreEvent>;

const logger = new Logger({ serviceName: 'score' });
const metrics = pipelineMetrics('score');
const stores = new DynamoStores(dynamoClient(), requiredEnv('TABLE_NAME'));
const ports = { reference: stores, signals: stores, assessments: stores, baselines: stores, quarantine: stores };
const model = () => riskModel(process.env.MODEL_VERSION || undefined);
const recordScored = (report: { computed: number; rejected: number }) => {
  metrics.addMetric('AssessmentsComputed', 'Count', report.computed);
  metrics.addMetric('SignalsRejected', 'Count', report.rejected);
};

async function score(event: ScoreEvent) {
  if ('Records' in event) {
    // Only signals an insert or update added matter; the stream also carries assessments and episodes.
    const image = (value: Record<string, unknown> | undefined) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
    const signals = event.Records.flatMap((record) =>
      record.eventName === 'REMOVE' ? [] : newSignalsOf({ OldImage: image(record.dynamodb.OldImage), NewImage: image(record.dynamodb.NewImage) }),
    );
    if (signals.length === 0) return { computed: 0 };
    const report = await scoreAffected(ports, signals, asOfDate({}), model());
    logger.info('rescored what new signals touch', { signals: signals.length, computed: report.computed, rejected: report.rejected });
    recordScored(report);
    return { asOf: report.asOf, computed: report.computed, rejected: report.rejected };
  }
  const report = await scoreAll(ports, asOfDate(event), model());
  logger.info('scored the market', { ...report });
  recordScored(report);
  return report;
}

export const handler = middy<ScoreEvent>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(parseEvent(ScoreEvent)).handler(score);
