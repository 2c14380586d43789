// The dead-letter queue for escalation notices that keep failing to publish. It carries the notice's and its
// messages' keys, the attempts and the reason, never the content: the content stays in the outbox entry,
// under the table's access rules, for whoever investigates.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../../ports/escalations.js';

export const DEAD_LETTER_QUEUE_URL_ENV = 'OUTBOX_DEAD_LETTER_QUEUE_URL';

export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(failure: Parameters<DeadLetters['send']>[0]): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(failure) }));
  }
}
