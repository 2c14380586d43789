// Properties of escalation decisions over generated markets and assessment histories: every message parses
// strictly and carries only the field classes its recipient is entitled to, replays send nothing new, and a
// Red provider reaches every council with a home of its or residents placed at one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNCILS, councilByGss } from '../../shared/domain/councils.js';
import { addDays } from '../../shared/domain/dates.js';
import { type Episode } from '../../shared/domain/episode.js';
import { decideAcknowledgement, decideEscalation } from '../../shared/domain/escalation.js';
import { EscalationMessage } from '../../shared/domain/escalation-message.js';
import { type MarketContext } from '../../shared/domain/market-context.js';
import { FAMILIES, type Factor, type ImpactTier, type Location, type Provider, type RiskAssessment, type Subject } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL, ROLE_OF_KIND } from '../../shared/domain/protocol.js';
import { bandOf, HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { assessment, MODEL } from '../support/fixtures.js';

/** Financial evidence carries this marker in its indicator and value, so a leak shows in a message's JSON. */
const FINANCIAL_MARKER = 'FIN-SECRET';
/** A dozen councils across the regions: few enough that homes and placements overlap. */
const POOL = COUNCILS.filter((_, i) => i % 13 === 0).map((c) => c.gss);

interface World {
  market: MarketContext;
  locations: Location[];
  subjects: Subject[];
}

const homeArb = fc.record({
  council: fc.constantFrom(...POOL),
  beds: fc.integer({ min: 0, max: 150 }),
  placing: fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 3 }),
});

const worldArb = fc
  .record({ providers: fc.array(fc.array(homeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), grouped: fc.boolean() })
  .map(({ providers: homesByProvider, grouped }): World => {
    const providers: Provider[] = homesByProvider.map((_, p) => ({
      providerId: `1-90000000${p}`,
      name: `Provider ${p}`,
      companyNumber: `0000000${p}`,
      ownershipType: 'Organisation',
      groupId: grouped ? 'G1' : null,
    }));
    const placements = new Map<string, string[]>();
    const locations = homesByProvider.flatMap((homes, p) =>
      homes.map((home, l): Location => {
        const locationId = `1-10000000${p}${l}`;
        placements.set(locationId, home.placing.filter((gss) => gss !== home.council).sort());
        return {
          locationId,
          providerId: providers[p]!.providerId,
          name: `Home ${p}${l}`,
          councilGss: home.council,
          region: councilByGss(home.council)!.region,
          serviceKind: 'residential-home',
          beds: home.beds,
          sizeBand: null,
          specialisms: [],
          registeredOn: '2015-01-01',
        };
      }),
    );
    const locationsByProvider = new Map(providers.map((p) => [p.providerId, locations.filter((l) => l.providerId === p.providerId)]));
    const subjects: Subject[] = [
      ...locations.map((l): Subject => ({ type: 'location', id: l.locationId })),
      ...providers.map((p): Subject => ({ type: 'provider', id: p.providerId })),
      ...(grouped ? [{ type: 'group', id: 'G1' } as const] : []),
    ];
    return {
      market: { locations: new Map(locations.map((l) => [l.locationId, l])), locationsByProvider, providers: new Map(providers.map((p) => [p.providerId, p])), placingCouncils: placements },
      locations,
      subjects,
    };
  });

const factorArb = fc.record({ family: fc.constantFrom(...FAMILIES), points: fc.integer({ min: 0, max: 100 }), n: fc.nat(999) }).map(
  ({ family, points, n }): Factor => {
    const tag = family === 'financial' ? `${FINANCIAL_MARKER}-${n}` : `observed-${n}`;
    return { family, indicator: `${family} indicator ${tag}`, points, evidence: [{ source: 'cqc-api', date: '2025-09-01', value: tag }] };
  },
);

interface Variation {
  likelihood: number;
  impact: ImpactTier;
  hardTriggers: string[];
  factors: Factor[];
}

interface History {
  world: World;
  subject: Subject;
  steps: { gapDays: number; variation: Variation; acknowledgers: number[] }[];
}

/** What varies from one assessment of a subject to the next; likelihoods favour the thresholds. */
const variationArb: fc.Arbitrary<Variation> = fc.record({
  likelihood: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(29, 30, 39, 40, 59, 60, 69, 70)),
  impact: fc.constantFrom<ImpactTier>('Low', 'Medium', 'High'),
  hardTriggers: fc.subarray(Object.values(HARD_TRIGGERS), { maxLength: 2 }),
  factors: fc.array(factorArb, { maxLength: 5 }),
});

