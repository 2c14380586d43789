// Publishes escalation messages to one SNS topic per tier, one message per recipient, with scalar message
// attributes that subscription filter policies match on (a String.Array of 153 councils would not fit a
// policy's 150 combinations, and emulators do not match arrays). Each publish carries one body per
// protocol: queues (and email-json, https) get the versioned JSON message, email gets the plain text.
import { type BatchResultErrorEntry, PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { EscalationMessage } from '../../domain/escalation-message.js';
import type { EscalationNotice } from '../../domain/notice-folding.js';
import type { Tier } from '../../domain/protocol.js';
import type { Notifier, PublishOutcome } from '../../ports/escalations.js';
import { requiredEnv } from '../aws-clients.js';

export type TopicArns = Record<Tier, string>;

/** The environment variable a publishing function reads each tier's topic ARN from. */
export const TOPIC_ARN_ENV: Record<Tier, string> = {
  local: 'TOPIC_ARN_LOCAL',
  regional: 'TOPIC_ARN_REGIONAL',
  national: 'TOPIC_ARN_NATIONAL',
};

export const topicArnsFromEnvironment = (): TopicArns => ({
  local: requiredEnv(TOPIC_ARN_ENV.local),
  regional: requiredEnv(TOPIC_ARN_ENV.regional),
  national: requiredEnv(TOPIC_ARN_ENV.national),
});

/** SNS refuses a message, and a whole PublishBatch, over 256 KiB, message attributes included. */
export const SNS_MAX_PAYLOAD_BYTES = 262_144;
const SNS_BATCH_SIZE = 10;

export interface RetryOptions {
  /** Attempts per batch before giving up; the caller's outbox entry then stays pending. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff before attempt n+1 is up to baseDelayMs * 2^(n-1) (full jitter). @default 100 */
  readonly baseDelayMs?: number;
}

const text = (value: string) => ({ DataType: 'String', StringValue: value });

export function messageAttributes(m: EscalationMessage): NonNullable<PublishBatchRequestEntry['MessageAttributes']> {
  return {
    recipient: text(m.recipient.id),
    recipientKind: text(m.recipient.kind),
    tier: text(m.tier),
    band: text(m.band),
    subjectId: text(m.subject.id),
    idempotencyKey: text(m.idempotencyKey),
    ...(m.region ? { region: text(m.region) } : {}),
  };
}

/** The email body: the message's plain text, with the key a reader can recognise a repeat by. */
export const emailText = (m: EscalationMessage): string =>
  `${m.body}\n\nReference: ${m.idempotencyKey} (a notice that arrives twice carries the same reference).`;

/** A batch entry without its Id, which only means something within one PublishBatch call. */
export type PublishEntry = Omit<PublishBatchRequestEntry, 'Id'>;

/** The publish entry for one message, as SNS measures and delivers it. */
export function publishEntry(m: EscalationMessage): PublishEntry {
  return {
    MessageStructure: 'json',
    // No `email-json` member: SNS falls back to `default`, the JSON message, for it as for sqs and https.
    Message: JSON.stringify({ default: JSON.stringify(m), email: emailText(m) }),
    // Email subjects must be printable ASCII under 100 characters.
    Subject: m.summary.replace(/[^\x20-\x7E]/g, '?').slice(0, 99),
    MessageAttributes: messageAttributes(m),
  };
}

const bytes = (value: string | undefined) => (value === undefined ? 0 : Buffer.byteLength(value, 'utf8'));

/** What an entry counts against SNS's payload limit: body, subject, and each attribute's name, type and value. */
export function encodedSize(entry: PublishEntry): number {
  const attributes = Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) => sum + bytes(name) + bytes(value.DataType) + bytes(value.StringValue),
    0,
  );
  return bytes(entry.Message) + bytes(entry.Subject) + attributes;
}

/**
 * The message, or, when it would exceed SNS's limit, the message without its lowest-points evidence items
 * and with a note saying how many were left out. Dropping only removes: redaction is never undone.
 */
