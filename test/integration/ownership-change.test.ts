// A change of owner told from a closure, end to end on DynamoDB Local and fauxqs: CQC API documents land
// through the ingest Lambda, the score and escalate Lambdas run as of each delivery's day, and every
// subscriber queue is read. A provider sells 8 homes across 3 councils (each old id deregistered, a new id
// registered the same day, linked by CQC's `relationships`) while an unrelated home really closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { invoke } from '../../cli/local/invoke.js';
import { type DeliveredMessage, drainQueues } from '../../cli/local/queues.js';
import { type LandedFile, type LocalStack, startLocalStack } from '../../cli/local/stack.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { addMonths, monthOf } from '../../shared/domain/dates.js';
import type { IsoDate, RiskAssessment } from '../../shared/domain/model.js';
import { BRADFORD, LEEDS } from '../support/fixtures.js';

const WAKEFIELD = 'E08000036';
const KIRKLEES = 'E08000034';
const COUNCIL_NAME: Record<string, string> = { [LEEDS]: 'Leeds', [BRADFORD]: 'Bradford', [WAKEFIELD]: 'Wakefield' };

const SELLER = '1-800000001';
const BUYER = '1-800000002';
const OTHER = '1-800000003';
const LATE_OWNER = '1-800000004';
const FILLER_OWNER = '1-800000005';
const SALE_DAY = '2025-09-01';
const FIRST_DELIVERY = '2025-09-05';
const SECOND_DELIVERY = '2025-09-19';

/** The 8 homes sold, 3 in Leeds, 3 in Bradford and 2 in Wakefield; the first is on a falling occupancy path. */
const SOLD = Array.from({ length: 8 }, (_, i) => ({
  from: `1-70000000${i}`,
  to: `1-71000000${i}`,
  councilGss: [LEEDS, LEEDS, LEEDS, BRADFORD, BRADFORD, BRADFORD, WAKEFIELD, WAKEFIELD][i]!,
  name: `Sold Home ${i}`,
  uprn: `1000000000${i}`,
}));
const FALLING = SOLD[0]!;
/** An unrelated Leeds home that closes the same day, Kirklees placing residents there. */
const CLOSED = { id: '1-720000001', councilGss: LEEDS, name: 'Closing Home' };
/**
 * A home deregistered the same day whose successor CQC reports only in the next delivery. Its owner keeps a
 * home three times its size, so the closure-looking deregistration does not pin the owner Red, and the
 * home's own episode is told on its own.
 */
const LATE = { from: '1-730000001', to: '1-730000002', councilGss: WAKEFIELD, name: 'Late Link Home' };
const KEPT = { id: '1-730000009', councilGss: WAKEFIELD, name: 'Kept Home' };
/**
 * Large homes with room to spare in each council, so the market is not so small that every home holds a
 * tenth of its council's beds (High impact everywhere, and Red at Amber's likelihood).
 */
const FILLERS = [LEEDS, BRADFORD, WAKEFIELD].map((councilGss, i) => ({ id: `1-74000000${i}`, councilGss, name: `Large Home ${i}` }));

interface Doc {
  locationId: string;
  providerId: string;
  name: string;
  councilGss: string;
  registeredOn: IsoDate;
  deregisteredOn?: IsoDate;
  relationships?: { relatedLocationId: string; type: 'HSCA Predecessor' | 'HSCA Successor' }[];
  rated?: boolean;
  beds?: number;
}

