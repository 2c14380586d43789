// Faults in the ingest, score, escalate and publish Lambdas on DynamoDB Local and fauxqs: the process crashing
// before or after each DynamoDB request of a run, throttling, BatchWriteItem leaving items unprocessed, and SNS
// replies lost after SNS took the batch. Each faulty run is followed by a rerun (the queue's redelivery, the next
// schedule), and the result is compared with a clean run's: no signal, quarantine record, assessment, escalation
// or notice lost or duplicated. Then ten ingests at once, of one file and of ten, keep every count exact.
// Each scenario has a world of its own (ids and, for escalation, an as-of day), so one engine serves the file.
import pMap from 'p-map';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invoke, landedObjectsEvent } from '../../cli/local/invoke.js';
import { decideAll } from '../../functions/escalate/escalate.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { drainQueue } from '../../cli/local/queues.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { UPDATE_CONCURRENCY } from '../../shared/adapters/dynamodb/series-writes.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { addDays } from '../../shared/domain/dates.js';
import { type RiskAssessment, SubjectType } from '../../shared/domain/model.js';
import { adassNetworkId, DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { Crash, faults, type FaultPlan } from '../support/faults.js';
import { assessment, location, provider } from '../support/fixtures.js';
import type { IngestRun, LocalAws } from '../support/local-aws.js';
import { escalatePortsOn, startLocalAws } from '../support/local-aws.js';

// The handlers build their clients through this module: the fault middleware goes on every one.
vi.mock('../../shared/adapters/aws-clients.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/adapters/aws-clients.js')>();
  const { withDynamoFaults, withSnsFaults } = await import('../support/faults.js');
  return { ...original, dynamoClient: () => withDynamoFaults(original.dynamoClient()), snsClient: () => withSnsFaults(original.snsClient()) };
});

type Handler = (event: never, context: never) => Promise<unknown>;
const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';
/** The parties a Red provider in Leeds and Bradford must reach: both councils, their ADASS network, national oversight. */
const PARTIES = [BRADFORD, LEEDS, adassNetworkId('Yorkshire and Humber', DEFAULT_PROTOCOL), DEFAULT_PROTOCOL.parties.nationalOversight.id].sort();
/**
 * Homes in a world, each home's signals one packed item. In the crash matrix half of them already hold their
 * first month from an earlier file: those items are added to, a write request each, and there are more of them
 * than ingest keeps in flight, so a crash falls both among writes already sent and before others are; the other
 * half's items are created together in one transaction. Every request of a clean run is a crash point, twice:
 * more homes would only repeat the same cases.
 */
const HOMES = 2 * UPDATE_CONCURRENCY + 4;
const MONTHS = ['2025-06', '2025-07', '2025-08', '2025-09'];
const LANDED_ON = '2025-10-01';

/** A world of its own: a provider with HOMES homes in Leeds and a Capacity Tracker file about them, two rows bad, one unknown. */
function worldOf(n: number) {
  const tag = String(n).padStart(3, '0');
  const providerId = `1-6${tag}00001`;
  const ids = Array.from({ length: HOMES }, (_, i) => `1-7${tag}${String(i).padStart(5, '0')}`);
  const rows = ids.flatMap((id, i) => MONTHS.map((month) => `${id},40,${30 + (i % 8)},2,${month}-10T09:00:00Z`));
  const unknownId = `1-7${tag}99999`;
  const bad = [`${ids[0]},40,41,0,2025-09-11T09:00:00Z`, `${ids[1]},forty,30,2,2025-09-12T09:00:00Z`, `${unknownId},40,30,2,2025-09-10T09:00:00Z`];
  return {
    ids,
    unknownId,
    key: `capacity-tracker/2025-09-30/world-${tag}.csv`,
    csv: ['cqcid,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc', ...rows, ...bad].join('\n') + '\n',
    rows: rows.length + bad.length,
    /** An earlier file with the first month of every other home: the same rows, so the same signals. */
    earlier: {
      key: `capacity-tracker/2025-09-30/world-${tag}-earlier.csv`,
      csv: ['cqcid,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc', ...rows.filter((_, r) => r % (2 * MONTHS.length) === 0)].join('\n') + '\n',
    },
    reference: {
      locations: ids.map((locationId, i) => location({ locationId, providerId, councilGss: i % 2 ? BRADFORD : LEEDS, name: `Home ${tag}-${i}` })),
      providers: [provider({ providerId, name: `Provider ${tag} Ltd`, companyNumber: `07${tag}000` })],
      groups: [],
    },
  };
}
type World = ReturnType<typeof worldOf>;

