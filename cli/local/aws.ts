// The local AWS both runners and the integration tests stand on: DynamoDB Local and fauxqs on free ports,
// the SDK pointed at them, provisioned as the CDK stack provisions AWS (the publishing functions' environment
// set), and stopped, with their clients, in one call.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type EngineOptions, type LocalEngines, LOCAL_RESOURCE_NAMES, pointAwsSdkAt, startLocalEngines } from './engines.js';
import { type Messaging, messagingEnvironment, provisionBuckets, provisionMessaging, provisionTable } from './provision.js';

export interface LocalAws extends Messaging {
  engines: LocalEngines;
  dynamo: DynamoDBClient;
  s3: S3Client;
  sns: SNSClient;
  sqs: SQSClient;
  stop(): Promise<void>;
}

/** Starts and provisions the engines, with a subscriber queue for each of `recipientIds`. */
export async function startLocalAws(recipientIds: readonly string[] = [], options: EngineOptions = {}): Promise<LocalAws> {
  const engines = await startLocalEngines(options);
  pointAwsSdkAt(engines);
  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  const sns = new SNSClient({});
  // Reach queues through the configured endpoint, not the host in each queue URL.
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const stop = async () => {
    for (const client of [dynamo, s3, sns, sqs]) client.destroy();
    await engines.stop();
  };
  try {
    if (!(await hasTable(dynamo))) await provisionTable(dynamo);
    await provisionBuckets(s3);
    const messaging = await provisionMessaging(sns, sqs, recipientIds);
    Object.assign(process.env, messagingEnvironment(messaging));
    return { ...messaging, engines, dynamo, s3, sns, sqs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A kept database already has the table; fauxqs (messaging and buckets) always starts empty. */
async function hasTable(dynamo: DynamoDBClient): Promise<boolean> {
  const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
  return TableNames.includes(LOCAL_RESOURCE_NAMES.table);
}
