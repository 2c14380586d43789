// Scoring on DynamoDB Local: a new signal rescores only its location, provider and group; a signal about
// an unknown location is quarantined, not scored; and replaying a past date from the signals known then
// reproduces exactly what was stored, even after signals dated before it arrived late.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../cli/local/invoke.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import type { ScorePorts } from '../../functions/score/ports.js';
import { scoreAffected, replayAsOf } from '../../functions/score/score.js';
import { scoreAll } from '../../functions/score/score-all.js';
import { seriesKey } from '../../shared/adapters/dynamodb/signal-series.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { at, concern, location, MODEL, provider, rating } from '../support/fixtures.js';
import { type LocalAws, scorePortsOn, startLocalAws } from '../support/local-aws.js';

const SCORED_ON = '2025-10-01';
const P1 = '1-900000001';
const P2 = '1-900000002';
const [L1, L2, L3] = ['1-100000001', '1-100000002', '1-100000003'];

describe('scoring on real engines', () => {
  let aws: LocalAws;
  let stores: DynamoStores;
  let ports: ScorePorts;

  beforeAll(async () => {
    aws = await startLocalAws();
    ({ stores, ports } = scorePortsOn(aws));
    // A group with one two-home provider, and a single-home provider outside any group.
    await stores.putReference({
      locations: [location({ locationId: L1, providerId: P1 }), location({ locationId: L2, providerId: P1, name: 'Second Home' }), location({ locationId: L3, providerId: P2, name: 'Third Home' })],
      providers: [provider({ providerId: P1, groupId: 'G1' }), provider({ providerId: P2, name: 'Solo Care Ltd' })],
      groups: [{ groupId: 'G1', name: 'Acme Group' }],
    });
    await stores.putSignals([L1, L2, L3].map((id) => rating('Good', { ...at(id), describedOn: '2025-06-01', receivedOn: '2025-06-02' })));
  });

  afterAll(async () => {
    await aws?.stop();
  });

  it('scores the whole market: every location, provider and group', async () => {
    // Act
    const report = await scoreAll(ports, SCORED_ON, MODEL);

    // Assess
    expect(report.computed).toBe(3 + 2 + 1);
    expect(report.byBand.location.Red).toBe(0);
  });

  it('rescores only the location a new signal is about, its provider and its group', async () => {
    // Prepare
    const inadequate = rating('Inadequate', { ...at(L1), describedOn: '2025-09-30', receivedOn: SCORED_ON });
    await stores.putSignals([inadequate]);

    // Act
    const report = await scoreAffected(ports, [inadequate], SCORED_ON, MODEL);

    // Assess
    expect(report.computed).toBe(3);
    expect(report.assessments.map((a) => `${a.subject.type}#${a.subject.id}`).sort()).toEqual(['group#G1', `location#${L1}`, `provider#${P1}`]);
    const [home] = report.assessments.filter((a) => a.subject.id === L1);
    expect(home!.band).toBe('Red');
    expect(home!.hardTriggers).toContain(HARD_TRIGGERS.inadequateOverall);
    const stored = await stores.assessmentsAsOf(SCORED_ON, 'location');
    expect(stored.find((a) => a.subject.id === L1)?.band).toBe('Red');
    expect(stored.find((a) => a.subject.id === L3)?.band).not.toBe('Red');
  });

  it('rescores from a table stream record of a new signal, as the deployed Lambda does', async () => {
    // Prepare: the stream image DynamoDB sends for a signal inserted today (the Lambda scores as of today)
    const today = new Date().toISOString().slice(0, 10);
    const signal = rating('Requires improvement', { ...at(L2), describedOn: '2025-09-30', receivedOn: today });
    const key = seriesKey(signal);
    const read = async () => (await aws.dynamo.send(new GetItemCommand({ TableName: LOCAL_RESOURCE_NAMES.table, Key: marshall(key) }))).Item;
    const before = await read();
    await stores.putSignals([signal]);
    const after = await read();
    const event = { Records: [{ eventName: before ? 'MODIFY' : 'INSERT', dynamodb: { Keys: marshall(key), ...(before && { OldImage: before }), NewImage: after } }] };
    // The Lambda scores under the model its environment names; these assessments were made under MODEL.
    process.env.MODEL_VERSION = MODEL.version;
    const { handler } = await import('../../functions/score/handler.js');

    // Act
    const result = (await invoke('score', handler as never, event as never)) as { computed: number };
    delete process.env.MODEL_VERSION;

    // Assess
    expect(result.computed).toBe(3);
    expect((await stores.latestAssessment({ type: 'location', id: L2 }, today, MODEL.version))?.asOf).toBe(today);
  });

  it('quarantines a signal about a location the register does not know, and scores nothing for it', async () => {
    // Prepare
    const stray = rating('Inadequate', { ...at('1-999999999'), describedOn: '2025-09-30', receivedOn: SCORED_ON });

    // Act
    const report = await scoreAffected(ports, [stray], SCORED_ON, MODEL);

    // Assess
    expect(report).toMatchObject({ computed: 0, rejected: 1 });
    const quarantined = (await stores.listQuarantine()).find((q) => q.recordId === `${stray.source}#${stray.naturalId}`);
    expect(quarantined?.reason).toMatch(/unknown location 1-999999999/);
  });

  it('keeps every refused signal in quarantine, not only the first', async () => {
    // Prepare: two signals about unknown locations, refused with the same origin and row
    const strays = ['1-999999998', '1-999999997'].map((id) => rating('Inadequate', { ...at(id), describedOn: '2025-09-30', receivedOn: SCORED_ON }));

    // Act
    const report = await scoreAffected(ports, strays, SCORED_ON, MODEL);

    // Assess
    expect(report.rejected).toBe(2);
    const kept = new Set((await stores.listQuarantine()).map((q) => q.recordId));
    for (const stray of strays) expect(kept.has(`${stray.source}#${stray.naturalId}`)).toBe(true);
  });

  it('replays a past date exactly, though signals dated before it arrived after it', async () => {
    // Prepare: concerns about the third home, dated before the scoring date but received two weeks later
    const late = [1, 2, 3, 4].map((day) => concern(`2025-09-2${day}`, { ...at(L3), receivedOn: '2025-10-14' }));
    await stores.putSignals(late);

    // Act
    const replay = await replayAsOf(ports, SCORED_ON, MODEL);
    await scoreAll(ports, '2025-10-15', MODEL);

    // Assess: the replay of 1 October equals what was stored then; the later scoring sees the concerns
    expect(replay.compared).toBe(6);
    expect(replay.differences).toEqual([]);
    const later = (await stores.assessmentsAsOf('2025-10-15', 'location')).find((a) => a.subject.id === L3)!;
    expect(later.factors.some((f) => f.family === 'safeguarding' && f.points > 0)).toBe(true);
  });
});
