// Signal storage against a mocked DynamoDB: packed items give back exactly the signals put in, a stream record
// yields only the signals it added, and throttling or unprocessed keys and items lose nothing and count nothing twice.
import { DynamoDBClient, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { putSignalsOnce } from '../../shared/adapters/dynamodb/series-writes.js';
import { entryName, packSignals, seriesItem, seriesKey, signalsAdded } from '../../shared/adapters/dynamodb/signal-series.js';
import { batchPut } from '../../shared/adapters/dynamodb/writes.js';
import type { Signal } from '../../shared/domain/model.js';

const TABLE = 'care-market';
const home = { type: 'location', id: '1-000000001' } as const;

const monthly = (period: string, receivedOn = `${period}-14`): Signal => ({
  source: 'capacity-tracker',
  naturalId: `${home.id}#${period}`,
  subject: home,
  describedOn: `${period}-10`,
  receivedOn,
  facts: { kind: 'capacity-return', period, maxCapacity: 30, usedBeds: 27, declaredVacancies: 2, acceptingAdmissions: true, staffAbsencePct: 2.5, agencyHoursPct: null },
});

/** The item DynamoDB would hold after these signals went in. */
const itemOf = (signals: readonly Signal[]): Record<string, unknown> => seriesItem(packSignals(signals).writes[0]!);

describe('packed signal items', () => {
  it('puts each subject and year in one item and keeps the first of a repeated natural id', () => {
    // Prepare
    const signals = [monthly('2024-11'), monthly('2024-12'), monthly('2025-01'), monthly('2024-12', '2025-02-01')];

    // Act
    const { writes, repeats } = packSignals(signals);

    // Assess
    expect(writes.map((w) => [w.key.SK, [...w.entries.keys()]])).toEqual([
      ['SIGNAL#2024', [entryName(monthly('2024-11')), entryName(monthly('2024-12'))]],
      ['SIGNAL#2025', [entryName(monthly('2025-01'))]],
    ]);
    expect(repeats).toBe(1);
    expect(writes[0]!.entries.get(entryName(monthly('2024-12')))?.receivedOn).toBe('2024-12-14');
  });

  it('reads from a stream record only the signals the change added', () => {
    // Prepare: an item with two returns gains a third
    const old = itemOf([monthly('2025-01'), monthly('2025-02')]);
    const changed = itemOf([monthly('2025-01'), monthly('2025-02'), monthly('2025-03')]);

    // Act
    const added = signalsAdded(old, changed);
    const inserted = signalsAdded(undefined, old);
    const unrelated = signalsAdded(undefined, { PK: 'LOCATION#1-000000001', SK: 'ASSESSMENT#2025-03-01#risk-model-3' });

    // Assess
    expect(added).toEqual([monthly('2025-03')]);
    expect(inserted).toEqual([monthly('2025-01'), monthly('2025-02')]);
    expect(unrelated).toEqual([]);
  });
});

describe('writes that DynamoDB throttles or leaves unprocessed', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' }));

  beforeEach(() => dynamo.reset());

  it('stores every signal once when the read leaves keys unprocessed and an update is throttled: a year found is added to, an absent one created', async () => {
    // Prepare: 2025 already holds January, but the read answers for it only on the second try; 2024 is absent; the first update is throttled
    const january = monthly('2025-01');
    const december = monthly('2024-12');
    const signals = [january, monthly('2025-02'), december];
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [seriesKey(january)] } } })
      .resolves({ Responses: { [TABLE]: [itemOf([january])] } });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .resolves({ Attributes: {} });

    // Act
    const count = await putSignalsOnce(doc, TABLE, signals);

    // Assess: January was there; February added to 2025 (the throttled update sent again); 2024 created with December
    expect(count).toEqual({ stored: 2, alreadyPresent: 1 });
    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.map((u) => [u.Key?.SK, Object.values(u.ExpressionAttributeNames ?? {}).filter((name) => name.startsWith('s:'))])).toEqual([
      ['SIGNAL#2025', [entryName(monthly('2025-02'))]],
      ['SIGNAL#2025', [entryName(monthly('2025-02'))]],
    ]);
    const [created] = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
    expect(created).toEqual([{ Put: { TableName: TABLE, Item: itemOf([december]), ConditionExpression: 'attribute_not_exists(PK)' } }]);
  });

  it('creates the items the read did not find a hundred to a transaction, each on condition it is still absent', async () => {
    // Prepare: one return each from 150 homes
    const signals = Array.from({ length: 150 }, (_, i) => ({ ...monthly('2025-01'), subject: { type: 'location', id: `1-${String(i).padStart(9, '0')}` } }) as Signal);
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const count = await putSignalsOnce(doc, TABLE, signals);

    // Assess
    expect(count).toEqual({ stored: 150, alreadyPresent: 0 });
    const transactions = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
    expect(transactions.map((t) => t.length)).toEqual([100, 50]);
    expect(new Set(transactions.flat().map((action) => action.Put?.ConditionExpression))).toEqual(new Set(['attribute_not_exists(PK)']));
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('adds to an item another writer created between the read and the transaction, and counts what that writer added first', async () => {
    // Prepare: the read finds nothing; the transaction is cancelled as the item now exists; its old values show February was just written
    const february = monthly('2025-02');
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    dynamo.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }));
    dynamo.on(UpdateCommand).resolves({ Attributes: { [entryName(february)]: { receivedOn: '2025-02-14' } } });

    // Act
    const count = await putSignalsOnce(doc, TABLE, [monthly('2025-01'), february]);

    // Assess
    expect(count).toEqual({ stored: 1, alreadyPresent: 1 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('writes nothing for a re-sent batch whose entries the read finds', async () => {
    // Prepare
    const signals = [monthly('2025-01'), monthly('2025-02')];
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [itemOf(signals)] } });

    // Act
    const count = await putSignalsOnce(doc, TABLE, signals);

    // Assess
    expect(count).toEqual({ stored: 0, alreadyPresent: 2 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('retries the unprocessed items of a batch write until every item is written', async () => {
    // Prepare: 30 items (two batches); the first answer leaves three unprocessed
    const items = Array.from({ length: 30 }, (_, i) => ({ PK: `P#${i}`, SK: 'PROFILE' }));
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: items.slice(0, 3).map((Item) => ({ PutRequest: { Item } })) } })
      .resolves({});

    // Act
    await batchPut(doc, TABLE, items);

    // Assess
    const written = dynamo.commandCalls(BatchWriteCommand).flatMap((call) => call.args[0].input.RequestItems![TABLE]!.map((r) => r.PutRequest!.Item!.PK));
    expect(new Set(written)).toEqual(new Set(items.map((i) => i.PK)));
    expect(written).toHaveLength(33);
  });
});
