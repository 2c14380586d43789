// Real local engines for integration tests: DynamoDB Local and fauxqs on free ports, provisioned as the
// stack provisions AWS, the SDK pointed at them, and stopped (and waited for) in teardown.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type LocalEngines, pointAwsSdkAt, startLocalEngines } from '../../cli/local/engines.js';
import { messagingEnvironment, provisionBuckets, provisionMessaging, provisionTable, type SubscriberQueue } from '../../cli/local/provision.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import type { EscalatePorts } from '../../functions/escalate/escalate.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { type RetryOptions, SnsNotifier, type TopicArns } from '../../shared/adapters/sns/notifier.js';
import { SqsDeadLetters } from '../../shared/adapters/sqs/dead-letters.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';

export interface LocalAws {
  engines: LocalEngines;
  dynamo: DynamoDBClient;
  s3: S3Client;
  sns: SNSClient;
  sqs: SQSClient;
  topics: TopicArns;
  queues: SubscriberQueue[];
  deadLetterQueueUrl: string;
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
  const messaging = await provisionMessaging(sns, sqs, recipientIds);
  const { topics, queues, deadLetterQueueUrl } = messaging;
  Object.assign(process.env, messagingEnvironment(messaging));
  return {
    engines,
    dynamo,
    s3,
    sns,
    sqs,
    topics,
    queues,
    deadLetterQueueUrl,
    async stop() {
      for (const client of [dynamo, s3, sns, sqs]) client.destroy();
      await engines.stop();
    },
  };
}

/** The escalate use case's ports on the local engines, as the escalate Lambda builds them on AWS. */
export function escalatePortsOn(aws: LocalAws, retry: RetryOptions = {}): EscalatePorts {
  const stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
  return {
    assessments: stores,
    reference: stores,
    placements: stores,
    escalations: new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears),
    outbox: new DynamoOutbox(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears),
    notifier: new SnsNotifier(aws.sns, aws.topics, retry),
    deadLetters: new SqsDeadLetters(aws.sqs, aws.deadLetterQueueUrl),
  };
}
