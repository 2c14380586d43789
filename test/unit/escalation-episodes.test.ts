// The escalation episode as a state machine: open, raise, worsen, replay, acknowledge, remind, stand down.
import { describe, expect, it } from 'vitest';
import { type Episode } from '../../shared/domain/episode.js';
import { decideAcknowledgement, decideEscalation } from '../../shared/domain/escalation.js';
import { Protocol, protocolVersion } from '../../shared/domain/protocol.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { acknowledgedBy, feed, messageFor, mustDecide, protocolWith, recipientIds, PROTOCOL_1 } from '../support/escalation.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, LOCATION_ID, MANCHESTER, marketContext, PROVIDER_ID } from '../support/fixtures.js';

const ADASS_YORKSHIRE = 'adass-yorkshire-and-humber';
const EPISODE_ID = `provider-${PROVIDER_ID}-2025-10-15`;
/** A Leeds provider with a home where Camden places residents. */
const market = marketContext([location()], { [LOCATION_ID]: [CAMDEN] });
const opened = (overrides: Parameters<typeof assessment>[0] = {}) => mustDecide(assessment(overrides), undefined, market).episode;
/** The same provider, assessed on a later date. */
const on = (asOf: string, overrides: Parameters<typeof assessment>[0] = {}) => assessment({ asOf, ...overrides });

describe('opening an episode', () => {
  it('opens an episode when a provider enters Red at 70', () => {
    // Prepare
    const red = assessment({ likelihood: 70 });

    // Act
    const decision = decideEscalation(red, undefined, market, PROTOCOL_1);

    // Assess
    expect(decision?.episode).toEqual({
      episodeId: EPISODE_ID,
      subject: { type: 'provider', id: PROVIDER_ID },
      name: 'Acme Care Ltd',
      openedOn: '2025-10-15',
      status: 'open',
      tier: 'local',
      band: 'Red',
      hardTriggers: [],
      change: 1,
      lastChangedOn: '2025-10-15',
      lastAssessedOn: '2025-10-15',
      belowExitCount: 0,
      notifications: [
        { tier: 'local', recipient: { id: LEEDS, kind: 'host-council', name: 'Leeds' }, notifiedOn: '2025-10-15', dueOn: '2025-10-22', remindedOn: null },
        { tier: 'local', recipient: { id: CAMDEN, kind: 'placing-council', name: 'Camden' }, notifiedOn: '2025-10-15', dueOn: '2025-10-22', remindedOn: null },
      ],
      acknowledgements: [],
    });
    expect(decision?.messages.map((m) => [m.recipient.id, m.changeKind, m.idempotencyKey])).toEqual([
      [LEEDS, 'opened', `${EPISODE_ID}#1#local#${LEEDS}`],
      [CAMDEN, 'opened', `${EPISODE_ID}#1#local#${CAMDEN}`],
    ]);
  });

  it.each([
    ['Amber below 70 at Low impact', { likelihood: 69.9, band: 'Amber' }],
    ['Amber below 40 at High impact', { likelihood: 39.9, band: 'Amber', impact: 'High' }],
    ['Green', { likelihood: 10, band: 'Green' }],
  ] as const)('decides nothing for a provider in %s', (_, overrides) => {
    // Prepare
    const notRed = assessment(overrides);

    // Act
    const decision = decideEscalation(notRed, undefined, market, PROTOCOL_1);

    // Assess
    expect(decision).toBeNull();
  });

  it('opens an episode for a Red reached through High impact at 40', () => {
    // Prepare
    const redByImpact = assessment({ likelihood: 40, impact: 'High' });

    // Act
    const decision = decideEscalation(redByImpact, undefined, market, PROTOCOL_1);

    // Assess
    expect(decision?.episode.tier).toBe('regional');
  });

  it('opens an episode on any hard trigger, whatever the likelihood', () => {
    // Prepare
    const triggered = assessment({ likelihood: 12, hardTriggers: [HARD_TRIGGERS.insolvency] });

    // Act
    const decision = decideEscalation(triggered, undefined, market, PROTOCOL_1);

    // Assess
    expect(decision?.episode.hardTriggers).toEqual([HARD_TRIGGERS.insolvency]);
  });

  it('opens a location episode for its council and the councils placing residents there', () => {
    // Prepare
    const redHome = assessment({ subject: { type: 'location', id: LOCATION_ID }, name: 'Home 1-100000001', beds: 20 });

    // Act
    const { episode, messages } = mustDecide(redHome, undefined, market);

    // Assess
    expect(episode).toMatchObject({ episodeId: `location-${LOCATION_ID}-2025-10-15`, subject: { type: 'location', id: LOCATION_ID }, tier: 'local' });
    expect(messages.map((m) => [m.recipient.id, m.recipient.kind, m.subject.scope])).toEqual([
      [LEEDS, 'host-council', 'service'],
      [CAMDEN, 'placing-council', 'service'],
    ]);
  });

  it('opens nothing for a kind of subject no tier rule covers', () => {
    // Prepare
    const providersOnly = protocolWith((p) => {
      p.tiers.local.rules = [{ description: 'providers only', subjects: ['provider'] }];
    });
    const redHome = assessment({ subject: { type: 'location', id: LOCATION_ID } });

    // Act
    const decision = decideEscalation(redHome, undefined, market, providersOnly);

    // Assess
    expect(decision).toBeNull();
  });
});

