// The local stack both runners share: engines started and provisioned as the CDK stack provisions AWS, the
// SDK clients pointed at them, the Lambda handlers loaded, and the steps every run repeats (landing files
// for ingest, deciding and publishing escalations).
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { REPLAY_DATE_ENV } from '../../shared/adapters/clock.js';
import type { DrainReport } from '../../shared/application/outbox.js';
import type { EscalateReport } from '../../functions/escalate/escalate.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL, partyIds } from '../../shared/domain/protocol.js';
import { type EngineOptions, LOCAL_RESOURCE_NAMES, pointAwsSdkAt, startLocalEngines } from './engines.js';
import { invoke, landedObjectsEvent } from './invoke.js';
import { messagingEnvironment, provisionBuckets, provisionMessaging, provisionTable, type SubscriberQueue } from './provision.js';

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

/** Runs a piece of work and reports it with how long it took. */
export type Step = <T>(label: string, work: () => Promise<T>) => Promise<T>;

export const timedStep =
  (progress: (line: string) => void): Step =>
  async (label, work) => {
    const started = Date.now();
    const result = await work();
    progress(`  ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  };

export interface LandedFile {
  key: string;
  landedOn: IsoDate;
  /** Bytes as delivered, or text. */
  body: string | Uint8Array;
}

export interface IngestTotals {
  signalsStored: number;
  signalsAlreadyPresent: number;
  quarantined: number;
}

export interface LocalStack {
  dynamo: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
  queues: SubscriberQueue[];
  handlers: Record<'ingest' | 'score' | 'heatmap' | 'escalate' | 'publish' | 'acknowledge', LambdaHandler>;
  /** Lands files in order, `perEvent` to one ingest event (as the SQS batch of a queue would group them). */
  ingest(files: readonly LandedFile[], perEvent?: number): Promise<IngestTotals>;
  /** Escalates as of a day standing on that day, then sweeps the outbox as the publisher's schedule would. */
  decideAndPublish(on: IsoDate): Promise<{ decisions: number; noticesPublished: number; messagesPublished: number }>;
  stop(): Promise<void>;
}

export async function startLocalStack(step: Step, options: EngineOptions = {}): Promise<LocalStack> {
  const engines = await step('started DynamoDB Local and fauxqs', () => startLocalEngines(options));
  pointAwsSdkAt(engines);
  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  const sns = new SNSClient({});
  // Reach queues through the configured endpoint, not the host in each queue URL.
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const clients = [dynamo, s3, sns, sqs];
  const stop = async () => {
    for (const client of clients) client.destroy();
    await step('stopped the engines', () => engines.stop());
  };
  try {
    const { queues } = await step('created the table, buckets, 3 topics and a subscriber queue per recipient', async () => {
      if (!(await hasTable(dynamo))) await provisionTable(dynamo);
      await provisionBuckets(s3);
      const messaging = await provisionMessaging(sns, sqs, partyIds(DEFAULT_PROTOCOL));
      Object.assign(process.env, messagingEnvironment(messaging));
      return messaging;
    });
    const handlers = await loadHandlers();
    return { dynamo, s3, sqs, queues, handlers, ingest: (files, perEvent) => ingest(s3, handlers.ingest, files, perEvent), decideAndPublish: (on) => decideAndPublish(handlers, on), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A kept database already has the table; fauxqs (messaging and buckets) always starts empty. */
async function hasTable(dynamo: DynamoDBClient): Promise<boolean> {
  const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
  return TableNames.includes(LOCAL_RESOURCE_NAMES.table);
}

// Handlers read their configuration when loaded, as in Lambda, so load them once the environment is set.
async function loadHandlers(): Promise<LocalStack['handlers']> {
  return {
    ingest: (await import('../../functions/ingest/handler.js')).handler as LambdaHandler,
    score: (await import('../../functions/score/handler.js')).handler as LambdaHandler,
    heatmap: (await import('../../functions/heatmap/handler.js')).handler as LambdaHandler,
    escalate: (await import('../../functions/escalate/handler.js')).handler as LambdaHandler,
    publish: (await import('../../functions/publish/handler.js')).handler as LambdaHandler,
    acknowledge: (await import('../../functions/acknowledge/handler.js')).handler as LambdaHandler,
  };
}

async function ingest(s3: S3Client, handler: LambdaHandler, files: readonly LandedFile[], perEvent = 1): Promise<IngestTotals> {
  const totals = { signalsStored: 0, signalsAlreadyPresent: 0, quarantined: 0 };
  for (let start = 0; start < files.length; start += perEvent) {
    const batch = files.slice(start, start + perEvent);
    for (const file of batch) await s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCE_NAMES.landingBucket, Key: file.key, Body: file.body }));
    const result = (await invoke('ingest', handler, landedObjectsEvent(LOCAL_RESOURCE_NAMES.landingBucket, batch) as never)) as {
      batchItemFailures: { itemIdentifier: string }[];
      reports: IngestTotals[];
    };
    if (result.batchItemFailures.length > 0) throw new Error(`ingest failed for ${result.batchItemFailures.map((f) => f.itemIdentifier).join(', ')}`);
    for (const r of result.reports) {
      totals.signalsStored += r.signalsStored;
      totals.signalsAlreadyPresent += r.signalsAlreadyPresent;
      totals.quarantined += r.quarantined;
    }
  }
  return totals;
}

async function decideAndPublish(handlers: LocalStack['handlers'], on: IsoDate) {
  // The run stands on the day it simulates: decisions fold by that day and disclosures are dated by it.
  process.env[REPLAY_DATE_ENV] = on;
  const escalated = (await invoke('escalate', handlers.escalate, { asOf: on } as never)) as EscalateReport;
  // The publisher Lambda sweeps whatever the escalate run left pending (on AWS it also runs from the stream).
  const swept = (await invoke('publish', handlers.publish, {} as never)) as DrainReport;
  return { decisions: escalated.decisions, noticesPublished: escalated.drained.published + swept.published, messagesPublished: escalated.drained.messagesPublished + swept.messagesPublished };
}

