// Real local engines for integration tests: DynamoDB Local and fauxqs on free ports, provisioned as the
// stack provisions AWS, the SDK pointed at them, and stopped (and waited for) in teardown.
import { type LocalAws } from '../../cli/local/aws.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import type { EscalatePorts } from '../../functions/escalate/escalate.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { type RetryOptions, SnsNotifier } from '../../shared/adapters/sns/notifier.js';
import { SqsDeadLetters } from '../../shared/adapters/sqs/dead-letters.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';

export { type LocalAws, startLocalAws } from '../../cli/local/aws.js';

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