describe('raising and worsening', () => {
  it('raises the episode to the regional tier when the provider spreads to a second council', () => {
    // Prepare
    const first = opened();
    const spread = on('2025-10-20', { councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true });

    // Act
    const { episode, messages } = mustDecide(spread, first, market);

    // Assess
    expect(episode).toMatchObject({ tier: 'regional', change: 2, lastChangedOn: '2025-10-20', openedOn: '2025-10-15' });
    expect(messages.every((m) => m.changeKind === 'raised' && m.tier === 'regional' && m.reviewOn === '2025-10-22')).toBe(true);
    expect(recipientIds(messages)).toEqual([ADASS_YORKSHIRE, BRADFORD, LEEDS, CAMDEN]);
    expect(episode.notifications.filter((n) => n.tier === 'regional').map((n) => [n.recipient.id, n.dueOn])).toEqual([
      [ADASS_YORKSHIRE, '2025-10-22'],
      [BRADFORD, '2025-10-22'],
      [LEEDS, '2025-10-22'],
      [CAMDEN, '2025-10-22'],
    ]);
  });

  it('re-notifies a new hard trigger as a worsening at the same tier, with new idempotency keys', () => {
    // Prepare
    const first = mustDecide(assessment({ hardTriggers: [HARD_TRIGGERS.contractSuspended] }), undefined, market);
    const worse = on('2025-10-22', { hardTriggers: [HARD_TRIGGERS.contractSuspended, HARD_TRIGGERS.s56Notice] });

    // Act
    const { episode, messages } = mustDecide(worse, first.episode, market);

    // Assess
    expect(episode).toMatchObject({ episodeId: EPISODE_ID, tier: 'local', change: 2, hardTriggers: [HARD_TRIGGERS.s56Notice, HARD_TRIGGERS.contractSuspended].sort() });
    const oldKeys = new Set(first.messages.map((m) => m.idempotencyKey));
    expect(messages.map((m) => [m.recipient.id, m.changeKind, m.change])).toEqual([
      [LEEDS, 'worsened', 2],
      [CAMDEN, 'worsened', 2],
    ]);
    expect(messages.some((m) => oldKeys.has(m.idempotencyKey))).toBe(false);
    // The response target runs from the first notice at the tier.
    expect(messages.every((m) => m.reviewOn === '2025-10-22')).toBe(true);
  });

  it('re-notifies a higher band as a worsening where the protocol opens episodes at Amber', () => {
    // Prepare
    const opensAtAmber = protocolWith((p) => {
      p.episodes = { ...p.episodes, enterAtLikelihood: 40, exitBelowLikelihood: 30 } as typeof p.episodes;
    });
    const amber = mustDecide(assessment({ likelihood: 50, band: 'Amber' }), undefined, market, opensAtAmber);

    // Act
    const red = mustDecide(on('2025-10-16', { likelihood: 75, band: 'Red' }), amber.episode, market, opensAtAmber);

    // Assess
    expect(amber.episode.band).toBe('Amber');
    expect(red.episode.band).toBe('Red');
    expect(red.messages.map((m) => m.changeKind)).toEqual(['worsened', 'worsened']);
  });

  it('tells a council newly placing residents when the episode worsens', () => {
    // Prepare
    const first = opened();
    const widerMarket = marketContext([location()], { [LOCATION_ID]: [CAMDEN, MANCHESTER] });

    // Act
    const { episode, messages } = mustDecide(on('2025-10-16', { hardTriggers: [HARD_TRIGGERS.s56Notice] }), first, widerMarket);

    // Assess
    expect(recipientIds(messages)).toEqual([MANCHESTER, LEEDS, CAMDEN]);
    expect(episode.notifications.find((n) => n.recipient.id === MANCHESTER)).toEqual({
      tier: 'local',
      recipient: { id: MANCHESTER, kind: 'placing-council', name: 'Manchester' },
      notifiedOn: '2025-10-16',
      dueOn: '2025-10-23',
      remindedOn: null,
    });
  });

  it('decides nothing when a later assessment is no worse, and never lowers the tier', () => {
    // Prepare
    const regional = mustDecide(assessment({ councils: [BRADFORD, LEEDS] }), undefined, market).episode;

    // Act
    const decision = decideEscalation(on('2025-10-16', { likelihood: 65, band: 'Amber' }), regional, market, PROTOCOL_1);

    // Assess
    expect(regional.tier).toBe('regional');
    expect(decision).toBeNull();
  });
});