/** A CQC API location document, as `GET /locations/{id}` returns it. */
function apiDocument(doc: Doc): string {
  return JSON.stringify({
    locationId: doc.locationId,
    providerId: doc.providerId,
    name: doc.name,
    registrationStatus: doc.deregisteredOn ? 'Deregistered' : 'Registered',
    registrationDate: doc.registeredOn,
    ...(doc.deregisteredOn ? { deregistrationDate: doc.deregisteredOn } : {}),
    numberOfBeds: doc.beds ?? 30,
    localAuthority: COUNCIL_NAME[doc.councilGss],
    gacServiceTypes: [{ name: 'Residential homes', description: 'Care home service without nursing' }],
    relationships: (doc.relationships ?? []).map((r) => ({ ...r, relatedLocationName: doc.name, reason: 'Change of ownership' })),
    ...(doc.rated === false
      ? {}
      : {
          currentRatings: { overall: { rating: 'Requires improvement', reportDate: '2024-06-03', keyQuestionRatings: [{ name: 'Safe', rating: 'Requires improvement' }] } },
          historicRatings: [{ reportDate: '2022-05-10', overall: { rating: 'Good', keyQuestionRatings: [{ name: 'Safe', rating: 'Good' }] } }],
        }),
  });
}

const apiFile = (day: IsoDate, doc: Doc): LandedFile => ({ key: `${day}/cqc-api/locations/${doc.locationId}.json`, landedOn: day, body: apiDocument(doc) });

/**
 * Nine monthly Capacity Tracker returns to August: the falling home drops from about 95% to 87% in the last
 * three, still full enough to score no points on the level; the large homes have 300 beds free each.
 */
function capacityFile(): LandedFile {
  const header = 'cqcid,maxcapacity,usedbeds,declaredvacancies,isacceptingadmissions,lastupdatedutc';
  const months = Array.from({ length: 9 }, (_, i) => addMonths('2024-12-10', i));
  const occupied = (id: string, i: number) => (id === FALLING.from ? [29, 28, 29, 28, 29, 28, 27, 26, 26][i]! : 27);
  const homes = [...SOLD.map((h) => h.from), CLOSED.id, LATE.from];
  const rows = months.flatMap((day, i) => [
    ...homes.map((id) => `${id},30,${occupied(id, i)},${30 - occupied(id, i)},Yes,${day}T10:00:00Z`),
    `${KEPT.id},100,90,10,Yes,${day}T10:00:00Z`,
    ...FILLERS.map((f) => `${f.id},1500,1200,300,Yes,${day}T10:00:00Z`),
  ]);
  return { key: `${FIRST_DELIVERY}/capacity-tracker.csv`, landedOn: FIRST_DELIVERY, body: [header, ...rows].join('\n') };
}

