// The local stack both runners share: engines started and provisioned as the CDK stack provisions AWS, the
// SDK clients pointed at them, the Lambda handlers loaded, and the steps every run repeats (landing files
// for ingest, deciding and publishing escalations).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { REPLAY_DATE_ENV } from '../../shared/adapters/clock.js';
import type { DrainReport } from '../../shared/application/outbox.js';
import type { EscalateReport } from '../../functions/escalate/escalate.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL, partyIds } from '../../shared/domain/protocol.js';
import { startLocalAws } from './aws.js';
import { type EngineOptions, LOCAL_RESOURCE_NAMES } from './engines.js';
import { invoke, landedObjectsEvent } from './invoke.js';
import type { SubscriberQueue } from './provision.js';

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
  const aws = await step('started DynamoDB Local and fauxqs, and created the table, buckets, 3 topics and a subscriber queue per recipient', () =>
    startLocalAws(partyIds(DEFAULT_PROTOCOL), options),
  );
  const stop = () => step('stopped the engines', () => aws.stop());
  try {
    const handlers = await loadHandlers();
    const { dynamo, s3, sqs, queues } = aws;
    return { dynamo, s3, sqs, queues, handlers, ingest: (files, perEvent) => ingest(s3, handlers.ingest, files, perEvent), decideAndPublish: (on) => decideAndPublish(handlers, on), stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
  // The publisher Lambda sweeps whatever the escalate run left pending, as its 15-minute schedule does on AWS.
  const swept = (await invoke('publish', handlers.publish, {} as never)) as DrainReport;
  return { decisions: escalated.decisions, noticesPublished: escalated.drained.published + swept.published, messagesPublished: escalated.drained.messagesPublished + swept.messagesPublished };
}