describe('replaying assessments', () => {
  it('decides nothing when the assessment that opened the episode is fed again', () => {
    // Prepare
    const first = opened();

    // Act
    const again = decideEscalation(assessment(), first, market, PROTOCOL_1);

    // Assess
    expect(again).toBeNull();
  });

  it('decides nothing on an earlier assessment than the one that last changed the episode', () => {
    // Prepare
    const worsened = mustDecide(on('2025-10-20', { hardTriggers: [HARD_TRIGGERS.s56Notice] }), opened(), market).episode;

    // Act
    const earlier = decideEscalation(on('2025-10-17', { hardTriggers: [HARD_TRIGGERS.insolvency] }), worsened, market, PROTOCOL_1);

    // Assess
    expect(earlier).toBeNull();
  });
});

describe('acknowledging', () => {
  it('records the acknowledgement of a party told at the current tier, for that tier', () => {
    // Prepare
    const episode = opened();

    // Act
    const decision = decideAcknowledgement(episode, { party: CAMDEN, role: 'council-commissioner', by: 'user-7', on: '2025-10-16' });

    // Assess
    expect(decision).toEqual({
      outcome: 'acknowledged',
      acknowledgement: { episodeId: EPISODE_ID, tier: 'local', recipientId: CAMDEN, role: 'council-commissioner', by: 'user-7', on: '2025-10-16' },
    });
  });

  it.each([
    ['a council never told', MANCHESTER, 'council-commissioner'],
    ['a told council claiming another role', LEEDS, 'adass-network'],
    ['an ADASS network not told at the local tier', ADASS_YORKSHIRE, 'adass-network'],
  ] as const)('refuses %s', (_, party, role) => {
    // Prepare
    const episode = opened();

    // Act
    const decision = decideAcknowledgement(episode, { party, role, by: 'user-7', on: '2025-10-16' });

    // Assess
    expect(decision).toEqual({ outcome: 'not-addressed' });
  });

  it('refuses a second acknowledgement at the same tier but asks again once the episode is raised', () => {
    // Prepare
    const acknowledged = acknowledgedBy(opened(), LEEDS, 'council-commissioner', '2025-10-16');
    const raised = mustDecide(on('2025-10-17', { impact: 'High' }), acknowledged, market).episode;

    // Act
    const again = decideAcknowledgement(acknowledged, { party: LEEDS, role: 'council-commissioner', by: 'user-8', on: '2025-10-17' });
    const afterRaise = decideAcknowledgement(raised, { party: LEEDS, role: 'council-commissioner', by: 'user-8', on: '2025-10-17' });

    // Assess
    expect(again).toEqual({ outcome: 'already-acknowledged', tier: 'local' });
    expect(afterRaise).toMatchObject({ outcome: 'acknowledged', acknowledgement: { tier: 'regional' } });
  });

  it('marks the messages of a later change as needing no response from a party that acknowledged the tier', () => {
    // Prepare
    const acknowledged = acknowledgedBy(opened(), LEEDS, 'council-commissioner', '2025-10-16');

    // Act
    const { messages } = mustDecide(on('2025-10-17', { hardTriggers: [HARD_TRIGGERS.s56Notice] }), acknowledged, market);

    // Assess
    expect(messages.map((m) => [m.recipient.id, m.acknowledgementRequested])).toEqual([
      [LEEDS, false],
      [CAMDEN, true],
    ]);
    expect(messageFor(messages, LEEDS).body).toContain('Acknowledged at the local tier; no further response is asked for.');
  });
});

