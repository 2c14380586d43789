// Escalations on the worst days, on DynamoDB Local and fauxqs with a subscriber queue for every party: a
// home-care provider failing across 120 councils in all 9 regions and a care-home group entering
// administration across 60 councils. Every expected recipient must receive each subject exactly once (after dropping
// repeats by key), the episode must name them all, and the audit trail must hold one disclosure for each.
// Then a crash or a throttling error is injected at every step of deciding and publishing, and a rerun must
// lose nothing and duplicate nothing; and one subject whose write keeps failing must not stop the others.
import pMap from 'p-map';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { drainQueue } from '../../cli/local/queues.js';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { decideAll, type EscalatePorts } from '../../functions/escalate/escalate.js';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { drainOutbox } from '../../shared/application/outbox.js';
import { groupBy } from '../../shared/domain/collections.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { ADASS_REGIONS, type Factor, type Location, type RiskAssessment } from '../../shared/domain/model.js';
import type { EscalationNotice } from '../../shared/domain/notice-folding.js';
import { adassNetworkId, DEFAULT_PROTOCOL, partyIds } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { assessment, location, provider } from '../support/fixtures.js';
import { escalatePortsOn, type LocalAws, startLocalAws } from '../support/local-aws.js';

const AS_OF = '2025-10-15';
const NATIONAL = DEFAULT_PROTOCOL.parties.nationalOversight.id;

/** Councils taken a region at a time, so that any first 9 cover every region. */
const byRegion = groupBy([...COUNCILS].sort((a, b) => a.gss.localeCompare(b.gss)), (c) => c.region);
const spread = [...byRegion.values()].flatMap((councils, r) => councils.map((c, i) => ({ c, order: i * byRegion.size + r }))).sort((a, b) => a.order - b.order).map(({ c }) => c);

/** How big a failure: 120 councils for the provider and 60 for the group at full scale. */
interface Scale {
  homeCareCouncils: number;
  groupCouncils: number;
}
const FULL_SCALE: Scale = { homeCareCouncils: 120, groupCouncils: 60 };
/**
 * The fault matrix runs 16 scenarios: on a third of the size, still in every region, so the suite stays fast
 * (each message of the full scale carries 120 services and 123 councils: about 50 KB written three times).
 */
const FAULT_SCALE: Scale = { homeCareCouncils: 40, groupCouncils: 20 };
/** Three councils place residents with the provider from outside its footprint. */
const PLACING_COUNT = 3;

/** Full evidence in every family, financial and operational included, as a failing provider would carry. */
const FULL_EVIDENCE: Factor[] = [
  { family: 'financial', indicator: 'Company in administration', points: 100, evidence: [{ source: 'companies-house', date: '2025-10-01', value: 'administration' }] },
  { family: 'financial', indicator: 'Accounts overdue by more than 30 days', points: 40, evidence: [{ source: 'companies-house', date: '2025-09-01', value: 'overdue' }] },
  { family: 'quality', indicator: 'Overall rating Inadequate', points: 100, evidence: [{ source: 'cqc-api', date: '2025-08-01', value: 'Inadequate' }] },
  { family: 'safeguarding', indicator: 'Concerns above twice the expected count', points: 100, evidence: [{ source: 'safeguarding-return', date: '2025-09-30', value: '14' }] },
  { family: 'occupancy', indicator: 'Occupancy under 75%', points: 100, evidence: [{ source: 'capacity-tracker', date: '2025-10-08', value: '71%' }] },
  { family: 'workforce', indicator: 'Agency hours 15% or more', points: 30, evidence: [{ source: 'capacity-tracker', date: '2025-10-08', value: '22%' }] },
];

const regionsOf = (councils: readonly { region: string }[]) => [...new Set(councils.map((c) => c.region))].sort() as RiskAssessment['regions'];
const adassOf = (councils: readonly { region: string }[]) => regionsOf(councils).map((r) => adassNetworkId(r, DEFAULT_PROTOCOL));

/**
 * One world per scenario, with ids of its own, on one long-lived engine: recreating tables on an engine that
 * holds many stream records slows every request (see DESIGN.md's engine facts).
 */
