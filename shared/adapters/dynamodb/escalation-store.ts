// Episodes, their acknowledgements, their transactional outbox and the append-only disclosure audit trail
// in the single table. The subject's item points at its current episode; the episode and one item per
// acknowledgement share the episode's partition, so one consistent query reads an episode whole, and an
// acknowledgement (its own item, written once) never races a decision rewriting the episode.
import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, type QueryCommandInput, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type Acknowledgement, Episode } from '../../domain/episode.js';
import { type EscalationDecision } from '../../domain/escalation.js';
import { EscalationMessage } from '../../domain/escalation-message.js';
import type { Subject } from '../../domain/model.js';
import type { AcknowledgementStore, Disclosure, EscalationStore, OutboxEntry } from '../../ports/escalations.js';
import { documentClient } from './stores.js';
import { putOnce, queryAll } from './writes.js';
import { GSI1, GSI2, keys } from './table.js';

const CURRENT_EPISODE = 'EPISODE#CURRENT';
const EPISODE = 'EPISODE';
const ACKNOWLEDGEMENT = 'ACK#';
const OUTBOX_PENDING = 'OUTBOX#PENDING';
const OutboxMessages = z.array(EscalationMessage);
/** The episode as stored: its acknowledgements are items of their own. */
const StoredEpisode = z.omit(Episode, { acknowledgements: true });

const episodeKey = (episodeId: string) => `EPISODE#${episodeId}`;

export class DynamoEscalationStore implements EscalationStore, AcknowledgementStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Audit records and acknowledgements expire only at the end of the protocol's retention period. */
    private readonly retentionYears: number,
  ) {
    this.doc = documentClient(client);
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

  async recordDecision(decision: EscalationDecision, previous: Episode | undefined): Promise<'recorded' | 'superseded'> {
    const { episode, messages } = decision;
    const outboxId = `${episode.episodeId}#${episode.change}`;
    const isNew = episode.episodeId !== previous?.episodeId;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
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
                ...(isNew ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
              },
            },
            ...(messages.length > 0
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { PK: `OUTBOX#${outboxId}`, SK: 'OUTBOX', GSI2PK: OUTBOX_PENDING, GSI2SK: outboxId, outboxId, messages },
                      ConditionExpression: 'attribute_not_exists(PK)',
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'superseded';
      throw error;
    }
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

  async pendingOutbox(): Promise<OutboxEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI2.name,
      KeyConditionExpression: `${GSI2.pk} = :pending`,
      ExpressionAttributeValues: { ':pending': OUTBOX_PENDING },
    });
    return items.map((item) => ({ outboxId: String(item.outboxId), messages: OutboxMessages.parse(item.messages) }));
  }

  async markPublished(entry: OutboxEntry, disclosedOn: string): Promise<void> {
    const expiresAt = this.expiresAt(disclosedOn);
    const disclosures = entry.messages.map((m) => ({
      PK: `AUDIT#${m.subject.id}`,
      SK: m.idempotencyKey,
      GSI1PK: `AUDIT-RECIPIENT#${m.recipient.id}`,
      GSI1SK: `${disclosedOn}#${m.idempotencyKey}`,
      expiresAt,
      disclosure: {
        idempotencyKey: m.idempotencyKey,
        episodeId: m.episodeId,
        changeKind: m.changeKind,
        subjectId: m.subject.id,
        recipientId: m.recipient.id,
        tier: m.tier,
        fieldClasses: m.fieldClasses,
        protocolVersion: m.protocolVersion,
        legalBasis: m.legalBasis,
        disclosedOn,
      } satisfies Disclosure,
    }));
    // Append-only: a re-run after a crash finds the records present and leaves them as first written.
    await putOnce(this.doc, this.tableName, disclosures);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `OUTBOX#${entry.outboxId}`, SK: 'OUTBOX' },
        UpdateExpression: 'REMOVE GSI2PK, GSI2SK SET published = :on',
        ExpressionAttributeValues: { ':on': disclosedOn },
      }),
    );
  }

  disclosuresForSubject(subjectId: string): Promise<Disclosure[]> {
    return this.disclosures({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${subjectId}` } });
  }

  disclosuresForRecipient(recipientId: string): Promise<Disclosure[]> {
    return this.disclosures({
      IndexName: GSI1.name,
      KeyConditionExpression: `${GSI1.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': `AUDIT-RECIPIENT#${recipientId}` },
    });
  }

  private async disclosures(query: Omit<QueryCommandInput, 'TableName'>): Promise<Disclosure[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, ...query });
    return items.map((item) => item.disclosure as Disclosure);
  }

  private expiresAt(on: string): number {
    return Math.floor(Date.parse(`${on}T00:00:00Z`) / 1000) + this.retentionYears * 366 * 86_400;
  }
}
