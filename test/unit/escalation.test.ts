// Who an escalation reaches at each tier, what each message says, and what each recipient may see of it.
import { describe, expect, it } from 'vitest';
import { councilsInRegion } from '../../shared/domain/councils.js';
import { addWorkingDays } from '../../shared/domain/episode.js';
import { recipientsFor, tierFor } from '../../shared/domain/escalation.js';
import { EscalationMessage } from '../../shared/domain/escalation-message.js';
import type { Factor } from '../../shared/domain/model.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { messageFor, mustDecide, recipientIds, PROTOCOL_1 } from '../support/escalation.js';
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
const embargoFactor: Factor = {
  family: 'quality',
  indicator: `Placement embargo by ${BRADFORD} at Home 1-100000001`,
  points: 40,
  evidence: [{ source: 'commissioner-action', date: '2025-09-20', value: 'placement-embargo' }],
};
const enforcementFactor: Factor = {
  family: 'quality',
  indicator: 'CQC enforcement action',
  points: 40,
  evidence: [{ source: 'commissioner-action', date: '2025-09-10', value: 'cqc-enforcement' }],
};

describe('recipients and tiers', () => {
  it('tells the host council and the placing councils at the local tier, one message each', () => {
    // Prepare: a Leeds home with residents placed by Bradford and Camden
    const market = marketContext([location()], { [LOCATION_ID]: [BRADFORD, CAMDEN] });

    // Act
    const { episode, messages } = mustDecide(assessment(), undefined, market);

    // Assess
    expect(episode.tier).toBe('local');
    expect(recipientIds(messages)).toEqual([BRADFORD, LEEDS, CAMDEN]);
    expect(messages.map((m) => m.recipient.kind)).toEqual(['placing-council', 'host-council', 'placing-council']);
    expect(messageFor(messages, LEEDS).recipient.name).toBe('Leeds');
    expect(messageFor(messages, CAMDEN).recipient.name).toBe('Camden');
    expect(new Set(messages.map((m) => m.idempotencyKey)).size).toBe(messages.length);
    expect(messages.every((m) => m.tier === 'local' && m.responseTargetWorkingDays === 5 && m.reviewOn === '2025-10-22')).toBe(true);
    expect(messages.every((m) => m.councilsAffected.join() === [BRADFORD, LEEDS, CAMDEN].sort().join())).toBe(true);
  });

  it('tells the councils placing residents at any home of a Red group, and its ADASS network', () => {
    // Prepare: a group whose one provider runs a Leeds home with residents placed by Camden
    const market = marketContext([location()], { [LOCATION_ID]: [CAMDEN] }, [provider({ groupId: 'G1' })]);
    const group = assessment({ subject: { type: 'group', id: 'G1' }, name: 'Acme Group' });

    // Act
    const recipients = recipientsFor(group, 'regional', market, PROTOCOL_1);

    // Assess
    expect(tierFor(group, PROTOCOL_1)).toBe('regional');
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
    const { messages } = mustDecide(assessment(), undefined, market);

    // Assess
    expect(messages.map((m) => [m.recipient.id, m.recipient.kind])).toEqual([[LEEDS, 'host-council']]);
  });

  it('adds the ADASS regional network at the regional tier when the provider is in two councils', () => {
    // Prepare
    const twoCouncils = assessment({ councils: [BRADFORD, LEEDS], regions: [YORKSHIRE], sharedAcrossCouncils: true });

    // Act
    const { episode, messages } = mustDecide(twoCouncils);

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
    const { episode, messages } = mustDecide(highImpact);

    // Assess
    expect(episode.tier).toBe('regional');
    expect(recipientIds(messages)).toEqual([ADASS_YORKSHIRE, LEEDS]);
  });

  it("adds national oversight and every region's network at the national tier when the provider is in two regions", () => {
    // Prepare
    const twoRegions = assessment({ councils: [MANCHESTER, LEEDS], regions: ['North West', YORKSHIRE], sharedAcrossCouncils: true });

    // Act
    const { episode, messages } = mustDecide(twoRegions);

    // Assess
    expect(episode.tier).toBe('national');
    expect(recipientIds(messages)).toEqual([ADASS_NORTH_WEST, ADASS_YORKSHIRE, MANCHESTER, LEEDS, NATIONAL]);
    expect(messageFor(messages, NATIONAL).recipient).toEqual({ id: NATIONAL, kind: 'national', name: 'CQC market oversight and DHSC' });
    expect(messages.every((m) => m.responseTargetWorkingDays === 1 && m.reviewOn === '2025-10-16')).toBe(true);
  });

  it.each([
    [1999, 1, 'local'],
    [2000, 1, 'national'],
    [1000, 15, 'regional'],
    [1000, 16, 'national'],
    [999, 16, 'regional'],
  ] as const)('puts a provider of %i beds in %i councils at the %s tier (the market oversight size rules)', (beds, councils, tier) => {
    // Prepare: councils of one region, so only size can make it national
    const southEast = councilsInRegion('South East').map((c) => c.gss);
    const large = assessment({ beds, councils: southEast.slice(0, councils), regions: ['South East'] });

    // Act
    const decided = tierFor(large, PROTOCOL_1);

    // Assess
    expect(decided).toBe(tier);
  });

  it('keeps a location at the local tier, however large its impact', () => {
    // Prepare
    const location = assessment({ subject: { type: 'location', id: LOCATION_ID }, impact: 'High', beds: 2500 });

    // Act
    const decided = tierFor(location, PROTOCOL_1);

    // Assess
    expect(decided).toBe('local');
  });

  it('lists the same recipients as recipientsFor at the decided tier', () => {
    // Prepare
    const market = marketContext([location()], { [LOCATION_ID]: [MANCHESTER] });
    const twoCouncils = assessment({ councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true });

    // Act
    const { messages } = mustDecide(twoCouncils, undefined, market);

    // Assess
    expect(messages.map((m) => m.recipient)).toEqual(recipientsFor(twoCouncils, 'regional', market, PROTOCOL_1));
  });
});

