// Episodes, their transactional outbox and the append-only disclosure audit trail in the single table.
import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type EscalationDecision, EscalationMessage, Episode } from '../../domain/escalation.js';
import type { Subject } from '../../domain/model.js';
import type { Disclosure, EscalationStore, OutboxEntry } from '../../ports/escalations.js';
import { documentClient } from './stores.js';
import { putOnce, queryAll } from './writes.js';
import { GSI2, keys } from './table.js';

const EPISODE_SK = 'EPISODE#CURRENT';
const OUTBOX_PENDING = 'OUTBOX#PENDING';
const OutboxMessages = z.array(EscalationMessage);

export class DynamoEscalationStore implements EscalationStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Audit records expire only at the end of the protocol's retention period. */
    private readonly retentionYears: number,
  ) {
    this.doc = documentClient(client);
  }

  async currentEpisode(subject: Subject): Promise<Episode | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: keys.subject(subject.type, subject.id), SK: EPISODE_SK }, ConsistentRead: true }),
    );
    return Item ? Episode.parse(Item.episode) : undefined;
  }

  async recordDecision(decision: EscalationDecision, previous: Episode | undefined): Promise<'recorded' | 'superseded'> {
    const { episode, messages } = decision;
    const outboxId = `${episode.episodeId}#${episode.change}`;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { PK: keys.subject(episode.subject.type, episode.subject.id), SK: EPISODE_SK, change: episode.change, episode },
                ...(previous
                  ? { ConditionExpression: '#change = :previous', ExpressionAttributeNames: { '#change': 'change' }, ExpressionAttributeValues: { ':previous': previous.change } }
                  : { ConditionExpression: 'attribute_not_exists(PK)' }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { PK: `OUTBOX#${outboxId}`, SK: 'OUTBOX', GSI2PK: OUTBOX_PENDING, GSI2SK: outboxId, outboxId, messages },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'superseded';
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
    const expiresAt = Math.floor(Date.parse(`${disclosedOn}T00:00:00Z`) / 1000) + this.retentionYears * 366 * 86_400;
    const disclosures = entry.messages.map((m) => ({
      PK: `AUDIT#${m.subject.id}`,
      SK: m.idempotencyKey,
      GSI1PK: `AUDIT-RECIPIENT#${m.recipient.id}`,
      GSI1SK: `${disclosedOn}#${m.idempotencyKey}`,
      expiresAt,
      disclosure: {
        idempotencyKey: m.idempotencyKey,
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

  async disclosuresForSubject(subjectId: string): Promise<Disclosure[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${subjectId}` },
    });
    return items.map((item) => item.disclosure as Disclosure);
  }
}
