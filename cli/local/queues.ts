// Reads what each recipient's subscriber queue received, as a subscriber would: dropping repeats by
// idempotency key, since SNS delivers at least once.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pMap from 'p-map';
import { EscalationNotice } from '../../shared/domain/notice-folding.js';
import type { SubscriberQueue } from './provision.js';

export interface DeliveredMessage {
  /** The queue it arrived in: the recipient whose filter policy let it through. */
  queueRecipient: string;
  message: EscalationNotice;
  /** The body exactly as the queue received it, so a check for leaks sees every byte, not only schema fields. */
  raw: string;
}

/**
 * The message SNS would hand a raw SQS subscription. The notifier publishes with MessageStructure=json;
 * SNS then delivers the document's `sqs` member, or else its `default`, but fauxqs (1.9) delivers the whole
 * document. Selecting the member here keeps the published bytes identical to what AWS receives.
 */
export function sqsBody(received: string): string {
  const structure = JSON.parse(received) as Record<string, unknown>;
  const body = structure.sqs ?? structure.default;
  if (typeof body !== 'string') throw new Error('expected a MessageStructure=json document with a default member');
  return body;
}

/** Consecutive empty receives before a queue counts as drained (delivery to queues is asynchronous). */
const EMPTY_POLLS = 2;

export async function drainQueue(sqs: SQSClient, queue: SubscriberQueue): Promise<Omit<DeliveredMessage, 'queueRecipient'>[]> {
  const received: Omit<DeliveredMessage, 'queueRecipient'>[] = [];
  for (let empty = 0; empty < EMPTY_POLLS; ) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) {
      empty += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    empty = 0;
    for (const { Body = '' } of Messages) received.push({ message: EscalationNotice.parse(JSON.parse(sqsBody(Body))), raw: Body });
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queue.queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
  return received;
}

export async function drainQueues(sqs: SQSClient, queues: readonly SubscriberQueue[]): Promise<{ delivered: DeliveredMessage[]; duplicatesDropped: number }> {
  const perQueue = await pMap(queues, (queue) => drainQueue(sqs, queue), { concurrency: 8 });
  const delivered: DeliveredMessage[] = [];
  let duplicatesDropped = 0;
  perQueue.forEach((received, index) => {
    const seen = new Set<string>();
    for (const { message, raw } of received) {
      if (seen.has(message.idempotencyKey)) {
        duplicatesDropped += 1;
        continue;
      }
      seen.add(message.idempotencyKey);
      delivered.push({ queueRecipient: queues[index]!.recipientId, message, raw });
    }
  });
  delivered.sort((a, b) => a.queueRecipient.localeCompare(b.queueRecipient) || a.message.idempotencyKey.localeCompare(b.message.idempotencyKey));
  return { delivered, duplicatesDropped };
}
