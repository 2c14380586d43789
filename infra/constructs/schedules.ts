// The daily run, on UK local time (EventBridge Scheduler follows BST/GMT): score at 02:00, heat map at
// 03:00, escalate at 03:30. Each invocation carries the scheduled time as `asOf`; a handler takes today
// when `asOf` is absent (e.g. a manual invoke). Besides, every 15 minutes, the publisher sweeps the
// escalation outbox with `{}` for anything the table stream did not get published.
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { acknowledgeWildcards, getAttText } from './nag.js';
import { DeadLetterQueue } from './queues.js';

export const SCHEDULE_TIME_ZONE = TimeZone.EUROPE_LONDON;

export interface DailyRun {
  readonly hour: number;
  readonly minute: number;
}

export interface PipelineSchedulesProps {
  readonly score: lambda.IFunction;
  readonly heatmap: lambda.IFunction;
  readonly escalate: lambda.IFunction;
  readonly publish: lambda.IFunction;
  /** @default 15 */
  readonly publishSweepMinutes?: number;
  /** @default { score: 02:00, heatmap: 03:00, escalate: 03:30 } Europe/London */
  readonly times?: Partial<Record<'score' | 'heatmap' | 'escalate', DailyRun>>;
  /** The source fetcher and when it runs, when deployed (before scoring, so the day's data is scored). */
  readonly fetchSources?: { readonly fn: lambda.IFunction; readonly at: DailyRun };
  /** Scheduler's own retries when invoking the target fails (throttling, service errors). @default 3 */
  readonly retryAttempts?: number;
  /** @default Duration.hours(2) */
  readonly maxEventAge?: Duration;
}

const DEFAULT_TIMES = {
  score: { hour: 2, minute: 0 },
  heatmap: { hour: 3, minute: 0 },
  escalate: { hour: 3, minute: 30 },
} as const satisfies Record<string, DailyRun>;

export class PipelineSchedules extends Construct {
  readonly score: scheduler.Schedule;
  readonly heatmap: scheduler.Schedule;
  readonly escalate: scheduler.Schedule;
  readonly publishSweep: scheduler.Schedule;
  readonly fetchSources?: scheduler.Schedule;
  /** Invocations Scheduler gave up on. */
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: PipelineSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetter', {
      purpose: 'scheduled invocations EventBridge Scheduler could not deliver',
      source: 'scheduler',
    });
    const times = { ...DEFAULT_TIMES, ...props.times };
    this.score = this.daily('Score', props.score, times.score, 'Score signals into assessments', props);
    this.heatmap = this.daily('Heatmap', props.heatmap, times.heatmap, 'Render the council heat map', props);
    this.escalate = this.daily('Escalate', props.escalate, times.escalate, 'Decide escalations', props);
    if (props.fetchSources) {
      this.fetchSources = this.daily('FetchSources', props.fetchSources.fn, props.fetchSources.at, 'Fetch the CQC changes and Companies House records', props);
    }
    const every = Duration.minutes(props.publishSweepMinutes ?? 15);
    this.publishSweep = this.schedule('PublishSweep', props.publish, props, {
      description: `Publish pending escalations, every ${every.toHumanString()}`,
      schedule: scheduler.ScheduleExpression.rate(every),
      input: scheduler.ScheduleTargetInput.fromObject({}),
    });
  }

  private daily(id: string, fn: lambda.IFunction, at: DailyRun, description: string, props: PipelineSchedulesProps): scheduler.Schedule {
    return this.schedule(id, fn, props, {
      description: `${description}, daily at ${pad(at.hour)}:${pad(at.minute)} Europe/London`,
      schedule: scheduler.ScheduleExpression.cron({ minute: String(at.minute), hour: String(at.hour), timeZone: SCHEDULE_TIME_ZONE }),
      input: scheduler.ScheduleTargetInput.fromObject({ asOf: scheduler.ContextAttribute.scheduledTime }),
    });
  }

  private schedule(
    id: string,
    fn: lambda.IFunction,
    props: PipelineSchedulesProps,
    when: { description: string; schedule: scheduler.ScheduleExpression; input: scheduler.ScheduleTargetInput },
  ): scheduler.Schedule {
    // One role per schedule, trusted by Scheduler for this account only (confused-deputy guard).
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler: invoke the ${id.toLowerCase()} function`,
    });
    const schedule = new scheduler.Schedule(this, id, {
      description: when.description,
      schedule: when.schedule,
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(fn, {
        role,
        input: when.input,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 3,
        maxEventAge: props.maxEventAge ?? Duration.hours(2),
      }),
    });
    const cfnFunction = fn.node.defaultChild;
    if (cfnFunction) {
      acknowledgeWildcards(
        role,
        [`Resource::${getAttText(cfnFunction)}:*`],
        'lambda:InvokeFunction on the function and its versions/aliases (ARN:*), as granted by the Scheduler Lambda target; one function only.',
      );
    }
    return schedule;
  }
}

/** `HH:MM` (as the configuration holds it) as a daily run. */
export function dailyRunAt(time: string): DailyRun {
  const [hour, minute] = time.split(':').map(Number);
  if (hour === undefined || minute === undefined || !(hour >= 0 && hour < 24 && minute >= 0 && minute < 60)) throw new Error(`not a time of day: ${time}`);
  return { hour, minute };
}

const pad = (n: number): string => String(n).padStart(2, '0');