describe('a change of owner is not a closure (DynamoDB Local + fauxqs)', () => {
  let stack: LocalStack;
  let stores: DynamoStores;
  let first: { assessments: RiskAssessment[]; delivered: DeliveredMessage[] };
  let second: { assessments: RiskAssessment[]; delivered: DeliveredMessage[] };

  const runDay = async (day: IsoDate, files: readonly LandedFile[]) => {
    await stack.ingest(files);
    await invoke('score', stack.handlers.score, { asOf: day } as never);
    await stack.decideAndPublish(day);
    const assessments = (await Promise.all((['location', 'provider'] as const).map((type) => stores.assessmentsAsOf(day, type)))).flat();
    return { assessments, delivered: (await drainQueues(stack.sqs, stack.queues)).delivered };
  };

  beforeAll(async () => {
    stack = await startLocalStack(async (_label, work) => work());
    stores = new DynamoStores(stack.dynamo, LOCAL_RESOURCE_NAMES.table);
    // The CQC API's location documents name their provider by id only: the register brings the providers.
    await stores.putReference({
      locations: [],
      providers: [SELLER, BUYER, OTHER, LATE_OWNER, FILLER_OWNER].map((providerId, i) => ({
        providerId,
        name: ['Seller Care Ltd', 'Buyer Care Homes Ltd', 'Other Care Ltd', 'Late Owner Ltd', 'Large Homes Ltd'][i]!,
        companyNumber: null,
        ownershipType: 'Organisation',
        groupId: null,
      })),
      groups: [],
    });
    const before = '2025-01-06';
    await stack.ingest([
      ...SOLD.map((h) => apiFile(before, { locationId: h.from, providerId: SELLER, name: h.name, councilGss: h.councilGss, registeredOn: '2015-04-01' })),
      apiFile(before, { locationId: CLOSED.id, providerId: OTHER, name: CLOSED.name, councilGss: CLOSED.councilGss, registeredOn: '2012-02-01' }),
      apiFile(before, { locationId: LATE.from, providerId: LATE_OWNER, name: LATE.name, councilGss: LATE.councilGss, registeredOn: '2013-03-01' }),
      apiFile(before, { locationId: KEPT.id, providerId: LATE_OWNER, name: KEPT.name, councilGss: KEPT.councilGss, registeredOn: '2013-03-01', beds: 100, rated: false }),
      ...FILLERS.map((f) => apiFile(before, { locationId: f.id, providerId: FILLER_OWNER, name: f.name, councilGss: f.councilGss, registeredOn: '2010-01-04', beds: 1500, rated: false })),
    ]);
    first = await runDay(FIRST_DELIVERY, [
      capacityFile(),
      { key: `placements/${FIRST_DELIVERY}/placements.csv`, landedOn: FIRST_DELIVERY, body: `council_gss,location_id,residents_placed\n${KIRKLEES},${CLOSED.id},4\n` },
      ...SOLD.flatMap((h) => [
        apiFile(FIRST_DELIVERY, { locationId: h.from, providerId: SELLER, name: h.name, councilGss: h.councilGss, registeredOn: '2015-04-01', deregisteredOn: SALE_DAY, relationships: [{ relatedLocationId: h.to, type: 'HSCA Successor' }] }),
        apiFile(FIRST_DELIVERY, { locationId: h.to, providerId: BUYER, name: h.name, councilGss: h.councilGss, registeredOn: SALE_DAY, relationships: [{ relatedLocationId: h.from, type: 'HSCA Predecessor' }], rated: false }),
      ]),
      apiFile(FIRST_DELIVERY, { locationId: CLOSED.id, providerId: OTHER, name: CLOSED.name, councilGss: CLOSED.councilGss, registeredOn: '2012-02-01', deregisteredOn: SALE_DAY }),
      apiFile(FIRST_DELIVERY, { locationId: LATE.from, providerId: LATE_OWNER, name: LATE.name, councilGss: LATE.councilGss, registeredOn: '2013-03-01', deregisteredOn: SALE_DAY }),
    ]);
    second = await runDay(SECOND_DELIVERY, [
      apiFile(SECOND_DELIVERY, { locationId: LATE.to, providerId: BUYER, name: LATE.name, councilGss: LATE.councilGss, registeredOn: SALE_DAY, relationships: [{ relatedLocationId: LATE.from, type: 'HSCA Predecessor' }], rated: false }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const saleIds = new Set([SELLER, BUYER, ...SOLD.flatMap((h) => [h.from, h.to])]);
  /** A notice about the subject, or one covering a change of it folded under its organisation's. */
  const about = (d: DeliveredMessage, id: string) => d.message.subject.id === id || d.message.alsoCovers.some((c) => c.subject.id === id);
  const assessed = (list: readonly RiskAssessment[], id: string) => list.find((a) => a.subject.id === id)!;

  it('raises no Red and no escalation for the 8 homes sold across 3 councils, their old or new owner', () => {
    // Assess
    expect(new Set(SOLD.map((h) => h.councilGss)).size).toBe(3);
    const saleAssessments = first.assessments.filter((a) => saleIds.has(a.subject.id));
    expect(saleAssessments.map((a) => a.subject.id).sort()).toEqual([...saleIds].sort());
    expect(saleAssessments.filter((a) => a.band === 'Red')).toEqual([]);
    expect(first.delivered.filter((d) => [...saleIds].some((id) => about(d, id)))).toEqual([]);
    for (const h of SOLD) {
      const old = assessed(first.assessments, h.from);
      expect(old.hardTriggers).toEqual([]);
      expect(old.passedOn).toEqual([expect.objectContaining({ locationId: h.to, linkedOn: SALE_DAY, kind: 'ownership-change', evidence: 'cqc-relationship' })]);
    }
  });

  it('gives each new id the old ratings and the falling occupancy trend, marked as inherited', () => {
    // Assess
    for (const h of SOLD) {
      const successor = assessed(first.assessments, h.to);
      expect(successor.inheritedFrom).toEqual([expect.objectContaining({ locationId: h.from, linkedOn: SALE_DAY, reason: 'Change of ownership' })]);
      const rating = successor.factors.find((f) => f.indicator === 'Overall rating Requires improvement');
      expect(rating?.evidence).toEqual([expect.objectContaining({ date: '2024-06-03', inheritedFrom: h.from })]);
      expect(successor.factors.some((f) => f.indicator === 'Downgraded from Good')).toBe(true);
    }
    const falling = assessed(first.assessments, FALLING.to);
    const trend = falling.factors.find((f) => f.indicator === 'Falling occupancy (CUSUM)');
    expect(trend?.evidence[0]).toMatchObject({ date: expect.stringMatching(new RegExp(`^${monthOf(addMonths('2024-12-10', 8))}`)), inheritedFrom: FALLING.from });
    expect(falling.flags.some((f) => f.startsWith('No Capacity Tracker return'))).toBe(false);
  });

  it('moves the homes to the buyer: the seller keeps none live, the buyer rolls up all 8', () => {
    // Assess
    const buyer = assessed(first.assessments, BUYER);
    expect(buyer).toMatchObject({ beds: 8 * 30, councils: [LEEDS, BRADFORD, WAKEFIELD].sort() });
    expect(buyer.passedOn).toBeUndefined();
    const seller = assessed(first.assessments, SELLER);
    expect(seller.passedOn?.map((p) => p.locationId).sort()).toEqual(SOLD.map((h) => h.to).sort());
    expect(seller.hardTriggers).toEqual([]);
  });

  it('escalates the real closure in the same delivery to its host and placing councils', () => {
    // Assess
    const closure = assessed(first.assessments, CLOSED.id);
    expect(closure.band).toBe('Red');
    expect(closure.hardTriggers).toContain('Registration cancelled');
    const told = first.delivered.filter((d) => about(d, CLOSED.id));
    expect(told.map((d) => [d.queueRecipient, d.message.recipient.kind]).sort()).toEqual([
      [KIRKLEES, 'placing-council'],
      [LEEDS, 'host-council'],
    ]);
    expect(told.every((d) => d.message.changeKind === 'opened')).toBe(true);
  });

  it('stands down the episode of a deregistration whose successor is found later, saying why', () => {
    // Assess
    expect(assessed(first.assessments, LATE.from).band).toBe('Red');
    const opened = first.delivered.filter((d) => about(d, LATE.from));
    expect(opened.map((d) => d.queueRecipient)).toEqual([WAKEFIELD]);
    const stoodDown = second.delivered.filter((d) => d.message.subject.id === LATE.from);
    expect(stoodDown.map((d) => [d.queueRecipient, d.message.changeKind])).toEqual([[WAKEFIELD, 'stood-down']]);
    expect(stoodDown[0]!.message.passedTo).toEqual([expect.objectContaining({ locationId: LATE.to, on: SALE_DAY, reason: 'Change of ownership', basis: 'CQC relationship' })]);
    expect(stoodDown[0]!.message.body).toContain(`Stood down: not a closure. The registration passed to ${LATE.name} (${LATE.to}`);
    // The real closure stays open: its councils are only reminded that their response is overdue.
    const closureChanges = second.delivered.filter((d) => about(d, CLOSED.id)).flatMap((d) => [d.message, ...d.message.alsoCovers]);
    expect(new Set(closureChanges.map((change) => change.changeKind))).toEqual(new Set(['reminder']));
  });
});
