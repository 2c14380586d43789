// Escalations on the worst days, on DynamoDB Local and fauxqs with a subscriber queue for every party: a
// home-care provider failing across 120 councils in all 9 regions and a care-home group entering
// administration across 60 councils. Every expected recipient must receive each subject exactly once (after dropping
// repeats by key), the episode must name them all, and the audit trail must hold one disclosure for each; a notice
// SNS keeps refusing is dead-lettered, and one subject whose write keeps failing must not stop the others. The crash
// and throttling matrix is escalation-national-faults.test.ts, on an engine of its own: this file's full-scale
// messages leave many stream records, and DynamoDB Local slows every later request by them.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { decideAll, type EscalatePorts } from '../../functions/escalate/escalate.js';
import { drainOutbox } from '../../shared/application/outbox.js';
import { ADASS_REGIONS } from '../../shared/domain/model.js';
import type { EscalationNotice } from '../../shared/domain/notice-folding.js';
import { adassNetworkId, DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { AS_OF, FULL_EVIDENCE, FULL_SCALE, NATIONAL, nationalEngines, PLACING_COUNT, SMALL_SCALE, spread, Throttled, type World } from '../support/national.js';

// Each full-scale run writes hundreds of 50 KB messages: on a loaded 2-core machine one can take minutes, not seconds.
describe('national-scale escalations on DynamoDB Local and fauxqs', { timeout: 600_000 }, () => {
  const engines = nationalEngines();
  const { newWorld, readQueues, recipientsBySubject, expectConsistent } = engines;

  describe('a run without faults', () => {
    let received: Map<string, EscalationNotice[]>;
    let world: World;

    beforeAll(async () => {
      world = await newWorld(FULL_SCALE);
      expect(await decideAll(engines.ports(), AS_OF, DEFAULT_PROTOCOL)).toEqual({ decisions: 2, failures: [] });
      const drained = await drainOutbox(engines.ports(), AS_OF, DEFAULT_PROTOCOL);
      expect(drained).toMatchObject({ failed: [], deadLettered: [] });
      received = await readQueues();
    }, 600_000);

    it('tells every host and placing council, each ADASS network and national oversight exactly once per subject', async () => {
      // Assess
      expect(world.expected[world.homeCare]).toHaveLength(120 + PLACING_COUNT + ADASS_REGIONS.length + 1);
      expect(world.regions).toHaveLength(ADASS_REGIONS.length);
      await expectConsistent(received, world);
    });

    it('carries full evidence to host councils and national oversight, marked OFFICIAL-SENSITIVE, and no personal data anywhere', () => {
      // Prepare
      const notices = [...received.values()].flat();
      const aboutHomeCare = (id: string) => notices.find((n) => n.recipient.id === id && n.subject.id === world.homeCare)!;

      // Assess
      const host = spread[0]!;
      expect(aboutHomeCare(host.gss).evidence).toHaveLength(FULL_EVIDENCE.length);
      expect(aboutHomeCare(host.gss).handling.marking).toBe('OFFICIAL-SENSITIVE');
      expect(aboutHomeCare(host.gss).locations.total).toBe(120);
      expect(aboutHomeCare(NATIONAL).evidence).toHaveLength(FULL_EVIDENCE.length);
      const adass = aboutHomeCare(adassNetworkId(host.region, DEFAULT_PROTOCOL));
      expect(adass.evidence.map((f) => f.family).sort()).toEqual(['quality', 'safeguarding']);
      expect(adass.handling.marking).toBe('OFFICIAL');
      for (const n of notices) expect(JSON.stringify(n)).not.toContain(PERSONAL_DATA_MARKER);
    });
  });

  describe('a notice SNS keeps refusing', () => {
    it('goes to the outbox dead-letter queue after 3 runs, with keys and reason only, while the rest are delivered', async () => {
      // Prepare: SNS refuses every notice to national oversight
      const world = await newWorld(SMALL_SCALE);
      const refusing: EscalatePorts['notifier'] = {
        publish: async (notices) => {
          const refused = notices.filter((n) => n.recipient.id === NATIONAL);
          const sent = await engines.ports().notifier.publish(notices.filter((n) => n.recipient.id !== NATIONAL));
          return [...sent, ...refused.map((n) => ({ key: n.idempotencyKey, published: false as const, reason: 'refused: InvalidParameter' }))];
        },
      };
      const failing = { ...engines.ports(), notifier: refusing };

      // Act
      await decideAll(failing, AS_OF, DEFAULT_PROTOCOL);
      const runs = [];
      for (let run = 1; run <= 3; run++) runs.push(await drainOutbox(failing, AS_OF, DEFAULT_PROTOCOL));
      const received = await readQueues();
      const { Messages = [] } = await engines.aws().sqs.send(new ReceiveMessageCommand({ QueueUrl: engines.aws().deadLetterQueueUrl, MaxNumberOfMessages: 10 }));

      // Assess
      expect(runs.map((r) => [r.failed.length, r.deadLettered.length])).toEqual([[2, 0], [2, 0], [0, 2]]);
      const withoutNational = Object.fromEntries(Object.entries(world.expected).map(([id, recipients]) => [id, recipients.filter((r) => r !== NATIONAL)]));
      expect(recipientsBySubject(received, world)).toEqual(withoutNational);
      const deadLetters = Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
      expect(deadLetters.map((d) => Object.keys(d).sort())).toEqual([['attempts', 'messageKeys', 'noticeKey', 'reason'], ['attempts', 'messageKeys', 'noticeKey', 'reason']]);
      expect(deadLetters.map((d) => d.noticeKey).sort()).toEqual(runs[2]!.deadLettered);
      expect(await engines.ports().outbox.pendingOutbox()).toEqual([]);
      // Its disclosures were recorded when it was claimed, before publishing; its outbox entries say it was dead-lettered.
      expect((await engines.ports().outbox.disclosuresForRecipient(NATIONAL)).filter((d) => d.subjectId in world.expected)).toHaveLength(2);
    });
  });

  describe('one subject whose write keeps failing', () => {
    it('is retried, reported by name, and does not stop the other subject going to every recipient', async () => {
      // Prepare
      const world = await newWorld(SMALL_SCALE);
      const ports = engines.ports();
      const failing: EscalatePorts['escalations'] = {
        currentEpisode: (subject) => ports.escalations.currentEpisode(subject),
        recordDecision: (decision, previous, context) =>
          decision.episode.subject.id === world.group ? Promise.reject(new Throttled('throttled past the SDK retries')) : ports.escalations.recordDecision(decision, previous, context),
      };

      // Act
      const decided = await decideAll({ ...ports, escalations: failing }, AS_OF, DEFAULT_PROTOCOL);
      await drainOutbox(engines.ports(), AS_OF, DEFAULT_PROTOCOL);
      const received = await readQueues();

      // Assess
      expect(decided.decisions).toBe(1);
      expect(decided.failures).toEqual([{ subject: { type: 'group', id: world.group }, attempts: 3, error: 'ProvisionedThroughputExceededException: throttled past the SDK retries' }]);
      expect(recipientsBySubject(received, world)).toEqual({ [world.homeCare]: world.expected[world.homeCare] });
    });
  });

});