const membersOf = (world: World, subject: Subject): Location[] => {
  if (subject.type === 'location') return world.locations.filter((l) => l.locationId === subject.id);
  if (subject.type === 'provider') return world.locations.filter((l) => l.providerId === subject.id);
  return world.locations;
};

/** An assessment whose councils, regions and beds are those of the subject's homes. */
function assessmentOf(world: World, subject: Subject, asOf: string, v: Variation): RiskAssessment {
  const members = membersOf(world, subject);
  const bedsByCouncil: Record<string, number> = {};
  for (const l of members) bedsByCouncil[l.councilGss] = (bedsByCouncil[l.councilGss] ?? 0) + l.beds;
  const hardTriggers = [...v.hardTriggers].sort();
  return assessment({
    subject,
    name: `Subject ${subject.id}`,
    asOf,
    likelihood: v.likelihood,
    impact: v.impact,
    band: bandOf(v.likelihood, v.impact, hardTriggers.length > 0, MODEL),
    hardTriggers,
    factors: v.factors,
    councils: Object.keys(bedsByCouncil).sort(),
    regions: [...new Set(members.map((l) => l.region))].sort(),
    beds: members.reduce((sum, l) => sum + l.beds, 0),
    bedsByCouncil,
    sharedAcrossCouncils: Object.keys(bedsByCouncil).length > 1,
  });
}

const stepArb = fc.record({ gapDays: fc.integer({ min: 1, max: 4 }), variation: variationArb, acknowledgers: fc.array(fc.nat(), { maxLength: 3 }) });

/** A subject of a world and a history of its assessments, each followed by some acknowledgements. */
const historyArb: fc.Arbitrary<History> = worldArb.chain((world) => fc.record({ world: fc.constant(world), subject: fc.constantFrom(...world.subjects), steps: fc.array(stepArb, { minLength: 1, maxLength: 12 }) }));

/** Acknowledges, as the store would, for the notified parties the indexes pick. */
function acknowledge(episode: Episode, picks: readonly number[], on: string): Episode {
  return picks.reduce((current, pick) => {
    const told = current.notifications[pick % Math.max(1, current.notifications.length)];
    if (!told) return current;
    const decision = decideAcknowledgement(current, { party: told.recipient.id, role: ROLE_OF_KIND[told.recipient.kind], by: 'user', on });
    return decision.outcome === 'acknowledged' ? { ...current, acknowledgements: [...current.acknowledgements, decision.acknowledgement] } : current;
  }, episode);
}

/** Runs a history, checking at every step that the same assessment fed again decides nothing. */
function run({ world, subject, steps }: History) {
  let episode: Episode | undefined;
  let asOf = '2025-10-13';
  const messages: EscalationMessage[] = [];
  const replays: unknown[] = [];
  for (const step of steps) {
    asOf = addDays(asOf, step.gapDays);
    const a = assessmentOf(world, subject, asOf, step.variation);
    const decision = decideEscalation(a, episode, world.market, DEFAULT_PROTOCOL);
    if (decision) {
      episode = decision.episode;
      messages.push(...decision.messages);
    }
    if (episode) episode = acknowledge(episode, step.acknowledgers, asOf);
    replays.push(decideEscalation(a, episode, world.market, DEFAULT_PROTOCOL));
  }
  return { messages, replays };
}

