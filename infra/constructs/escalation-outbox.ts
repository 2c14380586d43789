// The escalation outbox's failure path and its alarms. Both functions that drain the outbox (escalate, then
// publish) send a notice that failed to publish in MAX_PUBLISH_RUNS runs to a dead-letter queue, as keys
// only ({noticeKey, messageKeys, attempts, reason}); the content stays in the outbox entries. They also
// emit Powertools metrics (EMF, one `service` dimension: the function's name), alarmed on here.
// The stack's Operations construct makes every alarm notify the operator alarm topic.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEAD_LETTER_QUEUE_URL_ENV } from '../../shared/adapters/sqs/dead-letters.js';
import { MAX_PUBLISH_RUNS } from '../../shared/application/outbox.js';
import type { PipelineFunction } from './pipeline-functions.js';
import { DeadLetterQueue } from './queues.js';

/** The CloudWatch namespace the handlers' Powertools Metrics write to. */
export const METRICS_NAMESPACE = 'CareMarketEarlyWarning';
/** The environment variable Powertools Metrics reads its namespace from (the handlers also pass it). */
export const METRICS_NAMESPACE_ENV = 'POWERTOOLS_METRICS_NAMESPACE';

const ALARM_PERIOD = Duration.minutes(5);

export interface EscalationOutboxProps {
  /** Decides escalations and drains the outbox after deciding. */
  readonly escalate: PipelineFunction;
  /** Drains the outbox from the table stream and the sweep schedule. */
  readonly publish: PipelineFunction;
}

export class EscalationOutbox extends Construct {
  /** Notices that failed to publish in MAX_PUBLISH_RUNS runs. */
  readonly deadLetters: DeadLetterQueue;
  /** Any message in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** NoticesDeadLettered > 0 from either function. */
  readonly deadLetteredAlarm: cloudwatch.Alarm;
  /** EscalationSubjectFailures > 0: subjects the escalate run could not decide after its retries. */
  readonly subjectFailuresAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EscalationOutboxProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: `escalation notices that failed to publish in ${MAX_PUBLISH_RUNS} runs`,
      source: 'application',
    });
    this.bind(props.escalate);
    this.bind(props.publish);

    this.deadLetterAlarm = this.alarm(
      'DeadLettersAlarm',
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      1,
      `Escalation notices failed to publish ${MAX_PUBLISH_RUNS} times: see the outbox entries named in the messages (messageKeys) on this queue.`,
    );
    const drainers = [props.escalate, props.publish];
    this.deadLetteredAlarm = this.alarm(
      'NoticesDeadLetteredAlarm',
      new cloudwatch.MathExpression({
        // FILL: a period in which only one of the functions ran still sums to a value.
        expression: drainers.map((fn) => `FILL(${fn.name}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(drainers.map((fn) => [fn.name, EscalationOutbox.metric('NoticesDeadLettered', fn)])),
        period: ALARM_PERIOD,
        label: 'NoticesDeadLettered (escalate + publish)',
      }),
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      0,
      `Escalation notices were dead-lettered after failing to publish ${MAX_PUBLISH_RUNS} times: see the messages on the outbox dead-letter queue and the outbox entries they name.`,
    );
    this.subjectFailuresAlarm = this.alarm(
      'SubjectFailuresAlarm',
      EscalationOutbox.metric('EscalationSubjectFailures', props.escalate),
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      0,
      'The escalate run could not decide some subjects after its retries: see the "escalation decision failed" errors in the escalate function’s logs; the next run decides them again.',
    );
  }

  /** `OUTBOX_DEAD_LETTER_QUEUE_URL`, the metrics namespace, and sending to the dead-letter queue. */
  bind(fn: PipelineFunction): void {
    fn.addEnvironment(DEAD_LETTER_QUEUE_URL_ENV, this.deadLetters.queueUrl);
    fn.addEnvironment(METRICS_NAMESPACE_ENV, METRICS_NAMESPACE);
    this.grantSend(fn.function);
  }

  grantSend(grantee: iam.IGrantable): iam.Grant {
    return this.deadLetters.grantSendMessages(grantee);
  }

  /** A count the function emits, as Powertools Metrics dimensions it: `service` = the function's name. */
  static metric(metricName: string, fn: PipelineFunction): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: fn.name },
      statistic: cloudwatch.Stats.SUM,
      period: ALARM_PERIOD,
    });
  }

  /** One 5-minute datapoint decides; no data (no run, an idle queue) is not a breach. */
  private alarm(id: string, metric: cloudwatch.IMetric, comparisonOperator: cloudwatch.ComparisonOperator, threshold: number, alarmDescription: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription,
    });
  }
}
