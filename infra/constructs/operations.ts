// Operating the pipeline: an alarm topic (encrypted, e-mailed to the configured operator address) that
// every alarm in the stack notifies; alarms on each dead-letter queue, on each function's errors and
// throttles, on stale source data and on an outbox that stays undrained; and one dashboard. The counts come
// from the handlers' Powertools metrics (shared/adapters/metrics.ts, namespace CareMarketEarlyWarning,
// dimension `service` = the function's name).
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/adapters/metrics.js';
import { SOURCES } from '../../shared/domain/model.js';
import { TIERS } from '../../shared/domain/protocol.js';
import { PLACEMENTS_PREFIX, SIGNAL_SOURCES } from '../../shared/sources/registry.js';
import type { PipelineFunction } from './pipeline-functions.js';
import { DeadLetterQueue } from './queues.js';

const FIVE_MINUTES = Duration.minutes(5);

/** The sources whose files must keep arriving, and how long each may go quiet. */
export const FRESHNESS = {
  /** The register and the changes feed both count: either brings new CQC data daily. */
  cqc: { sources: ['cqc-register', 'cqc-api'], quietFor: Duration.days(2) },
  /** Monthly returns. */
  capacityTracker: { source: 'capacity-tracker', quietForDays: 31 },
} as const;

export interface OperationsProps {
  readonly functions: readonly PipelineFunction[];
  /** Receives every alarm. */
  readonly alarmEmail: string;
  /** How often the publisher sweeps the outbox: an entry failing every sweep for an hour alarms. */
  readonly publishSweepMinutes: number;
  /** Dead-letter queues alarmed elsewhere (the outbox's, with its own description). */
  readonly deadLettersAlarmedElsewhere?: readonly sqs.IQueue[];
}

/** A count a handler emits (Powertools: dimension `service`, and `source` for per-source counts). */
export function pipelineMetric(metricName: string, service: string, options: { source?: string; statistic?: string; period?: Duration } = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, ...(options.source ? { source: options.source } : {}) },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? FIVE_MINUTES,
  });
}

