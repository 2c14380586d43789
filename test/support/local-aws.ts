// Real local engines for integration tests: DynamoDB Local and fauxqs on free ports, provisioned as the
// stack provisions AWS, the SDK pointed at them, and stopped (and waited for) in teardown.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type LocalEngines, pointAwsSdkAt, startLocalEngines } from '../../cli/local/engines.js';
import { provisionBuckets, provisionMessaging, provisionTable, type SubscriberQueue } from '../../cli/local/provision.js';
import type { TopicArns } from '../../shared/adapters/sns/notifier.js';

export interface LocalAws {
  engines: LocalEngines;
  dynamo: DynamoDBClient;
  s3: S3Client;
  sns: SNSClient;
  sqs: SQSClient;
  topics: TopicArns;
  queues: SubscriberQueue[];
  stop(): Promise<void>;
}

export async function startLocalAws(recipientIds: readonly string[] = []): Promise<LocalAws> {
  const engines = await startLocalEngines();
  pointAwsSdkAt(engines);
  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  const sns = new SNSClient({});
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  await provisionTable(dynamo);
  await provisionBuckets(s3);
  const { topics, queues } = await provisionMessaging(sns, sqs, recipientIds);
  Object.assign(process.env, { TOPIC_ARN_LOCAL: topics.local, TOPIC_ARN_REGIONAL: topics.regional, TOPIC_ARN_NATIONAL: topics.national });
  return {
    engines,
    dynamo,
    s3,
    sns,
    sqs,
    topics,
    queues,
    async stop() {
      for (const client of [dynamo, s3, sns, sqs]) client.destroy();
      await engines.stop();
    },
  };
}
