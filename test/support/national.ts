// The national-scale escalation worlds the two national test files share: a home-care provider failing across
// many councils in every region and a care-home group entering administration, each world with ids of its own so
// many can live in one table; the subscriber queues read as recipients would; and the check that every expected
// recipient heard about each subject once, with the audit and the episode agreeing.
import pMap from 'p-map';
import { afterAll, beforeAll, expect } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { drainQueue } from '../../cli/local/queues.js';
import type { EscalatePorts } from '../../functions/escalate/escalate.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { groupBy } from '../../shared/domain/collections.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import type { Factor, Location, RiskAssessment } from '../../shared/domain/model.js';
import type { EscalationNotice } from '../../shared/domain/notice-folding.js';
import { adassNetworkId, DEFAULT_PROTOCOL, partyIds } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { assessment, location, provider } from './fixtures.js';
import { escalatePortsOn, type LocalAws, startLocalAws } from './local-aws.js';

export const AS_OF = '2025-10-15';
export const NATIONAL = DEFAULT_PROTOCOL.parties.nationalOversight.id;

/** Councils taken a region at a time, so that any first 9 cover every region. */
const byRegion = groupBy([...COUNCILS].sort((a, b) => a.gss.localeCompare(b.gss)), (c) => c.region);
export const spread = [...byRegion.values()]
  .flatMap((councils, r) => councils.map((c, i) => ({ c, order: i * byRegion.size + r })))
  .sort((a, b) => a.order - b.order)
  .map(({ c }) => c);

/** How big a failure: how many councils the provider and the group are in. */
export interface Scale {
  homeCareCouncils: number;
  groupCouncils: number;
}
export const FULL_SCALE: Scale = { homeCareCouncils: 120, groupCouncils: 60 };
/**
 * For the checks that do not depend on size (faults, refusals): the provider still in every region and the group
 * in two, so both still reach national oversight, at a tenth of the messages (a full-scale message carries 120
 * services and 123 councils: about 50 KB, written three times).
 */
export const SMALL_SCALE: Scale = { homeCareCouncils: 12, groupCouncils: 12 };
/** Three councils place residents with the provider from outside its footprint. */
export const PLACING_COUNT = 3;

/** Full evidence in every family, financial and operational included, as a failing provider would carry. */
export const FULL_EVIDENCE: Factor[] = [
  { family: 'financial', indicator: 'Company in administration', points: 100, evidence: [{ source: 'companies-house', date: '2025-10-01', value: 'administration' }] },
  { family: 'financial', indicator: 'Accounts overdue by more than 30 days', points: 40, evidence: [{ source: 'companies-house', date: '2025-09-01', value: 'overdue' }] },
  { family: 'quality', indicator: 'Overall rating Inadequate', points: 100, evidence: [{ source: 'cqc-api', date: '2025-08-01', value: 'Inadequate' }] },
  { family: 'safeguarding', indicator: 'Concerns above twice the expected count', points: 100, evidence: [{ source: 'safeguarding-return', date: '2025-09-30', value: '14' }] },
  { family: 'occupancy', indicator: 'Occupancy under 75%', points: 100, evidence: [{ source: 'capacity-tracker', date: '2025-10-08', value: '71%' }] },
  { family: 'workforce', indicator: 'Agency hours 15% or more', points: 30, evidence: [{ source: 'capacity-tracker', date: '2025-10-08', value: '22%' }] },
];

const regionsOf = (councils: readonly { region: string }[]) => [...new Set(councils.map((c) => c.region))].sort() as RiskAssessment['regions'];
const adassOf = (councils: readonly { region: string }[]) => regionsOf(councils).map((r) => adassNetworkId(r, DEFAULT_PROTOCOL));

/** One world, with ids of its own (`n` is its number), seeded into the table by `seed`. */
export function worldOf(n: number, scale: Scale) {
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
export type World = ReturnType<typeof worldOf>;

/** What DynamoDB or SNS says when it throttles; the SDK has already retried it. */
export class Throttled extends Error {
  override readonly name = 'ProvisionedThroughputExceededException';
}

/**
 * The engines of one test file (started once, in beforeAll, with a subscriber queue for every party) and what
 * its tests do with them. Worlds share the table: every check looks only at its own world's subjects, so what
 * earlier worlds left in the queues or the table does not matter and the queues need no emptying in between.
 */
export function nationalEngines() {
  let aws: LocalAws | undefined;
  let ports: EscalatePorts | undefined;
  let stores: DynamoStores | undefined;
  let worlds = 0;
  const started = () => {
    if (!aws || !ports || !stores) throw new Error('the engines start in beforeAll');
    return { aws, ports, stores };
  };

  beforeAll(async () => {
    aws = await startLocalAws(partyIds(DEFAULT_PROTOCOL));
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    ports = escalatePortsOn(aws, { baseDelayMs: 5 });
  });

  afterAll(async () => {
    await aws?.stop();
  });

  /** Every queue's notices, repeats included; all are read at once, since each needs two empty polls. */
  const readQueues = async () => {
    const { aws } = started();
    return new Map(await pMap(aws.queues, async (q) => [q.recipientId, (await drainQueue(aws.sqs, q)).map((d) => d.message)] as const, { concurrency: 64 }));
  };

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

  /** Every expected recipient told once per subject, nothing pending, and the audit trail and the episode naming each. */
  async function expectConsistent(received: Map<string, EscalationNotice[]>, world: World): Promise<void> {
    const { ports } = started();
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

  return {
    aws: () => started().aws,
    ports: () => started().ports,
    /** A new world in the table. */
    newWorld: async (scale: Scale): Promise<World> => {
      const world = worldOf(++worlds, scale);
      await world.seed(started().stores);
      return world;
    },
    readQueues,
    recipientsBySubject,
    expectConsistent,
  };
}
