// Operating the stack: every alarm e-mails the configured operator address through an encrypted topic;
// each dead-letter queue, each function's errors and throttles, stale CQC and Capacity Tracker data and an
// undrained outbox are alarmed; one dashboard; every log group keeps its logs for a set time.
import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { DeadLetterQueue } from '../../infra/constructs/queues.js';
import { exampleConfig, logicalId, type Synthesized, synthesize } from './support.js';

describe('operations', () => {
  let synthesized: Synthesized;
  const alarms = () => Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'));

  beforeAll(() => {
    // Prepare / Act
    synthesized = synthesize(exampleConfig(), { bundle: false });
  });

  it('sends every alarm to one KMS-encrypted topic that the configured alarm e-mail subscribes to', () => {
    // Prepare
    const topic = logicalId(synthesized.stack.operations.alarmTopic);

    // Act
    const all = alarms();

    // Assess
    expect(all.length).toBeGreaterThan(20);
    for (const alarm of all) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: { Ref: topic }, Endpoint: 'care-market-operations@sample-care-market.gov.uk' });
    synthesized.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(synthesized.stack.operations.alarmKey), 'Arn'] } });
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]) },
    });
    synthesized.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]) },
    });
  });

  it('alarms on one message in every dead-letter queue of the stack', () => {
    // Prepare
    const queues = synthesized.stack.node.findAll().filter((c) => c instanceof DeadLetterQueue);

    // Act
    const depthAlarms = alarms().filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    const watched = depthAlarms.map((a) => JSON.stringify(a.Properties.Dimensions));

    // Assess
    expect(queues.length).toBeGreaterThanOrEqual(9);
    expect(depthAlarms).toHaveLength(queues.length);
    for (const queue of queues) {
      expect(watched).toContain(JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }]));
    }
    for (const alarm of depthAlarms) expect(alarm.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  it.each(['Errors', 'Throttles'])('alarms on any %s of each of the seven functions', (metricName) => {
    // Act
    const watched = alarms()
      .filter((a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metricName)
      .map((a) => {
        expect(a.Properties).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
        return JSON.stringify(a.Properties.Dimensions);
      });

    // Assess
    expect(watched.sort()).toEqual(synthesized.stack.functions.all.map((fn) => JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function) } }])).sort());
  });

  it('alarms when no CQC file (register or changes feed) has been ingested for two days, absent data breaching', () => {
    // Act
    const alarm = synthesized.template.findResources('AWS::CloudWatch::Alarm')[logicalId(synthesized.stack.operations.alarms.cqcStale)];
    const queries = alarm?.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string } }[];

    // Assess
    expect(alarm?.Properties).toMatchObject({ ComparisonOperator: 'LessThanThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'breaching' });
    expect(queries.find((q) => q.Expression)?.Expression).toBe('FILL(cqc0, 0) + FILL(cqc1, 0)');
    for (const source of ['cqc-register', 'cqc-api']) {
      expect(queries).toContainEqual(
        expect.objectContaining({
          MetricStat: {
            Metric: { Namespace: 'CareMarketEarlyWarning', MetricName: 'FilesIngested', Dimensions: [{ Name: 'service', Value: 'ingest' }, { Name: 'source', Value: source }] },
            Period: 172_800,
            Stat: 'Sum',
          },
        }),
      );
    }
  });

  it.each([
    [
      'the newest Capacity Tracker data is over a month old, or the daily heat map run stops reporting it',
      { MetricName: 'DaysSinceNewData', Dimensions: [{ Name: 'service', Value: 'heatmap' }, { Name: 'source', Value: 'capacity-tracker' }], Period: 86_400, Threshold: 31, EvaluationPeriods: 1 },
    ],
    [
      // four 15-minute sweeps in a row each left a notice pending
      'a notice stays pending through every sweep for an hour, or no sweep reports for an hour',
      { MetricName: 'NoticePublishFailures', Dimensions: [{ Name: 'service', Value: 'publish' }], Period: 900, Threshold: 0, EvaluationPeriods: 4 },
    ],
  ] as const)('alarms when %s (absent data breaching)', (_what, expected) => {
    // Act / Assess
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CareMarketEarlyWarning',
      Statistic: 'Minimum',
      ComparisonOperator: 'GreaterThanThreshold',
      DatapointsToAlarm: expected.EvaluationPeriods,
      TreatMissingData: 'breaching',
      ...expected,
    });
  });

  it('has one dashboard of files, signals, data age, assessments, escalations by tier, failures and alarms', () => {
    // Act
    const [dashboard] = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    // Assess
    synthesized.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const metric of ['FilesIngested', 'SignalsStored', 'RecordsQuarantined', 'DaysSinceNewData', 'AssessmentsComputed', 'NoticesPublishedLocal', 'NoticesPublishedRegional', 'NoticesPublishedNational', 'EscalationSubjectFailures', 'Errors', 'Throttles']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('"type\\":\\"alarm\\"');
  });

  it('sets a retention on every log group: 90 days for the functions, as configured', () => {
    // Act
    const groups = synthesized.template.findResources('AWS::Logs::LogGroup');
    const functionGroups = synthesized.stack.functions.all.map((fn) => groups[logicalId(fn.logGroup)]);

    // Assess
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    for (const group of functionGroups) expect(group?.Properties.RetentionInDays).toBe(90);
  });
});