describe('reminders', () => {
  it('reminds only the recipients who have not acknowledged once the response target has passed', () => {
    // Prepare: opened on Wednesday 15 October, due on Wednesday 22 October (5 working days)
    const acknowledged = acknowledgedBy(opened(), LEEDS, 'council-commissioner', '2025-10-17');

    // Act
    const onTheDueDate = decideEscalation(on('2025-10-22'), acknowledged, market, PROTOCOL_1);
    const dayAfter = mustDecide(on('2025-10-23'), acknowledged, market);

    // Assess
    expect(onTheDueDate).toBeNull();
    expect(dayAfter.messages.map((m) => [m.recipient.id, m.changeKind, m.change, m.reviewOn, m.acknowledgementRequested])).toEqual([
      [CAMDEN, 'reminder', 2, '2025-10-22', true],
    ]);
    expect(dayAfter.messages[0]!.body).toContain('The response target of 5 working days passed on 2025-10-22 without an acknowledgement');
    expect(dayAfter.episode.notifications.map((n) => [n.recipient.id, n.remindedOn])).toEqual([
      [LEEDS, null],
      [CAMDEN, '2025-10-23'],
    ]);
  });

  it('counts working days over a weekend', () => {
    // Prepare: national (one working day) on Friday 17 October, so due on Monday 20 October
    const national = mustDecide(assessment({ asOf: '2025-10-17', beds: 2500 }), undefined, market).episode;

    // Act
    const decisions = feed([on('2025-10-18', { beds: 2500 }), on('2025-10-20', { beds: 2500 }), on('2025-10-21', { beds: 2500 })], national, market);

    // Assess
    expect(national.tier).toBe('national');
    expect(decisions.map((d) => d?.messages.map((m) => m.changeKind) ?? null)).toEqual([null, null, ['reminder', 'reminder', 'reminder', 'reminder']]);
  });

  it('sends no reminder once every recipient has acknowledged', () => {
    // Prepare
    const episode = acknowledgedBy(acknowledgedBy(opened(), LEEDS, 'council-commissioner', '2025-10-16'), CAMDEN, 'council-commissioner', '2025-10-24');

    // Act
    const decision = decideEscalation(on('2025-10-30'), episode, market, PROTOCOL_1);

    // Assess
    expect(decision).toBeNull();
  });

  it('reminds each recipient once per tier', () => {
    // Prepare
    const reminded = mustDecide(on('2025-10-23'), opened(), market).episode;

    // Act
    const decisions = feed([on('2025-10-24'), on('2025-10-31')], reminded, market);

    // Assess
    expect(decisions).toEqual([null, null]);
  });

  it('reminds at the tier the episode was raised to, from the day it was raised', () => {
    // Prepare: raised on Monday 20 October, so the regional target (2 working days) passes after the 22nd
    const raised = mustDecide(on('2025-10-20', { impact: 'High' }), opened(), market).episode;

    // Act
    const decisions = feed([on('2025-10-22', { impact: 'High' }), on('2025-10-23', { impact: 'High' })], raised, market);

    // Assess
    expect(decisions[0]).toBeNull();
    expect(decisions[1]?.messages.map((m) => [m.recipient.id, m.tier, m.changeKind])).toEqual([
      [ADASS_YORKSHIRE, 'regional', 'reminder'],
      [LEEDS, 'regional', 'reminder'],
      [CAMDEN, 'regional', 'reminder'],
    ]);
  });
});

