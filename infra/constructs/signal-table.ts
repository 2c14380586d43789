// The single DynamoDB table behind the pipeline: signals, subjects, assessments and quarantine records.
// Its keys come from shared/adapters/dynamodb/table.ts, the one definition the adapters also use.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { GSI1, GSI2, KEY, TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/table.js';
import type { PipelineFunction } from './pipeline-functions.js';
import { DeadLetterQueue } from './queues.js';
import { auditDenyStatement, TABLE_ACCESS, tableGrantStatements } from './table-access.js';

/** The environment variable a bound function reads the table name from. */
export const TABLE_NAME_ENV = 'TABLE_NAME';

export interface StreamConsumerOptions {
  /** Event filters (e.g. only INSERT/MODIFY of ASSESSMENT items). @default - every change */
  readonly filters?: Array<{ [key: string]: unknown }>;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default Duration.seconds(5) */
  readonly maxBatchingWindow?: Duration;
  /** @default 3 */
  readonly retryAttempts?: number;
}

export interface SignalTableProps {
  /** @default RemovalPolicy.RETAIN: the signal history is the product. */
  readonly removalPolicy?: RemovalPolicy;
}

export class SignalTable extends Construct {
  readonly table: dynamodb.Table;
  private streamFailures?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SignalTableProps = {}) {
    super(scope, id);
    const s = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: s(KEY.pk),
      sortKey: s(KEY.sk),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const gsi of [GSI1, GSI2]) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.name,
        partitionKey: s(gsi.pk),
        sortKey: s(gsi.sk),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  get tableArn(): string {
    return this.table.tableArn;
  }

  /**
   * Give a pipeline function the table: `TABLE_NAME` in its environment, exactly the actions its code uses
   * (infra/constructs/table-access.ts), and the deny that keeps the audit trail append-only.
   */
  bind(fn: PipelineFunction): void {
    fn.addEnvironment(TABLE_NAME_ENV, this.table.tableName);
    for (const statement of tableGrantStatements(this.table.tableArn, TABLE_ACCESS[fn.name])) fn.role.addToPrincipalPolicy(statement);
    fn.role.addToPrincipalPolicy(auditDenyStatement(this.table.tableArn, fn.name));
  }

  /**
   * Run a function on the table's change stream (NEW_AND_OLD_IMAGES): partial batch responses, bisect on
   * error, and failed batches' metadata to a dedicated dead-letter queue. The stack attaches the score
   * function to new signals.
   */
  addStreamConsumer(fn: lambda.Function, options: StreamConsumerOptions = {}): DynamoEventSource {
    this.streamFailures ??= new DeadLetterQueue(this, 'StreamFailures', {
      purpose: 'table stream batches a consumer could not process',
      source: 'event-source-on-failure',
    });
    const source = new DynamoEventSource(this.table, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: options.batchSize ?? 100,
      maxBatchingWindow: options.maxBatchingWindow ?? Duration.seconds(5),
      retryAttempts: options.retryAttempts ?? 3,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.streamFailures),
      ...(options.filters ? { filters: options.filters } : {}),
    });
    fn.addEventSource(source);
    if (fn.role) {
      // grantStreamRead: dynamodb:ListStreams cannot be scoped to a stream ARN.
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams does not support resource-level permissions; stream reads themselves are scoped to the table stream ARN.',
      );
    }
    return source;
  }
}
