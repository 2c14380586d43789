// One service across its registrations: which links are in force at a date, what a successor inherits, and
// what that changes in scoring, roll-ups, escalation and the heat map.
import { describe, expect, it } from 'vitest';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { buildHeatMap } from '../../shared/domain/heatmap.js';
import { marketFactsFor } from '../../shared/domain/market-facts.js';
import type { RegistrationLink, RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { CURRENT_MODEL_VERSION, riskModel } from '../../shared/domain/risk-model.js';
import { scoreMarket } from '../../shared/domain/score-market.js';
import { ancestorsOf, inheritedSignals, kindOfReason, successionAt, successionInput } from '../../shared/domain/succession.js';
import { at, baseline, registrationLink, capacityReturn, concern, financial, LEEDS, location, marketContext, onProvider, provider, rating, registration } from '../support/fixtures.js';

const OLD = '1-100000001';
const NEW = '1-100000002';
const NEWER = '1-100000003';
const SELLER = '1-900000001';
const BUYER = '1-900000002';
const SALE = '2025-06-01';
const AS_OF = '2025-09-30';

const link = (overrides: Partial<RegistrationLink> = {}): RegistrationLink => registrationLink({ predecessorId: OLD, successorId: NEW, linkedOn: SALE, ...overrides });

/** The old home's history: a Good then a Requires improvement rating, nine months of returns falling in the last three, two concerns, a deregistration. */
const OLD_SIGNALS = [
  rating('Good', { ...at(OLD), describedOn: '2022-03-01', publishedOn: '2022-03-01' }),
  rating('Requires improvement', { ...at(OLD), describedOn: '2024-11-01', publishedOn: '2024-11-01' }),
  ...['2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05'].map((period, i) =>
    capacityReturn(period, { ...at(OLD), usedBeds: [19, 19, 19, 19, 19, 19, 15, 12, 10][i]! }),
  ),
  concern('2025-04-02', at(OLD)),
  concern('2025-05-02', at(OLD)),
  registration({ ...at(OLD), status: 'Deregistered', describedOn: SALE }),
];

describe('the links in force at a date', () => {
  it('uses a link only from the day it was received and in effect', () => {
    // Prepare
    const links = [link({ receivedOn: '2025-07-01' })];
    // Act
    const before = successionAt(links, '2025-06-30');
    const after = successionAt(links, '2025-07-01');
    // Assess
    expect(before.successorOf(OLD)).toBeUndefined();
    expect(after.successorOf(OLD)?.successorId).toBe(NEW);
    expect(after.predecessorsOf(NEW).map((l) => l.predecessorId)).toEqual([OLD]);
  });

  it("prefers CQC's own relationship over a heuristic link to another registration", () => {
    // Prepare
    const links = [link({ successorId: NEWER, evidence: 'same-uprn', confidence: 0.9, receivedOn: '2025-06-02' }), link()];
    // Act
    const succession = successionAt(links, AS_OF);
    // Assess
    expect(succession.successorOf(OLD)?.successorId).toBe(NEW);
    expect(succession.predecessorsOf(NEWER)).toEqual([]);
  });

  it('follows a chain of owners back, and stops at a loop', () => {
    // Prepare
    const links = [link(), link({ predecessorId: NEW, successorId: NEWER, linkedOn: '2025-08-01' }), link({ predecessorId: NEWER, successorId: OLD, linkedOn: '2025-09-01' })];
    // Act
    const ancestors = ancestorsOf(NEWER, successionAt(links, AS_OF));
    // Assess
    expect(ancestors.map((l) => l.predecessorId)).toEqual([NEW, OLD]);
  });

  it.each([
    ['Change of ownership', 'ownership-change'],
    ['New Provider', 'ownership-change'],
    ['Location Move', 'move'],
    ['NHS Transfer', 'nhs-transfer'],
    ['Merger', 'other'],
  ] as const)('reads the reason %s as %s', (reason, kind) => {
    // Act / Assess
    expect(kindOfReason(reason)).toBe(kind);
  });
});

describe('history carried across', () => {
  it("carries the predecessor's ratings, returns and concerns up to the link, marked, and nothing else", () => {
    // Prepare
    const signalsOf = (id: string) => (id === OLD ? [...OLD_SIGNALS, concern('2025-07-01', at(OLD)), financial(onProvider(SELLER))] : []);
    // Act
    const inherited = inheritedSignals(NEW, successionAt([link()], AS_OF), signalsOf);
    // Assess
    const count = (kind: string) => inherited.filter((s) => s.facts.kind === kind).length;
    expect([count('rating'), count('capacity-return'), count('safeguarding-concern'), inherited.length]).toEqual([2, 9, 2, 13]);
    expect(inherited.every((s) => s.subject.id === NEW && s.inheritedFrom === OLD && s.describedOn <= SALE)).toBe(true);
  });

  it('does not count twice a rating CQC already repeats on the successor', () => {
    // Prepare
    const repeated = rating('Requires improvement', { ...at(NEW), describedOn: '2024-11-01', publishedOn: '2024-11-01' });
    const signalsOf = (id: string) => (id === OLD ? OLD_SIGNALS : [repeated]);
    // Act
    const { signals } = successionInput(NEW, successionAt([link()], AS_OF), signalsOf);
    // Assess
    expect(signals.filter((s) => s.facts.kind === 'rating' && s.describedOn === '2024-11-01')).toEqual([repeated]);
  });
});

describe('scoring across a change of owner', () => {
  const model = riskModel(CURRENT_MODEL_VERSION);
  const market = (links: RegistrationLink[]) =>
    scoreMarket(
      {
        locations: [location({ locationId: OLD, providerId: SELLER, registeredOn: '2015-01-01' }), location({ locationId: NEW, providerId: BUYER, registeredOn: SALE })],
        providers: [provider({ providerId: SELLER }), provider({ providerId: BUYER, name: 'Buyer Care Ltd' })],
        groups: [],
        signalsByLocation: new Map([[OLD, OLD_SIGNALS]]),
        signalsByProvider: new Map(),
        links,
      },
      AS_OF,
      model,
      baseline(),
    );
  const of = (list: readonly RiskAssessment[], id: string) => list.find((a) => a.subject.id === id);

  it('treats a deregistration with no successor known as a closure: Red on the hard trigger', () => {
    // Act
    const { locations, providers } = market([]);
    // Assess
    expect(of(locations, OLD)).toMatchObject({ band: 'Red', hardTriggers: ['Registration cancelled'] });
    expect(of(providers, SELLER)?.band).toBe('Red');
  });

  it('treats a deregistration with a successor as no failure, and moves the home to the new owner', () => {
    // Act
    const { locations, providers } = market([link()]);
    // Assess
    const old = of(locations, OLD)!;
    expect(old.hardTriggers).toEqual([]);
    expect(old.passedOn).toEqual([expect.objectContaining({ locationId: NEW, kind: 'ownership-change' })]);
    expect(old.flags).toEqual([expect.stringContaining(`Not a closure: registration passed to ${NEW} on ${SALE}`)]);
    expect(of(providers, SELLER)?.passedOn).toEqual([expect.objectContaining({ locationId: NEW })]);
    expect(of(providers, SELLER)?.hardTriggers).toEqual([]);
    expect(of(providers, BUYER)?.beds).toBe(20);
    expect(of(providers, BUYER)?.passedOn).toBeUndefined();
  });

  it("scores the successor on the home's own history: its rating, downgrade and occupancy, marked inherited", () => {
    // Act
    const successor = of(market([link()]).locations, NEW)!;
    // Assess
    expect(successor.inheritedFrom).toEqual([expect.objectContaining({ locationId: OLD, reason: 'Change of ownership' })]);
    const indicators = successor.factors.map((f) => f.indicator);
    expect(indicators).toEqual(expect.arrayContaining(['Overall rating Requires improvement', 'Downgraded from Good', 'Falling occupancy (CUSUM)']));
    expect(successor.factors.flatMap((f) => f.evidence).every((e) => e.inheritedFrom === OLD)).toBe(true);
    expect(successor.flags[0]).toContain(`as successor of ${OLD}`);
  });
});

describe('escalation and the heat map across a change of owner', () => {
  const model = riskModel(CURRENT_MODEL_VERSION);
  const scored = (links: RegistrationLink[], asOf: string) =>
    scoreMarket(
      {
        locations: [location({ locationId: OLD, registeredOn: '2015-01-01' }), location({ locationId: NEW, registeredOn: SALE })],
        providers: [provider()],
        groups: [],
        signalsByLocation: new Map([[OLD, OLD_SIGNALS]]),
        signalsByProvider: new Map(),
        links,
      },
      asOf,
      model,
      baseline(),
    ).locations;

  it('opens nothing for a registration that passed on, and stands down its open episode saying why', () => {
    // Prepare
    const context = marketContext([location({ locationId: OLD }), location({ locationId: NEW, name: 'New Home' })]);
    const closure = scored([], '2025-06-02').find((a) => a.subject.id === OLD)!;
    const opened = decideEscalation(closure, undefined, context, DEFAULT_PROTOCOL)!;
    const passedOn = scored([link({ receivedOn: '2025-06-10' })], '2025-06-10').find((a) => a.subject.id === OLD)!;
    // Act
    const fresh = decideEscalation(passedOn, undefined, context, DEFAULT_PROTOCOL);
    const stoodDown = decideEscalation(passedOn, opened.episode, context, DEFAULT_PROTOCOL)!;
    // Assess
    expect(opened.messages.map((m) => m.recipient.id)).toEqual([LEEDS]);
    expect(fresh).toBeNull();
    expect(stoodDown.episode.status).toBe('stood-down');
    expect(stoodDown.messages.map((m) => [m.recipient.id, m.changeKind])).toEqual([[LEEDS, 'stood-down']]);
    expect(stoodDown.messages[0]!.passedTo).toEqual([expect.objectContaining({ locationId: NEW, name: 'New Home', on: SALE, basis: 'CQC relationship' })]);
    expect(stoodDown.messages[0]!.body).toContain('Stood down: not a closure.');
  });

  it('counts a change of owner apart from a closure, and the home once, under its successor', () => {
    // Prepare
    const links = [link()];
    const locations = [location({ locationId: OLD }), location({ locationId: NEW, registeredOn: SALE }), location({ locationId: '1-100000009' })];
    const closed = [registration({ ...at('1-100000009'), status: 'Deregistered', describedOn: '2025-08-01' })];
    const facts = new Map(locations.map((l) => [l.locationId, marketFactsFor(l, l.locationId === '1-100000009' ? closed : [], AS_OF)]));
    // Act
    const heatMap = buildHeatMap({ asOf: AS_OF, modelVersion: model.version, locations, facts, locationAssessments: [], providerAssessments: [], links });
    // Assess
    const leeds = heatMap.cells.find((c) => c.area.code === LEEDS)!;
    expect(leeds.deregistrations).toEqual({ ownershipChanges: 1, moves: 0, otherSuccessions: 0, closures: 1 });
    expect(leeds.locations).toBe(2);
  });
});
