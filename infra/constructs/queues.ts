// SQS building blocks used across the stack: every queue is encrypted (SSE-SQS), refuses plain HTTP and
// keeps failed messages 14 days; every working queue redrives to its own dead-letter queue.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

const RETENTION = Duration.days(14);

/** What sends failures to a dead-letter queue. */
export type DeadLetterSource =
  | 'sqs-redrive'
  | 'sns-subscription-redrive'
  | 'lambda-on-failure'
  | 'event-source-on-failure'
  | 'scheduler'
  /** The application sends to it itself (e.g. the outbox publisher, after repeated failures). */
  | 'application';

export interface DeadLetterQueueProps {
  /** What ends up here, for the console and the nag acknowledgement. */
  readonly purpose: string;
  readonly source: DeadLetterSource;
}

/**
 * A queue that only ever receives failures. It has no DLQ of its own by design. cdk-nag recognises a queue
 * named in another queue's redrive policy as a DLQ; for the other sources (SNS, Lambda, Scheduler) it
 * cannot, so AwsSolutions-SQS3 is acknowledged on those queues only.
 */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.source !== 'sqs-redrive') {
      acknowledge(
        this,
        'AwsSolutions-SQS3',
        `Dead-letter queue (${props.source}) for ${props.purpose}: the end of the failure chain; a DLQ of its own would only move the same messages again.`,
      );
    }
  }
}

export interface QueueWithDeadLetterProps {
  /** At least the consumer's timeout; AWS recommends six times a Lambda consumer's timeout. */
  readonly visibilityTimeout?: Duration;
  /** Deliveries before a message moves to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  readonly purpose: string;
}

/** A working queue and the dead-letter queue its poison messages move to. */
export class QueueWithDeadLetter extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: QueueWithDeadLetterProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetter', { purpose: props.purpose, source: 'sqs-redrive' });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
  }

  grantConsumeMessages(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantConsumeMessages(grantee);
  }

  grantSendMessages(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }
}