describe('faults in the Lambdas on DynamoDB Local and fauxqs, each followed by a rerun', { timeout: 300_000 }, () => {
  let aws: LocalAws;
  let stores: DynamoStores;
  let handlers: Record<'ingest' | 'score' | 'escalate' | 'publish', Handler>;
  let worlds = 0;

  beforeAll(async () => {
    aws = await startLocalAws(PARTIES);
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    // Loaded once the SDK points at the engines: each handler reads its configuration when loaded, as in Lambda.
    const [ingest, score, escalate, publish] = await Promise.all([
      import('../../functions/ingest/handler.js'),
      import('../../functions/score/handler.js'),
      import('../../functions/escalate/handler.js'),
      import('../../functions/publish/handler.js'),
    ]);
    handlers = { ingest: ingest.handler, score: score.handler, escalate: escalate.handler, publish: publish.handler } as unknown as typeof handlers;
  });

  afterAll(async () => {
    faults.reset();
    await aws?.stop();
  });

  /** Runs a handler under a fault plan; a crash is the process dying, so it may surface as a thrown Crash or a failed record. */
  async function run(name: keyof typeof handlers, event: unknown, plan: FaultPlan = {}) {
    faults.reset(plan);
    try {
      return await invoke(name, handlers[name] as never, event as never);
    } catch (error) {
      if (!(error instanceof Crash) && !plan.crashAt) throw error;
      return undefined;
    } finally {
      faults.dead = false;
    }
  }

  /** A world with its file landed; `partlyStored`: its earlier file ingested first, cleanly. */
  const newWorld = async (partlyStored = false): Promise<World> => {
    const world = worldOf(++worlds);
    await stores.putReference(world.reference);
    await aws.s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCE_NAMES.landingBucket, Key: world.key, Body: world.csv }));
    if (partlyStored) {
      await aws.s3.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCE_NAMES.landingBucket, Key: world.earlier.key, Body: world.earlier.csv }));
      const earlier = await run('ingest', landedObjectsEvent(LOCAL_RESOURCE_NAMES.landingBucket, [{ key: world.earlier.key, landedOn: LANDED_ON }]));
      expect((earlier as IngestRun).reports[0]!.signalsStored).toBe(HOMES / 2);
    }
    return world;
  };
  const ingest = (world: World, plan?: FaultPlan) =>
    run('ingest', landedObjectsEvent(LOCAL_RESOURCE_NAMES.landingBucket, [{ key: world.key, landedOn: LANDED_ON }]), plan) as Promise<IngestRun | undefined>;

  /** What a world left in the table, with its ids made the same in every world. */
  async function stored(world: World) {
    const signals = (await pMap(world.ids, (id) => stores.signalsFor({ type: 'location', id }), { concurrency: 8 })).flat();
    const quarantine = (await stores.listQuarantine()).filter((q) => q.origin === world.key);
    // Each id of the world by its place, so two worlds compare equal (every id has the same length: none is part of another).
    const named = [...world.ids, world.reference.providers[0]!.providerId, world.unknownId];
    const same = (value: unknown) => JSON.parse(named.reduce((text, id, i) => text.replaceAll(id, `ID${i}`), JSON.stringify(value))) as unknown;
    return { signals: same(signals), quarantine: same(quarantine.map(({ origin: _, ...q }) => q)), count: signals.length };
  }

  describe('score', () => {
    const scoreOn = (asOf: string, plan?: FaultPlan) => run('score', { asOf }, plan);
    // First in the file, so the market it scores is one world's: every run scores the whole market.
    beforeAll(async () => {
      expect((await ingest(await newWorld()))?.batchItemFailures).toEqual([]);
    });
    const assessed = async (asOf: string) =>
      (await Promise.all(SubjectType.options.map((type) => stores.assessmentsAsOf(asOf, type)))).flat().sort((a, b) => a.subject.id.localeCompare(b.subject.id));

    it('assesses every subject once, as a clean rerun would, after a crash at the start, middle or end of a run', async () => {
      // Prepare: the requests of a clean run, and crash points across them
      await scoreOn('2025-10-02');
      const requests = faults.dynamoRequests;
      const clean = await assessed('2025-10-02');
      const points = [1, Math.ceil(requests / 2), requests];

      // Act: each on a day of its own, crashed, rerun, then scored again cleanly, which must change nothing
      const outcomes = [];
      for (const [i, request] of points.entries()) {
        const asOf = addDays('2025-10-03', i);
        await scoreOn(asOf, { crashAt: { request, when: i % 2 ? 'before' : 'after' } });
        await scoreOn(asOf);
        const afterRerun = await assessed(asOf);
        await scoreOn(asOf);
        outcomes.push({ request, afterRerun, again: await assessed(asOf) });
      }

      // Assess
      expect(clean.length).toBeGreaterThan(HOMES);
      for (const { request, afterRerun, again } of outcomes) {
        expect(afterRerun.map((a) => a.subject), `crash at request ${request}`).toEqual(clean.map((a) => a.subject));
        expect(afterRerun).toEqual(again);
      }
    });
  });

  describe('ingest', () => {
    let clean: Awaited<ReturnType<typeof stored>>;
    let requests = 0;

    beforeAll(async () => {
      // The crash matrix's clean run: its requests are the crash points. What it stores is what any world ends with.
      const world = await newWorld(true);
      const result = await ingest(world);
      requests = faults.dynamoRequests;
      expect(result?.batchItemFailures).toEqual([]);
      clean = await stored(world);
    });

    it('stores every good row once and quarantines the three bad ones in a clean run', () => {
      // Assess
      expect(clean.count).toBe(HOMES * MONTHS.length);
      expect((clean.quarantine as unknown[]).length).toBe(3);
      expect(requests).toBeGreaterThan(HOMES / 2);
    });

    it('loses and repeats nothing when the process dies before or after any of its DynamoDB requests, then the message is redelivered', async () => {
      // Prepare
      const crashes = Array.from({ length: requests }, (_, i) => i + 1).flatMap((request) => (['before', 'after'] as const).map((when) => ({ request, when })));

      // Act
      const outcomes = await pMap(
        crashes,
        async (crashAt) => {
          const world = await newWorld(true);
          const faulty = await ingest(world, { crashAt });
          const rerun = await ingest(world);
          const report = rerun!.reports[0]!;
          return { crashAt, failed: faulty?.batchItemFailures.length ?? 1, stored: await stored(world), rerun: report.signalsStored + report.signalsAlreadyPresent };
        },
        { concurrency: 1 },
      );

      // Assess
      for (const { crashAt, failed, stored: after, rerun } of outcomes) {
        expect(failed, `the crash at ${JSON.stringify(crashAt)} fails the record`).toBe(1);
        expect(after, `after a crash ${JSON.stringify(crashAt)}`).toEqual(clean);
        expect(rerun).toBe(clean.count);
      }
    });

    it('stores exactly the clean run under throttling and with half of every batch write left unprocessed', async () => {
      // Prepare
      const throttled = await newWorld(true);
      const unprocessed = await newWorld(true);

      // Act
      const first = await ingest(throttled, { throttleEvery: 3 });
      const attempts = faults.dynamoAttempts;
      const second = await ingest(unprocessed, { unprocessedHalf: true });

      // Assess
      expect(first?.batchItemFailures).toEqual([]);
      expect(attempts).toBeGreaterThan(requests);
      expect(await stored(throttled)).toEqual(clean);
      expect(second?.batchItemFailures).toEqual([]);
      expect(await stored(unprocessed)).toEqual(clean);
    });

    it('keeps counts exact with ten ingests of one file at once, and of ten files at once', async () => {
      // Prepare
      const same = await newWorld();
      const ten = await pMap(Array.from({ length: 10 }), () => newWorld(), { concurrency: 1 });

      // Act
      const ofOne = await Promise.all(Array.from({ length: 10 }, () => ingest(same)));
      const ofTen = await Promise.all(ten.map((world) => ingest(world)));

      // Assess: one file's signals are stored once between them, the rest found present
      const reports = ofOne.map((r) => r!.reports[0]!);
      expect(reports.reduce((sum, r) => sum + r.signalsStored, 0)).toBe(clean.count);
      for (const r of reports) expect(r.signalsStored + r.signalsAlreadyPresent).toBe(clean.count);
      expect(await stored(same)).toEqual(clean);
      for (const [i, world] of ten.entries()) {
        expect(ofTen[i]!.reports[0]!.signalsStored).toBe(clean.count);
        expect(await stored(world)).toEqual(clean);
      }
    });
  });

  describe('escalate and publish', () => {
    /** A provider in administration, Red, with homes in Leeds and Bradford, assessed on a day of its own. */
    async function redProvider(): Promise<{ world: World; asOf: string; subject: RiskAssessment['subject'] }> {
      const world = worldOf(++worlds);
      await stores.putReference(world.reference);
      const asOf = addDays('2025-11-01', worlds);
      const subject = { type: 'provider' as const, id: world.reference.providers[0]!.providerId };
      await stores.putAssessments([
        assessment({ subject, asOf, likelihood: 96, impact: 'High', hardTriggers: [HARD_TRIGGERS.insolvency], councils: [BRADFORD, LEEDS], regions: ['Yorkshire and Humber'] }),
      ]);
      return { world, asOf, subject };
    }
    const readQueues = async () => new Map(await pMap(aws.queues, async (q) => [q.recipientId, (await drainQueue(aws.sqs, q)).map((d) => d.message)] as const));

    /** Who heard about the subject, once each after dropping repeats by key, and what the episode and the audit say. */
    async function outcome(subject: RiskAssessment['subject']) {
      const received = await readQueues();
      const heard = [...received].flatMap(([queue, notices]) => {
        const keys = new Set(notices.filter((n) => n.subject.id === subject.id).map((n) => n.idempotencyKey));
        expect(keys.size, `${queue} got one key`).toBeLessThanOrEqual(1);
        return keys.size ? [queue] : [];
      });
      const escalations = new DynamoEscalationStore(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
      const outbox = new DynamoOutbox(aws.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
      const episode = await escalations.currentEpisode(subject);
      return {
        heard: heard.sort(),
        notified: episode?.notifications.map((n) => n.recipient.id).sort(),
        audited: (await outbox.disclosuresForSubject(subject.id)).map((d) => d.recipientId).sort(),
        pending: (await outbox.pendingOutbox()).length,
      };
    }
    /** A clean run's outcome: the parties the protocol names, each heard, notified and audited once. */
    let expected: Awaited<ReturnType<typeof outcome>>;
    beforeAll(async () => {
      const { asOf, subject } = await redProvider();
      await run('escalate', { asOf });
      expected = await outcome(subject);
      expect(expected.heard).toEqual(expect.arrayContaining([BRADFORD, LEEDS]));
      expect(expected).toEqual({ heard: expected.heard, notified: expected.heard, audited: expected.heard, pending: 0 });
    });

    it('tells every party once when the escalate run dies before or after any of its requests, then escalate and publish run again', async () => {
      // Prepare: the requests of a clean run
      const first = await redProvider();
      await run('escalate', { asOf: first.asOf });
      const requests = faults.dynamoRequests;
      expect(await outcome(first.subject)).toEqual(expected);
      const crashes = Array.from({ length: requests }, (_, i) => i + 1).flatMap((request) => (['before', 'after'] as const).map((when) => ({ request, when })));

      // Act
      const outcomes = [];
      for (const crashAt of crashes) {
        const { asOf, subject } = await redProvider();
        await run('escalate', { asOf }, { crashAt });
        await run('escalate', { asOf });
        await run('publish', {});
        outcomes.push({ crashAt, result: await outcome(subject) });
      }

      // Assess
      expect(requests).toBeGreaterThan(3);
      for (const { crashAt, result } of outcomes) expect(result, JSON.stringify(crashAt)).toEqual(expected);
    });

    it('tells every party once when the publisher dies at any request, or SNS replies are lost after it took the batch', async () => {
      // Prepare: decided as the escalate run decides, not yet published
      const decide = async () => {
        const world = await redProvider();
        expect(await decideAll(escalatePortsOn(aws), world.asOf, DEFAULT_PROTOCOL)).toEqual({ decisions: 1, failures: [] });
        return world;
      };
      const probe = await decide();
      await run('publish', {});
      const requests = faults.dynamoRequests;
      expect(await outcome(probe.subject)).toEqual(expected);

      // Act
      const outcomes = [];
      for (const plan of [...Array.from({ length: requests }, (_, i) => ({ crashAt: { request: i + 1, when: 'after' as const } })), { snsRepliesLost: 2 }]) {
        const { subject } = await decide();
        await run('publish', {}, plan);
        await run('publish', {});
        outcomes.push({ plan, result: await outcome(subject) });
      }

      // Assess
      for (const { plan, result } of outcomes) expect(result, JSON.stringify(plan)).toEqual(expected);
    });
  });
});