export function fitToSnsLimit<M extends EscalationMessage>(message: M, limit = SNS_MAX_PAYLOAD_BYTES): M {
  const sizeOf = (m: M) => encodedSize(publishEntry(m));
  let size = sizeOf(message);
  if (size <= limit) return message;
  // Lowest points first; among equals, the later item first, so the kept list reads as it was ranked.
  const dropOrder = message.evidence.map((factor, index) => ({ factor, index })).sort((a, b) => a.factor.points - b.factor.points || b.index - a.index);
  const dropped = new Set<number>();
  let fitted = message;
  while (size > limit) {
    if (dropped.size === message.evidence.length) {
      throw new Error(`escalation ${message.idempotencyKey} is ${size} bytes without any evidence, over the SNS limit of ${limit}`);
    }
    // Shed about the excess in one step (each item's bytes as escaped inside the JSON document), then measure.
    for (let shed = 0; shed < size - limit && dropped.size < message.evidence.length; ) {
      const next = dropOrder[dropped.size]!;
      dropped.add(next.index);
      shed += bytes(JSON.stringify(JSON.stringify(next.factor)));
    }
    const omitted = dropped.size;
    fitted = {
      ...message,
      evidence: message.evidence.filter((_, index) => !dropped.has(index)),
      body: `${message.body}\n${omitted} further evidence ${omitted === 1 ? 'item' : 'items'} omitted to keep this message within the SNS size limit.`,
    };
    size = sizeOf(fitted);
  }
  return fitted;
}

/** Splits entries into PublishBatch calls within both the 10-entry and the 256 KiB total limits. */
export function batches(entries: readonly PublishEntry[]): PublishBatchRequestEntry[][] {
  const result: PublishBatchRequestEntry[][] = [];
  let current: PublishBatchRequestEntry[] = [];
  let currentSize = 0;
  for (const entry of entries) {
    const size = encodedSize(entry);
    if (current.length === SNS_BATCH_SIZE || (current.length > 0 && currentSize + size > SNS_MAX_PAYLOAD_BYTES)) {
      result.push(current);
      current = [];
      currentSize = 0;
    }
    current.push({ ...entry, Id: String(current.length) });
    currentSize += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'KMSThrottlingException', 'TooManyRequestsException']);

/** Worth another attempt: throttling (of SNS or of the topic's KMS key) and server-side faults. */
function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $fault?: string; $retryable?: { throttling?: boolean } };
  return THROTTLING.has(e.name ?? '') || e.$retryable?.throttling === true || e.$fault === 'server';
}

export class SnsNotifier implements Notifier {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly sns: SNSClient,
    private readonly topics: TopicArns,
    retry: RetryOptions = {},
  ) {
    this.maxAttempts = retry.maxAttempts ?? 5;
    this.baseDelayMs = retry.baseDelayMs ?? 100;
  }

  /**
   * Publishes every notice it can and says which failed: one notice that SNS refuses, or that keeps failing
   * after retries, never holds back the others. Only a failure to reach SNS at all for a whole batch is
   * reported for that batch's notices alone.
   */
  async publish(notices: readonly EscalationNotice[]): Promise<PublishOutcome[]> {
    const outcomes: PublishOutcome[] = [];
    for (const tier of Object.keys(this.topics) as Tier[]) {
      const entries: PublishEntry[] = [];
      for (const notice of notices.filter((m) => m.tier === tier)) {
        try {
          entries.push(publishEntry(fitToSnsLimit(notice)));
        } catch (error) {
          // Too large even without evidence: this notice fails alone, the rest still go.
          outcomes.push({ key: notice.idempotencyKey, published: false, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      for (const batch of batches(entries)) outcomes.push(...(await this.publishBatch(this.topics[tier], batch)));
    }
    return outcomes;
  }

  /** Retries only the entries SNS failed on its side; an entry it refuses as the sender's fault fails at once. */
  private async publishBatch(topicArn: string, batch: readonly PublishBatchRequestEntry[]): Promise<PublishOutcome[]> {
    const keyOf = (id: string | undefined) => batch.find((e) => e.Id === id)?.MessageAttributes?.idempotencyKey?.StringValue ?? String(id);
    const failures: PublishOutcome[] = [];
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: BatchResultErrorEntry[];
      try {
        failed = (await this.sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [...pending] }))).Failed ?? [];
      } catch (error) {
        const e = error as Error;
        failed = pending.map((entry) => ({ Id: entry.Id, Code: e.name, Message: e.message, SenderFault: !isTransient(error) }));
      }
      const giveUp = (f: BatchResultErrorEntry) => f.SenderFault || attempt >= this.maxAttempts;
      for (const f of failed.filter(giveUp)) {
        failures.push({ key: keyOf(f.Id), published: false, reason: `${f.SenderFault ? 'refused' : `failed after ${attempt} attempts`}: ${f.Code}` });
      }
      const retry = new Set(failed.filter((f) => !giveUp(f)).map((f) => f.Id));
      pending = pending.filter((entry) => retry.has(entry.Id));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.baseDelayMs * 2 ** (attempt - 1)));
    }
    const failedKeys = new Set(failures.map((f) => f.key));
    return [...batch.filter((e) => !failedKeys.has(keyOf(e.Id))).map((e): PublishOutcome => ({ key: keyOf(e.Id), published: true })), ...failures];
  }
}
