// Fetch-sources Lambda, run daily by EventBridge Scheduler before scoring: lands what CQC lists as changed the
// day before and the day's turn of the providers' companies from Companies House as a dated delivery in the
// landing bucket, whose notifications run ingest on each file. API keys come from the environment (on AWS, filled
// from Secrets Manager), never logged.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod/mini';
import { dynamoClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { COMPANIES_HOUSE_API_KEY_ENV, CompaniesHouseClient } from '../../shared/adapters/http/companies-house-client.js';
import { CQC_API_KEY_ENV, CqcApiClient } from '../../shared/adapters/http/cqc-api-client.js';
import { S3Objects } from '../../shared/adapters/s3/objects.js';
import { loadApiKeys } from '../../shared/adapters/secrets.js';
import { addDays } from '../../shared/domain/dates.js';
import { asOfDate, ScheduledEvent } from '../../shared/middleware/as-of.js';
import { parseEvent } from '../../shared/middleware/parse-event.js';
import { companiesForDay, fetchSources } from './fetch.js';

// A back-fill names its own window or companies; the schedule sends only `asOf`.
const FetchEvent = z.extend(ScheduledEvent, {
  from: z.optional(z.iso.datetime()),
  to: z.optional(z.iso.datetime()),
  companyNumbers: z.optional(z.array(z.string())),
});
type FetchEvent = z.infer<typeof FetchEvent>;

const logger = new Logger({ serviceName: 'fetch-sources' });
const stores = new DynamoStores(dynamoClient(), requiredEnv('TABLE_NAME'));
const ports = { cqc: new CqcApiClient(), companiesHouse: new CompaniesHouseClient(), landing: new S3Objects(s3Client()) };

async function run(event: FetchEvent) {
  // On AWS the keys come from Secrets Manager (the stack names the secret); locally from the environment.
  await loadApiKeys([CQC_API_KEY_ENV, COMPANIES_HOUSE_API_KEY_ENV]);
  const deliveredOn = asOfDate(event);
  // The whole UTC day before by default: daily windows tile with no gap or overlap whatever the clocks do.
  const window = { start: event.from ?? `${addDays(deliveredOn, -1)}T00:00:00Z`, end: event.to ?? `${deliveredOn}T00:00:00Z` };
  const companyNumbers =
    event.companyNumbers ?? companiesForDay((await stores.listProviders()).flatMap((provider) => provider.companyNumber ?? []), deliveredOn);
  const report = await fetchSources(ports, requiredEnv('LANDING_BUCKET'), { window, deliveredOn, companyNumbers });
  logger.info('fetched and landed', { ...report });
  return report;
}

export const handler = middy<FetchEvent>().use(injectLambdaContext(logger)).use(parseEvent(FetchEvent)).handler(run);
