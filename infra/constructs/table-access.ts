// What each function may do to the signal table, read off the code it runs (shared/adapters/dynamodb):
// the DynamoDB actions its store calls make, on the table or the one index they query, and where a write
// only ever touches one kind of item, the partition key prefixes it is limited to (`dynamodb:LeadingKeys`).
// TransactWriteItems needs no action of its own: each Put, Update and ConditionCheck in it is authorised as
// PutItem, UpdateItem and ConditionCheckItem. Every role also gets an explicit deny: no function may update
// or delete a disclosure record (`AUDIT#`), and only the two that write them may put one, so the audit trail
// is append-only whatever a future grant allows.
import * as iam from 'aws-cdk-lib/aws-iam';
import { GSI1, GSI2 } from '../../shared/adapters/dynamodb/table.js';
import type { PipelineFunctionName } from './pipeline-functions.js';

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/** The table itself, or one of its global secondary indexes. */
export type TableTarget = 'table' | typeof GSI1.name | typeof GSI2.name;

export interface TableGrant {
  readonly actions: readonly TableAction[];
  readonly on: readonly TableTarget[];
  /** Partition key patterns the items must have, e.g. `EPISODE#*`. @default any item */
  readonly leadingKeys?: readonly string[];
}

export const AUDIT_KEYS = 'AUDIT#*';
const SUBJECT_KEYS = ['LOCATION#*', 'PROVIDER#*', 'GROUP#*'];
const READ_ALL: TableGrant = { actions: ['dynamodb:Query'], on: ['table', GSI1.name, GSI2.name] };

/**
 * Per function: ingest and score write many kinds of item (profiles, signals, links, placements,
 * quarantine, assessments, baselines) with conditional puts and batches; the outbox drainers update only
 * outbox entries, delete only release markers and put only episodes, pointers and disclosure records;
 * the API functions read and write one episode's partition, or read the audit trail.
 */
export const TABLE_ACCESS: Record<PipelineFunctionName, readonly TableGrant[]> = {
  ingest: [
    READ_ALL,
    // Signals: a batch read of the subjects' year items, then if_not_exists updates of those items only.
    { actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem'], on: ['table'] },
    { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['LOCATION#*', 'PROVIDER#*'] },
  ],
  score: [READ_ALL, { actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], on: ['table'] }],
  heatmap: [{ actions: ['dynamodb:Query'], on: ['table', GSI1.name] }],
  escalate: [
    { actions: ['dynamodb:GetItem'], on: ['table'] },
    READ_ALL,
    // The subject's episode pointer, the episode and its release marker, the disclosure records of what it publishes.
    { actions: ['dynamodb:PutItem'], on: ['table'], leadingKeys: [...SUBJECT_KEYS, 'EPISODE#*', AUDIT_KEYS] },
    { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['OUTBOX#*'] },
    { actions: ['dynamodb:DeleteItem'], on: ['table'], leadingKeys: ['EPISODE#*'] },
  ],
  publish: [
    { actions: ['dynamodb:Query'], on: [GSI2.name] },
    { actions: ['dynamodb:PutItem'], on: ['table'], leadingKeys: [AUDIT_KEYS] },
    { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['OUTBOX#*'] },
    { actions: ['dynamodb:DeleteItem'], on: ['table'], leadingKeys: ['EPISODE#*'] },
  ],
  audit: [
    { actions: ['dynamodb:Query'], on: ['table'], leadingKeys: [AUDIT_KEYS] },
    { actions: ['dynamodb:Query'], on: [GSI1.name] },
  ],
  // Read only: the map from stored assessments and signals, a council's rows, a subject's history and episodes.
  dashboard: [{ actions: ['dynamodb:GetItem'], on: ['table'] }, READ_ALL],
  // The providers' company numbers, from the provider collection.
  'fetch-sources': [{ actions: ['dynamodb:Query'], on: [GSI1.name] }],
  acknowledge: [
    // One consistent query reads the episode whole; the acknowledgement is a put conditional on it being open.
    { actions: ['dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem'], on: ['table'], leadingKeys: ['EPISODE#*'] },
  ],
};

/** The functions that write disclosure records (the outbox drainers); every other role may not put one. */
export const AUDIT_WRITERS: readonly PipelineFunctionName[] = ['escalate', 'publish'];

/** Statements for a function's grants on the table whose ARN is given. */
export function tableGrantStatements(tableArn: string, grants: readonly TableGrant[]): iam.PolicyStatement[] {
  return grants.map(
    (grant) =>
      new iam.PolicyStatement({
        actions: [...grant.actions],
        resources: grant.on.map((target) => (target === 'table' ? tableArn : `${tableArn}/index/${target}`)),
        ...(grant.leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } } } : {}),
      }),
  );
}

/** The append-only guard: updates, deletes and batch writes of `AUDIT#` items, and puts for non-writers. */
export function auditDenyStatement(tableArn: string, name: PipelineFunctionName): iam.PolicyStatement {
  const actions: TableAction[] = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  if (!AUDIT_WRITERS.includes(name)) actions.push('dynamodb:PutItem');
  return new iam.PolicyStatement({
    sid: 'AuditTrailIsAppendOnly',
    effect: iam.Effect.DENY,
    actions,
    resources: [tableArn],
    conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [AUDIT_KEYS] } },
  });
}
