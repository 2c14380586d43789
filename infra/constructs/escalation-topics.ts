// Escalations fan out by tier: one SNS topic each for local, regional and national concerns. Each message
// is addressed to one recipient and carries scalar attributes (recipient, recipientKind, region, tier,
// band, subjectId, idempotencyKey); every subscription filters on the party it serves, with the policy
// from shared/adapters/sns/subscriptions.ts, so no subscriber can receive a message addressed to another.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TOPIC_ARN_ENV } from '../../shared/adapters/sns/notifier.js';
import { filterPolicyFor } from '../../shared/adapters/sns/subscriptions.js';
import { DEFAULT_PROTOCOL, type Tier, TIERS, type EscalationParty, partyOf } from '../../shared/domain/protocol.js';
import { DeadLetterQueue, QueueWithDeadLetter } from './queues.js';

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
    const topic = (tier: Tier, title: string) =>
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

  topic(tier: Tier): sns.Topic {
    return { local: this.local, regional: this.regional, national: this.national }[tier];
  }

  get topics(): readonly sns.Topic[] {
    return [this.local, this.regional, this.national];
  }

  /**
   * Publish to all three topics, and the two key actions publishing to an encrypted topic needs, named
   * exactly (Topic.grantPublish would grant `kms:GenerateDataKey*`).
   */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: this.topics.map((t) => t.topicArn) });
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [this.key.keyArn] });
  }

  /** `TOPIC_ARN_LOCAL`, `TOPIC_ARN_REGIONAL`, `TOPIC_ARN_NATIONAL` and publish rights. */
  bind(fn: lambda.Function): void {
    for (const tier of TIERS) fn.addEnvironment(TOPIC_ARN_ENV[tier], this.topic(tier).topicArn);
    this.grantPublish(fn);
  }

  /**
   * Subscribe a queue to the party's own messages on all three tiers, with raw message delivery (the queue
   * receives the JSON message) and undeliverable messages redriven to `deliveryFailures`.
   */
  subscribeQueue(party: EscalationParty, queue: sqs.IQueue): sns.Subscription[] {
    return this.subscribeParty(party, (filterPolicy) =>
      new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, deadLetterQueue: this.deliveryFailures, filterPolicy }),
    );
  }

  /**
   * Subscribe an email address (a commissioner's, or a role mailbox) to the party's own messages on all
   * three tiers: it receives the plain-text body, titled with the one-line summary.
   */
  subscribeEmail(party: EscalationParty, address: string): sns.Subscription[] {
    return this.subscribeParty(party, (filterPolicy) =>
      new subscriptions.EmailSubscription(address, { json: false, deadLetterQueue: this.deliveryFailures, filterPolicy }),
    );
  }

  /**
   * Subscribe an HTTPS endpoint to the party's own messages on all three tiers: it confirms the subscription,
   * then receives each message as the raw JSON body.
   */
  subscribeHttps(party: EscalationParty, url: string): sns.Subscription[] {
    return this.subscribeParty(party, (filterPolicy) =>
      new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS, rawMessageDelivery: true, deadLetterQueue: this.deliveryFailures, filterPolicy }),
    );
  }

  /** A council's own feed: every message addressed to its GSS code, at whichever tier. */
  subscribeCouncil(gssCode: string, queue: sqs.IQueue): sns.Subscription[] {
    return this.subscribeQueue(EscalationTopics.party(gssCode), queue);
  }

  /** The party of the default protocol a recipient id names: a GSS code, `adass-<region>`, national oversight. */
  static party(recipientId: string): EscalationParty {
    const party = partyOf(recipientId, DEFAULT_PROTOCOL);
    if (!party) throw new Error(`${recipientId} is no council GSS code (e.g. E08000003), ADASS network or national oversight`);
    return party;
  }

  private subscribeParty(
    party: EscalationParty,
    subscription: (filterPolicy: Record<string, sns.SubscriptionFilter>) => sns.ITopicSubscription,
  ): sns.Subscription[] {
    const filterPolicy = Object.fromEntries(
      Object.entries(filterPolicyFor(party)).map(([attribute, allowlist]) => [attribute, sns.SubscriptionFilter.stringFilter({ allowlist })]),
    );
    return TIERS.map((tier) => this.topic(tier).addSubscription(subscription(filterPolicy)) as sns.Subscription);
  }
}

export interface EscalationSubscriberProps {
  readonly topics: EscalationTopics;
  readonly party: EscalationParty;
  /** Who reads this queue, for descriptions and the DLQ's acknowledgement. */
  readonly audience: string;
}

/**
 * An example subscriber: an encrypted queue with its own dead-letter queue, receiving the party's own
 * messages from every tier. Real subscribers will usually own their queue in their own account.
 */
export class EscalationSubscriber extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly subscriptions: sns.Subscription[];

  constructor(scope: Construct, id: string, props: EscalationSubscriberProps) {
    super(scope, id);
    const queue = new QueueWithDeadLetter(this, 'Inbox', {
      purpose: `escalations ${props.audience} failed to process`,
      visibilityTimeout: Duration.minutes(1),
      maxReceiveCount: 5,
    });
    this.queue = queue.queue;
    this.deadLetterQueue = queue.deadLetterQueue;
    this.subscriptions = props.topics.subscribeQueue(props.party, this.queue);
  }
}
