// The care market early-warning pipeline on AWS:
//   landed source files -> landing queue -> ingest -> signal table
//   daily: score (02:00) -> heat map (03:00) -> escalate (03:30) -> SNS topic per tier -> subscriber queues
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AccessLogBucket } from './constructs/buckets.js';
import { EscalationSubscriber, EscalationTopics } from './constructs/escalation-topics.js';
import { HeatMapOutput } from './constructs/heat-map-output.js';
import { PipelineFunctions } from './constructs/pipeline-functions.js';
import { PipelineSchedules } from './constructs/schedules.js';
import { SignalTable } from './constructs/signal-table.js';
import { SourceLanding } from './constructs/source-landing.js';

export interface CareMarketStackProps extends StackProps {
  /** Retention of every function's log group. @default three months */
  readonly logRetention?: logs.RetentionDays;
}

export class CareMarketStack extends Stack {
  readonly accessLogs: AccessLogBucket;
  readonly signals: SignalTable;
  readonly landing: SourceLanding;
  readonly heatMaps: HeatMapOutput;
  readonly escalations: EscalationTopics;
  readonly functions: PipelineFunctions;
  readonly schedules: PipelineSchedules;
  /** Example subscribers showing the filter pattern; councils subscribe with `recipient` = their GSS code. */
  readonly subscribers: { readonly northWestAdass: EscalationSubscriber; readonly nationalOversight: EscalationSubscriber };

  constructor(scope: Construct, id: string, props: CareMarketStackProps = {}) {
    super(scope, id, props);

    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    this.accessLogs = accessLogs;
    this.signals = new SignalTable(this, 'Signals');
    this.landing = new SourceLanding(this, 'Landing', { accessLogs });
    this.heatMaps = new HeatMapOutput(this, 'HeatMaps', { accessLogs });
    this.escalations = new EscalationTopics(this, 'Escalations');
    this.functions = new PipelineFunctions(this, 'Functions', props.logRetention ? { logRetention: props.logRetention } : {});

    const { ingest, score, heatmap, escalate } = this.functions;
    this.signals.bind(ingest.function);
    this.landing.bind(ingest.function);
    this.landing.addConsumer(ingest.function);

    this.signals.bind(score.function);
    // Each newly stored signal rescores only its location, provider and group; the schedule scores the market.
    this.signals.addStreamConsumer(score.function, {
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { SK: { S: lambda.FilterRule.beginsWith('SIGNAL#') } } },
        }),
      ],
    });

    this.signals.bind(heatmap.function, 'read');
    this.heatMaps.bind(heatmap.function);

    this.signals.bind(escalate.function);
    this.escalations.bind(escalate.function);
    // Later: this.signals.addStreamConsumer(escalate.function, { filters: [...] }) to escalate as assessments land.

    this.schedules = new PipelineSchedules(this, 'Schedules', {
      score: score.function,
      heatmap: heatmap.function,
      escalate: escalate.function,
    });

    this.subscribers = {
      northWestAdass: new EscalationSubscriber(this, 'NorthWestAdass', {
        topics: this.escalations,
        tier: 'regional',
        filter: { region: ['North West'] },
        audience: 'the North West ADASS network',
      }),
      nationalOversight: new EscalationSubscriber(this, 'NationalOversight', {
        topics: this.escalations,
        tier: 'national',
        filter: { band: ['Amber', 'Red'] },
        audience: 'national market oversight',
      }),
    };

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('TableName', this.signals.tableName, 'Signal table');
    output('LandingBucketName', this.landing.bucketName, 'Landing bucket for source files (one prefix per source)');
    output('HeatMapBucketName', this.heatMaps.bucketName, 'Heat map output bucket (heatmap/<asOf>.json|.html)');
    output('LocalTopicArn', this.escalations.local.topicArn, 'Local (council) escalations');
    output('RegionalTopicArn', this.escalations.regional.topicArn, 'Regional (ADASS network) escalations');
    output('NationalTopicArn', this.escalations.national.topicArn, 'National (market oversight) escalations');
  }
}
