// Draining the outbox against in-memory ports: each notice published once and marked, one failing notice
// holding back nothing else, dead-lettering after MAX_PUBLISH_RUNS runs, a claim that throws, and a notice
// claimed by an earlier run re-sent under its key without a second claim.
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SNS_MAX_PAYLOAD_BYTES, SnsNotifier } from '../../shared/adapters/sns/notifier.js';
import { type DrainPorts, drainOutbox, MAX_PUBLISH_RUNS } from '../../shared/application/outbox.js';
import { type PlannedNotice, planNotices } from '../../shared/domain/notice-folding.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import type { PublishOutcome } from '../../shared/ports/escalations.js';
import { mustDecide } from '../support/escalation.js';
import { LEEDS } from '../support/fixtures.js';
import { ADASS_YORKSHIRE, groupMarket, InMemoryOutbox, keysOf, RecordingDeadLetters, RecordingNotifier, red, waiting, waitingFor } from '../support/outbox.js';

const TODAY = '2025-10-15';
const TOPICS = { local: 'arn:aws:sns:eu-west-2:111111111111:local', regional: 'arn:aws:sns:eu-west-2:111111111111:regional', national: 'arn:aws:sns:eu-west-2:111111111111:national' };
const market = groupMarket();

/**
 * What the group turning Red leaves pending: its messages to Leeds and to the ADASS network, and Leeds's
 * message about the provider, which folds into Leeds's notice about the group. Two notices, three messages.
 */
function groupDay() {
  const group = mustDecide(red.group(), undefined, market);
  const [leeds, adass, provider] = [waiting(group, market), waiting(group, market, ADASS_YORKSHIRE), waitingFor(red.provider(), market)];
  return { entries: [leeds, adass, provider], leedsNotice: leeds.message.idempotencyKey, adassNotice: adass.message.idempotencyKey, keys: keysOf([leeds, adass, provider]) };
}

/** In-memory ports over the entries; the notifier fails the notices named, for the reason given. */
function portsFor(entries: ReturnType<typeof groupDay>['entries'], failing: readonly string[] = [], reason = 'refused: InvalidParameter') {
  const outbox = new InMemoryOutbox(entries);
  const notifier = new RecordingNotifier((n): PublishOutcome => (failing.includes(n.idempotencyKey) ? { key: n.idempotencyKey, published: false, reason } : { key: n.idempotencyKey, published: true }));
  const deadLetters = new RecordingDeadLetters();
  return { outbox, notifier, deadLetters };
}

const drain = (ports: DrainPorts, on = TODAY) => drainOutbox(ports, on, DEFAULT_PROTOCOL);
const pendingKeys = async (outbox: InMemoryOutbox) => keysOf(await outbox.pendingOutbox());

