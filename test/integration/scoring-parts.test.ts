// The full scoring reads the market a part at a time, to run in bounded memory. On DynamoDB Local, with parts
// of a few locations, it must store exactly the baseline and assessments that scoring the whole market at
// once gives, and the heat map must be the one made from the whole market: on a generated market with a sale
// from a provider named first to one named last, so seller and buyer fall in parts far apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../cli/backtest/history.js';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import type { ScorePorts } from '../../functions/score/ports.js';
import { scoreAll } from '../../functions/score/score-all.js';
import { computeHeatMap } from '../../shared/application/heat-map.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { admitMarket, knownSubjects } from '../../shared/domain/admission.js';
import { computeBaseline } from '../../shared/domain/baseline.js';
import { partitionMarket } from '../../shared/domain/market-partition.js';
import type { RiskAssessment, Signal } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { scoreMarket } from '../../shared/domain/score-market.js';
import { successionAt } from '../../shared/domain/succession.js';
import { at, capacityReturn, concern, location, provider, rating, registration, registrationLink } from '../support/fixtures.js';
import { type LocalAws, scorePortsOn, startLocalAws } from '../support/local-aws.js';

const MODEL = riskModel();
const HISTORY = generateHistory({ seed: 20231001, locations: 150, from: '2023-10-01', months: 24 });
const AS_OF = HISTORY.to;
const LOCATIONS_PER_PART = 4;
/** Ids sorting before and after every generated one, so the register lists the seller first and the buyer last. */
const [SELLER, BUYER, SOLD, BOUGHT] = ['1-0800000001', '1-9800000001', '1-0900000001', '1-9900000001'];
const SALE = '2025-06-01';

/** The sold home's history (a rating, returns, concerns), its deregistration, and its successor's registration. */
const SALE_SIGNALS: Signal[] = [
  rating('Requires improvement', { ...at(SOLD), describedOn: '2024-11-01', publishedOn: '2024-11-01' }),
  ...['2025-02', '2025-03', '2025-04', '2025-05'].map((period, i) => capacityReturn(period, { ...at(SOLD), usedBeds: [19, 15, 12, 10][i]!, declaredVacancies: 3 })),
  concern('2025-04-02', { ...at(SOLD), section42Enquiry: true }),
  concern('2025-05-02', at(SOLD)),
  registration({ ...at(SOLD), status: 'Deregistered', describedOn: SALE }),
  registration({ ...at(BOUGHT), describedOn: SALE }),
  // Refused by the scorer: it describes a day after it was received.
  concern('2025-09-20', { ...at(BOUGHT), receivedOn: '2025-09-01' }),
];

const key = (a: RiskAssessment) => a.subject.id;
const byId = (list: readonly RiskAssessment[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

describe('the full scoring a part at a time', () => {
  let aws: LocalAws;
  let stores: DynamoStores;
  let ports: ScorePorts;

  beforeAll(async () => {
    aws = await startLocalAws();
    ({ stores, ports } = scorePortsOn(aws));
    await stores.putReference({
      locations: [...HISTORY.locations, location({ locationId: SOLD, providerId: SELLER }), location({ locationId: BOUGHT, providerId: BUYER, registeredOn: SALE })],
      providers: [...HISTORY.providers, provider({ providerId: SELLER, groupId: HISTORY.groups[0]!.groupId }), provider({ providerId: BUYER, name: 'Buyer Care Ltd' })],
      groups: HISTORY.groups,
      links: [...HISTORY.links, registrationLink({ predecessorId: SOLD, successorId: BOUGHT, linkedOn: SALE, receivedOn: SALE })],
    });
    await stores.putSignals([...HISTORY.signals, ...SALE_SIGNALS]);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
  });

  it('stores the baseline and every assessment that scoring the whole market at once gives', async () => {
    // Prepare: the whole market in memory, scored as the full scoring did before it read in parts
    const [locations, providers, groups, links] = await Promise.all([stores.listLocations(), stores.listProviders(), stores.listGroups(), stores.listLinks()]);
    const read = async (type: 'location' | 'provider', ids: string[]) => new Map(await Promise.all(ids.map(async (id) => [id, await stores.signalsFor({ type, id })] as const)));
    const { market, rejected } = admitMarket(
      { locations, providers, groups, links, signalsByLocation: await read('location', locations.map((l) => l.locationId)), signalsByProvider: await read('provider', providers.map((p) => p.providerId)) },
      knownSubjects({ locations, providers }),
    );
    const succession = successionAt(links, AS_OF);
    const live = locations.filter((l) => succession.successorOf(l.locationId) === undefined);
    const baseline = computeBaseline({ asOf: AS_OF, locations: live, signalsByLocation: market.signalsByLocation, scarceSpecialisms: MODEL.impact.scarceSpecialisms });
    const whole = scoreMarket(market, AS_OF, MODEL, baseline);
    const parts = partitionMarket({ locations, providers, links }, AS_OF, LOCATIONS_PER_PART);
    const partOf = (id: string) => parts.findIndex((p) => p.locations.some((l) => l.locationId === id));

    // Act
    const report = await scoreAll(ports, AS_OF, MODEL, LOCATIONS_PER_PART);

    // Assess: many parts, the sale across them, and nothing different from the whole
    expect(parts.length).toBeGreaterThan(20);
    expect(partOf(BOUGHT) - partOf(SOLD)).toBe(parts.length - 1);
    expect(parts[partOf(BOUGHT)]!.predecessorIds).toEqual([SOLD]);
    expect(await stores.getBaseline(baseline.version)).toEqual(baseline);
    expect(byId(await stores.assessmentsAsOf(AS_OF, 'location'))).toEqual(byId(whole.locations));
    expect(byId(await stores.assessmentsAsOf(AS_OF, 'provider'))).toEqual(byId(whole.providers));
    expect(byId(await stores.assessmentsAsOf(AS_OF, 'group'))).toEqual(byId(whole.groups));
    expect(whole.locations.find((a) => a.subject.id === BOUGHT)?.inheritedFrom?.map((note) => note.locationId)).toEqual([SOLD]);
    expect(rejected).toHaveLength(1);
    expect(report).toMatchObject({ computed: whole.locations.length + whole.providers.length + whole.groups.length, rejected: 1 });
  });

  it('makes the heat map from parts as from the whole market', async () => {
    // Act
    const inParts = await computeHeatMap(ports, AS_OF, MODEL.version, LOCATIONS_PER_PART);
    const inOne = await computeHeatMap(ports, AS_OF, MODEL.version, Number.POSITIVE_INFINITY);

    // Assess
    expect(inParts).toEqual(inOne);
  });

  it("fails with a part's failed write, though the next part was being scored as it was written", async () => {
    // Prepare: the third part's write is refused
    const refused = new Error('write refused');
    let writes = 0;
    const failing = { ...ports, assessments: Object.assign(Object.create(stores) as DynamoStores, { putAssessments: async (list: readonly RiskAssessment[]) => (++writes === 3 ? Promise.reject(refused) : stores.putAssessments(list)) }) };

    // Act
    const run = scoreAll(failing, AS_OF, MODEL, LOCATIONS_PER_PART);

    // Assess: the refusal, not a later part's success or an unhandled rejection
    await expect(run).rejects.toBe(refused);
    expect(writes).toBeGreaterThanOrEqual(3);
  });
});
