// Real local engines for integration tests: DynamoDB Local and fauxqs on free ports, provisioned as the
// stack provisions AWS, the SDK pointed at them, and stopped (and waited for) in teardown.
import { type LocalAws } from '../../cli/local/aws.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { invoke, landedObjectsEvent } from '../../cli/local/invoke.js';
import type { EscalatePorts } from '../../functions/escalate/escalate.js';
import type { ScorePorts } from '../../functions/score/ports.js';
import type { IngestReport } from '../../functions/ingest/ingest.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { type RetryOptions, SnsNotifier } from '../../shared/adapters/sns/notifier.js';
import { SqsDeadLetters } from '../../shared/adapters/sqs/dead-letters.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';

export { type LocalAws, startLocalAws } from '../../cli/local/aws.js';

/** The score use cases' ports on the local engines, as the score Lambda builds them on AWS, and the stores behind them. */
export function scorePortsOn(aws: LocalAws): { stores: DynamoStores; ports: ScorePorts } {
  const stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
  return { stores, ports: { reference: stores, signals: stores, assessments: stores, baselines: stores, quarantine: stores } };
}

/** The escalate use case's ports on the local engines, as the escalate Lambda builds them on AWS. */
export function escalatePortsOn(aws: LocalAws, retry: RetryOptions = {}): EscalatePorts {
  const stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
  return {
    assessments: stores,
    reference: stores,
    placements: stores,
    escalations: new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears),
    outbox: new DynamoOutbox(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears),
    notifier: new SnsNotifier(aws.sns, aws.topics, retry),
    deadLetters: new SqsDeadLetters(aws.sqs, aws.deadLetterQueueUrl),
  };
}

/** What the ingest Lambda answers for one landing event. */
export interface IngestRun {
  batchItemFailures: unknown[];
  reports: IngestReport[];
}

/**
 * The ingest Lambda on the local engines: `land` puts a file in the landing bucket under its key and runs the
 * handler on the event the landing queue would give it. The handler reads its configuration when loaded, as
 * in Lambda, so it is loaded here, once the SDK points at the engines.
 */
export async function ingestLambdaOn(aws: LocalAws) {
  const { handler } = await import('../../functions/ingest/handler.js');
  const land = async (key: string, body: string | Uint8Array, landedOn: string): Promise<IngestRun> => {
    await aws.s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCE_NAMES.landingBucket, Key: key, Body: body }));
    return (await invoke('ingest', handler as never, landedObjectsEvent(LOCAL_RESOURCE_NAMES.landingBucket, [{ key, landedOn }]) as never)) as IngestRun;
  };
  return { land, stores: new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table) };
}
