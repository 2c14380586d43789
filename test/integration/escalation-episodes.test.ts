// Escalation episodes on DynamoDB Local: a decision is stored with its outbox entries once or not at all, an
// acknowledgement once per tier and recipient and only while the episode is open, and the acknowledge
// handler answers as the HTTP API would. Each test works on its own provider.
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { invoke } from '../../cli/local/invoke.js';
import { type EscalatePorts, type EscalateReport, escalate } from '../../functions/escalate/escalate.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import type { Acknowledgement } from '../../shared/domain/episode.js';
import { type EscalationNotice, planNotices } from '../../shared/domain/notice-folding.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOutbox, outboxKey, releaseMarker } from '../../shared/adapters/dynamodb/outbox-store.js';
import type { RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { acknowledgementRequest } from '../../cli/local/invoke.js';
import { feed, mustDecide } from '../support/escalation.js';
import { assessment, CAMDEN, LEEDS, location, MANCHESTER, marketContext, provider } from '../support/fixtures.js';
import { type LocalAws, startLocalAws } from '../support/local-aws.js';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A Red provider with one Leeds home where Camden places residents. */
function world(providerId: string, homeId: string) {
  const market = marketContext([location({ locationId: homeId, providerId })], { [homeId]: [CAMDEN] }, [provider({ providerId })]);
  const on = (asOf: string, overrides: Partial<RiskAssessment> = {}) => assessment({ subject: { type: 'provider', id: providerId }, asOf, ...overrides });
  return { market, on };
}

const acknowledgementOf = (episodeId: string, recipientId: string): Acknowledgement => ({
  episodeId,
  tier: 'local',
  recipientId,
  role: 'council-commissioner',
  by: 'user-1',
  on: '2025-10-16',
});

describe('escalation episodes on DynamoDB Local', () => {
  let aws: LocalAws;
  let store: DynamoEscalationStore;
  let outbox: DynamoOutbox;
  let stores: DynamoStores;
  let handler: Handler;
  const post = async (episodeId: string, claims: Record<string, string>, on = '2025-10-16') => {
    const response = await invoke('acknowledge', handler, acknowledgementRequest(episodeId, claims, on));
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
  };
  /** A store that stages every change, as it does one with more messages than fit in the transaction recording it. */
  const stagingEveryChange = () => new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears, 0);
  const commissioner = (gss: string) => ({ sub: 'user-1', 'custom:role': 'council-commissioner', 'custom:party': gss });

  beforeAll(async () => {
    aws = await startLocalAws();
    store = new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
    outbox = new DynamoOutbox(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    // The handler reads its table from the environment when loaded, as in Lambda.
    handler = (await import('../../functions/acknowledge/handler.js')).handler;
  });

  afterAll(async () => {
    await aws?.stop();
  });

  describe('the store', () => {
    const DAY = { decidedOn: '2025-10-15', familyId: 'provider:test' };
    const pendingOf = async (episodeId: string) =>
      (await outbox.pendingOutbox()).filter((e) => e.message.episodeId === episodeId).map((e) => e.message.idempotencyKey).sort();

    it('records a decision with one outbox entry per message once, and refuses a decision made on a stale episode', async () => {
      // Prepare
      const { market, on } = world('1-900000011', '1-100000011');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      const worsened = mustDecide(on('2025-10-16', { hardTriggers: [HARD_TRIGGERS.s56Notice] }), opened.episode, market);
      const fromStale = mustDecide(on('2025-10-17', { hardTriggers: [HARD_TRIGGERS.insolvency] }), opened.episode, market);

      // Act
      const outcomes = [
        await store.recordDecision(opened, undefined, DAY),
        await store.recordDecision(opened, undefined, DAY),
        await store.recordDecision(worsened, opened.episode, DAY),
        await store.recordDecision(fromStale, opened.episode, DAY),
      ];

      // Assess
      expect(outcomes).toEqual(['recorded', 'superseded', 'recorded', 'superseded']);
      expect(await store.currentEpisode(opened.episode.subject)).toEqual(worsened.episode);
      const id = opened.episode.episodeId;
      expect(await pendingOf(id)).toEqual([`${id}#1#local#${LEEDS}`, `${id}#1#local#${CAMDEN}`, `${id}#2#local#${LEEDS}`, `${id}#2#local#${CAMDEN}`]);
      const stored = (await outbox.pendingOutbox()).filter((e) => e.message.episodeId === id && e.message.change === 2).map((e) => e.message);
      expect(stored.sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey))).toEqual([...worsened.messages].sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey)));
    });

    it('releases the messages of a decision stored by a run that stopped before releasing them, and drops a superseded run\'s staged messages', async () => {
      // Prepare: a run stages a change (as one with more messages than its transaction holds) and records it,
      // then dies before releasing; another stages for a decision it never records
      const { market, on } = world('1-900000017', '1-100000017');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      const staging = new DynamoOutbox(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
      const dying = stagingEveryChange();
      const release = vi.spyOn(DynamoOutbox.prototype, 'release').mockRejectedValueOnce(new Error('crashed before releasing'));
      await expect(dying.recordDecision(opened, undefined, DAY)).rejects.toThrow('crashed before releasing');
      release.mockRestore();
      const neverRecorded = mustDecide(on('2025-10-16', { hardTriggers: [HARD_TRIGGERS.insolvency] }), opened.episode, market);
      await staging.stage(neverRecorded.messages, DAY);
      const before = await pendingOf(opened.episode.episodeId);

      // Act
      const released = await outbox.releaseStaged();

      // Assess
      expect(before).toEqual([]);
      expect(released).toBeGreaterThanOrEqual(1);
      expect(await pendingOf(opened.episode.episodeId)).toEqual(opened.messages.map((m) => m.idempotencyKey).sort());
      expect(await outbox.releaseStaged()).toBe(0);
    });

    it("releases the rest of a change's messages where a stopped release had made some pending, leaving those as they were", async () => {
      // Prepare: a change recorded, then its release stopped after one message (made pending a day earlier)
      const { market, on } = world('1-900000018', '1-100000018');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      const release = vi.spyOn(DynamoOutbox.prototype, 'release').mockRejectedValueOnce(new Error('crashed before releasing'));
      await expect(stagingEveryChange().recordDecision(opened, undefined, DAY)).rejects.toThrow('crashed before releasing');
      release.mockRestore();
      const [first, ...rest] = opened.messages.map((m) => m.idempotencyKey).sort();
      const { episodeId, change } = opened.episode;
      await outbox.release(releaseMarker(episodeId, change, [first!], '2025-10-14'));

      // Act
      await outbox.release(releaseMarker(episodeId, change, [first!, ...rest], DAY.decidedOn));

      // Assess
      const sortKeyOf = async (key: string) => (await outbox.doc.send(new GetCommand({ TableName: LOCAL_RESOURCE_NAMES.table, Key: outboxKey(key) }))).Item?.GSI2SK;
      expect(rest.length).toBeGreaterThan(0);
      expect(await pendingOf(episodeId)).toEqual([first, ...rest].sort());
      expect(await sortKeyOf(first!)).toBe(`2025-10-14#${first}`);
      expect(await Promise.all(rest.map(sortKeyOf))).toEqual(rest.map((key) => `${DAY.decidedOn}#${key}`));
    });

    it('records a change of the stand-down count without an outbox entry', async () => {
      // Prepare
      const { market, on } = world('1-900000012', '1-100000012');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      await store.recordDecision(opened, undefined, DAY);
      const belowExit = mustDecide(on('2025-10-16', { likelihood: 50, band: 'Amber' }), opened.episode, market);

      // Act
      const outcome = await store.recordDecision(belowExit, opened.episode, DAY);

      // Assess
      expect(belowExit.messages).toEqual([]);
      expect(outcome).toBe('recorded');
      expect(await store.currentEpisode(opened.episode.subject)).toMatchObject({ belowExitCount: 1, lastAssessedOn: '2025-10-16', change: 1 });
      expect(await pendingOf(opened.episode.episodeId)).toEqual(opened.messages.map((m) => m.idempotencyKey).sort());
    });

    it('records each disclosure when a notice is claimed, takes its messages off the pending list once published, and lists disclosures by subject and recipient', async () => {
      // Prepare
      const { market, on } = world('1-900000013', '1-100000013');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      await store.recordDecision(opened, undefined, DAY);
      const planned = planNotices((await outbox.pendingOutbox()).filter((e) => e.message.episodeId === opened.episode.episodeId), () => false);

      // Act
      const claims = [];
      for (const notice of planned) claims.push(await outbox.claim(notice, '2025-10-15'), await outbox.claim(notice, '2025-10-16'));
      for (const notice of planned) await outbox.markPublished(notice.messages.map((m) => m.idempotencyKey), '2025-10-15');

      // Assess
      expect(claims).toEqual(['claimed', 'taken', 'claimed', 'taken']);
      expect(await pendingOf(opened.episode.episodeId)).toEqual([]);
      const bySubject = await outbox.disclosuresForSubject('1-900000013');
      expect(bySubject.map((d) => [d.recipientId, d.changeKind, d.disclosedOn]).sort()).toEqual([
        [LEEDS, 'opened', '2025-10-15'],
        [CAMDEN, 'opened', '2025-10-15'],
      ]);
      const toCamden = (await outbox.disclosuresForRecipient(CAMDEN)).filter((d) => d.subjectId === '1-900000013');
      const key = `${opened.episode.episodeId}#1#local#${CAMDEN}`;
      expect(toCamden).toEqual([
        {
          idempotencyKey: key,
          episodeId: opened.episode.episodeId,
          changeKind: 'opened',
          subjectId: '1-900000013',
          recipientId: CAMDEN,
          tier: 'local',
          fieldClasses: ['public', 'official', 'operational'],
          protocolVersion: 'protocol-1',
          legalBasis: DEFAULT_PROTOCOL.legalBasis,
          disclosedOn: '2025-10-15',
          sentAs: key,
        },
      ]);
    });

    it('stores one acknowledgement per tier and recipient when two arrive at once, beside the episode', async () => {
      // Prepare
      const { market, on } = world('1-900000014', '1-100000014');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      await store.recordDecision(opened, undefined, DAY);
      const ack = acknowledgementOf(opened.episode.episodeId, LEEDS);

      // Act
      const outcomes = await Promise.all([store.acknowledge(ack), store.acknowledge({ ...ack, by: 'user-2' })]);

      // Assess
      expect(outcomes.sort()).toEqual(['already-acknowledged', 'recorded']);
      const stored = await store.episode(opened.episode.episodeId);
      expect(stored?.acknowledgements).toHaveLength(1);
      expect(stored?.acknowledgements[0]).toMatchObject({ recipientId: LEEDS, tier: 'local' });
      expect(await store.currentEpisode(opened.episode.subject)).toEqual(stored);
    });

    it('keeps an acknowledgement when a later decision rewrites the episode', async () => {
      // Prepare
      const { market, on } = world('1-900000015', '1-100000015');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      await store.recordDecision(opened, undefined, DAY);
      await store.acknowledge(acknowledgementOf(opened.episode.episodeId, CAMDEN));
      const read = (await store.currentEpisode(opened.episode.subject))!;
      const worsened = mustDecide(on('2025-10-16', { hardTriggers: [HARD_TRIGGERS.s56Notice] }), read, market);

      // Act
      await store.recordDecision(worsened, read, DAY);

      // Assess
      const after = await store.currentEpisode(opened.episode.subject);
      expect(after?.change).toBe(2);
      expect(after?.acknowledgements.map((a) => a.recipientId)).toEqual([CAMDEN]);
    });

    it('refuses an acknowledgement of an episode that has stood down, and of one never stored', async () => {
      // Prepare
      const { market, on } = world('1-900000016', '1-100000016');
      const opened = mustDecide(on('2025-10-15'), undefined, market);
      const [first, second] = feed([on('2025-10-16', { likelihood: 50 }), on('2025-10-17', { likelihood: 50 })], opened.episode, market);
      await store.recordDecision(opened, undefined, DAY);
      await store.recordDecision(first!, opened.episode, DAY);
      await store.recordDecision(second!, first!.episode, DAY);

      // Act
      const closed = await store.acknowledge(acknowledgementOf(opened.episode.episodeId, LEEDS));
      const unknown = await store.acknowledge(acknowledgementOf('provider-1-900000099-2025-10-15', LEEDS));

      // Assess
      expect(second?.episode.status).toBe('stood-down');
      expect([closed, unknown]).toEqual(['episode-closed', 'episode-closed']);
    });
  });

  describe('the acknowledge handler', () => {
    const { market, on } = world('1-900000021', '1-100000021');
    const episodeId = 'provider-1-900000021-2025-10-15';

    beforeAll(async () => {
      await store.recordDecision(mustDecide(on('2025-10-15'), undefined, market), undefined, { decidedOn: '2025-10-15', familyId: 'provider:test' });
    });

    it('answers 200 to a party the episode was addressed to, and 409 when it acknowledges again', async () => {
      // Act
      const first = await post(episodeId, commissioner(LEEDS), '2025-10-16');
      const again = await post(episodeId, commissioner(LEEDS), '2025-10-17');

      // Assess
      expect(first).toEqual({ status: 200, body: { outcome: 'acknowledged', episodeId, tier: 'local', party: LEEDS, on: '2025-10-16' } });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ outcome: 'already-acknowledged', tier: 'local' });
      expect((await store.episode(episodeId))?.acknowledgements).toEqual([
        { episodeId, tier: 'local', recipientId: LEEDS, role: 'council-commissioner', by: 'user-1', on: '2025-10-16' },
      ]);
    });

    it.each([
      ['a council the episode was not addressed to', commissioner(MANCHESTER)],
      ['an addressed council under another role', { sub: 'user-1', 'custom:role': 'adass-network', 'custom:party': CAMDEN }],
      ['national oversight, not told at the local tier', { sub: 'user-1', 'custom:role': 'national-oversight', 'custom:party': 'national-market-oversight' }],
    ])('answers %s exactly as it answers an episode that does not exist', async (_, claims) => {
      // Act
      const response = await post(episodeId, claims);
      const missing = await post('provider-1-900000098-2025-10-15', claims);

      // Assess
      expect(response.status).toBe(404);
      expect(response).toEqual(missing);
    });

    it('answers 404 for an episode that does not exist, and 400 for an episode id of the wrong shape', async () => {
      // Act
      const missing = await post('provider-1-900000098-2025-10-15', commissioner(LEEDS));
      const malformed = await post('episode 7', commissioner(LEEDS));

      // Assess
      expect(missing.status).toBe(404);
      expect(missing.body.outcome).toBe('not-found');
      expect(malformed.status).toBe(400);
    });
  });

  describe('escalating day by day', () => {
    it('reminds only the council that has not acknowledged once the target passes, and only once', async () => {
      // Prepare
      const providerId = '1-900000031';
      const homeId = '1-100000031';
      const { on } = world(providerId, homeId);
      const published: EscalationNotice[] = [];
      const notifier = { publish: async (notices: readonly EscalationNotice[]) => (published.push(...notices), notices.map((n) => ({ key: n.idempotencyKey, published: true as const }))) };
      const deadLetters = { send: async () => expect.fail('nothing should be dead-lettered') };
      const ports: EscalatePorts = { assessments: stores, reference: stores, placements: stores, escalations: store, outbox, notifier, deadLetters };
      await stores.putReference({ locations: [location({ locationId: homeId, providerId })], providers: [provider({ providerId })], groups: [] });
      await stores.putPlacements([{ councilGss: CAMDEN, locationId: homeId, residentsPlaced: 4 }]);
      const days = ['2025-11-03', '2025-11-10', '2025-11-11'];
      await stores.putAssessments(days.map((day) => on(day)));
      const about = () => published.filter((m) => m.subject.id === providerId).map((m) => [m.recipient.id, m.changeKind]);

      // Act
      await escalate(ports, days[0]!, DEFAULT_PROTOCOL, days[0]!);
      const ack = await post(`provider-${providerId}-2025-11-03`, commissioner(LEEDS), '2025-11-05');
      const reports: EscalateReport[] = [];
      for (const day of [days[1]!, days[2]!, days[2]!]) reports.push(await escalate(ports, day, DEFAULT_PROTOCOL, day));

      // Assess: opened on Monday 3 November, due on Monday 10 November, overdue on the 11th
      expect(ack.status).toBe(200);
      expect(about()).toEqual([
        [LEEDS, 'opened'],
        [CAMDEN, 'opened'],
        [CAMDEN, 'reminder'],
      ]);
      expect(reports.map((r) => r.decisions)).toEqual([0, 1, 0]);
    });
  });
});
