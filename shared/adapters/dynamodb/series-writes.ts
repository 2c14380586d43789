// Storing signals once each in their packed items (signal-series.ts) without a transaction: read the items a
// batch touches, then add only the entries they lack, each with `SET #e = if_not_exists(#e, :v)`. That update
// is atomic per item, so two ingests adding to one item at once lose nothing, the first copy of an entry (its
// receivedOn and value) stands, and `UPDATED_OLD` names the entries another writer added first: the count of
// what was new stays exact. A re-sent file finds every entry in the read and writes nothing at all.
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import type { Signal } from '../../domain/model.js';
import type { WriteCount } from '../../ports/stores.js';
import { entryNames, packSignals, type SeriesWrite } from './signal-series.js';
import { backoffMs, batchGet, sleep } from './writes.js';

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
  const updates: SeriesWrite[] = [];
  for (const write of writes) {
    const has = held.get(`${write.key.PK}|${write.key.SK}`);
    const lacking = [...write.entries].filter(([name]) => !has?.has(name));
    alreadyPresent += write.entries.size - lacking.length;
    for (let i = 0; i < lacking.length; i += ENTRIES_PER_UPDATE) updates.push({ ...write, entries: new Map(lacking.slice(i, i + ENTRIES_PER_UPDATE)) });
  }
  const raced = await pMap(updates, (update) => addEntries(doc, tableName, update), { concurrency: UPDATE_CONCURRENCY });
  const lost = raced.reduce((sum, n) => sum + n, 0);
  const written = updates.reduce((sum, u) => sum + u.entries.size, 0);
  return { stored: written - lost, alreadyPresent: alreadyPresent + lost };
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
