// Escalations fan out by tier: one SNS topic each for local (a council), regional (an ADASS network) and
// national (market oversight). Messages carry scalar message attributes that subscribers filter on:
//   recipient: a council's GSS code (E08000003), region: an ADASS region ('North West'),
//   band: 'Green' | 'Amber' | 'Red', tier: 'local' | 'regional' | 'national'.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AdassRegion, Band } from '../../shared/domain/model.js';
import { acknowledgeWildcards } from './nag.js';
import { DeadLetterQueue, QueueWithDeadLetter } from './queues.js';

export const ESCALATION_TIERS = ['local', 'regional', 'national'] as const;
export type EscalationTier = (typeof ESCALATION_TIERS)[number];

/** The environment variable a bound function reads each tier's topic ARN from. */
export const TOPIC_ARN_ENV: Record<EscalationTier, string> = {
  local: 'TOPIC_ARN_LOCAL',
  regional: 'TOPIC_ARN_REGIONAL',
  national: 'TOPIC_ARN_NATIONAL',
};

/**
 * A subscription filter on the escalation message attributes: each listed attribute must match one of its
 * values (an allowlist); attributes left out are not filtered on.
 */
export interface EscalationFilter {
  /** Council GSS codes, e.g. ['E08000003']. */
  readonly recipient?: readonly string[];
  readonly region?: readonly AdassRegion[];
  readonly band?: readonly Band[];
  readonly tier?: readonly EscalationTier[];
}

export interface SubscribeQueueOptions {
  /** @default true: the queue receives the message body as published, attributes as SQS attributes. */
  readonly rawMessageDelivery?: boolean;
}

export class EscalationTopics extends Construct {
  /** Customer managed key for all three topics, rotated yearly. */
  readonly key: kms.Key;
  readonly local: sns.Topic;
  readonly regional: sns.Topic;
  readonly national: sns.Topic;
  /** Messages SNS could not deliver to a subscribed queue (subscription redrive policy). */
  readonly deliveryFailures: DeadLetterQueue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Care market escalation topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const topic = (tier: EscalationTier, title: string) =>
      new sns.Topic(this, title, {
        displayName: `Care market escalations (${tier})`,
        masterKey: this.key,
        enforceSSL: true,
      });
    this.local = topic('local', 'Local');
    this.regional = topic('regional', 'Regional');
    this.national = topic('national', 'National');
    this.deliveryFailures = new DeadLetterQueue(this, 'DeliveryFailures', {
      purpose: 'escalations SNS could not deliver to a subscriber queue',
      source: 'sns-subscription-redrive',
    });
  }

  topic(tier: EscalationTier): sns.Topic {
    return { local: this.local, regional: this.regional, national: this.national }[tier];
  }

  get topics(): readonly sns.Topic[] {
    return [this.local, this.regional, this.national];
  }

  /** Publish to all three topics (and use their key). */
  grantPublish(grantee: iam.IGrantable): void {
    for (const t of this.topics) t.grantPublish(grantee);
  }

  /** `TOPIC_ARN_LOCAL`, `TOPIC_ARN_REGIONAL`, `TOPIC_ARN_NATIONAL` and publish rights. */
  bind(fn: lambda.Function): void {
    for (const tier of ESCALATION_TIERS) fn.addEnvironment(TOPIC_ARN_ENV[tier], this.topic(tier).topicArn);
    this.grantPublish(fn);
    if (fn.role) {
      acknowledgeWildcards(
        fn.role,
        ['Action::kms:GenerateDataKey*'],
        'Publishing to a KMS-encrypted topic needs kms:GenerateDataKey*; the grant is on the escalation key only.',
      );
    }
  }

  /**
   * Subscribe a queue to one tier's topic with a filter policy on the scalar message attributes, raw
   * message delivery, and undeliverable messages redriven to `deliveryFailures`. An empty filter takes
   * every message of the tier.
   */
  subscribeQueue(
    tier: EscalationTier,
    queue: sqs.IQueue,
    filter: EscalationFilter,
    options: SubscribeQueueOptions = {},
  ): sns.Subscription {
    const filterPolicy = toFilterPolicy(filter);
    return this.topic(tier).addSubscription(
      new subscriptions.SqsSubscription(queue, {
        rawMessageDelivery: options.rawMessageDelivery ?? true,
        deadLetterQueue: this.deliveryFailures,
        ...(Object.keys(filterPolicy).length > 0 ? { filterPolicy } : {}),
      }),
    ) as sns.Subscription;
  }

  /** A council's own feed: the local topic, filtered to messages addressed to its GSS code. */
  subscribeCouncil(gssCode: string, queue: sqs.IQueue): sns.Subscription {
    if (!/^E(06|07|08|09|10)\d{6}$/.test(gssCode)) {
      throw new Error(`subscribeCouncil: ${gssCode} is not an English council GSS code (e.g. E08000003)`);
    }
    return this.subscribeQueue('local', queue, { recipient: [gssCode] });
  }
}

function toFilterPolicy(filter: EscalationFilter): Record<string, sns.SubscriptionFilter> {
  const policy: Record<string, sns.SubscriptionFilter> = {};
  for (const [attribute, values] of Object.entries(filter) as Array<[string, readonly string[] | undefined]>) {
    if (!values) continue;
    if (values.length === 0) throw new Error(`Escalation filter on '${attribute}' lists no values`);
    policy[attribute] = sns.SubscriptionFilter.stringFilter({ allowlist: [...values] });
  }
  return policy;
}

export interface EscalationSubscriberProps {
  readonly topics: EscalationTopics;
  readonly tier: EscalationTier;
  readonly filter: EscalationFilter;
  /** Who reads this queue, for descriptions and the DLQ's acknowledgement. */
  readonly audience: string;
}

/**
 * An example subscriber: an encrypted queue with its own dead-letter queue, subscribed to one tier with a
 * filter. Real subscribers (councils, ADASS networks) will usually own their queue in their own account.
 */
export class EscalationSubscriber extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly subscription: sns.Subscription;

  constructor(scope: Construct, id: string, props: EscalationSubscriberProps) {
    super(scope, id);
    const queue = new QueueWithDeadLetter(this, 'Inbox', {
      purpose: `escalations ${props.audience} failed to process`,
      visibilityTimeout: Duration.minutes(1),
      maxReceiveCount: 5,
    });
    this.queue = queue.queue;
    this.deadLetterQueue = queue.deadLetterQueue;
    this.subscription = props.topics.subscribeQueue(props.tier, this.queue, props.filter);
  }
}
