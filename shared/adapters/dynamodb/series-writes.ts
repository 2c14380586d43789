// Storing signals once each in their packed items (signal-series.ts): read the items a batch touches, then
// - create each item the read did not find, whole, a hundred to a transaction on condition that it is still
//   absent (a backfill's first load, a new year's items): one request where single updates took a hundred;
// - add to each item found only the entries it lacks, each with `SET #e = if_not_exists(#e, :v)`. That update
//   is atomic per item, so two ingests adding to one item at once lose nothing, the first copy of an entry (its
//   receivedOn and value) stands, and `UPDATED_OLD` names the entries another writer added first.
// An item another writer created between the read and the transaction fails its condition and is added to
// like any other, so the count of what was new stays exact. A re-sent file finds every entry in the read and
// writes nothing at all. Only first writes are transactional (twice the write capacity of a plain put on AWS:
// for England's backfill of 214,000 items, about a dollar once).
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import type { Signal } from '../../domain/model.js';
import type { WriteCount } from '../../ports/stores.js';
import { entryNames, packSignals, type SeriesWrite, seriesItem } from './signal-series.js';
import { backoffMs, batchGet, chunked, putAbsent, sleep } from './writes.js';

/** Entries per update: keeps the expression well under DynamoDB's 4 KB limit. */
const ENTRIES_PER_UPDATE = 60;
/** Updates in flight: DynamoDB Local on two cores gains nothing past this. */
export const UPDATE_CONCURRENCY = 8;
const UPDATE_ATTEMPTS = 8;
const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

export async function putSignalsOnce(doc: DynamoDBDocumentClient, tableName: string, signals: readonly Signal[]): Promise<WriteCount> {
  const { writes, repeats } = packSignals(signals);
  const stored = await batchGet(doc, tableName, writes.map((w) => w.key));
  const held = new Map(stored.map((item) => [`${item.PK}|${item.SK}`, new Set(entryNames(item))]));
  let alreadyPresent = repeats;
  const absent: SeriesWrite[] = [];
  const toAdd: SeriesWrite[] = [];
  for (const write of writes) {
    const has = held.get(`${write.key.PK}|${write.key.SK}`);
    if (!has) {
      absent.push(write);
      continue;
    }
    const lacking = new Map([...write.entries].filter(([name]) => !has.has(name)));
    alreadyPresent += write.entries.size - lacking.size;
    if (lacking.size > 0) toAdd.push({ ...write, entries: lacking });
  }
  // Those another writer created between the read and the transaction are added to like the found ones.
  const raced = await putAbsent(doc, tableName, absent, seriesItem, UPDATE_CONCURRENCY);
  const created = absent.reduce((sum, w) => sum + w.entries.size, 0) - raced.reduce((sum, w) => sum + w.entries.size, 0);
  const updates = [...toAdd, ...raced].flatMap((write) => chunked([...write.entries], ENTRIES_PER_UPDATE).map((entries) => ({ ...write, entries: new Map(entries) })));
  const lost = (await pMap(updates, (update) => addEntries(doc, tableName, update), { concurrency: UPDATE_CONCURRENCY })).reduce((sum, n) => sum + n, 0);
  const added = updates.reduce((sum, u) => sum + u.entries.size, 0);
  return { stored: created + added - lost, alreadyPresent: alreadyPresent + lost };
}

/** Adds the entries an item lacks; returns how many were there after all (another writer added them first). */
async function addEntries(doc: DynamoDBDocumentClient, tableName: string, write: SeriesWrite): Promise<number> {
  const names: Record<string, string> = { '#subject': 'subject' };
  const values: Record<string, unknown> = { ':subject': write.subject };
  const sets = ['#subject = if_not_exists(#subject, :subject)'];
  [...write.entries].forEach(([name, entry], i) => {
    names[`#e${i}`] = name;
    values[`:e${i}`] = entry;
    sets.push(`#e${i} = if_not_exists(#e${i}, :e${i})`);
  });
  const command = new UpdateCommand({
    TableName: tableName,
    Key: write.key,
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: 'UPDATED_OLD',
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const { Attributes = {} } = await doc.send(command);
      return entryNames(Attributes).filter((name) => write.entries.has(name)).length;
    } catch (error) {
      // Throttling the SDK's own retries did not outlast: back off and send the same (idempotent) update again.
      if (!(error instanceof Error) || !THROTTLING.has(error.name) || attempt >= UPDATE_ATTEMPTS) throw error;
      await sleep(Math.random() * backoffMs(attempt));
    }
  }
}
