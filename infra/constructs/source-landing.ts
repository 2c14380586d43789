// Where source files land. Every object created in the bucket becomes an S3 event on a queue (ingest
// recognises the source from the key: `<source>/<date>/<file>` or a dated delivery `<date>/<path>`, and
// quarantines a file it cannot place); the ingest function drains that queue and reports per-message failures.
// The notification is the bucket's own CloudFormation property, not CDK's Custom::S3BucketNotifications
// (whose handler needs s3:PutBucketNotification on every bucket): the bucket's name is fixed in advance so
// the queue policy can name it without waiting for the bucket, and the bucket is created after that policy.
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './buckets.js';
import { secureBucket } from './buckets.js';
import { acknowledgeWildcards, getAttText } from './nag.js';
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

export interface SourceLandingProps {
  readonly accessLogs: AccessLogBucket;
  /** The deployment's environment name: the bucket is `care-market-<environment>-landing-<account>-<region>`. */
  readonly environment: string;
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
    const bucketName = `care-market-${props.environment}-landing-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    this.bucket = secureBucket(this, 'Bucket', {
      accessLogs: props.accessLogs,
      accessLogsPrefix: 'landing/',
      bucketName,
    });
    const consumerTimeout = props.consumerTimeout ?? Duration.minutes(5);
    const events = new QueueWithDeadLetter(this, 'Events', {
      purpose: 'landed-file events the ingest function failed on',
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount ?? 3,
    });
    this.queue = events.queue;
    this.deadLetterQueue = events.deadLetterQueue;

    // S3 checks it may send to the queue when the notification is set: the policy names the bucket by its
    // fixed name (this account only) and must exist before the bucket does.
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'LandingBucketEvents',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:s3:::${bucketName}` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = { queueConfigurations: [{ event: 's3:ObjectCreated:*', queue: this.queue.queueArn }] };
    cfnBucket.node.addDependency(this.queue.node.findChild('Policy'));
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

  /**
   * `LANDING_BUCKET` and writing new objects (any key: a dated delivery is `<date>/<path>`): for the source
   * fetcher, which lands what it fetched for ingest to pick up like any other file.
   */
  bindWriter(fn: lambda.Function): void {
    fn.addEnvironment(LANDING_BUCKET_ENV, this.bucket.bucketName);
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    if (fn.role) {
      acknowledgeWildcards(
        fn.role,
        [`Resource::${getAttText(this.bucket)}/*`],
        'The source fetcher lands each fetched record under its delivery date (<date>/cqc-api/..., <date>/companies-house/...); keys are not known in advance. Write-only (PutObject).',
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
