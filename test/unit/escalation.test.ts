import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { addWorkingDays, decideEscalation, type EscalationMessage, EscalationMessage as EscalationMessageSchema, recipientsFor } from '../../shared/domain/escalation.js';
import type { Factor, RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, LOCATION_ID, MANCHESTER, marketContext, provider, PROVIDER_ID } from '../support/fixtures.js';

const YORKSHIRE = 'Yorkshire and Humber' as const;
const ADASS_YORKSHIRE = 'adass-yorkshire-and-humber';
const ADASS_NORTH_WEST = 'adass-north-west';
const NATIONAL = 'national-market-oversight';

const qualityFactor: Factor = {
  family: 'quality',
  indicator: 'Overall rating Requires improvement',
  points: 60,
  evidence: [{ source: 'cqc-api', date: '2025-08-01', value: 'Requires improvement' }],
};
const financialFactor: Factor = {
  family: 'financial',
  indicator: 'Credit score in warning area (12)',
  points: 100,
  evidence: [{ source: 'companies-house', date: '2025-09-15', value: '12' }],
};

/** Decides on a fresh (no open episode) assessment and fails the test when nothing is decided. */
function open(a: RiskAssessment, market = marketContext()) {
  const decision = decideEscalation(a, undefined, market, DEFAULT_PROTOCOL);
  if (!decision) throw new Error('expected an escalation decision');
  return decision;
}

const recipientIds = (messages: readonly EscalationMessage[]) => messages.map((m) => m.recipient.id);
const messageFor = (messages: readonly EscalationMessage[], id: string): EscalationMessage => {
  const message = messages.find((m) => m.recipient.id === id);
  if (!message) throw new Error(`no message for ${id}`);
  return message;
};