describe('message content', () => {
  it('names the organisation as a whole with its CQC ids and company number', () => {
    // Prepare
    const market = marketContext([location(), location({ locationId: '1-100000002', councilGss: BRADFORD })]);

    // Act
    const message = messageFor(mustDecide(assessment(), undefined, market).messages, LEEDS);

    // Assess
    expect(message.changeKind).toBe('opened');
    expect(message.raisedBy).toBe('the system, on the rules of protocol-1');
    expect(message.subject).toEqual({
      type: 'provider',
      scope: 'organisation',
      id: PROVIDER_ID,
      name: 'Acme Care Ltd',
      cqcProviderIds: [PROVIDER_ID],
      cqcLocationIds: [LOCATION_ID, '1-100000002'],
      companyNumber: '01234567',
      hostCouncils: [LEEDS],
    });
  });

  it('names one service, its provider and its company for a location', () => {
    // Prepare
    const redHome = assessment({ subject: { type: 'location', id: LOCATION_ID }, name: 'Home 1-100000001' });

    // Act
    const message = messageFor(mustDecide(redHome).messages, LEEDS);

    // Assess
    expect(message.subject).toMatchObject({ type: 'location', scope: 'service', id: LOCATION_ID, cqcProviderIds: [PROVIDER_ID], cqcLocationIds: [LOCATION_ID], companyNumber: '01234567' });
    expect(message.body).toContain('Subject: one service, location Home 1-100000001, CQC id 1-100000001, company 01234567');
  });

  it('gives a group no single company number', () => {
    // Prepare
    const market = marketContext([location()], {}, [provider({ groupId: 'G1' })]);

    // Act
    const message = messageFor(mustDecide(assessment({ subject: { type: 'group', id: 'G1' }, name: 'Acme Group' }), undefined, market).messages, LEEDS);

    // Assess
    expect(message.subject).toMatchObject({ type: 'group', scope: 'organisation', cqcProviderIds: [PROVIDER_ID], cqcLocationIds: [LOCATION_ID], companyNumber: null });
  });

  it('derives the concern categories and the actions councils have taken from the factors and hard triggers', () => {
    // Prepare
    const red = assessment({ factors: [qualityFactor, embargoFactor, enforcementFactor], hardTriggers: [HARD_TRIGGERS.contractSuspended, HARD_TRIGGERS.s56Notice] });

    // Act
    const message = messageFor(mustDecide(red).messages, LEEDS);

    // Assess
    expect(message.concernCategories).toEqual(['quality', 'financial', 'commissioner concern', 'regulator action']);
    expect(message.actionsTaken).toEqual([
      { action: 'placement embargo', council: BRADFORD, since: '2025-09-20' },
      { action: 'contract suspension', council: null, since: null },
    ]);
    expect(message.body).toContain('Actions already taken by councils: placement embargo by Bradford since 2025-09-20; contract suspension');
  });

  it('says the host council tells the provider, asks for an acknowledgement and leaves the action to each recipient', () => {
    // Prepare
    const red = assessment();

    // Act
    const message = messageFor(mustDecide(red).messages, LEEDS);

    // Assess
    expect(message.providerEngagement).toEqual({ required: true, toldBy: 'host-council', note: PROTOCOL_1.providerEngagement.note });
    expect(message.acknowledgementRequested).toBe(true);
    expect(message.body).toContain('Provider: the protocol requires the host council to tell the provider and invite its comments. This system never contacts a provider');
    expect(message.body).toContain(`Please acknowledge episode provider-${PROVIDER_ID}-2025-10-15 within 5 working days (by 2025-10-22).`);
    expect(message.body).toContain('Each recipient decides what action, if any, to take.');
    expect(message.body).toContain('Shared under Care Act 2014 ss.48-52 and 56; UK GDPR art. 6(1)(e) (protocol protocol-1).');
  });
});