describe('drainOutbox', () => {
  it('publishes every pending message once, in its notice, and marks it published with its disclosure', async () => {
    // Prepare
    const { entries, leedsNotice, adassNotice, keys } = groupDay();
    const ports = portsFor(entries);

    // Act
    const first = await drain(ports);
    const second = await drain(ports, '2025-10-16');

    // Assess
    expect(first).toEqual({ published: 2, messagesPublished: 3, byTier: { local: 0, regional: 2, national: 0 }, failed: [], deadLettered: [] });
    expect(second).toMatchObject({ published: 0, messagesPublished: 0, failed: [] });
    expect(ports.notifier.keys.sort()).toEqual([leedsNotice, adassNotice].sort());
    expect(ports.outbox.states()).toEqual(Object.fromEntries(keys.map((k) => [k, ['published', TODAY]])));
    expect(ports.outbox.disclosures.map((d) => [d.idempotencyKey, d.recipientId, d.sentAs, d.disclosedOn])).toEqual([
      [keys[0], LEEDS, leedsNotice, TODAY],
      [keys[2], LEEDS, leedsNotice, TODAY],
      [keys[1], ADASS_YORKSHIRE, adassNotice, TODAY],
    ]);
  });

  it('leaves only the notice SNS failed pending, and marks the others', async () => {
    // Prepare
    const { entries, leedsNotice, adassNotice, keys } = groupDay();
    const ports = portsFor(entries, [adassNotice]);

    // Act
    const report = await drain(ports);

    // Assess
    expect(report).toMatchObject({ published: 1, messagesPublished: 2, failed: [adassNotice], deadLettered: [] });
    expect(await pendingKeys(ports.outbox)).toEqual([keys[1]]);
    expect(ports.outbox.states()[keys[0]!]).toEqual(['published', TODAY]);
    expect(ports.outbox.entries.get(keys[1]!)?.attempts).toBe(1);
    expect(ports.deadLetters.sent).toEqual([]);
    expect(ports.notifier.keys).toContain(leedsNotice);
  });

  it(`sends a notice that failed in ${MAX_PUBLISH_RUNS} runs to the dead-letter queue, by its keys and reason only, and out of the outbox`, async () => {
    // Prepare
    const { entries, adassNotice, keys } = groupDay();
    const ports = portsFor(entries, [adassNotice], 'failed after 5 attempts: InternalError');

    // Act
    const reports = [];
    for (let run = 1; run <= MAX_PUBLISH_RUNS; run++) reports.push(await drain(ports));

    // Assess
    expect(reports.map((r) => [r.failed, r.deadLettered])).toEqual([
      ...Array.from({ length: MAX_PUBLISH_RUNS - 1 }, () => [[adassNotice], []]),
      [[], [adassNotice]],
    ]);
    expect(ports.deadLetters.sent).toEqual([{ noticeKey: adassNotice, messageKeys: [keys[1]], attempts: MAX_PUBLISH_RUNS, reason: 'failed after 5 attempts: InternalError' }]);
    expect(await pendingKeys(ports.outbox)).toEqual([]);
    expect(ports.outbox.states()[keys[1]!]).toEqual(['dead-lettered', TODAY]);
    expect(ports.notifier.keys.filter((k) => k === adassNotice)).toHaveLength(MAX_PUBLISH_RUNS);
    expect(ports.outbox.claimAttempts.filter((k) => k === adassNotice)).toHaveLength(1);
  });

  it('goes on with the other notices when claiming one throws, and leaves that one unclaimed for the next run', async () => {
    // Prepare
    const { entries, leedsNotice, adassNotice, keys } = groupDay();
    const ports = portsFor(entries);
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
    ports.outbox.claimError = (notice: PlannedNotice) => (notice.key === adassNotice ? throttled : null);

    // Act
    const report = await drain(ports);

    // Assess
    expect(report).toMatchObject({ published: 1, failed: [adassNotice] });
    expect(ports.notifier.keys).toEqual([leedsNotice]);
    expect(await ports.outbox.pendingOutbox()).toEqual([{ ...entries[1], dispatch: null, attempts: 1 }]);
    expect(ports.outbox.disclosures.map((d) => d.idempotencyKey)).not.toContain(keys[1]);
  });

  it(`dead-letters a notice that could not be claimed in ${MAX_PUBLISH_RUNS} runs, never having disclosed or sent it`, async () => {
    // Prepare
    const { entries, adassNotice, keys } = groupDay();
    const ports = portsFor(entries);
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
    ports.outbox.claimError = (notice: PlannedNotice) => (notice.key === adassNotice ? throttled : null);

    // Act
    const reports = [];
    for (let run = 0; run < MAX_PUBLISH_RUNS; run++) reports.push(await drain(ports));

    // Assess
    expect(reports.map((r) => r.deadLettered)).toEqual([[], [], [adassNotice]]);
    expect(ports.deadLetters.sent.map((d) => [d.noticeKey, d.reason])).toEqual([[adassNotice, 'not claimed: ThrottlingException']]);
    expect(ports.notifier.keys).not.toContain(adassNotice);
    expect(ports.outbox.disclosures.map((d) => d.idempotencyKey)).not.toContain(keys[1]);
    expect(await pendingKeys(ports.outbox)).toEqual([]);
  });

  it('re-sends a notice claimed by an earlier run under its claimed key, without claiming or disclosing it again', async () => {
    // Prepare: an earlier run claimed Leeds's notice (disclosures written), then stopped before publishing
    const { entries, leedsNotice, keys } = groupDay();
    const ports = portsFor(entries);
    const earlier = planNotices(entries, () => false).find((n) => n.key === leedsNotice)!;
    await ports.outbox.claim(earlier, '2025-10-14');
    const disclosedEarlier = structuredClone(ports.outbox.disclosures);

    // Act
    const report = await drain(ports);

    // Assess
    expect(report).toMatchObject({ published: 2, messagesPublished: 3, failed: [] });
    expect(ports.notifier.calls.flat().find((n) => n.idempotencyKey === leedsNotice)).toEqual(earlier.notice);
    expect(ports.outbox.claimAttempts.filter((k) => k === leedsNotice)).toHaveLength(1);
    expect(ports.outbox.disclosures.filter((d) => d.sentAs === leedsNotice)).toEqual(disclosedEarlier);
    expect(ports.outbox.states()[keys[0]!]).toEqual(['published', TODAY]);
  });

  it('counts a run whose publish call throws as failed for every claimed notice, and re-sends them under their keys next run', async () => {
    // Prepare
    const { entries, leedsNotice, adassNotice, keys } = groupDay();
    const ports = portsFor(entries);
    const publish = ports.notifier.publish.bind(ports.notifier);
    ports.notifier.publish = async () => {
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    };

    // Act
    const crashed = await drain(ports);
    ports.notifier.publish = publish;
    const next = await drain(ports, '2025-10-16');

    // Assess
    expect(crashed).toMatchObject({ published: 0, failed: [leedsNotice, adassNotice], deadLettered: [] });
    expect(next).toMatchObject({ published: 2, messagesPublished: 3, failed: [] });
    expect(ports.notifier.keys).toEqual([leedsNotice, adassNotice]);
    expect(ports.outbox.claimAttempts).toEqual([leedsNotice, adassNotice]);
    expect(ports.outbox.disclosures.map((d) => d.disclosedOn)).toEqual([TODAY, TODAY, TODAY]);
    expect(ports.outbox.states()[keys[1]!]).toEqual(['published', '2025-10-16']);
  });

  it('dead-letters only a notice too large for SNS, and publishes the notices drained with it', async () => {
    // Prepare: Leeds's notice about another provider whose name alone is over the SNS limit
    const { entries, leedsNotice, adassNotice } = groupDay();
    const huge = waitingFor(red.otherProvider({ name: 'Other '.repeat(SNS_MAX_PAYLOAD_BYTES / 6) }), market);
    const sns = mockClient(SNSClient);
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({ Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] }));
    const ports = { ...portsFor([...entries, huge]), notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), TOPICS, { maxAttempts: 1, baseDelayMs: 0 }) };

    // Act
    const reports = [];
    for (let run = 1; run <= MAX_PUBLISH_RUNS; run++) reports.push(await drain(ports));
    sns.restore();

    // Assess
    expect(reports[0]).toMatchObject({ published: 2, failed: [huge.message.idempotencyKey] });
    expect(reports.at(-1)?.deadLettered).toEqual([huge.message.idempotencyKey]);
    expect(ports.outbox.states()[leedsNotice]?.[0]).toBe('published');
    expect(ports.outbox.states()[adassNotice]?.[0]).toBe('published');
  });
});