describe('decideEscalation: opening an episode', () => {
  it('opens an episode when a provider turns Red', () => {
    // Prepare
    const red = assessment({ band: 'Red', hardTriggers: [HARD_TRIGGERS.contractSuspended] });

    // Act
    const decision = decideEscalation(red, undefined, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(decision?.episode).toEqual({
      episodeId: `provider-${PROVIDER_ID}-2025-10-15`,
      subject: { type: 'provider', id: PROVIDER_ID },
      name: 'Acme Care Ltd',
      openedOn: '2025-10-15',
      status: 'open',
      tier: 'local',
      band: 'Red',
      hardTriggers: [HARD_TRIGGERS.contractSuspended],
      change: 1,
      lastChangedOn: '2025-10-15',
    });
    expect(decision?.messages.length).toBeGreaterThan(0);
  });

  it.each(['Amber', 'Green'] as const)('decides nothing for a provider in %s', (band) => {
    // Prepare
    const notRed = assessment({ band });

    // Act
    const decision = decideEscalation(notRed, undefined, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(decision).toBeNull();
  });

  it('decides nothing for a location, even a Red one', () => {
    // Prepare
    const redLocation = assessment({ subject: { type: 'location', id: LOCATION_ID }, band: 'Red' });

    // Act
    const decision = decideEscalation(redLocation, undefined, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(decision).toBeNull();
  });
});

describe('decideEscalation: recipients and tiers', () => {
  it('tells the host council and the placing councils at the local tier, one message each', () => {
    // Prepare: a Leeds home with residents placed by Bradford and Camden
    const market = marketContext([location()], { [LOCATION_ID]: [BRADFORD, CAMDEN] });

    // Act
    const { episode, messages } = open(assessment(), market);

    // Assess
    expect(episode.tier).toBe('local');
    expect(recipientIds(messages)).toEqual([BRADFORD, LEEDS, CAMDEN]);
    expect(messages.map((m) => m.recipient.kind)).toEqual(['placing-council', 'host-council', 'placing-council']);
    expect(messageFor(messages, LEEDS).recipient.name).toBe('Leeds');
    expect(messageFor(messages, CAMDEN).recipient.name).toBe('Camden');
    expect(new Set(messages.map((m) => m.idempotencyKey)).size).toBe(messages.length);
    expect(messages.every((m) => m.tier === 'local' && m.responseTargetWorkingDays === 5 && m.reviewOn === '2025-10-22')).toBe(true);
  });

  it('tells the councils placing residents at any home of a Red group', () => {
    // Prepare: a group whose one provider runs a Leeds home with residents placed by Camden
    const market = marketContext([location()], { [LOCATION_ID]: [CAMDEN] }, [provider({ groupId: 'G1' })]);
    const group = assessment({ subject: { type: 'group', id: 'G1' }, name: 'Acme Group' });

    // Act
    const recipients = recipientsFor(group, 'regional', market);

    // Assess
    expect(recipients.map((r) => [r.id, r.kind])).toEqual([
      [ADASS_YORKSHIRE, 'adass-network'],
      [LEEDS, 'host-council'],
      [CAMDEN, 'placing-council'],
    ]);
  });

  it('does not list a host council a second time as a placing council', () => {
    // Prepare
    const market = marketContext([location()], { [LOCATION_ID]: [LEEDS] });

    // Act
    const { messages } = open(assessment(), market);

    // Assess
    expect(messages.map((m) => [m.recipient.id, m.recipient.kind])).toEqual([[LEEDS, 'host-council']]);
  });

  it('adds the ADASS regional network at the regional tier when the provider is in two councils', () => {
    // Prepare
    const twoCouncils = assessment({ councils: [BRADFORD, LEEDS], regions: [YORKSHIRE], sharedAcrossCouncils: true });

    // Act
    const { episode, messages } = open(twoCouncils);

    // Assess
    expect(episode.tier).toBe('regional');
    expect(recipientIds(messages)).toEqual([ADASS_YORKSHIRE, BRADFORD, LEEDS]);
    const adass = messageFor(messages, ADASS_YORKSHIRE);
    expect(adass.recipient.kind).toBe('adass-network');
    expect(adass.region).toBe(YORKSHIRE);
    expect(adass.reviewOn).toBe('2025-10-17');
  });

  it('adds the ADASS regional network at the regional tier when the provider is High impact', () => {
    // Prepare
    const highImpact = assessment({ impact: 'High' });

    // Act
    const { episode, messages } = open(highImpact);

    // Assess
    expect(episode.tier).toBe('regional');
    expect(recipientIds(messages)).toEqual([ADASS_YORKSHIRE, LEEDS]);
  });

  it('adds national oversight and every region\'s network at the national tier when the provider is in two regions', () => {
    // Prepare
    const twoRegions = assessment({ councils: [MANCHESTER, LEEDS], regions: ['North West', YORKSHIRE], sharedAcrossCouncils: true });

    // Act
    const { episode, messages } = open(twoRegions);

    // Assess
    expect(episode.tier).toBe('national');
    expect(recipientIds(messages)).toEqual([ADASS_NORTH_WEST, ADASS_YORKSHIRE, MANCHESTER, LEEDS, NATIONAL]);
    expect(messageFor(messages, NATIONAL).recipient.kind).toBe('national');
    expect(messages.every((m) => m.responseTargetWorkingDays === 1 && m.reviewOn === '2025-10-16')).toBe(true);
  });

  it.each([
    [1999, 'local'],
    [2000, 'national'],
  ] as const)('puts a one-council provider with %i beds at the %s tier', (beds, tier) => {
    // Prepare
    const large = assessment({ beds });

    // Act
    const { episode, messages } = open(large);

    // Assess
    expect(episode.tier).toBe(tier);
    expect(recipientIds(messages).includes(NATIONAL)).toBe(tier === 'national');
  });

  it('lists the same recipients as recipientsFor at the decided tier', () => {
    // Prepare
    const market = marketContext([location()], { [LOCATION_ID]: [MANCHESTER] });
    const twoCouncils = assessment({ councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true });

    // Act
    const { messages } = open(twoCouncils, market);

    // Assess
    expect(messages.map((m) => m.recipient)).toEqual(recipientsFor(twoCouncils, 'regional', market));
  });
});

describe('decideEscalation: an open episode', () => {
  it('decides nothing when the same assessment is fed again', () => {
    // Prepare
    const red = assessment({ hardTriggers: [HARD_TRIGGERS.contractSuspended] });
    const first = open(red);

    // Act
    const again = decideEscalation(red, first.episode, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(again).toBeNull();
  });

  it('decides nothing when a later assessment is no worse', () => {
    // Prepare
    const first = open(assessment({ hardTriggers: [HARD_TRIGGERS.contractSuspended] }));
    const later = assessment({ asOf: '2025-10-22', band: 'Amber', hardTriggers: [] });

    // Act
    const decision = decideEscalation(later, first.episode, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(decision).toBeNull();
  });

  it('re-notifies a new hard trigger as the next change with new idempotency keys', () => {
    // Prepare
    const first = open(assessment({ hardTriggers: [HARD_TRIGGERS.contractSuspended] }));
    const worse = assessment({ asOf: '2025-10-22', hardTriggers: [HARD_TRIGGERS.contractSuspended, HARD_TRIGGERS.s56Notice] });

    // Act
    const decision = decideEscalation(worse, first.episode, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(decision?.episode.episodeId).toBe(first.episode.episodeId);
    expect(decision?.episode.change).toBe(first.episode.change + 1);
    expect(decision?.episode.hardTriggers).toEqual([HARD_TRIGGERS.s56Notice, HARD_TRIGGERS.contractSuspended].sort());
    expect(decision?.episode.lastChangedOn).toBe('2025-10-22');
    expect(decision?.episode.openedOn).toBe('2025-10-15');
    const oldKeys = new Set(first.messages.map((m) => m.idempotencyKey));
    expect(decision?.messages.length).toBeGreaterThan(0);
    expect(decision?.messages.every((m) => m.change === 2 && !oldKeys.has(m.idempotencyKey))).toBe(true);
  });

  it('re-notifies a higher tier as the next change, reaching the new recipients', () => {
    // Prepare
    const first = open(assessment());
    const spread = assessment({ asOf: '2025-10-22', councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true });

    // Act
    const decision = decideEscalation(spread, first.episode, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(first.episode.tier).toBe('local');
    expect(decision?.episode.tier).toBe('regional');
    expect(decision?.episode.change).toBe(2);
    expect(recipientIds(decision?.messages ?? [])).toEqual([ADASS_YORKSHIRE, BRADFORD, LEEDS]);
    const oldKeys = new Set(first.messages.map((m) => m.idempotencyKey));
    expect(decision?.messages.some((m) => oldKeys.has(m.idempotencyKey))).toBe(false);
  });

  it('decides nothing when the re-notified episode is fed its own assessment again', () => {
    // Prepare
    const first = open(assessment());
    const spread = assessment({ asOf: '2025-10-22', councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true });
    const second = decideEscalation(spread, first.episode, marketContext(), DEFAULT_PROTOCOL);

    // Act
    const third = decideEscalation(spread, second?.episode, marketContext(), DEFAULT_PROTOCOL);

    // Assess
    expect(second).not.toBeNull();
    expect(third).toBeNull();
  });
});

describe('decideEscalation: redaction per recipient', () => {
  // Regional (two councils) with a placing council, or national (two regions): every recipient kind.
  const regional = () =>
    open(
      assessment({ councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true, factors: [financialFactor, qualityFactor], hardTriggers: [HARD_TRIGGERS.contractSuspended] }),
      marketContext([location()], { [LOCATION_ID]: [CAMDEN] }),
    );
  const national = () =>
    open(
      assessment({ councils: [MANCHESTER, LEEDS], regions: ['North West', YORKSHIRE], sharedAcrossCouncils: true, factors: [financialFactor, qualityFactor] }),
      marketContext([location()], { [LOCATION_ID]: [CAMDEN] }),
    );

  it('withholds financial evidence from the ADASS network and placing councils', () => {
    // Prepare
    const { messages } = regional();

    // Act
    const withheld = [messageFor(messages, ADASS_YORKSHIRE), messageFor(messages, CAMDEN)];

    // Assess
    expect(withheld.map((m) => m.recipient.kind)).toEqual(['adass-network', 'placing-council']);
    for (const m of withheld) {
      expect(m.fieldClasses).not.toContain('commercially-sensitive');
      expect(m.evidence.map((f) => f.family)).toEqual(['quality']);
      expect(m.body).not.toContain('Credit score');
      expect(m.summary).not.toContain('Credit score');
      expect(m.body).toContain('A financial concern exists; details are shared with host councils and national market oversight only.');
    }
  });

  it('shares financial evidence with host councils and national oversight', () => {
    // Prepare
    const regionalMessages = regional().messages;
    const nationalMessages = national().messages;

    // Act
    const shared = [messageFor(regionalMessages, LEEDS), messageFor(regionalMessages, BRADFORD), messageFor(nationalMessages, NATIONAL)];

    // Assess
    expect(shared.map((m) => m.recipient.kind)).toEqual(['host-council', 'host-council', 'national']);
    for (const m of shared) {
      expect(m.fieldClasses).toContain('commercially-sensitive');
      expect(m.evidence.map((f) => f.family).sort()).toEqual(['financial', 'quality']);
      expect(m.body).toContain('Credit score in warning area (12)');
      expect(m.body).not.toContain('A financial concern exists');
    }
  });

  it('sends only the documented fields of an escalation message', () => {
    // Prepare
    const messages = [...regional().messages, ...national().messages];
    const documented = Object.keys(EscalationMessageSchema.shape).sort();
    const strict = z.strictObject(EscalationMessageSchema.shape);

    // Act
    const parsed = messages.map((m) => EscalationMessageSchema.parse(m));

    // Assess
    expect(messages.length).toBe(10); // 4 regional (ADASS, two hosts, a placing council) and 6 national
    expect(parsed).toEqual(messages);
    for (const m of messages) {
      expect(Object.keys(m).sort()).toEqual(documented);
      expect(strict.safeParse(m).success).toBe(true);
      expect(Object.keys(m.recipient).sort()).toEqual(['id', 'kind', 'name']);
      expect(Object.keys(m.subject).sort()).toEqual(['companyNumber', 'hostCouncils', 'id', 'name', 'type']);
    }
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2025-10-15', 1, '2025-10-16'], // Wednesday to Thursday
    ['2025-10-17', 1, '2025-10-20'], // Friday to Monday
    ['2025-10-18', 1, '2025-10-20'], // Saturday to Monday
    ['2025-10-19', 1, '2025-10-20'], // Sunday to Monday
    ['2025-10-15', 5, '2025-10-22'], // a working week
    ['2025-10-17', 10, '2025-10-31'], // two working weeks over two weekends
    ['2025-10-15', 0, '2025-10-15'],
  ])('adds to %s %i working days, giving %s', (from, days, expected) => {
    // Prepare
    const start = from;

    // Act
    const result = addWorkingDays(start, days);

    // Assess
    expect(result).toBe(expected);
  });
});