describe('redaction per recipient', () => {
  // Regional (two councils) with a placing council, or national (two regions): every recipient kind.
  const regional = () =>
    mustDecide(
      assessment({ councils: [BRADFORD, LEEDS], sharedAcrossCouncils: true, factors: [financialFactor, qualityFactor], hardTriggers: [HARD_TRIGGERS.contractSuspended] }),
      undefined,
      marketContext([location()], { [LOCATION_ID]: [CAMDEN] }),
    );
  const national = () =>
    mustDecide(
      assessment({ councils: [MANCHESTER, LEEDS], regions: ['North West', YORKSHIRE], sharedAcrossCouncils: true, factors: [financialFactor, qualityFactor] }),
      undefined,
      marketContext([location()], { [LOCATION_ID]: [CAMDEN] }),
    );

  it('replaces financial evidence with "a financial concern exists" for the ADASS network and placing councils', () => {
    // Prepare
    const { messages } = regional();

    // Act
    const withheld = [messageFor(messages, ADASS_YORKSHIRE), messageFor(messages, CAMDEN)];

    // Assess
    expect(withheld.map((m) => m.recipient.kind)).toEqual(['adass-network', 'placing-council']);
    expect(withheld.map((m) => m.fieldClasses)).toEqual([
      ['public', 'official'],
      ['public', 'official', 'operational'],
    ]);
    for (const m of withheld) {
      expect(m.evidence.map((f) => f.family)).toEqual(['quality']);
      expect(m.concernCategories).toContain('financial');
      expect(m.financialConcernNotice).toBe('A financial concern exists; details are shared with host councils and national market oversight only.');
      expect(m.body).toContain(m.financialConcernNotice);
      expect(JSON.stringify(m)).not.toContain('Credit score');
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
      expect(m.fieldClasses).toEqual(['public', 'official', 'operational', 'commercially-sensitive']);
      expect(m.evidence.map((f) => f.family).sort()).toEqual(['financial', 'quality']);
      expect(m.body).toContain('Credit score in warning area (12)');
      expect(m.financialConcernNotice).toBeNull();
    }
  });

  it('sends only the documented fields of an escalation message', () => {
    // Prepare
    const messages = [...regional().messages, ...national().messages];

    // Act
    const parsed = messages.map((m) => EscalationMessage.safeParse(JSON.parse(JSON.stringify(m))));

    // Assess
    expect(messages.length).toBe(10); // 4 regional (ADASS, two hosts, a placing council) and 6 national
    expect(parsed.map((p) => p.success)).toEqual(messages.map(() => true));
    expect(parsed.map((p) => p.data)).toEqual(messages);
    expect(EscalationMessage.safeParse({ ...messages[0], residentName: 'anyone' }).success).toBe(false);
    expect(EscalationMessage.safeParse({ ...messages[0], subject: { ...messages[0]!.subject, managerName: 'anyone' } }).success).toBe(false);
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