export class Operations extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarmKey: kms.Key;
  readonly dashboard: cloudwatch.Dashboard;
  /** Alarms this construct adds, by what they watch. */
  readonly alarms: {
    readonly deadLetters: ReadonlyMap<string, cloudwatch.Alarm>;
    readonly errors: ReadonlyMap<string, cloudwatch.Alarm>;
    readonly throttles: ReadonlyMap<string, cloudwatch.Alarm>;
    readonly cqcStale: cloudwatch.Alarm;
    readonly capacityTrackerStale: cloudwatch.Alarm;
    readonly outboxUndrained: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmKey = new kms.Key(this, 'AlarmKey', {
      description: 'Care market operator alarms',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic: the two key actions it needs, for this account's alarms.
    this.alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Care market operator alarms', masterKey: this.alarmKey, enforceSSL: true });
    // The topic's own policy (TLS only) replaces SNS's default: CloudWatch, a service, needs an allow of its own.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const byName = (fn: PipelineFunction) => fn.name;
    const deadLetters = new Map<string, cloudwatch.Alarm>();
    const elsewhere = new Set(props.deadLettersAlarmedElsewhere ?? []);
    for (const queue of deadLetterQueuesIn(Stack.of(this)).filter((q) => !elsewhere.has(q))) {
      const path = queue.node.path.split('/').slice(1).join('/');
      deadLetters.set(path, this.alarm(`DeadLetters${path.replace(/[^A-Za-z0-9]/g, '')}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `A message is waiting in the dead-letter queue ${path}: see it for what failed.`,
      }));
    }
    const errors = new Map(props.functions.map((fn) => [byName(fn), this.alarm(`${title(fn.name)}Errors`, {
      metric: fn.function.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      alarmDescription: `The ${fn.name} function failed: see its log group for the error.`,
    })]));
    const throttles = new Map(props.functions.map((fn) => [byName(fn), this.alarm(`${title(fn.name)}Throttles`, {
      metric: fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      alarmDescription: `The ${fn.name} function was throttled: check the account's concurrency and the function's reserved concurrency.`,
    })]));

    // Absent data is the breach: no file counted at all in two days is no new CQC data.
    const cqcFiles = FRESHNESS.cqc.sources.map((source, index) => [`cqc${index}`, pipelineMetric('FilesIngested', 'ingest', { source, period: FRESHNESS.cqc.quietFor })] as const);
    const cqcStale = this.alarm('CqcStale', {
      metric: new cloudwatch.MathExpression({
        expression: cqcFiles.map(([metricId]) => `FILL(${metricId}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(cqcFiles),
        period: FRESHNESS.cqc.quietFor,
        label: 'CQC files ingested (register and changes feed)',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `No CQC file (register or changes feed) has been ingested for ${FRESHNESS.cqc.quietFor.toDays()} days: check the fetch schedule, the landing bucket and the ingest function.`,
    });
    // A monthly source outlasts the longest window CloudWatch evaluates (7 days): the heat map's daily run
    // reports how old the source's newest data is, and its absence (no run) also breaches.
    const capacityTrackerStale = this.alarm('CapacityTrackerStale', {
      metric: pipelineMetric('DaysSinceNewData', 'heatmap', { source: FRESHNESS.capacityTracker.source, statistic: cloudwatch.Stats.MINIMUM, period: Duration.days(1) }),
      threshold: FRESHNESS.capacityTracker.quietForDays,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `No new Capacity Tracker data for over ${FRESHNESS.capacityTracker.quietForDays} days (or the daily heat map run stopped reporting): check this month's return landed.`,
    });
    // Every sweep counts the notices it left pending (NoticePublishFailures); failing in every sweep for an
    // hour, or no sweep reporting at all for an hour, means an entry has been pending over an hour.
    const sweep = Duration.minutes(props.publishSweepMinutes);
    const outboxUndrained = this.alarm('OutboxUndrained', {
      metric: pipelineMetric('NoticePublishFailures', 'publish', { statistic: cloudwatch.Stats.MINIMUM, period: sweep }),
      threshold: 0,
      evaluationPeriods: Math.ceil(60 / props.publishSweepMinutes),
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: 'An escalation notice has stayed pending in the outbox for over an hour (or the publisher has not swept for an hour): see the publish function’s "notices not published" errors.',
    });
    this.alarms = { deadLetters, errors, throttles, cqcStale, capacityTrackerStale, outboxUndrained };

    this.dashboard = this.buildDashboard(props.functions);
  }

  /** Every alarm in the stack (this construct's and the others') notifies the alarm topic. Call once, last. */
  notifyAll(root: IConstruct): void {
    const action = new SnsAction(this.alarmTopic);
    for (const alarm of alarmsIn(root)) {
      alarm.addAlarmAction(action);
    }
  }

  private alarm(
    id: string,
    props: Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'alarmDescription'> & Partial<Pick<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData' | 'evaluationPeriods'>>,
  ): cloudwatch.Alarm {
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    return new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
    });
  }

  private buildDashboard(functions: readonly PipelineFunction[]): cloudwatch.Dashboard {
    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
    const daily = Duration.days(1);
    // Files are counted by the source ingest recognised; data age by the signals' own source.
    const fileSources = [...Object.keys(SIGNAL_SOURCES), PLACEMENTS_PREFIX];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(14) });
    dashboard.addWidgets(
      graph('Files ingested by source (daily)', fileSources.map((source) => pipelineMetric('FilesIngested', 'ingest', { source, period: daily }))),
      graph('Signals stored and records quarantined (daily)', [pipelineMetric('SignalsStored', 'ingest', { period: daily }), pipelineMetric('RecordsQuarantined', 'ingest', { period: daily }), pipelineMetric('IngestRecordFailures', 'ingest', { period: daily })]),
      graph('Days since new location data by source', SOURCES.map((source) => pipelineMetric('DaysSinceNewData', 'heatmap', { source, statistic: cloudwatch.Stats.MINIMUM, period: daily }))),
    );
    dashboard.addWidgets(
      graph('Assessments computed (daily)', [pipelineMetric('AssessmentsComputed', 'score', { period: daily }), pipelineMetric('SignalsRejected', 'score', { period: daily })]),
      graph(
        'Escalation notices published by tier (daily)',
        TIERS.flatMap((tier) => ['escalate', 'publish'].map((service) => pipelineMetric(`NoticesPublished${title(tier)}`, service, { period: daily }))),
      ),
      graph('Escalation decisions and failures (daily)', [
        pipelineMetric('EscalationDecisions', 'escalate', { period: daily }),
        pipelineMetric('EscalationSubjectFailures', 'escalate', { period: daily }),
        pipelineMetric('NoticePublishFailures', 'publish', { period: daily }),
        pipelineMetric('NoticesDeadLettered', 'publish', { period: daily }),
      ]),
    );
    dashboard.addWidgets(
      graph('Function errors', functions.map((fn) => fn.function.metricErrors({ period: Duration.hours(1), label: fn.name })), 12),
      graph('Function throttles', functions.map((fn) => fn.function.metricThrottles({ period: Duration.hours(1), label: fn.name })), 12),
    );
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: alarmsIn(Stack.of(this)), width: 24, height: 6 }));
    return dashboard;
  }
}

const alarmsIn = (root: IConstruct): cloudwatch.Alarm[] => root.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);

/** Every dead-letter queue in the stack, wherever a construct made one. */
function deadLetterQueuesIn(root: IConstruct): sqs.Queue[] {
  return root.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
}

const title = (name: string): string => `${name[0]!.toUpperCase()}${name.slice(1)}`;
