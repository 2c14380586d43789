// The SNS notifier against a mocked SNS client: what one publish looks like (per-protocol bodies, scalar
// attributes, one topic per tier), the batching limits, retries of failed entries and throttling, giving up,
// and the 256 KiB guard that drops the lowest-points evidence first.
import { InvalidParameterException, PublishBatchCommand, type PublishBatchCommandInput, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { batches, encodedSize, fitToSnsLimit, PublishError, publishEntry, SNS_MAX_PAYLOAD_BYTES, SnsNotifier, type TopicArns } from '../../shared/adapters/sns/notifier.js';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { type EscalationMessage } from '../../shared/domain/escalation-message.js';
import type { Factor, RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, LOCATION_ID, marketContext } from '../support/fixtures.js';

const TOPICS: TopicArns = {
  local: 'arn:aws:sns:eu-west-2:111111111111:local',
  regional: 'arn:aws:sns:eu-west-2:111111111111:regional',
  national: 'arn:aws:sns:eu-west-2:111111111111:national',
};

const factor = (family: Factor['family'], points: number, value = 'x'): Factor => ({
  family,
  indicator: `${family} indicator worth ${points}`,
  points,
  evidence: [{ source: family === 'financial' ? 'companies-house' : 'cqc-api', date: '2025-09-01', value }],
});

/** The messages the domain composes for a Red provider: Leeds hosts it, Bradford and Camden place residents there. */
function messagesFor(overrides: Partial<RiskAssessment> = {}): EscalationMessage[] {
  const market = marketContext([location()], { [LOCATION_ID]: [BRADFORD, CAMDEN] });
  const decision = decideEscalation(assessment({ factors: [factor('quality', 60), factor('financial', 100)], ...overrides }), undefined, market, DEFAULT_PROTOCOL);
  if (!decision) throw new Error('expected an escalation decision');
  return decision.messages;
}

/** What `kept` left out of `all`, or null when `kept` is not `all` with items left out (reordered, or added to). */
function droppedFrom(all: readonly Factor[], kept: readonly Factor[]): Factor[] | null {
  const dropped: Factor[] = [];
  let next = 0;
  for (const item of all) {
    if (next < kept.length && JSON.stringify(kept[next]) === JSON.stringify(item)) next += 1;
    else dropped.push(item);
  }
  return next === kept.length ? dropped : null;
}

const hostMessage = (overrides: Partial<RiskAssessment> = {}) => messagesFor(overrides).find((m) => m.recipient.id === LEEDS)!;

const sns = mockClient(SNSClient);
const notifier = () => new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), TOPICS, { maxAttempts: 3, baseDelayMs: 0 });
const sent = () => sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input as PublishBatchCommandInput);
const keysOf = (input: PublishBatchCommandInput) => (input.PublishBatchRequestEntries ?? []).map((e) => e.MessageAttributes?.idempotencyKey?.StringValue);
const succeedAll = (input: PublishBatchCommandInput) => ({ Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] });

beforeEach(() => {
  sns.reset();
});

