// Messages a person acts on: the protective marking and onward-sharing rule on every message, the councils,
// regions and services affected by name with their CQC pages, what is asked and how to acknowledge, and the
// location-level occupancy and workforce figures kept from recipients the protocol does not grant them to.
import { describe, expect, it } from 'vitest';
import { decideAcknowledgement } from '../../shared/domain/escalation.js';
import { EscalationMessage } from '../../shared/domain/escalation-message.js';
import type { Factor, RiskAssessment } from '../../shared/domain/model.js';
import { Protocol, type PartyRole } from '../../shared/domain/protocol.js';
import { feed, messageFor, mustDecide, protocolWith, PROTOCOL_1 } from '../support/escalation.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, LOCATION_ID, marketContext, PROVIDER_ID } from '../support/fixtures.js';

const ADASS_YORKSHIRE = 'adass-yorkshire-and-humber';
const EPISODE_ID = `provider-${PROVIDER_ID}-2025-10-15`;

const factor = (family: Factor['family'], indicator: string, source: Factor['evidence'][number]['source']): Factor => ({
  family,
  indicator,
  points: 30,
  evidence: [{ source, date: '2025-09-28', value: indicator }],
});
const quality = factor('quality', 'Overall rating Requires improvement', 'cqc-api');
const financial = factor('financial', 'Credit score in warning area (12)', 'companies-house');
const occupancy = factor('occupancy', 'Occupancy 62%', 'capacity-tracker');
const workforce = factor('workforce', 'High agency use (35% of hours)', 'capacity-tracker');

/** Leeds and Bradford host the provider's two homes; Camden places residents at the Leeds one. */
const market = () =>
  marketContext([location(), location({ locationId: '1-100000002', name: 'Beck House', councilGss: BRADFORD, serviceKind: 'nursing-home', beds: 40 })], { [LOCATION_ID]: [CAMDEN] });
const regional = (overrides: Partial<RiskAssessment> = {}) =>
  assessment({ councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true, factors: [quality, financial, occupancy, workforce], ...overrides });

describe('protective marking and onward sharing', () => {
  it('marks the opening, the reminder and the stand-down alike: OFFICIAL-SENSITIVE where financial evidence is carried', () => {
    // Prepare: opened, overdue after 5 working days, then two assessments below the exit threshold
    const red = (asOf: string) => assessment({ asOf, factors: [quality, financial] });
    const below = (asOf: string) => assessment({ asOf, likelihood: 50, band: 'Amber', factors: [quality, financial] });

    // Act
    const decisions = feed([red('2025-10-15'), red('2025-10-23'), below('2025-10-24'), below('2025-10-27')], undefined, market());

    // Assess
    const messages = decisions.flatMap((d) => d?.messages ?? []);
    const marked = (recipientId: string) => messages.filter((m) => m.recipient.id === recipientId).map((m) => [m.changeKind, m.handling.marking]);
    expect(marked(LEEDS)).toEqual([
      ['opened', 'OFFICIAL-SENSITIVE'],
      ['reminder', 'OFFICIAL-SENSITIVE'],
      ['stood-down', 'OFFICIAL-SENSITIVE'],
    ]);
    expect(marked(CAMDEN)).toEqual([
      ['opened', 'OFFICIAL'],
      ['reminder', 'OFFICIAL'],
      ['stood-down', 'OFFICIAL'],
    ]);
    for (const m of messages) {
      const [first, , third] = m.body.split('\n');
      expect(first).toBe(m.handling.marking);
      expect(third).toBe(`Onward sharing: ${PROTOCOL_1.handling.onwardSharing}`);
      expect(m.summary.startsWith(`[${m.handling.marking}] `)).toBe(true);
    }
  });

  it.each([
    ['carries financial evidence', 'OFFICIAL-SENSITIVE', [quality, financial], LEEDS],
    ['has no financial evidence', 'OFFICIAL', [quality, occupancy], LEEDS],
    ['has financial evidence withheld from it', 'OFFICIAL', [quality, financial], CAMDEN],
  ] as const)('marks a message that %s as %s', (_, marking, factors, recipientId) => {
    // Prepare
    const red = assessment({ factors: [...factors] });

    // Act
    const message = messageFor(mustDecide(red, undefined, market()).messages, recipientId);

    // Assess
    expect(message.handling.marking).toBe(marking);
    expect(message.evidence.some((f) => f.family === 'financial')).toBe(marking === 'OFFICIAL-SENSITIVE');
  });
});