describe('standing down', () => {
  const below = (asOf: string, likelihood = 55) => on(asOf, { likelihood, band: 'Amber' });

  it('stands down after two consecutive assessments below 60, telling everyone told', () => {
    // Prepare
    const raised = mustDecide(on('2025-10-16', { impact: 'High' }), opened(), market).episode;

    // Act
    const [first, second] = feed([below('2025-10-17'), below('2025-10-20')], raised, market);

    // Assess
    expect(first).toMatchObject({ messages: [], episode: { status: 'open', belowExitCount: 1, lastAssessedOn: '2025-10-17', change: 2 } });
    expect(second?.episode).toMatchObject({ status: 'stood-down', belowExitCount: 2, change: 3, lastChangedOn: '2025-10-20' });
    expect(second?.messages.map((m) => [m.recipient.id, m.changeKind, m.tier, m.acknowledgementRequested, m.reviewOn])).toEqual([
      [ADASS_YORKSHIRE, 'stood-down', 'regional', false, '2025-10-20'],
      [LEEDS, 'stood-down', 'regional', false, '2025-10-20'],
      [CAMDEN, 'stood-down', 'regional', false, '2025-10-20'],
    ]);
    expect(second?.messages[0]?.body).toContain('Stood down after 2 consecutive assessments below the exit threshold; no response is needed.');
  });

  it('holds the episode open between the exit and entry thresholds and restarts the count', () => {
    // Prepare
    const episode = opened();

    // Act
    const decisions = feed([below('2025-10-16'), below('2025-10-17', 65), below('2025-10-20'), below('2025-10-21')], episode, market);

    // Assess
    expect(decisions.map((d) => (d ? [d.episode.status, d.episode.belowExitCount] : null))).toEqual([
      ['open', 1],
      ['open', 0],
      ['open', 1],
      ['stood-down', 2],
    ]);
  });

  it('holds an episode opened through High impact until its likelihood falls below 30', () => {
    // Prepare
    const episode = mustDecide(assessment({ likelihood: 45, impact: 'High', band: 'Red' }), undefined, market).episode;

    // Act
    const decisions = feed(
      [on('2025-10-16', { likelihood: 31, impact: 'High' }), on('2025-10-17', { likelihood: 29, impact: 'High' }), on('2025-10-20', { likelihood: 29, impact: 'High' })],
      episode,
      market,
    );

    // Assess
    expect(decisions.map((d) => d?.episode.belowExitCount ?? null)).toEqual([null, 1, 2]);
    expect(decisions[2]?.episode.status).toBe('stood-down');
  });

  it('keeps an episode opened by a hard trigger open while the trigger holds, then stands it down', () => {
    // Prepare
    const trigger = { hardTriggers: [HARD_TRIGGERS.contractSuspended] };
    const episode = opened({ likelihood: 20, band: 'Red', ...trigger });

    // Act
    const decisions = feed([on('2025-10-16', { likelihood: 20, ...trigger }), on('2025-10-17', { likelihood: 20, ...trigger }), below('2025-10-20', 20), below('2025-10-21', 20)], episode, market);

    // Assess
    expect(decisions.map((d) => (d ? [d.episode.status, d.episode.belowExitCount] : null))).toEqual([null, null, ['open', 1], ['stood-down', 2]]);
  });

  it('does not advance the count when the same assessment date is fed again', () => {
    // Prepare
    const once = mustDecide(below('2025-10-16'), opened(), market).episode;

    // Act
    const decisions = feed([below('2025-10-16'), below('2025-10-16')], once, market);

    // Assess
    expect(once.belowExitCount).toBe(1);
    expect(decisions).toEqual([null, null]);
  });

  it('stands down after the configured number of assessments', () => {
    // Prepare
    const three = protocolWith((p) => {
      p.episodes.standDownAfterAssessments = 3;
    });
    const episode = mustDecide(assessment(), undefined, market, three).episode;

    // Act
    const decisions = feed([below('2025-10-16'), below('2025-10-17'), below('2025-10-20')], episode, market, three);

    // Assess
    expect(decisions.map((d) => d?.episode.status)).toEqual(['open', 'open', 'stood-down']);
  });

  it('opens a new episode with its own id when the subject turns Red again after standing down', () => {
    // Prepare
    const stoodDown = feed([below('2025-10-16'), below('2025-10-17')], opened(), market)[1]!.episode;

    // Act
    const again = mustDecide(on('2025-10-24'), stoodDown, market);
    const replayedOld = decideEscalation(on('2025-10-17'), stoodDown, market, PROTOCOL_1);

    // Assess
    expect(again.episode).toMatchObject({ episodeId: `provider-${PROVIDER_ID}-2025-10-24`, change: 1, status: 'open', acknowledgements: [] });
    expect(again.messages.every((m) => m.changeKind === 'opened')).toBe(true);
    expect(replayedOld).toBeNull();
  });

  it('refuses an acknowledgement of an episode that has stood down, telling only a party it was addressed to why', () => {
    // Prepare
    const stoodDown: Episode = feed([below('2025-10-16'), below('2025-10-17')], opened(), market)[1]!.episode;

    // Act
    const addressed = decideAcknowledgement(stoodDown, { party: LEEDS, role: 'council-commissioner', by: 'user-1', on: '2025-10-18' });
    const notAddressed = decideAcknowledgement(stoodDown, { party: MANCHESTER, role: 'council-commissioner', by: 'user-1', on: '2025-10-18' });

    // Assess
    expect(addressed).toEqual({ outcome: 'stood-down' });
    expect(notAddressed).toEqual({ outcome: 'not-addressed' });
  });
});

