// Episodes and their acknowledgements in the single table. The subject's item points at its current
// episode; the episode and one item per acknowledgement share the episode's partition, so one consistent
// query reads an episode whole, and an acknowledgement (its own item, written once) never races a decision
// rewriting the episode. A decision's messages go to the outbox (outbox-store.ts), one item each.
import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type Acknowledgement, Episode } from '../../domain/episode.js';
import { type EscalationDecision } from '../../domain/escalation.js';
import type { IsoDate, Subject } from '../../domain/model.js';
import type { AcknowledgementStore, EscalationStore } from '../../ports/escalations.js';
import { DynamoOutbox, releaseMarker } from './outbox-store.js';
import { documentClient } from './stores.js';
import { queryAll, transact, TRANSACTION_SIZE } from './writes.js';
import { keys } from './table.js';

const CURRENT_EPISODE = 'EPISODE#CURRENT';
const EPISODE = 'EPISODE';
const ACKNOWLEDGEMENT = 'ACK#';
/** The decision's first action: only its condition failing means another run changed the episode first. */
const POINTER = 0;
/** The decision's actions after the pointer and the episode: its messages, or the marker of those staged. */
const MESSAGES_FROM = 2;
/** Half a transaction's 4 MB: room for the episode item and for what marshalling adds. */
const INLINE_MESSAGE_BYTES = 2_000_000;
/** The episode as stored: its acknowledgements are items of their own. */
const StoredEpisode = z.omit(Episode, { acknowledgements: true });

const episodeKey = (episodeId: string) => `EPISODE#${episodeId}`;

export class DynamoEscalationStore implements EscalationStore, AcknowledgementStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly outbox: DynamoOutbox;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Acknowledgements expire only at the end of the protocol's retention period. */
    private readonly retentionYears: number,
    /** The most messages written in the transaction that records their change; a change with more is staged. */
    private readonly messagesWithDecision = TRANSACTION_SIZE - MESSAGES_FROM,
  ) {
    this.doc = documentClient(client);
    this.outbox = new DynamoOutbox(client, tableName, retentionYears);
  }

  async currentEpisode(subject: Subject): Promise<Episode | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: keys.subject(subject.type, subject.id), SK: CURRENT_EPISODE }, ConsistentRead: true }),
    );
    return Item ? this.episode(String(Item.episodeId)) : undefined;
  }

  async episode(episodeId: string): Promise<Episode | undefined> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': episodeKey(episodeId) },
      ConsistentRead: true,
    });
    const stored = items.find((item) => item.SK === EPISODE);
    if (!stored) return undefined;
    const acknowledgements = items.filter((item) => String(item.SK).startsWith(ACKNOWLEDGEMENT)).map((item) => item.acknowledgement);
    return Episode.parse({ ...(stored.episode as object), acknowledgements });
  }

  async recordDecision(decision: EscalationDecision, previous: Episode | undefined, context: { decidedOn: IsoDate; familyId: string }): Promise<'recorded' | 'superseded'> {
    const { episode, messages } = decision;
    // A change's messages go pending in the transaction that records it when they fit beside the pointer and
    // the episode (100 actions, 4 MB); a regional or national change with more is staged first, released after.
    const inline = messages.length <= this.messagesWithDecision && JSON.stringify(messages).length <= INLINE_MESSAGE_BYTES;
    if (!inline && !(await this.outbox.stage(messages, context))) return 'superseded';
    const marker = inline ? undefined : releaseMarker(episode.episodeId, episode.change, messages.map((m) => m.idempotencyKey), context.decidedOn);
    const { failedConditions } = await transact(this.doc, [
      {
        // Every decision is on a later assessment than the last, so its date versions the pointer.
        Put: {
          TableName: this.tableName,
          Item: { PK: keys.subject(episode.subject.type, episode.subject.id), SK: CURRENT_EPISODE, episodeId: episode.episodeId, lastAssessedOn: episode.lastAssessedOn },
          ...(previous
            ? {
                ConditionExpression: 'episodeId = :episodeId AND lastAssessedOn = :lastAssessedOn',
                ExpressionAttributeValues: { ':episodeId': previous.episodeId, ':lastAssessedOn': previous.lastAssessedOn },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { PK: episodeKey(episode.episodeId), SK: EPISODE, episode: StoredEpisode.parse(episode) },
          ...(episode.episodeId !== previous?.episodeId ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
        },
      },
      ...(marker ? [{ Put: { TableName: this.tableName, Item: marker, ConditionExpression: 'attribute_not_exists(PK)' } }] : this.outbox.pendingPuts(messages, context)),
    ]);
    // Only another run recording first moves the pointer or releases this change's messages.
    if (failedConditions.includes(POINTER) || (inline && failedConditions.some((index) => index >= MESSAGES_FROM))) return 'superseded';
    if (failedConditions.length > 0) {
      throw new Error(`episode ${episode.episodeId} change ${episode.change}: stored state disagrees with its pointer (conditions ${failedConditions.join(', ')} failed)`);
    }
    if (marker) await this.outbox.release(marker);
    return 'recorded';
  }

  async acknowledge(acknowledgement: Acknowledgement): Promise<'recorded' | 'already-acknowledged' | 'episode-closed'> {
    const pk = episodeKey(acknowledgement.episodeId);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: { PK: pk, SK: EPISODE },
                ConditionExpression: '#episode.#status = :open',
                ExpressionAttributeNames: { '#episode': 'episode', '#status': 'status' },
                ExpressionAttributeValues: { ':open': 'open' },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { PK: pk, SK: `${ACKNOWLEDGEMENT}${acknowledgement.tier}#${acknowledgement.recipientId}`, acknowledgement, expiresAt: this.expiresAt(acknowledgement.on) },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [episodeCheck, acknowledgementPut] = error.CancellationReasons ?? [];
      if (acknowledgementPut?.Code === 'ConditionalCheckFailed') return 'already-acknowledged';
      if (episodeCheck?.Code === 'ConditionalCheckFailed') return 'episode-closed';
      throw error;
    }
  }

  private expiresAt(on: string): number {
    return Math.floor(Date.parse(`${on}T00:00:00Z`) / 1000) + this.retentionYears * 366 * 86_400;
  }
}
