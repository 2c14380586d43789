// The care market early-warning pipeline on AWS:
//   landed source files -> landing queue -> ingest -> signal table
//   daily: score (02:00) -> heat map (03:00) -> escalate (03:30): each decision with its messages, then notices
//   escalate's own drain of the outbox, or the 15-minute sweep -> publish -> SNS topic per tier -> subscriber queues
//   a notice failing to publish in 3 runs -> outbox dead-letter queue (alarmed, as are the outbox metrics)
//   HTTP API (JWT): acknowledge an episode, list the disclosure audit trail
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { adassNetworkId, DEFAULT_PROTOCOL } from '../shared/domain/protocol.js';
import { AccessLogBucket } from './constructs/buckets.js';
import { EscalationApi } from './constructs/escalation-api.js';
import { EscalationOutbox } from './constructs/escalation-outbox.js';
import { EscalationSubscriber, EscalationTopics } from './constructs/escalation-topics.js';
import { HeatMapOutput } from './constructs/heat-map-output.js';
import { PipelineFunctions } from './constructs/pipeline-functions.js';
import { PipelineSchedules } from './constructs/schedules.js';
import { SignalTable } from './constructs/signal-table.js';
import { SourceLanding } from './constructs/source-landing.js';

export interface CareMarketStackProps extends StackProps {
  /** Retention of every function's log group. @default three months */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The identity provider whose tokens the escalation API accepts. The defaults are placeholders that
   * accept no real token: set them to the recipients' user pool before deploying.
   * @default issuer https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME, audience care-market-recipients
   */
  readonly apiAuth?: { readonly jwtIssuer: string; readonly jwtAudience: readonly string[] };
}

const PLACEHOLDER_API_AUTH = {
  jwtIssuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME',
  jwtAudience: ['care-market-recipients'],
} as const;

export class CareMarketStack extends Stack {
  readonly accessLogs: AccessLogBucket;
  readonly signals: SignalTable;
  readonly landing: SourceLanding;
  readonly heatMaps: HeatMapOutput;
  readonly escalations: EscalationTopics;
  /** The outbox's dead-letter queue and the alarms on it and on the outbox metrics. */
  readonly outbox: EscalationOutbox;
  readonly functions: PipelineFunctions;
  readonly schedules: PipelineSchedules;
  readonly api: EscalationApi;
  /** Example subscribers, one of each kind of party, each receiving only the messages addressed to it. */
  readonly subscribers: {
    readonly manchester: EscalationSubscriber;
    readonly northWestAdass: EscalationSubscriber;
    readonly nationalOversight: EscalationSubscriber;
  };

  constructor(scope: Construct, id: string, props: CareMarketStackProps = {}) {
    super(scope, id, props);

    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    this.accessLogs = accessLogs;
    this.signals = new SignalTable(this, 'Signals');
    this.landing = new SourceLanding(this, 'Landing', { accessLogs });
    this.heatMaps = new HeatMapOutput(this, 'HeatMaps', { accessLogs });
    this.escalations = new EscalationTopics(this, 'Escalations');
    this.functions = new PipelineFunctions(this, 'Functions', props.logRetention ? { logRetention: props.logRetention } : {});

    const { ingest, score, heatmap, escalate, publish, audit, acknowledge } = this.functions;
    this.signals.bind(ingest.function);
    this.landing.bind(ingest.function);
    this.landing.addConsumer(ingest.function);

    this.signals.bind(score.function);
    // Each newly stored signal rescores only its location, provider and group; the schedule scores the market.
    this.signals.addStreamConsumer(score.function, {
      filters: [
        lambda.FilterCriteria.filter({
          // Signals are packed per subject, source and year: a new one inserts an item or adds to one.
          eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { Keys: { SK: { S: lambda.FilterRule.beginsWith('SIGNAL#') } } },
        }),
      ],
    });

    this.signals.bind(heatmap.function, 'read');
    this.heatMaps.bind(heatmap.function);

    this.signals.bind(escalate.function);
    // escalate() also drains the outbox after deciding; publishing twice only repeats idempotency keys.
    this.escalations.bind(escalate.function);

    this.signals.bind(publish.function);
    this.escalations.bind(publish.function);
    // Both drain the outbox: OUTBOX_DEAD_LETTER_QUEUE_URL, sending to it, and alarms on it and their metrics.
    this.outbox = new EscalationOutbox(this, 'EscalationOutbox', { escalate, publish });
    // No stream trigger: decisions come only from the escalate run, which drains the outbox once it has decided
    // every subject, so a day's changes fold into one notice per recipient and family; a publisher started by
    // each decision's release would race it and split them. The 15-minute sweep sends whatever a failed run left.

    this.schedules = new PipelineSchedules(this, 'Schedules', {
      score: score.function,
      heatmap: heatmap.function,
      escalate: escalate.function,
      publish: publish.function,
    });

    this.signals.bind(audit.function, 'read');
    this.signals.bind(acknowledge.function);
    const apiAuth = props.apiAuth ?? PLACEHOLDER_API_AUTH;
    this.api = new EscalationApi(this, 'EscalationApi', {
      acknowledge: acknowledge.function,
      audit: audit.function,
      jwtIssuer: apiAuth.jwtIssuer,
      jwtAudience: apiAuth.jwtAudience,
    });

    const subscriber = (id: string, recipientId: string, audience: string) =>
      new EscalationSubscriber(this, id, { topics: this.escalations, party: EscalationTopics.party(recipientId), audience });
    this.subscribers = {
      manchester: subscriber('Manchester', 'E08000003', 'Manchester City Council'),
      northWestAdass: subscriber('NorthWestAdass', adassNetworkId('North West', DEFAULT_PROTOCOL), 'the North West ADASS network'),
      nationalOversight: subscriber('NationalOversight', DEFAULT_PROTOCOL.parties.nationalOversight.id, 'national market oversight'),
    };

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('TableName', this.signals.tableName, 'Signal table');
    output('LandingBucketName', this.landing.bucketName, 'Landing bucket for source files (one prefix per source)');
    output('HeatMapBucketName', this.heatMaps.bucketName, 'Heat map output bucket (heatmap/<asOf>.json|.html)');
    output('LocalTopicArn', this.escalations.local.topicArn, 'Local-tier escalations (each party subscribes with its own filter policy)');
    output('RegionalTopicArn', this.escalations.regional.topicArn, 'Regional-tier escalations (each party subscribes with its own filter policy)');
    output('NationalTopicArn', this.escalations.national.topicArn, 'National-tier escalations (each party subscribes with its own filter policy)');
    output('OutboxDeadLetterQueueUrl', this.outbox.deadLetters.queueUrl, 'Escalation notices that kept failing to publish (keys only; the outbox entries hold the content)');
    output('EscalationApiUrl', this.api.url, 'Escalation API: POST /episodes/{episodeId}/acknowledgements, GET /disclosures');
  }
}
