// Write and read patterns every DynamoDB adapter shares: conditional put-once, batched upsert, paged query.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import type { WriteCount } from '../../ports/stores.js';

/** DynamoDB's limits: 100 actions in a transaction, 25 puts in a batch, 100 keys in a batch read. */
export const TRANSACTION_SIZE = 100;
/** Bytes of items per transaction of puts, under DynamoDB's 4 MB a transaction. */
const TRANSACTION_BYTES = 3_000_000;
const BATCH_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Requests in flight; DynamoDB Local on two cores is no faster with more. */
const PUT_CONCURRENCY = 4;
const MAX_ATTEMPTS = 10;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Items in runs of at most `size`, and of at most `budget.max` by `budget.weigh` if given: a request's limits. */
export function chunked<T>(items: readonly T[], size: number, budget?: { max: number; weigh: (item: T) => number }): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = budget?.weigh(item) ?? 0;
    if (chunk.length >= size || (budget && chunk.length > 0 && weight + w > budget.max)) {
      chunks.push(chunk);
      [chunk, weight] = [[], 0];
    }
    chunk.push(item);
    weight += w;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
export const backoffMs = (attempt: number) => Math.min(1000, 25 * 2 ** attempt);

/**
 * Writes each item only if its key is new, so a re-sent input changes nothing (receivedOn included).
 * Repeats within the input count as already present (a transaction may not touch one key twice).
 */
export async function putOnce(doc: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<WriteCount> {
  const unique = [...new Map(items.map((item) => [`${item.PK}|${item.SK}`, item])).values()];
  const existing = await putAbsent(doc, tableName, unique, (item) => item);
  return { stored: unique.length - existing.length, alreadyPresent: items.length - unique.length + existing.length };
}

/**
 * Puts each entry's item on condition that its key is still absent, a hundred (and at most 3 MB) to a
 * transaction: one request instead of a hundred. A cancelled transaction names exactly which keys existed;
 * the rest go in the next round. Returns the entries whose keys were there, their items left as they were.
 */
export async function putAbsent<T>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly T[],
  itemOf: (entry: T) => Record<string, unknown>,
  concurrency = PUT_CONCURRENCY,
): Promise<T[]> {
  const chunks = chunked(entries, TRANSACTION_SIZE, { max: TRANSACTION_BYTES, weigh: (entry) => JSON.stringify(itemOf(entry)).length });
  const existing = await pMap(
    chunks,
    async (chunk) => {
      const found: T[] = [];
      for (let pending = chunk; pending.length > 0; ) {
        const { failedConditions } = await transact(
          doc,
          pending.map((entry) => ({ Put: { TableName: tableName, Item: itemOf(entry), ConditionExpression: 'attribute_not_exists(PK)' } })),
        );
        const exists = new Set(failedConditions);
        found.push(...pending.filter((_, index) => exists.has(index)));
        pending = exists.size === 0 ? [] : pending.filter((_, index) => !exists.has(index));
      }
      return found;
    },
    { concurrency },
  );
  return existing.flat();
}

/** Why DynamoDB cancels a transaction that may go through when tried again. */
const TRANSIENT_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);
const TRANSACT_ATTEMPTS = 6;

/**
 * Runs a transaction. A condition that fails is an answer, not an error: the indexes of the failed
 * conditions come back. A cancellation only for transient reasons (a conflicting transaction, throttling)
 * is retried with backoff, then thrown: it never reads as a failed condition.
 */
export async function transact(
  doc: DynamoDBDocumentClient,
  items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
): Promise<{ failedConditions: number[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { failedConditions: [] };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedConditions = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
      if (failedConditions.length > 0) return { failedConditions };
      const transient = reasons.some((reason) => TRANSIENT_CANCELLATIONS.has(reason.Code ?? ''));
      if (!transient || attempt >= TRANSACT_ATTEMPTS) throw error;
      await sleep(Math.random() * backoffMs(attempt));
    }
  }
}

export async function batchPut(doc: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[], concurrency = PUT_CONCURRENCY): Promise<void> {
  await pMap(chunked(items, BATCH_SIZE), (batch) => writeBatch(doc, tableName, batch.map((Item) => ({ PutRequest: { Item } }))), { concurrency });
}

/** BatchWriteItem may leave items unprocessed under throttling: retry them with backoff until none remain. */
async function writeBatch(doc: DynamoDBDocumentClient, tableName: string, requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]) {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    if (attempt > MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
    const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
    pending = result.UnprocessedItems?.[tableName] ?? [];
  }
}

type Key = Record<string, unknown>;

/** The items stored under these keys (absent ones left out), in batches of 100, unprocessed keys retried with backoff. */
export async function batchGet(doc: DynamoDBDocumentClient, tableName: string, keys: readonly Key[]): Promise<Record<string, unknown>[]> {
  const found = await pMap(chunked(keys, BATCH_GET_SIZE), (batch) => getBatch(doc, tableName, batch), { concurrency: PUT_CONCURRENCY });
  return found.flat();
}

async function getBatch(doc: DynamoDBDocumentClient, tableName: string, keys: Key[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    if (attempt > MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
    const result = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
    items.push(...(result.Responses?.[tableName] ?? []));
    pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return items;
}

export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The first item a query yields, paging only as far as needed (a filter can leave early pages empty). */
export async function queryFirst(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown> | undefined> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    if (page.Items?.[0]) return page.Items[0];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return undefined;
}