describe('who and what is affected', () => {
  it('names the affected councils with their regions, hosts apart from placing councils', () => {
    // Prepare
    const red = regional();

    // Act
    const message = messageFor(mustDecide(red, undefined, market()).messages, ADASS_YORKSHIRE);

    // Assess
    expect(message.affected).toEqual({
      councils: [
        { gss: BRADFORD, name: 'Bradford', region: 'Yorkshire and Humber', relation: 'host' },
        { gss: LEEDS, name: 'Leeds', region: 'Yorkshire and Humber', relation: 'host' },
        { gss: CAMDEN, name: 'Camden', region: 'Greater London', relation: 'placing' },
      ],
      regions: ['Greater London', 'Yorkshire and Humber'],
    });
    expect(message.body).toContain('Councils affected: 3, in 2 regions\n- Greater London: Camden\n- Yorkshire and Humber: Bradford (host), Leeds (host)');
  });

  it('lists the services behind a provider with their council, beds, service type and CQC pages', () => {
    // Prepare
    const red = regional();

    // Act
    const message = messageFor(mustDecide(red, undefined, market()).messages, LEEDS);

    // Assess
    expect(message.providers).toEqual([{ providerId: PROVIDER_ID, name: 'Acme Care Ltd', cqcUrl: `https://www.cqc.org.uk/provider/${PROVIDER_ID}` }]);
    expect(message.locations).toEqual({
      total: 2,
      listed: [
        { locationId: '1-100000002', name: 'Beck House', councilGss: BRADFORD, councilName: 'Bradford', serviceKind: 'nursing-home', beds: 40, cqcUrl: 'https://www.cqc.org.uk/location/1-100000002' },
        { locationId: LOCATION_ID, name: `Home ${LOCATION_ID}`, councilGss: LEEDS, councilName: 'Leeds', serviceKind: 'residential-home', beds: 20, cqcUrl: `https://www.cqc.org.uk/location/${LOCATION_ID}` },
      ],
    });
    expect(message.body).toContain(`CQC provider: Acme Care Ltd, https://www.cqc.org.uk/provider/${PROVIDER_ID}`);
    // The reader's own council first.
    expect(message.body).toContain(
      `Services (2):\n- Home ${LOCATION_ID}, Leeds, residential home, 20 beds: https://www.cqc.org.uk/location/${LOCATION_ID}\n- Beck House, Bradford, nursing home, 40 beds: https://www.cqc.org.uk/location/1-100000002`,
    );
  });

  it('lists a location itself as the one service', () => {
    // Prepare
    const redHome = assessment({ subject: { type: 'location', id: LOCATION_ID }, name: `Home ${LOCATION_ID}` });

    // Act
    const message = messageFor(mustDecide(redHome, undefined, market()).messages, LEEDS);

    // Assess
    expect(message.locations.total).toBe(1);
    expect(message.locations.listed.map((l) => l.cqcUrl)).toEqual([`https://www.cqc.org.uk/location/${LOCATION_ID}`]);
  });

  it('caps the list at 500 services in the JSON and 50 in the text, saying how many more there are', () => {
    // Prepare: 520 Leeds homes
    const homes = Array.from({ length: 520 }, (_, i) => location({ locationId: `1-2${String(i).padStart(8, '0')}` }));

    // Act
    const message = messageFor(mustDecide(assessment(), undefined, marketContext(homes)).messages, LEEDS);

    // Assess
    expect(message.locations.total).toBe(520);
    expect(message.locations.listed).toHaveLength(500);
    expect(message.body.split('\n').filter((line) => line.includes('https://www.cqc.org.uk/location/'))).toHaveLength(50);
    expect(message.body).toContain('- and 470 more (the JSON message lists up to 500)');
  });
});

