// The configured parties' subscriptions: each party (a council by GSS code, an ADASS network, national
// oversight) subscribes its mailboxes, queues and HTTPS endpoints to all three tier topics with its own
// filter policy, so each receives exactly the messages addressed to it and no other party's.
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Subscription } from '../config/schema.js';
import { EscalationSubscriber, EscalationTopics } from './escalation-topics.js';

export interface PartySubscriptionsProps {
  readonly topics: EscalationTopics;
  readonly subscriptions: readonly Subscription[];
}

export class PartySubscriptions extends Construct {
  /** The queues created in this stack, by party id (`createQueue`). */
  readonly queues: ReadonlyMap<string, EscalationSubscriber>;
  /** Every SNS subscription made, three (one per tier) for each endpoint. */
  readonly all: readonly sns.Subscription[];

  constructor(scope: Construct, id: string, props: PartySubscriptionsProps) {
    super(scope, id);
    const queues = new Map<string, EscalationSubscriber>();
    const all: sns.Subscription[] = [];
    const { topics } = props;
    for (const entry of props.subscriptions) {
      const party = EscalationTopics.party(entry.party);
      const scopeOf = new Construct(this, `Party-${entry.party}`);
      const audience = entry.description ?? entry.party;
      for (const address of entry.email ?? []) all.push(...topics.subscribeEmail(party, address));
      (entry.sqs ?? []).forEach((arn, index) => {
        all.push(...topics.subscribeQueue(party, sqs.Queue.fromQueueArn(scopeOf, `Queue${index}`, arn)));
      });
      for (const url of entry.https ?? []) all.push(...topics.subscribeHttps(party, url));
      if (entry.createQueue) {
        const subscriber = new EscalationSubscriber(scopeOf, 'Inbox', { topics, party, audience });
        queues.set(entry.party, subscriber);
        all.push(...subscriber.subscriptions);
      }
    }
    this.queues = queues;
    this.all = all;
  }
}
