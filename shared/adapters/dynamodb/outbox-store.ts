// The escalation outbox and the append-only disclosure audit trail in the single table. One item per
// message, so a change with hundreds of recipients has no size limit:
//   staged    written before its decision is recorded, invisible to publishers, expiring if never released;
//   pending   released once the decision is recorded (the sparse OUTBOX#PENDING index lists them);
//   claimed   the disclosure record written and the message tied to its notice, in one transaction;
//   published or dead-lettered: out of the pending index, the date on the entry (never on the AUDIT# item).
import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import * as z from 'zod/mini';
import { EscalationMessage } from '../../domain/escalation-message.js';
import { type IsoDate } from '../../domain/model.js';
import { disclosedClasses, NoticeFormat, type PlannedNotice } from '../../domain/notice-folding.js';
import type { Disclosure, OutboxEntry, OutboxStore } from '../../ports/escalations.js';
import { documentClient } from './stores.js';
import { queryAll, transact } from './writes.js';
import { GSI1, GSI2 } from './table.js';

const OUTBOX_PENDING = 'OUTBOX#PENDING';
const OUTBOX_UNRELEASED = 'OUTBOX#UNRELEASED';
/** Requests in flight when staging, releasing or marking one change's messages. */
const WRITE_CONCURRENCY = 8;
/** A staged message whose decision was never recorded (a crash, a superseded run) expires unseen. */
const STAGED_DAYS = 30;

export const outboxKey = (messageKey: string) => ({ PK: `OUTBOX#${messageKey}`, SK: 'OUTBOX' });
/** A pending message's place in the pending index: by the day its change was decided. */
const pendingSortKey = (decidedOn: IsoDate, messageKey: string) => `${decidedOn}#${messageKey}`;

/** The marker a decision leaves beside its episode until its messages are released. */
export const releaseMarkerKey = (episodeId: string, change: number) => ({ PK: `EPISODE#${episodeId}`, SK: `RELEASE#${String(change).padStart(6, '0')}` });
export const releaseMarker = (episodeId: string, change: number, messageKeys: readonly string[], decidedOn: IsoDate) => ({
  ...releaseMarkerKey(episodeId, change),
  GSI2PK: OUTBOX_UNRELEASED,
  GSI2SK: `${episodeId}#${change}`,
  episodeId,
  change,
  messageKeys,
  decidedOn,
});

const StoredEntry = z.object({
  message: EscalationMessage,
  familyId: z.string(),
  decidedOn: z.string(),
  attempts: z.optional(z.number()),
  dispatchKey: z.optional(z.string()),
  dispatchFormat: z.optional(NoticeFormat),
});

/** What a decision leaves to release: read back with the schema, written by `releaseMarker`. */
interface ReleaseMarker {
  episodeId: string;
  change: number;
  messageKeys: readonly string[];
  decidedOn: IsoDate;
}
const Marker = z.object({ episodeId: z.string(), change: z.number(), messageKeys: z.array(z.string()), decidedOn: z.string() });

