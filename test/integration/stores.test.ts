// The DynamoDB adapters on DynamoDB Local: signals are stored once by source + natural id (the first
// received date stands), and an escalation decision is stored with its outbox entry or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import type { EscalationDecision, Episode } from '../../shared/domain/escalation.js';
import type { Signal } from '../../shared/domain/model.js';
import { type LocalAws, startLocalAws } from '../support/local-aws.js';

const concern = (naturalId: string, receivedOn: string): Signal => ({
  source: 'safeguarding-return',
  naturalId,
  subject: { type: 'location', id: '1-000000001' },
  describedOn: '2025-09-01',
  receivedOn,
  facts: { kind: 'safeguarding-concern', abuseType: 'neglect-and-acts-of-omission', section42Enquiry: false, reportingCouncilGss: 'E10000014' },
});

const episode = (change: number): Episode => ({
  episodeId: 'provider-1-000000002-2025-10-15',
  subject: { type: 'provider', id: '1-000000002' },
  name: 'Example Care Ltd',
  openedOn: '2025-10-15',
  status: 'open',
  tier: 'local',
  band: 'Red',
  hardTriggers: [],
  change,
  lastChangedOn: '2025-10-15',
});

describe('DynamoDB adapters on DynamoDB Local', () => {
  let aws: LocalAws;
  let stores: DynamoStores;
  let escalations: DynamoEscalationStore;

  beforeAll(async () => {
    aws = await startLocalAws();
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    escalations = new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, 6);
  });

  afterAll(async () => {
    await aws?.stop();
  });

  it('stores each signal once, keeps the first received date, and counts repeats within one call', async () => {
    // Prepare
    const first = Array.from({ length: 250 }, (_, i) => concern(`E10000014#${i}`, '2025-09-02'));
    const resent = [...first.map((s) => ({ ...s, receivedOn: '2025-10-01' })), concern('E10000014#new', '2025-10-01'), concern('E10000014#new', '2025-10-01')];

    // Act
    const firstWrite = await stores.putSignals(first);
    const secondWrite = await stores.putSignals(resent);

    // Assess
    expect(firstWrite).toEqual({ stored: 250, alreadyPresent: 0 });
    expect(secondWrite).toEqual({ stored: 1, alreadyPresent: 251 });
    const stored = await stores.signalsFor({ type: 'location', id: '1-000000001' });
    expect(stored).toHaveLength(251);
    expect(stored.find((s) => s.naturalId === 'E10000014#0')?.receivedOn).toBe('2025-09-02');
  });

  it('records a decision with its outbox entry once, and refuses a decision made on a stale episode', async () => {
    // Prepare
    const decision: EscalationDecision = { episode: episode(1), messages: [] };
    const worsened: EscalationDecision = { episode: episode(2), messages: [] };

    // Act
    const opened = await escalations.recordDecision(decision, undefined);
    const openedAgain = await escalations.recordDecision(decision, undefined);
    const raised = await escalations.recordDecision(worsened, episode(1));
    const raisedFromStale = await escalations.recordDecision({ episode: episode(3), messages: [] }, episode(1));

    // Assess
    expect([opened, openedAgain, raised, raisedFromStale]).toEqual(['recorded', 'superseded', 'recorded', 'superseded']);
    expect((await escalations.currentEpisode(episode(1).subject))?.change).toBe(2);
    expect((await escalations.pendingOutbox()).map((e) => e.outboxId).sort()).toEqual([
      'provider-1-000000002-2025-10-15#1',
      'provider-1-000000002-2025-10-15#2',
    ]);
  });

  it('takes an outbox entry off the pending list once it is marked published', async () => {
    // Prepare
    const [entry] = await escalations.pendingOutbox();

    // Act
    await escalations.markPublished(entry!, '2025-10-15');

    // Assess
    expect((await escalations.pendingOutbox()).map((e) => e.outboxId)).not.toContain(entry!.outboxId);
  });
});
