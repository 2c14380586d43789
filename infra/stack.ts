// The care market early-warning pipeline on AWS:
//   landed source files -> landing queue -> ingest -> signal table
//   daily: score (02:00) -> heat map (03:00) -> escalate (03:30): each decision with its messages, then notices
//   escalate's own drain of the outbox, or the 15-minute sweep -> publish -> SNS topic per tier -> subscriber queues
//   a notice failing to publish in 3 runs -> outbox dead-letter queue (alarmed, as are the outbox metrics)
//   HTTP API (JWT from the configured issuer, or the stack's own user pool): acknowledge an episode, list the
//   disclosure audit trail
// Everything a deployment chooses (region, issuer, who subscribes, schedules, alarm e-mail) comes from one
// validated configuration file (infra/config/schema.ts).
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_KEYS_SECRET_ENV } from '../shared/adapters/secrets.js';
import type { DeploymentConfig } from './config/schema.js';
import { AccessLogBucket } from './constructs/buckets.js';
import { EscalationApi } from './constructs/escalation-api.js';
import { EscalationOutbox } from './constructs/escalation-outbox.js';
import { EscalationTopics } from './constructs/escalation-topics.js';
import { HeatMapOutput } from './constructs/heat-map-output.js';
import { Operations } from './constructs/operations.js';
import { PartySubscriptions } from './constructs/party-subscriptions.js';
import { PipelineFunctions } from './constructs/pipeline-functions.js';
import { type RecipientUserPool, tokenIssuerFor } from './constructs/recipient-sign-in.js';
import { dailyRunAt, PipelineSchedules } from './constructs/schedules.js';
import { SignalTable } from './constructs/signal-table.js';
import { SourceLanding } from './constructs/source-landing.js';

export interface CareMarketStackProps extends StackProps {
  /** The validated deployment configuration (infra/config/schema.ts). */
  readonly config: DeploymentConfig;
}

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
  /** The recipients' user pool, when the configuration asks the stack to create one. */
  readonly userPool?: RecipientUserPool;
  /** Every party's subscriptions, as the configuration lists them, each receiving only its own messages. */
  readonly subscriptions: PartySubscriptions;
  /** Alarms (to the configured operator e-mail) and the dashboard. */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: CareMarketStackProps) {
    super(scope, id, props);
    const { config } = props;

    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    this.accessLogs = accessLogs;
    this.signals = new SignalTable(this, 'Signals');
    this.landing = new SourceLanding(this, 'Landing', { accessLogs, environment: config.environment });
    this.heatMaps = new HeatMapOutput(this, 'HeatMaps', { accessLogs });
    this.escalations = new EscalationTopics(this, 'Escalations');
    this.functions = new PipelineFunctions(this, 'Functions', {
      ...(config.logRetentionDays ? { logRetention: config.logRetentionDays as logs.RetentionDays } : {}),
      fetchSources: config.fetchSources !== undefined,
    });

    const { ingest, score, heatmap, escalate, publish, audit, acknowledge, dashboard } = this.functions;
    for (const fn of this.functions.all) this.signals.bind(fn);
    this.landing.bind(ingest.function);
    this.landing.addConsumer(ingest.function);
    const { fetchSources } = this.functions;
    if (fetchSources && config.fetchSources) {
      this.landing.bindWriter(fetchSources.function);
      // Its API keys: this one secret, read through the Parameters and Secrets extension.
      fetchSources.addEnvironment(API_KEYS_SECRET_ENV, config.fetchSources.apiKeysSecretArn);
      fetchSources.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [config.fetchSources.apiKeysSecretArn] }));
    }

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

    this.heatMaps.bind(heatmap.function);

    // escalate() also drains the outbox after deciding; publishing twice only repeats idempotency keys.
    this.escalations.bind(escalate.function);

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
      times: { score: dailyRunAt(config.schedules.score), heatmap: dailyRunAt(config.schedules.heatmap), escalate: dailyRunAt(config.schedules.escalate) },
      publishSweepMinutes: config.schedules.publishSweepMinutes,
      ...(fetchSources && config.fetchSources ? { fetchSources: { fn: fetchSources.function, at: dailyRunAt(config.fetchSources.at) } } : {}),
    });

    const { issuer, userPool } = tokenIssuerFor(this, config.auth);
    if (userPool) this.userPool = userPool;
    this.api = new EscalationApi(this, 'EscalationApi', {
      acknowledge: acknowledge.function,
      audit: audit.function,
      dashboard: dashboard.function,
      jwtIssuer: issuer.jwtIssuer,
      jwtAudience: issuer.jwtAudience,
    });

    this.subscriptions = new PartySubscriptions(this, 'Subscribers', { topics: this.escalations, subscriptions: config.subscriptions });

    // Last: it alarms on every dead-letter queue the other constructs made, and every alarm notifies its topic.
    this.operations = new Operations(this, 'Operations', {
      functions: this.functions.all,
      alarmEmail: config.alarms.email,
      publishSweepMinutes: config.schedules.publishSweepMinutes,
      deadLettersAlarmedElsewhere: [this.outbox.deadLetters],
    });
    this.operations.notifyAll(this);

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('TableName', this.signals.tableName, 'Signal table');
    output('LandingBucketName', this.landing.bucketName, 'Landing bucket for source files (one prefix per source)');
    output('HeatMapBucketName', this.heatMaps.bucketName, 'Heat map output bucket (heatmap/<asOf>.json|.html)');
    output('LocalTopicArn', this.escalations.local.topicArn, 'Local-tier escalations (each party subscribes with its own filter policy)');
    output('RegionalTopicArn', this.escalations.regional.topicArn, 'Regional-tier escalations (each party subscribes with its own filter policy)');
    output('NationalTopicArn', this.escalations.national.topicArn, 'National-tier escalations (each party subscribes with its own filter policy)');
    output('OutboxDeadLetterQueueUrl', this.outbox.deadLetters.queueUrl, 'Escalation notices that kept failing to publish (keys only; the outbox entries hold the content)');
    output('EscalationApiUrl', this.api.url, 'Escalation API and dashboard: GET / (the map), GET /councils/{gss}, /locations/{id}, /search; POST /episodes/{episodeId}/acknowledgements, GET /disclosures');
    for (const fn of [score, heatmap, escalate]) output(`${fn.name[0]!.toUpperCase()}${fn.name.slice(1)}FunctionName`, fn.function.functionName, `Run now with aws lambda invoke --payload '{"asOf":"YYYY-MM-DD"}' (scheduled daily)`);
    output('DashboardName', this.operations.dashboard.dashboardName, 'CloudWatch dashboard: files, signals, assessments, escalations, errors, alarms');
    output('AlarmTopicArn', this.operations.alarmTopic.topicArn, 'Operator alarms (the configured alarm e-mail confirms its subscription)');
    if (this.userPool) {
      output('UserPoolId', this.userPool.userPool.userPoolId, 'Recipients\' user pool: add users with aws cognito-idp admin-create-user (README "Deploying")');
      output('UserPoolClientId', this.userPool.client.userPoolClientId, 'App client whose ID tokens the API accepts');
    }
  }
}