describe('episodes on bands (protocol-2)', () => {
  const bands = protocolVersion('protocol-2');

  it('opens on a Red band whatever the likelihood, and not on Amber', () => {
    // Prepare
    const redByImpact = assessment({ likelihood: 0.31, band: 'Red', impact: 'High' });
    const amber = assessment({ likelihood: 0.2, band: 'Amber' });

    // Act
    const opens = decideEscalation(redByImpact, undefined, market, bands);
    const stays = decideEscalation(amber, undefined, market, bands);

    // Assess
    expect(opens?.episode.status).toBe('open');
    expect(new Set(opens?.messages.map((m) => m.changeKind))).toEqual(new Set(['opened']));
    expect(stays).toBeNull();
  });

  it('holds an episode while Amber and stands it down after two assessments below Amber', () => {
    // Prepare
    const episode = mustDecide(assessment({ likelihood: 0.5, band: 'Red' }), undefined, market, bands).episode;

    // Act
    const decisions = feed([on('2025-10-16', { likelihood: 0.2, band: 'Amber' }), on('2025-10-17', { likelihood: 0.01, band: 'Green' }), on('2025-10-20', { likelihood: 0.01, band: 'Green' })], episode, market, bands);

    // Assess
    expect(decisions.map((d) => d?.episode.status ?? null)).toEqual([null, 'open', 'stood-down']);
  });

  it('refuses a protocol that would stand an episode down on the band that opened it', () => {
    // Prepare
    const draft = structuredClone(bands) as unknown as { episodes: { exitBelowBand: string } };
    draft.episodes.exitBelowBand = 'Red';
    const enterAmber = structuredClone(bands) as unknown as { episodes: { enterAtBand: string } };
    enterAmber.episodes.enterAtBand = 'Amber';

    // Act
    const refused = Protocol.safeParse({ ...draft, episodes: { ...draft.episodes, enterAtBand: 'Amber', exitBelowBand: 'Red' } });

    // Assess
    expect(refused.success).toBe(false);
    expect(Protocol.safeParse(enterAmber).success).toBe(true);
  });
});