function worldOf(n: number, scale: Scale) {
  const tag = String(n).padStart(2, '0');
  const HOME_CARE_COUNCILS = spread.slice(0, scale.homeCareCouncils);
  const PLACING = spread.slice(scale.homeCareCouncils, scale.homeCareCouncils + PLACING_COUNT).map((c) => c.gss);
  // The group's councils from the far end, overlapping the provider's only at full scale.
  const GROUP_COUNCILS = spread.slice(-scale.groupCouncils);
  const homeCare = `1-9900${tag}120`;
  const group = `GRP-60-${tag}`;
  const groupProviders = [1, 2, 3, 4, 5, 6].map((i) => `1-9900${tag}60${i}`);
  const homeCareLocations: Location[] = HOME_CARE_COUNCILS.map((c, i) =>
    location({ locationId: `1-98${tag}${String(i).padStart(5, '0')}`, providerId: homeCare, councilGss: c.gss, region: c.region, serviceKind: 'home-care', beds: 0, name: `Branch ${c.name}` }),
  );
  const groupLocations: Location[] = GROUP_COUNCILS.map((c, i) =>
    location({ locationId: `1-97${tag}${String(i).padStart(5, '0')}`, providerId: groupProviders[i % groupProviders.length], councilGss: c.gss, region: c.region, beds: 45, name: `House ${c.name}` }),
  );
  /** In administration, with full evidence: Red under a hard trigger, in many councils. */
  const failing = (subject: RiskAssessment['subject'], name: string, councils: typeof spread, beds: number) =>
    assessment({
      subject,
      name,
      likelihood: 96,
      impact: 'High',
      hardTriggers: [HARD_TRIGGERS.insolvency],
      councils: councils.map((c) => c.gss).sort(),
      regions: regionsOf(councils),
      beds,
      sharedAcrossCouncils: true,
      factors: FULL_EVIDENCE,
    });
  const assessments = [
    failing({ type: 'provider', id: homeCare }, 'Nationwide Home Care Ltd', HOME_CARE_COUNCILS, 0),
    failing({ type: 'group', id: group }, 'Sixty Homes Group', GROUP_COUNCILS, 45 * GROUP_COUNCILS.length),
  ];
  /** Who must hear about each subject: host and placing councils, the ADASS network of each region, national oversight. */
  const expected: Record<string, string[]> = {
    [homeCare]: [...HOME_CARE_COUNCILS.map((c) => c.gss), ...PLACING, ...adassOf(HOME_CARE_COUNCILS), NATIONAL].sort(),
    [group]: [...GROUP_COUNCILS.map((c) => c.gss), ...adassOf(GROUP_COUNCILS), NATIONAL].sort(),
  };
  return {
    homeCare,
    group,
    expected,
    regions: regionsOf(HOME_CARE_COUNCILS),
    seed: async (stores: DynamoStores) => {
      await stores.putReference({
        locations: [...homeCareLocations, ...groupLocations],
        providers: [
          provider({ providerId: homeCare, name: 'Nationwide Home Care Ltd', companyNumber: `0999${tag}20` }),
          ...groupProviders.map((providerId, i) => provider({ providerId, name: `Sixty Homes ${i + 1} Ltd`, companyNumber: `099${tag}06${i}`, groupId: group })),
        ],
        groups: [{ groupId: group, name: 'Sixty Homes Group' }],
      });
      await stores.putPlacements(PLACING.map((councilGss, i) => ({ councilGss, locationId: homeCareLocations[i]!.locationId, residentsPlaced: 3 })));
      await stores.putAssessments(assessments);
    },
  };
}
type World = ReturnType<typeof worldOf>;

class Crash extends Error {
  override readonly name = 'Crash';
}
/** What DynamoDB or SNS says when it throttles; the SDK has already retried it. */
class Throttled extends Error {
  override readonly name = 'ProvisionedThroughputExceededException';
}

type PortName = 'escalations' | 'outbox' | 'notifier';
interface Fault {
  step: string;
  port: PortName;
  method: string;
  when: 'before' | 'halfway' | 'after';
  /** The call of that method that fails. */
  call: number;
  kind: 'crash' | 'throttle';
}

const STEPS: Omit<Fault, 'call' | 'kind'>[] = [
  { step: 'staging and recording a decision', port: 'escalations', method: 'recordDecision', when: 'before' },
  { step: 'once a decision is recorded, before the reply', port: 'escalations', method: 'recordDecision', when: 'after' },
  { step: 'claiming a notice (its disclosures)', port: 'outbox', method: 'claim', when: 'before' },
  { step: 'once a notice is claimed, before publishing', port: 'outbox', method: 'claim', when: 'after' },
  { step: 'publishing', port: 'notifier', method: 'publish', when: 'before' },
  { step: 'halfway through publishing', port: 'notifier', method: 'publish', when: 'halfway' },
  { step: 'after publishing, before a notice is marked', port: 'outbox', method: 'markPublished', when: 'before' },
  { step: 'once a notice is marked, before the reply', port: 'outbox', method: 'markPublished', when: 'after' },
];
// Publishing is one call per run; the other steps are one call per subject or per notice: fail the second.
const FAULTS: Fault[] = STEPS.flatMap((s) => (['crash', 'throttle'] as const).map((kind) => ({ ...s, kind, call: s.method === 'publish' ? 1 : 2 })));