export class DynamoOutbox implements OutboxStore {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Disclosure records expire only at the end of the protocol's retention period. */
    private readonly retentionYears: number,
  ) {
    this.doc = documentClient(client);
  }

  /**
   * Stages one change's messages. A message already released (a concurrent run recorded this change first)
   * is never overwritten: the caller's decision will then be superseded. Returns false in that case.
   */
  async stage(messages: readonly EscalationMessage[], context: { decidedOn: IsoDate; familyId: string }): Promise<boolean> {
    const expiresAt = Math.floor(Date.now() / 1000) + STAGED_DAYS * 86_400;
    const staged = await pMap(
      messages,
      async (message) => {
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: outboxKey(message.idempotencyKey),
              UpdateExpression: 'SET message = :message, familyId = :familyId, decidedOn = :decidedOn, staged = :true, expiresAt = :expiresAt',
              ConditionExpression: 'attribute_not_exists(PK) OR attribute_exists(staged)',
              ExpressionAttributeValues: { ':message': message, ':familyId': context.familyId, ':decidedOn': context.decidedOn, ':true': true, ':expiresAt': expiresAt },
            }),
          );
          return true;
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException') return false;
          throw error;
        }
      },
      { concurrency: WRITE_CONCURRENCY },
    );
    return staged.every(Boolean);
  }

  /**
   * The actions that write one change's messages straight to pending, for the transaction that records the
   * change itself: a change with few messages needs no staging. A message a run staged and never released is
   * replaced; one already released means another run recorded this change first, and cancels the transaction.
   */
  pendingPuts(messages: readonly EscalationMessage[], context: { decidedOn: IsoDate; familyId: string }) {
    return messages.map((message) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...outboxKey(message.idempotencyKey),
          message,
          familyId: context.familyId,
          decidedOn: context.decidedOn,
          GSI2PK: OUTBOX_PENDING,
          GSI2SK: pendingSortKey(context.decidedOn, message.idempotencyKey),
        },
        ConditionExpression: 'attribute_not_exists(PK) OR attribute_exists(staged)',
      },
    }));
  }

  /** Makes a recorded change's messages pending, then removes its marker. Safe to repeat. */
  async release(marker: ReleaseMarker): Promise<void> {
    await pMap(
      marker.messageKeys,
      (messageKey) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: outboxKey(messageKey),
            // A message already claimed or published keeps its state: only a staged one becomes pending.
            UpdateExpression: 'SET GSI2PK = :pending, GSI2SK = :sortKey REMOVE staged, expiresAt',
            ConditionExpression: 'attribute_exists(staged)',
            ExpressionAttributeValues: { ':pending': OUTBOX_PENDING, ':sortKey': pendingSortKey(marker.decidedOn, messageKey) },
          }),
        ).catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        }),
      { concurrency: WRITE_CONCURRENCY },
    );
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: releaseMarkerKey(marker.episodeId, marker.change) }));
  }

  async releaseStaged(): Promise<number> {
    const markers = (await this.queryIndex(GSI2, OUTBOX_UNRELEASED)).map((item) => Marker.parse(item));
    for (const marker of markers) await this.release(marker);
    return markers.length;
  }

  async pendingOutbox(): Promise<OutboxEntry[]> {
    return (await this.queryIndex(GSI2, OUTBOX_PENDING)).map((item) => {
      const entry = StoredEntry.parse(item);
      return {
        message: entry.message,
        familyId: entry.familyId,
        decidedOn: entry.decidedOn,
        attempts: entry.attempts ?? 0,
        dispatch: entry.dispatchKey && entry.dispatchFormat ? { key: entry.dispatchKey, format: entry.dispatchFormat } : null,
      };
    });
  }

  async claim(planned: PlannedNotice, disclosedOn: IsoDate): Promise<'claimed' | 'taken'> {
    const { recipient, protocolVersion, legalBasis } = planned.notice;
    const { failedConditions } = await transact(
      this.doc,
      planned.messages.flatMap((m) => {
        const disclosure: Disclosure = {
          idempotencyKey: m.idempotencyKey,
          episodeId: m.episodeId,
          changeKind: m.changeKind,
          subjectId: m.subject.id,
          recipientId: recipient.id,
          tier: m.tier,
          fieldClasses: disclosedClasses(planned, m.idempotencyKey),
          protocolVersion,
          legalBasis,
          disclosedOn,
          sentAs: planned.key,
        };
        return [
          {
            Update: {
              TableName: this.tableName,
              Key: outboxKey(m.idempotencyKey),
              UpdateExpression: 'SET dispatchKey = :key, dispatchFormat = :format, disclosedOn = :on',
              ConditionExpression: 'attribute_exists(GSI2PK) AND attribute_not_exists(dispatchKey)',
              ExpressionAttributeValues: { ':key': planned.key, ':format': planned.format, ':on': disclosedOn },
            },
          },
          {
            // Append-only: written once, never updated; the published mark lives on the outbox entry.
            Put: {
              TableName: this.tableName,
              Item: {
                PK: `AUDIT#${m.subject.id}`,
                SK: m.idempotencyKey,
                GSI1PK: `AUDIT-RECIPIENT#${recipient.id}`,
                GSI1SK: `${disclosedOn}#${m.idempotencyKey}`,
                expiresAt: this.expiresAt(disclosedOn),
                disclosure,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ];
      }),
    );
    return failedConditions.length === 0 ? 'claimed' : 'taken';
  }

  async markPublished(messageKeys: readonly string[], on: IsoDate): Promise<void> {
    await this.leavePending(messageKeys, 'publishedOn', on);
  }

  async markDeadLettered(messageKeys: readonly string[], on: IsoDate): Promise<void> {
    await this.leavePending(messageKeys, 'deadLetteredOn', on);
  }

  async recordFailedAttempt(messageKeys: readonly string[]): Promise<number> {
    const counts = await pMap(
      messageKeys,
      async (messageKey) => {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: outboxKey(messageKey),
            UpdateExpression: 'ADD attempts :one',
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(Attributes?.attempts ?? 0);
      },
      { concurrency: WRITE_CONCURRENCY },
    );
    return Math.max(0, ...counts);
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

  private async leavePending(messageKeys: readonly string[], attribute: 'publishedOn' | 'deadLetteredOn', on: IsoDate): Promise<void> {
    await pMap(
      messageKeys,
      (messageKey) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: outboxKey(messageKey),
            UpdateExpression: 'REMOVE GSI2PK, GSI2SK SET #state = :on',
            ExpressionAttributeNames: { '#state': attribute },
            ExpressionAttributeValues: { ':on': on },
          }),
        ),
      { concurrency: WRITE_CONCURRENCY },
    );
  }

  private queryIndex(index: typeof GSI2, partition: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: `${index.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
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