describe('SnsNotifier.publish', () => {
  it('publishes one entry per recipient to its tier topic, with a JSON body for queues, plain text for email and scalar attributes', async () => {
    // Prepare
    sns.on(PublishBatchCommand).callsFake(succeedAll);
    const messages = messagesFor();

    // Act
    await notifier().publish(messages);

    // Assess
    const [call] = sent();
    expect(sent()).toHaveLength(1);
    expect(call?.TopicArn).toBe(TOPICS.local);
    expect(keysOf(call!)).toEqual(messages.map((m) => m.idempotencyKey));
    const entry = call!.PublishBatchRequestEntries![messages.findIndex((m) => m.recipient.id === LEEDS)]!;
    const leeds = hostMessage();
    expect(entry.MessageStructure).toBe('json');
    const bodies = JSON.parse(entry.Message!) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(bodies.default!)).toEqual(leeds);
    expect(bodies.email).toBe(`${leeds.body}\n\nReference: ${leeds.idempotencyKey} (a notice that arrives twice carries the same reference).`);
    expect(entry.Subject).toBe(leeds.summary.slice(0, 99));
    expect(entry.MessageAttributes).toEqual({
      recipient: { DataType: 'String', StringValue: LEEDS },
      recipientKind: { DataType: 'String', StringValue: 'host-council' },
      tier: { DataType: 'String', StringValue: 'local' },
      band: { DataType: 'String', StringValue: 'Red' },
      subjectId: { DataType: 'String', StringValue: leeds.subject.id },
      idempotencyKey: { DataType: 'String', StringValue: leeds.idempotencyKey },
      region: { DataType: 'String', StringValue: 'Yorkshire and Humber' },
    });
  });

  it('sends each tier to its own topic', async () => {
    // Prepare
    sns.on(PublishBatchCommand).callsFake(succeedAll);
    const local = messagesFor();
    const national = messagesFor({ councils: [LEEDS, CAMDEN], regions: ['Yorkshire and Humber', 'Greater London'] });

    // Act
    await notifier().publish([...national, ...local]);

    // Assess
    expect(sent().map((input) => [input.TopicArn, keysOf(input)])).toEqual([
      [TOPICS.local, local.map((m) => m.idempotencyKey)],
      [TOPICS.national, national.map((m) => m.idempotencyKey)],
    ]);
  });

  it('retries only the entries SNS failed on its side', async () => {
    // Prepare
    const messages = messagesFor();
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({ Successful: [{ Id: '0', MessageId: 'a' }, { Id: '2', MessageId: 'c' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .callsFake(succeedAll);

    // Act
    await notifier().publish(messages);

    // Assess
    expect(sent().map(keysOf)).toEqual([messages.map((m) => m.idempotencyKey), [messages[1]!.idempotencyKey]]);
  });

  it('retries the whole batch when SNS throttles the call', async () => {
    // Prepare
    const messages = messagesFor();
    sns
      .on(PublishBatchCommand)
      .rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }))
      .callsFake(succeedAll);

    // Act
    await notifier().publish(messages);

    // Assess
    expect(sent().map(keysOf)).toEqual([messages.map((m) => m.idempotencyKey), messages.map((m) => m.idempotencyKey)]);
  });

  it('gives up after the configured attempts and throws, naming the keys it could not publish', async () => {
    // Prepare
    const [first] = messagesFor();
    sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const publishing = notifier().publish([first!]);

    // Assess
    await expect(publishing).rejects.toThrow(PublishError);
    await expect(publishing).rejects.toThrow(`${first!.idempotencyKey} (InternalError)`);
    expect(sent()).toHaveLength(3);
  });

  it('keeps throwing throttling after the configured attempts', async () => {
    // Prepare
    sns.on(PublishBatchCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const publishing = notifier().publish(messagesFor());

    // Assess
    await expect(publishing).rejects.toBeInstanceOf(ThrottledException);
    expect(sent()).toHaveLength(3);
  });

  it('does not retry an entry SNS refuses as the sender’s fault, nor an error that is not transient', async () => {
    // Prepare
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '0', Code: 'InvalidParameter', SenderFault: true }] })
      .rejects(new InvalidParameterException({ message: 'bad', $metadata: {} }));

    // Act
    const refused = await notifier().publish(messagesFor()).catch((error: unknown) => error);
    const invalid = await notifier().publish(messagesFor()).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(PublishError);
    expect(String(refused)).toMatch(/SNS refused 1 escalation messages/);
    expect(invalid).toBeInstanceOf(InvalidParameterException);
    expect(sent()).toHaveLength(2);
  });

  it('publishes nothing for no messages', async () => {
    // Act
    await notifier().publish([]);

    // Assess
    expect(sent()).toEqual([]);
  });
});