describe('escalation properties', () => {
  it('sends each recipient exactly its entitled field classes: financial evidence only with commercially sensitive', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        // Prepare
        const { messages } = run(history);

        // Act
        const checked = messages.map((m) => ({ m, classes: DEFAULT_PROTOCOL.disclosure[m.recipient.kind], json: JSON.stringify(m) }));

        // Assess
        for (const { m, classes, json } of checked) {
          expect(m.fieldClasses).toEqual(classes);
          expect(m.fieldClasses).not.toContain('personal');
          const commercial = classes.includes('commercially-sensitive');
          if (!commercial) {
            expect(m.evidence.some((f) => f.family === 'financial')).toBe(false);
            expect(json).not.toContain(FINANCIAL_MARKER);
          }
        }
      }),
    );
  });

  it('gives host councils and national oversight all the financial evidence, and the others a notice that a concern exists', () => {
    fc.assert(
      fc.property(worldArb, variationArb, (world, variation) => {
        // Prepare
        const a = assessmentOf(world, world.subjects.at(-1)!, '2025-10-15', { ...variation, likelihood: 80 });
        const financial = a.factors.filter((f) => f.family === 'financial');

        // Act
        const decision = decideEscalation(a, undefined, world.market, DEFAULT_PROTOCOL);

        // Assess
        expect(decision).not.toBeNull();
        for (const m of decision!.messages) {
          const commercial = m.fieldClasses.includes('commercially-sensitive');
          expect(m.evidence.filter((f) => f.family === 'financial')).toEqual(commercial ? financial : []);
          expect(m.financialConcernNotice !== null).toBe(!commercial && financial.some((f) => f.points > 0));
        }
      }),
    );
  });

  it('sends only messages that parse strictly as EscalationMessage from their JSON', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        // Prepare
        const { messages } = run(history);

        // Act
        const parsed = messages.map((m) => EscalationMessage.safeParse(JSON.parse(JSON.stringify(m))));

        // Assess
        parsed.forEach((result, i) => {
          expect(result.success).toBe(true);
          // Parsing strips unknown keys below the strict levels: equality shows there were none.
          expect(result.data).toEqual(messages[i]);
        });
      }),
    );
  });

  it('decides nothing new when an assessment is fed again with the episode it returned, and never repeats a key', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        // Prepare
        const steps = history.steps;

        // Act
        const { messages, replays } = run(history);

        // Assess
        expect(replays).toEqual(steps.map(() => null));
        const keys = messages.map((m) => m.idempotencyKey);
        expect(new Set(keys).size).toBe(keys.length);
        const reminders = messages.filter((m) => m.changeKind === 'reminder').map((m) => `${m.episodeId}#${m.tier}#${m.recipient.id}`);
        expect(new Set(reminders).size).toBe(reminders.length);
      }),
    );
  });

  it('never stands an episode down while a hard trigger holds', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        // Prepare
        const { messages } = run(history);

        // Act
        const standDowns = messages.filter((m) => m.changeKind === 'stood-down');

        // Assess: a message states the hard triggers of the assessment it was decided on
        for (const m of standDowns) expect(m.hardTriggers).toEqual([]);
      }),
    );
  });

  it('reaches every council with a home of a Red provider and every council placing residents at one', () => {
    fc.assert(
      fc.property(worldArb, variationArb, fc.nat(), (world, variation, pick) => {
        // Prepare
        const providers = world.subjects.filter((s) => s.type === 'provider');
        const provider = providers[pick % providers.length]!;
        const red = assessmentOf(world, provider, '2025-10-15', { ...variation, likelihood: Math.max(70, variation.likelihood) });
        const homes = membersOf(world, provider);
        const expected = new Set([...homes.map((l) => l.councilGss), ...homes.flatMap((l) => world.market.placingCouncils.get(l.locationId) ?? [])]);

        // Act
        const decision = decideEscalation(red, undefined, world.market, DEFAULT_PROTOCOL);

        // Assess
        const reached = new Set(decision?.messages.map((m) => m.recipient.id));
        for (const gss of expected) expect(reached.has(gss), gss).toBe(true);
      }),
    );
  });
});
