// Creates, on the local engines, what the CDK stack creates on AWS: the table, the landing and output
// buckets, one SNS topic per tier, and one subscriber queue per recipient, subscribed to every tier with the
// filter policy the stack gives that party (shared/adapters/sns/subscriptions.ts).
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pMap from 'p-map';
import { tableDefinition } from '../../shared/adapters/dynamodb/table.js';
import { TOPIC_ARN_ENV, type TopicArns } from '../../shared/adapters/sns/notifier.js';
import { DEAD_LETTER_QUEUE_URL_ENV } from '../../shared/adapters/sqs/dead-letters.js';
import { filterPolicyFor } from '../../shared/adapters/sns/subscriptions.js';
import { DEFAULT_PROTOCOL, partyOf, TIERS } from '../../shared/domain/protocol.js';
import { LOCAL_RESOURCE_NAMES } from './engines.js';

export interface SubscriberQueue {
  recipientId: string;
  queueUrl: string;
}

/** Every party the default protocol can address: each council, each ADASS network, national oversight. */

export async function provisionTable(dynamo: DynamoDBClient): Promise<void> {
  await dynamo.send(new CreateTableCommand(tableDefinition(LOCAL_RESOURCE_NAMES.table)));
}

export async function provisionBuckets(s3: S3Client): Promise<void> {
  for (const Bucket of [LOCAL_RESOURCE_NAMES.landingBucket, LOCAL_RESOURCE_NAMES.outputBucket]) await s3.send(new CreateBucketCommand({ Bucket }));
}

export interface Messaging {
  topics: TopicArns;
  queues: SubscriberQueue[];
  /** Where notices that keep failing to publish go. */
  deadLetterQueueUrl: string;
}

/** The environment the publishing functions read, as the stack sets it on AWS. */
export const messagingEnvironment = (messaging: Messaging): Record<string, string> => ({
  [TOPIC_ARN_ENV.local]: messaging.topics.local,
  [TOPIC_ARN_ENV.regional]: messaging.topics.regional,
  [TOPIC_ARN_ENV.national]: messaging.topics.national,
  [DEAD_LETTER_QUEUE_URL_ENV]: messaging.deadLetterQueueUrl,
});

export async function provisionMessaging(sns: SNSClient, sqs: SQSClient, recipientIds: readonly string[]): Promise<Messaging> {
  const topics = {} as TopicArns;
  for (const tier of TIERS) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `care-market-escalations-${tier}` }));
    topics[tier] = TopicArn!;
  }
  const queues = await pMap(
    recipientIds,
    async (recipientId) => {
      const party = partyOf(recipientId, DEFAULT_PROTOCOL);
      if (!party) throw new Error(`${recipientId} is no council, ADASS network or national oversight`);
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `escalations-${recipientId}` }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      for (const tier of TIERS) {
        await sns.send(
          new SubscribeCommand({
            TopicArn: topics[tier],
            Protocol: 'sqs',
            Endpoint: Attributes!.QueueArn!,
            Attributes: { FilterPolicy: JSON.stringify(filterPolicyFor(party)), RawMessageDelivery: 'true' },
          }),
        );
      }
      return { recipientId, queueUrl: QueueUrl! };
    },
    { concurrency: 8 },
  );
  const { QueueUrl: deadLetterQueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'escalation-outbox-dead-letters' }));
  return { topics, queues, deadLetterQueueUrl: deadLetterQueueUrl! };
}
