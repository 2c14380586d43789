// Where source files land: one prefix per source. Every object created under a known prefix becomes an S3
// event on a queue; the ingest function drains that queue and reports per-message failures.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './buckets.js';
import { secureBucket } from './buckets.js';
import { acknowledge, acknowledgeWildcards, getAttText } from './nag.js';
import { QueueWithDeadLetter } from './queues.js';

/** The key prefix each source's files land under. */
export const SOURCE_PREFIXES = {
  cqcRegister: 'cqc-register/',
  capacityTracker: 'capacity-tracker/',
  safeguarding: 'safeguarding/',
  companiesHouse: 'companies-house/',
  commissionerActions: 'commissioner-actions/',
  placements: 'placements/',
} as const;

export const LANDING_BUCKET_ENV = 'LANDING_BUCKET';

/** The id CDK gives the singleton Lambda behind Custom::S3BucketNotifications. */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface SourceLandingProps {
  readonly accessLogs: AccessLogBucket;
  /** The consumer's timeout; the queue's visibility timeout is six times it. @default 5 minutes */
  readonly consumerTimeout?: Duration;
  /** Deliveries of one S3 event before it moves to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
}

export interface LandingConsumerOptions {
  /** @default 10 */
  readonly batchSize?: number;
  /** @default Duration.seconds(20) */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent invocations the queue may drive (2-1000). @default 2 */
  readonly maxConcurrency?: number;
}

export class SourceLanding extends Construct {
  static readonly PREFIXES = SOURCE_PREFIXES;

  readonly bucket: s3.Bucket;
  /** ObjectCreated events for every source prefix. */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SourceLandingProps) {
    super(scope, id);
    this.bucket = secureBucket(this, 'Bucket', {
      accessLogs: props.accessLogs,
      accessLogsPrefix: 'landing/',
    });
    const consumerTimeout = props.consumerTimeout ?? Duration.minutes(5);
    const events = new QueueWithDeadLetter(this, 'Events', {
      purpose: 'landed-file events the ingest function failed on',
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount ?? 3,
    });
    this.queue = events.queue;
    this.deadLetterQueue = events.deadLetterQueue;

    const destination = new s3n.SqsDestination(this.queue);
    for (const prefix of Object.values(SOURCE_PREFIXES)) {
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix });
    }
    acknowledgeNotificationsHandler(Stack.of(this));
  }

  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** Read landed objects (any version) and list the bucket; nothing else. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
      resourceArns: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
    });
  }

  /** `LANDING_BUCKET` in the function's environment and read access to landed files. */
  bind(fn: lambda.Function): void {
    fn.addEnvironment(LANDING_BUCKET_ENV, this.bucket.bucketName);
    this.grantRead(fn);
    if (fn.role) {
      acknowledgeWildcards(
        fn.role,
        [`Resource::${getAttText(this.bucket)}/*`],
        'Ingest reads whichever landed file an S3 event names; object keys are not known in advance. Read-only (GetObject/GetObjectVersion).',
      );
    }
  }

  /** Drive the function from the landing queue: batches, partial batch responses, bounded concurrency. */
  addConsumer(fn: lambda.Function, options: LandingConsumerOptions = {}): SqsEventSource {
    const source = new SqsEventSource(this.queue, {
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow: options.maxBatchingWindow ?? Duration.seconds(20),
      maxConcurrency: options.maxConcurrency ?? 2,
      reportBatchItemFailures: true,
    });
    fn.addEventSource(source);
    return source;
  }
}

/** The notifications custom resource is CDK's own singleton; its findings are acknowledged once, on it. */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (!handler) return;
  acknowledge(
    handler,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'CDK-managed custom resource (Custom::S3BucketNotifications) that only runs at deploy time; its role is defined by aws-cdk-lib.',
  );
}
