// The SNS notifier against a mocked SNS client: what one publish looks like (per-protocol bodies, scalar
// attributes, one topic per tier), the batching limits, retries of failed entries and throttling, the
// outcome it reports for each notice (published, refused, or failed after retries), and the 256 KiB guard
// that drops the lowest-points evidence first.
import { InvalidParameterException, PublishBatchCommand, type PublishBatchCommandInput, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { batches, encodedSize, fitToSnsLimit, publishEntry, SNS_MAX_PAYLOAD_BYTES, SnsNotifier, type TopicArns } from '../../shared/adapters/sns/notifier.js';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { type EscalationMessage } from '../../shared/domain/escalation-message.js';
import type { Factor, RiskAssessment } from '../../shared/domain/model.js';
import { type EscalationNotice, noticeOf } from '../../shared/domain/notice-folding.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, LOCATION_ID, marketContext } from '../support/fixtures.js';
import { groupMarket, red, waitingFor } from '../support/outbox.js';

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
/** Each message as the outbox publishes it alone: a notice of one. */
const noticesFor = (overrides: Partial<RiskAssessment> = {}) => messagesFor(overrides).map((m) => noticeOf([m], 'family'));
const hostNotice = (overrides: Partial<RiskAssessment> = {}) => noticeOf([hostMessage(overrides)], 'family');
const byKey = <T extends { key: string }>(outcomes: readonly T[]) => [...outcomes].sort((a, b) => a.key.localeCompare(b.key));
const throttled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: {} });

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
    const notices = noticesFor();

    // Act
    const outcomes = await notifier().publish(notices);

    // Assess
    const [call] = sent();
    expect(sent()).toHaveLength(1);
    expect(call?.TopicArn).toBe(TOPICS.local);
    expect(keysOf(call!)).toEqual(notices.map((m) => m.idempotencyKey));
    expect(outcomes).toEqual(notices.map((m) => ({ key: m.idempotencyKey, published: true })));
    const entry = call!.PublishBatchRequestEntries![notices.findIndex((m) => m.recipient.id === LEEDS)]!;
    const leeds = hostNotice();
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
    const local = noticesFor();
    const national = noticesFor({ councils: [LEEDS, CAMDEN], regions: ['Yorkshire and Humber', 'Greater London'] });

    // Act
    const outcomes = await notifier().publish([...national, ...local]);

    // Assess
    expect(sent().map((input) => [input.TopicArn, keysOf(input)])).toEqual([
      [TOPICS.local, local.map((m) => m.idempotencyKey)],
      [TOPICS.national, national.map((m) => m.idempotencyKey)],
    ]);
    expect(outcomes.every((o) => o.published)).toBe(true);
  });

  it('retries only the entries SNS failed on its side, then reports every notice published', async () => {
    // Prepare
    const notices = noticesFor();
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({ Successful: [{ Id: '0', MessageId: 'a' }, { Id: '2', MessageId: 'c' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .callsFake(succeedAll);

    // Act
    const outcomes = await notifier().publish(notices);

    // Assess
    expect(sent().map(keysOf)).toEqual([notices.map((m) => m.idempotencyKey), [notices[1]!.idempotencyKey]]);
    expect(byKey(outcomes)).toEqual(byKey(notices.map((m) => ({ key: m.idempotencyKey, published: true }))));
  });

  it('retries the whole batch when SNS throttles the call', async () => {
    // Prepare
    const notices = noticesFor();
    sns.on(PublishBatchCommand).rejectsOnce(throttled()).callsFake(succeedAll);

    // Act
    const outcomes = await notifier().publish(notices);

    // Assess
    expect(sent().map(keysOf)).toEqual([notices.map((m) => m.idempotencyKey), notices.map((m) => m.idempotencyKey)]);
    expect(outcomes.every((o) => o.published)).toBe(true);
  });

  it('reports an entry SNS refuses as the sender’s fault failed at once, and publishes the rest', async () => {
    // Prepare
    const notices = noticesFor();
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: '1', MessageId: 'b' }, { Id: '2', MessageId: 'c' }], Failed: [{ Id: '0', Code: 'InvalidParameter', SenderFault: true }] });

    // Act
    const outcomes = await notifier().publish(notices);

    // Assess
    expect(sent()).toHaveLength(1);
    expect(byKey(outcomes)).toEqual(
      byKey([{ key: notices[0]!.idempotencyKey, published: false, reason: 'refused: InvalidParameter' }, ...notices.slice(1).map((m) => ({ key: m.idempotencyKey, published: true }))]),
    );
  });

  it('reports an entry SNS keeps failing on its side failed after the configured attempts', async () => {
    // Prepare
    const [first] = noticesFor();
    sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const outcomes = await notifier().publish([first!]);

    // Assess
    expect(outcomes).toEqual([{ key: first!.idempotencyKey, published: false, reason: 'failed after 3 attempts: InternalError' }]);
    expect(sent()).toHaveLength(3);
  });

  it('reports every notice of a batch failed when SNS still throttles after the configured attempts', async () => {
    // Prepare
    const notices = noticesFor();
    sns.on(PublishBatchCommand).rejects(throttled());

    // Act
    const outcomes = await notifier().publish(notices);

    // Assess
    expect(sent()).toHaveLength(3);
    expect(outcomes).toEqual(notices.map((m) => ({ key: m.idempotencyKey, published: false, reason: 'failed after 3 attempts: ThrottledException' })));
  });

  it('reports the batch a client error that is not transient was thrown for failed, without retrying it, and publishes the other batches', async () => {
    // Prepare: the local batch is refused outright; the national one goes
    const local = noticesFor();
    const national = noticesFor({ councils: [LEEDS, CAMDEN], regions: ['Yorkshire and Humber', 'Greater London'] });
    sns
      .on(PublishBatchCommand)
      .rejects(new InvalidParameterException({ message: 'bad', $metadata: {} }))
      .on(PublishBatchCommand, { TopicArn: TOPICS.national })
      .callsFake(succeedAll);

    // Act
    const outcomes = await notifier().publish([...local, ...national]);

    // Assess
    expect(sent().map((input) => input.TopicArn)).toEqual([TOPICS.local, TOPICS.national]);
    expect(byKey(outcomes)).toEqual(
      byKey([
        ...local.map((m) => ({ key: m.idempotencyKey, published: false, reason: 'refused: InvalidParameterException' })),
        ...national.map((m) => ({ key: m.idempotencyKey, published: true })),
      ]),
    );
  });

  it('publishes a folded notice whole, with what it also covers', async () => {
    // Prepare
    sns.on(PublishBatchCommand).callsFake(succeedAll);
    const family = groupMarket();
    const folded = noticeOf([waitingFor(red.provider(), family).message, waitingFor(red.home(), family).message], 'family');

    // Act
    const outcomes = await notifier().publish([folded]);

    // Assess
    const bodies = JSON.parse(sent()[0]!.PublishBatchRequestEntries![0]!.Message!) as Record<string, string>;
    expect(JSON.parse(bodies.default!)).toEqual(folded);
    expect(bodies.email).toContain(folded.body);
    expect(outcomes).toEqual([{ key: folded.idempotencyKey, published: true }]);
  });

  it('reports a notice over the SNS limit even without evidence failed, and publishes the others', async () => {
    // Prepare
    sns.on(PublishBatchCommand).callsFake(succeedAll);
    const [huge] = noticesFor({ name: 'Acme '.repeat(SNS_MAX_PAYLOAD_BYTES / 5) });
    const others = noticesFor({ subject: { type: 'provider', id: '1-900000002' } });

    // Act
    const outcomes = await notifier().publish([huge!, ...others]);

    // Assess
    expect(outcomes.find((o) => o.key === huge!.idempotencyKey)).toMatchObject({ published: false });
    expect(outcomes.filter((o) => o.published).map((o) => o.key)).toEqual(others.map((m) => m.idempotencyKey));
  });

  it('publishes nothing for no notices', async () => {
    // Act
    const outcomes = await notifier().publish([]);

    // Assess
    expect(sent()).toEqual([]);
    expect(outcomes).toEqual([]);
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
    const message = hostNotice({ factors });
    sns.on(PublishBatchCommand).callsFake(succeedAll);

    // Act
    await notifier().publish([message]);

    // Assess
    const entry = sent()[0]!.PublishBatchRequestEntries![0]!;
    const published = JSON.parse((JSON.parse(entry.Message!) as { default: string }).default) as EscalationNotice;
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
