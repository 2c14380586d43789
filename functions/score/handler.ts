// Scoring Lambda, run by EventBridge Scheduler (and by a replay with a past as-of date).
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { dynamoClient, requiredEnv } from '../../shared/adapters/aws-clients.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { scoreAll } from './score.js';

const logger = new Logger({ serviceName: 'score' });
const stores = new DynamoStores(dynamoClient(), requiredEnv('TABLE_NAME'));

async function score(event: ScheduledEvent) {
  const report = await scoreAll(
    { reference: stores, signals: stores, assessments: stores, baselines: stores },
    asOfDate(event),
    riskModel(process.env.MODEL_VERSION || undefined),
  );
  logger.info('scored', { ...report });
  return report;
}

export const handler = middy<ScheduledEvent>().use(injectLambdaContext(logger)).use(parseEvent(ScheduledEvent)).handler(score);