// Each full-scale run writes hundreds of 50 KB messages: on a loaded 2-core machine one can take minutes, not seconds.
describe('national-scale escalations on DynamoDB Local and fauxqs', { timeout: 600_000 }, () => {
  let aws: LocalAws;
  let ports: EscalatePorts;

  let stores: DynamoStores;
  let worlds = 0;
  /** A new world in the table, and every queue emptied of what earlier scenarios left. */
  async function newWorld(scale: Scale): Promise<World> {
    const world = worldOf(++worlds, scale);
    await world.seed(stores);
    await readQueues();
    return world;
  }

  /** Every queue's notices, repeats included. */
  const readQueues = async () => new Map(await pMap(aws.queues, async (q) => [q.recipientId, (await drainQueue(aws.sqs, q)).map((d) => d.message)] as const, { concurrency: 8 }));

  /** Each subject's recipients, once each after dropping repeats by key; fails on two keys for one recipient and subject. */
  function recipientsBySubject(received: Map<string, EscalationNotice[]>, world: World): Record<string, string[]> {
    const bySubject: Record<string, string[]> = {};
    for (const [queue, notices] of received) {
      const keys = new Map<string, Set<string>>();
      for (const n of notices.filter((x) => x.subject.id in world.expected)) {
        expect(n.recipient.id, queue).toBe(queue);
        keys.set(n.subject.id, (keys.get(n.subject.id) ?? new Set()).add(n.idempotencyKey));
      }
      for (const [subjectId, k] of keys) {
        expect([...k], `${queue} about ${subjectId}`).toHaveLength(1);
        (bySubject[subjectId] ??= []).push(queue);
      }
    }
    for (const list of Object.values(bySubject)) list.sort();
    return bySubject;
  }

  async function expectConsistent(received: Map<string, EscalationNotice[]>, world: World): Promise<void> {
    expect(recipientsBySubject(received, world)).toEqual(world.expected);
    expect(await ports.outbox.pendingOutbox()).toEqual([]);
    for (const [subjectId, expected] of Object.entries(world.expected)) {
      const audited = (await ports.outbox.disclosuresForSubject(subjectId)).map((d) => d.recipientId).sort();
      expect(audited, `audit of ${subjectId}`).toEqual(expected);
      const type = subjectId === world.group ? 'group' : 'provider';
      const episode = await ports.escalations.currentEpisode({ type, id: subjectId });
      expect(episode?.notifications.map((n) => n.recipient.id).sort(), `episode of ${subjectId}`).toEqual(expected);
    }
  }

  beforeAll(async () => {
    aws = await startLocalAws(partyIds(DEFAULT_PROTOCOL));
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    ports = escalatePortsOn(aws, { baseDelayMs: 5 });
  });

  afterAll(async () => {
    await aws?.stop();
  });

  describe('a run without faults', () => {
    let received: Map<string, EscalationNotice[]>;
    let world: World;

    beforeAll(async () => {
      world = await newWorld(FULL_SCALE);
      expect(await decideAll(ports, AS_OF, DEFAULT_PROTOCOL)).toEqual({ decisions: 2, failures: [] });
      const drained = await drainOutbox(ports, AS_OF, DEFAULT_PROTOCOL);
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
      const world = await newWorld(FAULT_SCALE);
      const refusing: EscalatePorts['notifier'] = {
        publish: async (notices) => {
          const refused = notices.filter((n) => n.recipient.id === NATIONAL);
          const sent = await ports.notifier.publish(notices.filter((n) => n.recipient.id !== NATIONAL));
          return [...sent, ...refused.map((n) => ({ key: n.idempotencyKey, published: false as const, reason: 'refused: InvalidParameter' }))];
        },
      };
      const failing = { ...ports, notifier: refusing };

      // Act
      await decideAll(failing, AS_OF, DEFAULT_PROTOCOL);
      const runs = [];
      for (let run = 1; run <= 3; run++) runs.push(await drainOutbox(failing, AS_OF, DEFAULT_PROTOCOL));
      const received = await readQueues();
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.deadLetterQueueUrl, MaxNumberOfMessages: 10 }));

      // Assess
      expect(runs.map((r) => [r.failed.length, r.deadLettered.length])).toEqual([[2, 0], [2, 0], [0, 2]]);
      const withoutNational = Object.fromEntries(Object.entries(world.expected).map(([id, recipients]) => [id, recipients.filter((r) => r !== NATIONAL)]));
      expect(recipientsBySubject(received, world)).toEqual(withoutNational);
      const deadLetters = Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
      expect(deadLetters.map((d) => Object.keys(d).sort())).toEqual([['attempts', 'messageKeys', 'noticeKey', 'reason'], ['attempts', 'messageKeys', 'noticeKey', 'reason']]);
      expect(deadLetters.map((d) => d.noticeKey).sort()).toEqual(runs[2]!.deadLettered);
      expect(await ports.outbox.pendingOutbox()).toEqual([]);
      // Its disclosures were recorded when it was claimed, before publishing; its outbox entries say it was dead-lettered.
      expect((await ports.outbox.disclosuresForRecipient(NATIONAL)).filter((d) => d.subjectId in world.expected)).toHaveLength(2);
    });
  });

  describe('one subject whose write keeps failing', () => {
    it('is retried, reported by name, and does not stop the other subject going to every recipient', async () => {
      // Prepare
      const world = await newWorld(FULL_SCALE);
      const failing: EscalatePorts['escalations'] = {
        currentEpisode: (subject) => ports.escalations.currentEpisode(subject),
        recordDecision: (decision, previous, context) =>
          decision.episode.subject.id === world.group ? Promise.reject(new Throttled('throttled past the SDK retries')) : ports.escalations.recordDecision(decision, previous, context),
      };

      // Act
      const decided = await decideAll({ ...ports, escalations: failing }, AS_OF, DEFAULT_PROTOCOL);
      await drainOutbox(ports, AS_OF, DEFAULT_PROTOCOL);
      const received = await readQueues();

      // Assess
      expect(decided.decisions).toBe(1);
      expect(decided.failures).toEqual([{ subject: { type: 'group', id: world.group }, attempts: 3, error: 'ProvisionedThroughputExceededException: throttled past the SDK retries' }]);
      expect(recipientsBySubject(received, world)).toEqual({ [world.homeCare]: world.expected[world.homeCare] });
    });
  });

  describe('a fault at any step, then a rerun', () => {
    /**
     * The ports of a process hit by the fault at its call: a crash kills the process there (that call and
     * every later one throws); a throttling error fails that one call and the process goes on.
     */
    function faultyPorts(fault: Fault) {
      const process = { dead: false, calls: 0, inFlight: new Set<Promise<unknown>>() };
      const fail = (): never => {
        if (fault.kind === 'crash') {
          process.dead = true;
          throw new Crash(`crashed ${fault.step} (call ${fault.call})`);
        }
        throw new Throttled(`throttled ${fault.step} (call ${fault.call})`);
      };
      const faulty = <T extends object>(target: T, port: PortName): T =>
        new Proxy(target, {
          get(object, property) {
            const member = Reflect.get(object, property, object) as unknown;
            if (typeof member !== 'function') return member;
            return async (...args: unknown[]) => {
              if (process.dead) throw new Crash('the process has died');
              const hit = port === fault.port && property === fault.method && ++process.calls === fault.call;
              if (hit && fault.when === 'before') fail();
              const half = (notices: EscalationNotice[]) => notices.slice(0, Math.ceil(notices.length / 2));
              const work = (hit && fault.when === 'halfway' ? (member as (n: EscalationNotice[]) => Promise<unknown>).call(object, half(args[0] as EscalationNotice[])) : (member as (...a: unknown[]) => Promise<unknown>).apply(object, args));
              process.inFlight.add(work);
              const result = await work.finally(() => process.inFlight.delete(work));
              return hit ? fail() : result;
            };
          },
        });
      return {
        ports: { ...ports, escalations: faulty(ports.escalations, 'escalations'), outbox: faulty(ports.outbox, 'outbox'), notifier: faulty(ports.notifier, 'notifier') },
        hit: () => process.calls >= fault.call,
        /** Work the dead process had already handed to DynamoDB or SNS still lands; wait for it. */
        settled: async () => {
          while (process.inFlight.size > 0) await Promise.allSettled([...process.inFlight]);
        },
      };
    }

    it.each(FAULTS)('$kind $step (call $call): every recipient gets each subject once, and the audit matches', async (fault) => {
      // Prepare
      const world = await newWorld(FAULT_SCALE);
      const faulty = faultyPorts(fault);

      // Act: the run that meets the fault, then the next daily run and a sweep by the publisher
      await decideAll(faulty.ports, AS_OF, DEFAULT_PROTOCOL)
        .then(() => drainOutbox(faulty.ports, AS_OF, DEFAULT_PROTOCOL))
        .catch((error: unknown) => expect(error).toBeInstanceOf(Crash));
      await faulty.settled();
      await decideAll(ports, AS_OF, DEFAULT_PROTOCOL);
      await drainOutbox(ports, AS_OF, DEFAULT_PROTOCOL);
      const received = await readQueues();

      // Assess
      expect(faulty.hit()).toBe(true);
      await expectConsistent(received, world);
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.deadLetterQueueUrl, MaxNumberOfMessages: 10 }));
      const ours = Messages.filter((m) => Object.keys(world.expected).some((subjectId) => m.Body?.includes(subjectId)));
      expect(ours).toEqual([]);
    });
  });
});