describe('what is asked and how to acknowledge', () => {
  it('tells each recipient what is asked of it, by when, and the route and command that acknowledge it', () => {
    // Prepare
    const red = regional();

    // Act
    const { episode, messages } = mustDecide(red, undefined, market());

    // Assess
    for (const [recipientId, role] of [
      [LEEDS, 'council-commissioner'],
      [ADASS_YORKSHIRE, 'adass-network'],
    ] as const) {
      const m = messageFor(messages, recipientId);
      const command = `npx tsx cli/main.ts acknowledge --episode ${EPISODE_ID} --party ${recipientId} --role ${role} --by <your user id>`;
      expect(m.ask).toEqual({
        action: PROTOCOL_1.asks[m.recipient.kind],
        respondBy: '2025-10-17',
        acknowledge: { route: `POST /episodes/${EPISODE_ID}/acknowledgements`, role, command },
      });
      expect(m.body).toContain(`Asked of you: ${PROTOCOL_1.asks[m.recipient.kind]}`);
      expect(m.body).toContain(`To acknowledge: POST /episodes/${EPISODE_ID}/acknowledgements on the escalation API, signed in as party ${recipientId} with role ${role}; or run\n  ${command}`);
      // The command's flags acknowledge the episode as the protocol decides it.
      const flag = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)![1]!;
      expect(decideAcknowledgement(episode, { party: flag('party'), role: flag('role') as PartyRole, by: 'user-1', on: '2025-10-16' }).outcome).toBe('acknowledged');
    }
  });

  it('asks nothing when an episode stands down', () => {
    // Prepare
    const opened = mustDecide(assessment(), undefined, market()).episode;
    const below = (asOf: string) => assessment({ asOf, likelihood: 50, band: 'Amber' });

    // Act
    const standDown = feed([below('2025-10-16'), below('2025-10-17')], opened, market())[1]!;

    // Assess
    expect(standDown.messages.map((m) => [m.recipient.id, m.changeKind, m.ask, m.acknowledgementRequested])).toEqual([
      [LEEDS, 'stood-down', null, false],
      [CAMDEN, 'stood-down', null, false],
    ]);
    expect(standDown.messages.every((m) => !m.body.includes('To acknowledge'))).toBe(true);
  });
});

describe('location-level occupancy and workforce figures', () => {
  it('keeps them from the ADASS network, telling it such a concern exists, and gives them to the councils', () => {
    // Prepare
    const red = regional();

    // Act
    const { messages } = mustDecide(red, undefined, market());

    // Assess
    const adass = messageFor(messages, ADASS_YORKSHIRE);
    expect(adass.evidence.map((f) => f.family)).toEqual(['quality']);
    expect(adass.operationalConcernNotice).toBe(PROTOCOL_1.operationalConcernNotice);
    expect(adass.body).toContain(PROTOCOL_1.operationalConcernNotice);
    expect(JSON.stringify(adass)).not.toContain('Occupancy 62%');
    expect(JSON.stringify(adass)).not.toContain('High agency use');
    for (const council of [messageFor(messages, LEEDS), messageFor(messages, CAMDEN)]) {
      expect(council.evidence.map((f) => f.family)).toEqual(expect.arrayContaining(['occupancy', 'workforce']));
      expect(council.operationalConcernNotice).toBeNull();
      expect(council.body).toContain('Occupancy 62%');
    }
  });

  it('gives them to ADASS networks when the protocol grants the class', () => {
    // Prepare
    const protocol = protocolWith((p) => (p.disclosure['adass-network'] = ['public', 'official', 'operational']));

    // Act
    const adass = messageFor(mustDecide(regional(), undefined, market(), protocol).messages, ADASS_YORKSHIRE);

    // Assess
    expect(adass.evidence.map((f) => f.family)).toEqual(['quality', 'occupancy', 'workforce']);
    expect(adass.operationalConcernNotice).toBeNull();
  });
});

describe('the message schema and the protocol', () => {
  it('refuses a field no class covers inside the new parts of a message', () => {
    // Prepare
    const message = messageFor(mustDecide(regional(), undefined, market()).messages, LEEDS);
    const [home] = message.locations.listed;

    // Act
    const withManager = EscalationMessage.safeParse({ ...message, locations: { ...message.locations, listed: [{ ...home, managerName: 'anyone' }] } });
    const withUser = EscalationMessage.safeParse({ ...message, ask: { ...message.ask, by: 'user-1' } });

    // Assess
    expect(EscalationMessage.safeParse(JSON.parse(JSON.stringify(message))).success).toBe(true);
    expect(withManager.success).toBe(false);
    expect(withUser.success).toBe(false);
  });

  it('refuses a protocol that leaves a field class without a marking', () => {
    // Prepare
    const draft = structuredClone(PROTOCOL_1) as { handling: { markings: Record<string, string> } };
    delete draft.handling.markings.operational;

    // Act
    const result = Protocol.safeParse(draft);

    // Assess
    expect(result.success).toBe(false);
    expect(PROTOCOL_1.handling.markings).toEqual({ public: 'OFFICIAL', official: 'OFFICIAL', operational: 'OFFICIAL', 'commercially-sensitive': 'OFFICIAL-SENSITIVE' });
  });
});
