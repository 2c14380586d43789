// Faults injected into the AWS SDK clients the handlers build (shared/adapters/aws-clients.ts, replaced with
// vi.mock in a fault test file): a crash before or after the n-th request (the process dies there: that request
// and every later one fails), throttling the SDK's own retries absorb, BatchWriteItem leaving items unprocessed,
// and an SNS reply lost after SNS accepted the batch. The faults name no table item or command layout, only
// requests, so they hold whatever the stores send.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';

export class Crash extends Error {
  override readonly name = 'Crash';
}

/** What DynamoDB answers when it throttles; the SDK retries it as throttling by its name and status. */
class Throttled extends Error {
  override readonly name = 'ProvisionedThroughputExceededException';
  readonly $metadata = { httpStatusCode: 400 };
  readonly $fault = 'client';
}

/** An SNS reply that never came: the request may or may not have been acted on. */
class TimedOut extends Error {
  override readonly name = 'TimeoutError';
}

export interface FaultPlan {
  /** The process dies at this DynamoDB request (1-based): before sending it, or once it was sent but before its reply. */
  crashAt?: { request: number; when: 'before' | 'after' };
  /** Every n-th attempt is throttled; the SDK's retries (3 attempts) must absorb it. */
  throttleEvery?: number;
  /** Each BatchWriteItem writes only its first half and returns the rest as unprocessed. */
  unprocessedHalf?: boolean;
  /** The first n SNS PublishBatch calls are sent, then their replies are lost. */
  snsRepliesLost?: number;
}

/** The plan in force and what it has counted; reset between scenarios. */
export const faults = {
  plan: {} as FaultPlan,
  dynamoRequests: 0,
  dynamoAttempts: 0,
  snsCalls: 0,
  dead: false,
  reset(plan: FaultPlan = {}) {
    Object.assign(this, { plan, dynamoRequests: 0, dynamoAttempts: 0, snsCalls: 0, dead: false });
  },
};

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

/** Splits a BatchWriteItem's requests: the first half goes, the rest come back unprocessed (at the same layer). */
async function halfProcessed(next: Next, args: { input: Record<string, unknown> }) {
  const requestItems = args.input.RequestItems as Record<string, unknown[]> | undefined;
  if (!requestItems) return next(args);
  const sent: Record<string, unknown[]> = {};
  const unprocessed: Record<string, unknown[]> = {};
  for (const [table, requests] of Object.entries(requestItems)) {
    const half = Math.ceil(requests.length / 2);
    sent[table] = requests.slice(0, half);
    if (requests.length > half) unprocessed[table] = requests.slice(half);
  }
  const result = await next({ ...args, input: { ...args.input, RequestItems: sent } });
  const already = (result.output.UnprocessedItems ?? {}) as Record<string, unknown[]>;
  for (const [table, rest] of Object.entries(unprocessed)) already[table] = [...(already[table] ?? []), ...rest];
  return { ...result, output: { ...result.output, UnprocessedItems: already } };
}

/** The client with the fault middleware: a request counts once (initialize), an attempt once per SDK retry (deserialize). */
export function withDynamoFaults(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (faults.dead) throw new Crash('the process has died');
      const request = ++faults.dynamoRequests;
      const crash = faults.plan.crashAt?.request === request ? faults.plan.crashAt.when : undefined;
      const die = (): never => {
        faults.dead = true;
        throw new Crash(`crashed ${crash} request ${request}`);
      };
      if (crash === 'before') die();
      const call = next as unknown as Next;
      const result =
        faults.plan.unprocessedHalf && context.commandName?.startsWith('BatchWrite') ? await halfProcessed(call, args as never) : await call(args as never);
      if (crash === 'after') die();
      return result as never;
    },
    { step: 'initialize', priority: 'high', name: 'faultCrash' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const attempt = ++faults.dynamoAttempts;
      if (faults.plan.throttleEvery && attempt % faults.plan.throttleEvery === 0) throw new Throttled(`throttled attempt ${attempt}`);
      return next(args);
    },
    { step: 'deserialize', priority: 'high', name: 'faultThrottle' },
  );
  return client;
}

/** The client whose first `snsRepliesLost` calls reach SNS but time out before the reply. */
export function withSnsFaults(client: SNSClient): SNSClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      const call = ++faults.snsCalls;
      const result = await next(args);
      if (call <= (faults.plan.snsRepliesLost ?? 0)) throw new TimedOut(`reply to SNS call ${call} lost`);
      return result;
    },
    { step: 'initialize', priority: 'high', name: 'faultSns' },
  );
  return client;
}