describe('batches', () => {
  it('puts at most 10 entries in a PublishBatch call, numbered within it', () => {
    // Prepare
    const entry = publishEntry(hostMessage());

    // Act
    const split = batches(Array.from({ length: 25 }, () => entry));

    // Assess
    expect(split.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(split[1]!.map((e) => e.Id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('keeps each call within 256 KiB in total', () => {
    // Prepare: entries of about 58 KB (the value is in the JSON evidence, and in the body both in the JSON and as the email), so four fit in a call
    const large = publishEntry(hostMessage({ factors: [factor('quality', 60, 'q'.repeat(19_000))] }));
    expect(Math.floor(SNS_MAX_PAYLOAD_BYTES / encodedSize(large))).toBe(4);

    // Act
    const split = batches(Array.from({ length: 9 }, () => large));

    // Assess
    expect(split.map((b) => b.length)).toEqual([4, 4, 1]);
    for (const batch of split) expect(batch.reduce((sum, e) => sum + encodedSize(e), 0)).toBeLessThanOrEqual(SNS_MAX_PAYLOAD_BYTES);
  });
});

describe('fitToSnsLimit', () => {
  it('leaves a message within the limit as it is', () => {
    // Prepare
    const message = hostMessage();

    // Act
    const fitted = fitToSnsLimit(message);

    // Assess
    expect(fitted).toBe(message);
  });

  it('drops the lowest-points evidence of a huge message until it fits, and says how many items it left out', async () => {
    // Prepare: 3,000 factors of about 200 bytes each, ranked by points as the scorer ranks them
    const factors = Array.from({ length: 3000 }, (_, i) => factor(i % 2 ? 'financial' : 'quality', 3000 - i, 'v'.repeat(120)));
    const message = hostMessage({ factors });
    sns.on(PublishBatchCommand).callsFake(succeedAll);

    // Act
    await notifier().publish([message]);

    // Assess
    const entry = sent()[0]!.PublishBatchRequestEntries![0]!;
    const published = JSON.parse((JSON.parse(entry.Message!) as { default: string }).default) as EscalationMessage;
    const omitted = message.evidence.length - published.evidence.length;
    expect(encodedSize(publishEntry(message))).toBeGreaterThan(SNS_MAX_PAYLOAD_BYTES);
    expect(encodedSize(entry)).toBeLessThanOrEqual(SNS_MAX_PAYLOAD_BYTES);
    expect(omitted).toBeGreaterThan(0);
    expect(published.evidence).toEqual(message.evidence.slice(0, published.evidence.length));
    expect(published.body).toBe(`${message.body}\n${omitted} further evidence items omitted to keep this message within the SNS size limit.`);
    expect({ ...published, evidence: message.evidence, body: message.body }).toEqual(message);
  });

  it('never drops an item worth more than one it keeps, never adds one, and always fits', () => {
    // Prepare
    const factors = fc.array(
      fc.record({ family: fc.constantFrom('quality', 'safeguarding', 'workforce' as const), points: fc.integer({ min: 1, max: 100 }), size: fc.integer({ min: 1, max: 4000 }) }),
      { maxLength: 120 },
    );

    // Act / Assess
    fc.assert(
      fc.property(factors, fc.integer({ min: 20_000, max: SNS_MAX_PAYLOAD_BYTES }), (drafts, limit) => {
        const message = hostMessage({ factors: drafts.map((d) => factor(d.family, d.points, 'e'.repeat(d.size))) });
        fc.pre(encodedSize(publishEntry({ ...message, evidence: [] })) + 200 < limit);
        const fitted = fitToSnsLimit(message, limit);
        const dropped = droppedFrom(message.evidence, fitted.evidence);
        expect(encodedSize(publishEntry(fitted))).toBeLessThanOrEqual(limit);
        expect(dropped).not.toBeNull();
        for (const d of dropped ?? []) for (const k of fitted.evidence) expect(d.points).toBeLessThanOrEqual(k.points);
      }),
      { numRuns: 60 },
    );
  });

  it('throws when the message is over the limit even without evidence', () => {
    // Prepare
    const message = hostMessage({ factors: [factor('quality', 60)] });

    // Act
    const fitting = () => fitToSnsLimit(message, 1000);

    // Assess
    expect(fitting).toThrow(/without any evidence, over the SNS limit of 1000/);
  });
});
