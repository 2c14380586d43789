// Publishes escalation messages to one SNS topic per tier, one message per recipient, with scalar message
// attributes that subscription filter policies match on (a String.Array of 153 councils would not fit a
// policy's 150 combinations, and emulators do not match arrays).
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { EscalationMessage } from '../../domain/escalation.js';
import type { Tier } from '../../domain/protocol.js';
import type { Notifier } from '../../ports/escalations.js';

const SNS_BATCH_SIZE = 10;
const MAX_ATTEMPTS = 5;

export type TopicArns = Record<Tier, string>;

const text = (value: string) => ({ DataType: 'String', StringValue: value });

export function messageAttributes(m: EscalationMessage): PublishBatchRequestEntry['MessageAttributes'] {
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

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topics: TopicArns,
  ) {}

  async publish(messages: readonly EscalationMessage[]): Promise<void> {
    for (const tier of Object.keys(this.topics) as Tier[]) {
      const forTier = messages.filter((m) => m.tier === tier);
      for (let i = 0; i < forTier.length; i += SNS_BATCH_SIZE) await this.publishBatch(tier, forTier.slice(i, i + SNS_BATCH_SIZE));
    }
  }

  /** Retries only the entries SNS reports as failed; the caller's outbox keeps the rest safe on a crash. */
  private async publishBatch(tier: Tier, batch: readonly EscalationMessage[]): Promise<void> {
    let pending = batch.map((m, index) => ({
      Id: String(index),
      Message: JSON.stringify(m),
      // Email subjects must be printable ASCII under 100 characters.
      Subject: m.summary.replace(/[^\x20-\x7E]/g, '?').slice(0, 99),
      MessageAttributes: messageAttributes(m),
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.sns.send(new PublishBatchCommand({ TopicArn: this.topics[tier], PublishBatchRequestEntries: pending }));
      const failed = new Set((result.Failed ?? []).map((f) => f.Id));
      if (failed.size > 0 && attempt >= MAX_ATTEMPTS) {
        throw new Error(`SNS refused ${failed.size} escalation messages after ${attempt} attempts: ${(result.Failed ?? []).map((f) => f.Message).join('; ')}`);
      }
      pending = pending.filter((entry) => failed.has(entry.Id));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
